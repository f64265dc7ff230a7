"""Step / Train N / Continue / Reset do what they say; divergence is shown as what it is."""

from __future__ import annotations

from sim.config import DEFAULT
from tests.app.helpers import (
    PLAYGROUND,
    diverged_playground,
    lab_of,
    make_app,
    no_exception,
    texts,
)
from ui.playground.lab import Burst, Lab


def charts(at) -> int:
    return len(at.get("vega_lite_chart"))


def test_step_trains_one_step():
    at = make_app(PLAYGROUND)
    at.button(key="step").click().run()
    no_exception(at)
    assert lab_of(at).sim.step == 1
    at.button(key="step").click().run()
    assert lab_of(at).sim.step == 2


def test_train_n_trains_the_chosen_size_and_draws_every_chart():
    at = make_app(PLAYGROUND)
    before = charts(at)
    at.selectbox(key="pg_burst").set_value(50).run()
    assert at.button(key="train").label.endswith("50") or "50" in at.button(key="train").label
    at.button(key="train").click().run()
    no_exception(at)
    sim = lab_of(at).sim
    assert sim.step == 50
    assert before >= 4 and charts(at) >= 9
    assert sim.history["step"].max() == 50
    assert at.metric[0].value == "50"


def test_continue_runs_another_burst_of_the_same_size():
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_burst").set_value(10).run()
    at.button(key="train").click().run()
    at.button(key="continue").click().run()
    assert lab_of(at).sim.step == 20


def test_reset_starts_a_fresh_network_with_the_same_config():
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_burst").set_value(10).run()
    at.button(key="train").click().run()
    lab = lab_of(at)
    old, cfg = lab.sim, lab.cfg
    at.button(key="reset").click().run()
    no_exception(at)
    lab = lab_of(at)
    assert lab.sim is not old and lab.sim.step == 0 and lab.cfg == cfg
    assert "Reset" in texts(at)


def test_same_seed_same_numbers_after_reset():
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_burst").set_value(10).run()
    at.button(key="train").click().run()
    first = lab_of(at).sim.history.copy()
    at.button(key="reset").click().run()
    at.button(key="train").click().run()
    again = lab_of(at).sim.history
    assert first["value"].tolist() == again["value"].tolist()


def test_divergence_is_named_and_charts_still_render():
    at = diverged_playground()
    sim = lab_of(at).sim
    d = sim.divergence
    error = " ".join(e.value for e in at.error)
    assert f"step {d.diverged_step}" in error and f"layer {d.diverged_layer}" in error
    assert charts(at) >= 9
    assert at.button(key="train").disabled  # nothing more to train until a change or reset


def test_lower_lr_after_divergence_applies_in_place_and_trains_again():
    at = make_app(PLAYGROUND, query={"preset": "relu_exploding_init"})
    at.button(key="train").click().run()
    sim = lab_of(at).sim
    at.select_slider(key="pg_lr").set_value(1e-4).run()
    assert lab_of(at).sim is sim and not sim.diverged
    assert not at.button(key="train").disabled


def test_interrupted_burst_leaves_the_rest_for_continue():
    """What a rerun that interrupts a burst leaves behind (Lab only: AppTest cannot interrupt)."""
    lab = Lab(DEFAULT)
    sim = lab.ensure_sim()
    lab.begin_burst(100)
    sim.burst(30)  # as if a rerun stopped it after 30 steps
    assert lab.remaining() == 70 and lab.continue_size(200) == 70
    lab.end_burst(sim.burst(70))
    assert lab.remaining() == 0 and lab.continue_size(200) == 100
    assert isinstance(lab.burst, Burst) and not lab.burst.running


def test_export_history_csv_and_config_json():
    import json

    from sim.codec import from_json
    from ui.playground.panels import history_download

    at = make_app(PLAYGROUND, query={"depth": "4"})
    at.selectbox(key="pg_burst").set_value(10).run()
    at.button(key="train").click().run()
    lab = lab_of(at)
    csv = history_download(lab.sim)[1]()
    assert csv.splitlines()[0] == "step,layer,metric,value"
    assert len(csv.splitlines()) == len(lab.sim.history) + 1
    buttons = {b.proto.label for b in at.get("download_button")}
    assert {"History (CSV)", "Settings (JSON)"} <= buttons
    cfg, problems = from_json(json.dumps(lab.cfg.to_dict()))
    assert cfg == lab.cfg and not problems


def test_device_and_speed_are_shown():
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_burst").set_value(50).run()
    at.button(key="train").click().run()
    assert any("Device: cpu" in c.value for c in at.caption)
    assert at.metric[3].value.endswith("steps/s")
