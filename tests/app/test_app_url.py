"""The URL holds the experiment: a link rebuilds it, a bad value falls back with a notice."""

from __future__ import annotations

from sim.codec import to_query
from sim.config import DEFAULT, FIELDS
from sim.presets import PRESETS
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception


def notice(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_url_in_config_out():
    cfg = DEFAULT.replace(depth=9, activation="tanh", lr=0.02, seed=11, residual=True)
    at = make_app(PLAYGROUND, query=to_query(cfg))
    no_exception(at)
    lab = lab_of(at)
    assert lab.cfg == cfg and lab.sim.cfg == cfg
    assert at.slider(key="pg_depth").value == 9
    assert at.selectbox(key="pg_activation").value == "tanh"
    assert at.select_slider(key="pg_lr").value == 0.02
    assert not notice(at)


def test_config_out_in_the_url_every_field_and_lang():
    at = make_app(PLAYGROUND)
    at.slider(key="pg_depth").set_value(8).run()
    query = at.query_params
    assert set(FIELDS) | {"lang"} <= set(query)
    assert query["depth"] in ("8", ["8"]) and query["lang"] in ("en", ["en"])


def test_same_link_same_numbers():
    cfg = DEFAULT.replace(depth=4, seed=5)
    runs = []
    for _ in range(2):
        at = make_app(PLAYGROUND, query=to_query(cfg))
        at.selectbox(key="pg_burst").set_value(10).run()
        at.button(key="train").click().run()
        runs.append(lab_of(at).sim.history["value"].tolist())
    assert runs[0] == runs[1]


def test_bad_values_fall_back_and_are_named():
    at = make_app(
        PLAYGROUND,
        query={"depth": "9000", "activation": "swishy", "lr": "fast", "width": "16", "lang": "xx"},
    )
    no_exception(at)
    lab = lab_of(at)
    assert lab.cfg.depth == DEFAULT.depth and lab.cfg.activation == DEFAULT.activation
    assert lab.cfg.lr == DEFAULT.lr and lab.cfg.width == 16
    words = notice(at)
    for shown in ("9000", "swishy", "fast", "xx", "Hidden layers", "Activation", "Learning rate"):
        assert shown in words, (shown, words)
    assert at.title[0].value == "Playground"  # bad lang -> the default language


def test_over_budget_link_falls_back_with_a_notice():
    at = make_app(PLAYGROUND, query={"depth": "64", "width": "512", "batch_size": "4000"})
    no_exception(at)
    assert "Too much compute" in notice(at)
    assert lab_of(at).sim is not None


def test_preset_param_loads_the_preset_and_its_burst_size():
    at = make_app(PLAYGROUND, query={"preset": "sigmoid_vanishing"})
    no_exception(at)
    preset = PRESETS["sigmoid_vanishing"]
    assert lab_of(at).cfg == preset.cfg
    assert at.selectbox(key="pg_burst").value == preset.steps
    assert at.selectbox(key="pg_preset").value == "sigmoid_vanishing"
    assert "preset" not in at.query_params and at.query_params["depth"] in ("10", ["10"])


def test_unknown_preset_is_named():
    at = make_app(PLAYGROUND, query={"preset": "nope"})
    no_exception(at)
    assert "nope" in notice(at) and lab_of(at).cfg == DEFAULT


def test_preset_picker_loads_a_preset():
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_preset").set_value("relu_he").run()
    no_exception(at)
    assert lab_of(at).cfg == PRESETS["relu_he"].cfg
    assert at.slider(key="pg_depth").value == 20
