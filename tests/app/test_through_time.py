"""The Through time screen: both languages, a burst whose charts carry the history's numbers,
bad links, a diverged run, the three cells opened in Compare, and its charts' specs."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from altair.vegalite.v6.schema.core import TopLevelSpec
from hypothesis import given
from hypothesis import strategies as st

from sim.sequences import SEQ_TASKS
from sim.train.simulation import Simulation
from tests.app.helpers import make_app, no_exception, query_of, texts
from ui.charts.base import num
from ui.charts.spec import as_json
from ui.charts.time_gates import gate_chart
from ui.charts.time_loss import chance_loss_chart
from ui.charts.time_signal import signal_chart, theory_rows, time_heatmap_chart
from ui.common.i18n import LANGS, text, translator
from ui.through_time.board import theory_factor
from ui.through_time.cells import three_cells
from ui.through_time.presets import PRESET_KEY, PRESETS, START, label
from ui.through_time.state import TABLE, config_of

PAGE = "app_pages/through_time.py"
COMPARE = "app_pages/compare.py"
SHORT = {"seq_len": "12", "width": "8", "n_samples": "200"}  # a cheap network for the clicks
tr = translator("en")


def lab_of(at):
    return at.session_state["time_lab"]


def drawn(chart) -> dict:
    """A chart element's spec with its datasets (sent as Arrow tables) as DataFrames."""
    spec = json.loads(chart.proto.spec)
    spec["datasets"] = {
        d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets
    }
    return spec


def titled(at, key: str) -> dict:
    """The chart on the page whose title starts with the catalog text of `key`."""
    want = text("en", key)
    for chart in at.get("vega_lite_chart"):
        spec = drawn(chart)
        title = spec.get("title", {}).get("text", "")
        title = " ".join(title) if isinstance(title, list) else title
        if title.startswith(want[:20]):
            return spec
    raise AssertionError(f"no chart titled {want!r}")


def valid(chart: dict) -> dict:
    """The spec as strict JSON (no NaN), checked against the Vega-Lite schema on a few rows."""
    spec = json.loads(json.dumps(as_json(chart), allow_nan=False))
    head = {name: rows[:3] for name, rows in spec.get("datasets", {}).items()}
    TopLevelSpec.validate({**spec, "datasets": head})
    return spec


# ---------------------------------------------------------------------------------------------
# The page


@pytest.mark.parametrize("lang", LANGS)
def test_page_runs_in_both_languages_on_a_vanilla_tanh_rnn(lang):
    at = make_app(PAGE, query={"lang": lang})
    no_exception(at)
    assert at.title[0].value == text(lang, "time.title")
    assert text(lang, "time.intro")[:20] in texts(at)
    cfg = lab_of(at).cfg
    assert (cfg.arch, cfg.activation, cfg.seq_task, cfg.seq_len) == ("rnn", "tanh", "adding", 50)
    query = query_of(at)
    for field in ("arch", "activation", "seq_task", "seq_len", "rec_init", "forget_bias", "tbptt"):
        assert field in query, field
    assert text(lang, "common.engine_error").split("(")[0] not in texts(at)


def test_a_burst_draws_the_history_numbers():
    at = make_app(PAGE, query={"lang": "en", **SHORT})
    at.button(key="train").click().run()
    no_exception(at)
    sim = lab_of(at).sim
    assert sim.step > 0
    history = sim.history
    signal = history[history["metric"] == "time_signal"]
    latest = signal[signal["step"] == signal["step"].max()].sort_values("layer")

    across = titled(at, "time.signal_title")
    rows = across["datasets"]["curves"]
    measured = rows[rows["series"] == text("en", "time.measured")].sort_values("layer")
    assert list(measured["layer"]) == list(range(1, 13))
    np.testing.assert_allclose(measured["value"], latest["value"], rtol=1e-6)

    heat = titled(at, "time.heatmap_title")["datasets"]["cells"]
    assert set(heat["layer"]) == set(range(1, 13))
    first = signal[signal["step"] == signal["step"].min()].sort_values("layer")
    cells = heat[heat["step"] == first["step"].iloc[0]].sort_values("layer")
    np.testing.assert_allclose(cells["value"], first["value"], rtol=1e-6)

    loss = titled(at, "charts.loss_title")
    chance = loss["datasets"]["chance"]["value"].iloc[0]
    assert chance == pytest.approx(SEQ_TASKS["adding"].chance_loss)

    said = [c.value for c in at.caption]  # under each chart, what it shows now
    first, last = latest["value"].iloc[0], latest["value"].iloc[-1]
    words = text("en", "time.now_signal", first=num(first), last=num(last), count=12,
                 ratio=num(first / last))  # fmt: skip
    assert words in said
    assert any(num(SEQ_TASKS["adding"].chance_loss, 3) in c for c in said)  # the loss's


def test_a_gated_cell_shows_its_gate_chart_and_compare_gets_the_three_cells():
    at = make_app(PAGE, query={"lang": "en", **SHORT, "arch": "lstm", "forget_bias": "one"})
    at.button(key="step").click().run()
    no_exception(at)
    gates = titled(at, "time.gate_title_lstm")["datasets"]["gates"]
    assert set(gates["series"]) == {text("en", "time.gate_lstm"), text("en", "time.gate_saturated")}
    forget = gates[gates["series"] == text("en", "time.gate_lstm")]
    assert ((forget["value"] > 0) & (forget["value"] < 1)).all()

    links = [link for link in at.get("page_link") if "compare" in link.proto.page]
    assert links, "a link opens Compare"
    query = dict(parse_qsl(links[0].proto.query_string))
    assert query["runs"] == "3" and query["arch"] == "rnn"
    assert {query["r2_arch"], query["r3_arch"]} == {"lstm", "gru"}
    compare = make_app(COMPARE, query=query)
    no_exception(compare)
    cfgs = compare.session_state["compare_lab"].cfgs
    assert [c.arch for c in cfgs] == ["rnn", "lstm", "gru"]
    assert len({(c.seed, c.seq_task, c.seq_len, c.n_samples) for c in cfgs}) == 1


def test_bad_link_values_get_a_notice_and_keep_the_screen_default():
    query = {"lang": "en", "arch": "mlp", "seq_len": "999", "rec_init": "nope", "tbptt": "-3"}
    at = make_app(PAGE, query=query)
    no_exception(at)
    notice = " ".join(w.value for w in at.warning)
    for field in ("arch", "seq_len", "rec_init", "tbptt"):
        assert text("en", f"config.field_{field}") in notice, field
    cfg = lab_of(at).cfg
    assert (cfg.arch, cfg.seq_len, cfg.rec_init, cfg.tbptt) == ("rnn", 50, "default", 0)


def test_a_vanilla_rnn_with_an_activation_it_does_not_take_is_worded():
    at = make_app(PAGE, query={"lang": "zh", "arch": "rnn", "activation": "gelu"})
    no_exception(at)
    notice = " ".join(w.value for w in at.warning)
    assert text("zh", "config.problem_combination_activation").split("：")[1][:6] in notice
    assert lab_of(at).cfg.activation == "tanh"


def test_a_diverged_run_says_so_and_stops_training():
    query = {"lang": "en", **SHORT, "activation": "relu", "rec_init": "identity"}
    query.update(optimizer="sgd", lr="10", clip="none")
    at = make_app(PAGE, query=query)
    at.button(key="train").click().run()
    no_exception(at)
    sim = lab_of(at).sim
    assert sim.diverged
    step = text("en", "playground.metric_step_diverged", step=sim.divergence.diverged_step)
    assert step in [m.value for m in at.metric]
    assert at.button(key="train").disabled
    assert len(at.error) + len(at.warning) >= 1


# ---------------------------------------------------------------------------------------------
# The charts, from a real history


@pytest.fixture(scope="module")
def histories() -> dict[str, Simulation]:
    out = {}
    for arch in ("rnn", "gru"):
        sim = Simulation(START.replace(arch=arch, seq_len=20, width=8, n_samples=200))
        sim.burst(12)
        out[arch] = sim
    return out


def test_every_chart_is_valid_vega_lite(histories):
    for arch, sim in histories.items():
        h, cfg = sim.history, sim.cfg
        valid(time_heatmap_chart(h, tr))
        valid(signal_chart(h, tr, theory_factor(h, cfg), arch))
        valid(chance_loss_chart(h, tr, SEQ_TASKS[cfg.seq_task].chance_loss))
        gates = gate_chart(h, tr, arch)
        assert (gates is None) == (arch == "rnn")
        if gates is not None:
            valid(gates)
    empty = pd.DataFrame(columns=["step", "layer", "metric", "value"])
    for chart in (time_heatmap_chart(empty, tr), signal_chart(empty, tr)):
        assert chart["datasets"]["text"][0]["text"] == text("en", "charts.no_data")


def test_the_theory_line_is_rho_times_the_steepest_slope(histories):
    sim = histories["rnn"]
    h = sim.history
    radius = h[h["metric"] == "spectral_radius"]["value"].to_numpy()[-1]
    assert theory_factor(h, sim.cfg) == pytest.approx(radius * 1.0)  # tanh: max f' = 1
    assert theory_factor(h, sim.cfg.replace(activation="sigmoid")) == pytest.approx(radius / 4)
    assert theory_factor(h, sim.cfg.replace(arch="lstm")) is None
    signal = pd.DataFrame({"step": 5, "layer": [1, 2, 3], "value": [1.0, 1.0, 2.0]})
    line = theory_rows(signal, 0.5)
    assert list(line["value"]) == [0.5, 1.0, 2.0]  # from the last step back, x0.5 a step


def test_the_specs_stay_put_between_bursts_but_for_their_data(histories):
    sim = Simulation(START.replace(arch="gru", seq_len=10, width=8, n_samples=200))
    sim.burst(10)
    before = [time_heatmap_chart(sim.history, tr), gate_chart(sim.history, tr, "gru")]
    sim.burst(10)
    after = [time_heatmap_chart(sim.history, tr), gate_chart(sim.history, tr, "gru")]
    for a, b in zip(before, after, strict=True):
        assert {k: v for k, v in a.items() if k != "datasets"} == {
            k: v for k, v in b.items() if k != "datasets"
        }


def test_the_three_cells_differ_in_the_cell_alone():
    cells = three_cells(START.replace(activation="relu", rec_init="identity"))
    assert [c.arch for c in cells] == ["rnn", "lstm", "gru"]
    assert all(c.replace(arch="rnn") == cells[0] for c in cells)
    assert not math.isnan(SEQ_TASKS["adding"].chance_loss)


def test_every_preset_is_named_in_both_languages_and_the_box_loads_it():
    for lang in LANGS:
        for name in PRESETS:
            assert label(name, translator(lang)) != f"time.preset_{name}", (lang, name)
    at = make_app(PAGE, query={"lang": "en"})
    assert at.selectbox(key=PRESET_KEY).value == "rnn_tanh_adding"
    at.selectbox(key=PRESET_KEY).set_value("gru_adding").run()
    no_exception(at)
    assert lab_of(at).cfg == PRESETS["gru_adding"].cfg
    assert at.selectbox(key="tt_arch").value == "gru"
    assert query_of(at)["arch"] == "gru"


# ---------------------------------------------------------------------------------------------
# The URL table (any string for any key: tests/ui/test_urlstate.py, as for every screen)


@given(st.sampled_from([START, *(p.cfg for p in PRESETS.values())]))
def test_every_preset_round_trips_through_the_url(cfg):
    query = TABLE.query(cfg.to_dict())
    assert config_of(query) == (cfg, [])
    assert config_of({**query, "preset": "gru_adding"}) == (cfg, [])  # the fields win


def test_the_menu_link_carries_the_screens_whole_config():
    """The menu's link opens the screen with the URL it will show (ui.common.nav), so the page
    switch is one browser history entry."""
    at = make_app(None, query={"lang": "zh"})
    links = [link for link in at.get("page_link") if "through_time" in link.proto.page]
    assert links
    query = dict(parse_qsl(links[0].proto.query_string))
    assert query.pop("lang") == "zh"
    assert config_of(query) == (START, [])
