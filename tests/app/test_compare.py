"""Compare screen (AppTest): every control, the URL, training together, and its pure charts."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from sim.analysis import compare
from sim.analysis.compare import FACTORS, Comparison, vary
from sim.config import DEFAULT, RunConfig, step_cost
from sim.device import CPU_THREADS_MIN_COST, cpu_threads
from sim.presets import PRESETS
from sim.slots import SLOTS
from tests.app.helpers import make_app, no_exception, query_of, texts
from ui.charts.compare import accuracy_overlay, grad_by_layer, loss_overlay
from ui.charts.heatmap import heatmaps
from ui.charts.spec import as_json
from ui.charts.sweep import sweep_chart
from ui.common.i18n import LANGS, text

PAGE = "app_pages/compare.py"
SMALL = RunConfig(n_samples=200, depth=3, width=16, batch_size=32)


def lab_of(at):
    return at.session_state["compare_lab"]


@pytest.mark.parametrize("lang", LANGS)
def test_page_runs_untrained_with_the_sweep(lang):
    at = make_app(PAGE, query={"lang": lang})
    no_exception(at)
    assert at.title[0].value == text(lang, "compare.title")
    assert text(lang, "compare.nothing_yet") in texts(at)
    assert len(at.get("vega_lite_chart")) == 2  # the depth sweep's two charts
    lab = lab_of(at)
    assert len(lab.cfgs) == 2 and lab.cfgs[0] == DEFAULT


@pytest.mark.parametrize("factor", list(FACTORS))
def test_each_vary_button_varies_one_factor_and_writes_the_url(factor):
    at = make_app(PAGE)
    at.button(key=f"cmp_vary_{factor}").click().run()
    no_exception(at)
    cfgs = lab_of(at).cfgs
    assert cfgs == vary(DEFAULT, factor)
    decoded, problems = compare.from_query(query_of(at))
    assert decoded == cfgs and problems == []


def test_vary_starts_from_the_playground_config():
    at = make_app("app_pages/playground.py", query=compare.codec.to_query(SMALL))
    at.switch_page(PAGE).run()
    at.button(key="cmp_vary_optimizer").click().run()
    assert lab_of(at).cfgs[0] == SMALL


def test_presets_become_runs_sharing_the_first_ones_data():
    at = make_app(PAGE)
    at.button(key="cmp_load_presets").click().run()  # nothing chosen: says so
    assert text("en", "compare.pick_presets") in " ".join(w.value for w in at.warning)
    names = ["sigmoid_vanishing", "sigmoid_batchnorm", "sigmoid_dropout"]
    at.multiselect(key="cmp_presets").set_value(names).run()
    at.button(key="cmp_load_presets").click().run()
    no_exception(at)
    assert lab_of(at).cfgs == compare.align([PRESETS[n].cfg for n in names])
    shown = texts(at)
    assert text("en", "playground.preset_sigmoid_batchnorm") in shown


def test_train_all_then_reset():
    at = make_app(PAGE, query=compare.to_query(vary(SMALL, "activation", 3)))
    at.selectbox(key="cmp_burst").set_value(10).run()
    at.button(key="cmp_train").click().run()
    no_exception(at)
    lab = lab_of(at)
    assert [s.step for s in lab.comparison.sims] == [10, 10, 10]
    assert len(at.get("vega_lite_chart")) == 2 + 4  # loss, accuracy, gradients, heatmaps
    opens = text("en", "compare.open_in_playground")  # the menu links the Playground too
    links = [link for link in at.get("page_link") if link.label == opens]
    assert len(links) == 3 and all("playground" in link.proto.page for link in links)
    at.button(key="cmp_reset").click().run()
    assert lab_of(at).step == 0 and lab_of(at).comparison is None


def slot_threads(monkeypatch) -> list:
    """The torch threads each training slot taken from here on was asked for."""
    asked = []
    real = SLOTS.hold

    def hold(*args, **kwargs):
        asked.append(kwargs.get("threads"))
        return real(*args, **kwargs)

    monkeypatch.setattr(SLOTS, "hold", hold)
    return asked


@pytest.mark.parametrize("width", [16, 512])
def test_a_burst_takes_the_threads_its_largest_network_is_worth(monkeypatch, width):
    runs = [SMALL, replace(SMALL, width=width)]
    at = make_app(PAGE, query=compare.to_query(runs))
    at.selectbox(key="cmp_burst").set_value(10).run()
    asked = slot_threads(monkeypatch)
    at.button(key="cmp_train").click().run()
    no_exception(at)
    assert [s.step for s in lab_of(at).comparison.sims] == [10, 10]
    # small networks: one thread each (two bursts side by side on two cores); a wide one: all
    assert asked == [1 if width == 16 else cpu_threads(step_cost(runs[1]))]
    assert step_cost(runs[1]) >= CPU_THREADS_MIN_COST or width == 16


def test_a_link_rebuilds_the_runs_and_a_bad_one_is_named():
    runs = vary(SMALL, "norm")
    at = make_app(PAGE, query=compare.to_query(runs))
    assert lab_of(at).cfgs == runs
    bad = make_app(PAGE, query={"depth": "3", "runs": "7", "r2_activation": "wobbly"})
    no_exception(bad)
    words = " ".join(w.value for w in bad.warning)
    assert "wobbly" in words and "7" in words
    assert len(lab_of(bad).cfgs) == 2


def test_a_link_naming_only_fields_still_compares_the_default_factor():
    at = make_app(PAGE, query={"depth": "10"})  # no `runs`, no `r2_` key
    no_exception(at)
    first = DEFAULT.replace(depth=10)
    assert lab_of(at).cfgs == vary(first, "activation", 2)
    assert lab_of(at).cfgs[0] != lab_of(at).cfgs[1]
    query = query_of(at)
    assert query["runs"] == "2" and query["r2_activation"] == lab_of(at).cfgs[1].activation
    assert not at.warning


@pytest.mark.parametrize("lang", LANGS)
def test_a_link_to_runs_too_big_together_keeps_those_that_fit_and_says_why(lang):
    query = {"depth": "48", "width": "384", "batch_size": "32", "runs": "3", "lang": lang}
    query |= {"r2_activation": "tanh", "r3_activation": "gelu"}
    at = make_app(PAGE, query=query)
    no_exception(at)
    assert len(lab_of(at).cfgs) == 2
    limit = f"{compare.COMPARE_MEMORY_BUDGET / 2**20:.0f} MB"
    assert any(limit in w.value for w in at.warning), [w.value for w in at.warning]


def test_sweep_controls():
    at = make_app(PAGE)
    at.multiselect(key="cmp_sweep_acts").set_value(["tanh", "gelu"])
    at.multiselect(key="cmp_sweep_inits").set_value(["default"])
    at.button(key="FormSubmitter:cmp_sweep_form-Run sweep").click().run()
    no_exception(at)
    assert at.session_state["cmp_sweep_request"] == (("tanh", "gelu"), ("default",), 0)
    at.segmented_control(key="cmp_sweep_q").set_value("signal_ratio").run()
    no_exception(at)
    at.multiselect(key="cmp_sweep_acts").set_value([])
    at.button(key="FormSubmitter:cmp_sweep_form-Run sweep").click().run()
    assert text("en", "compare.sweep_empty") in texts(at)


def test_sweep_after_training_draws_both_moments():
    at = make_app(PAGE)
    at.multiselect(key="cmp_sweep_acts").set_value(["relu"])
    at.selectbox(key="cmp_sweep_steps").set_value(50)
    at.button(key="FormSubmitter:cmp_sweep_form-Run sweep").click().run()
    no_exception(at)
    spec = at.get("vega_lite_chart")[-2].proto.spec
    assert text("en", "compare.when_after", n=50) in spec
    assert text("en", "compare.when_init") in spec


# ---------------------------------------------------------------------------------------------
# Pure charts


def tr(key: str) -> str:
    return text("en", key)


@pytest.fixture(scope="module")
def trained() -> pd.DataFrame:
    comparison = Comparison(vary(SMALL, "activation", 3))
    comparison.burst(30)
    return comparison.frame()


LABELS = ["1 · a", "2 · b", "3 · c"]


def test_heatmaps_share_one_colour_scale(trained):
    spec = as_json(heatmaps(trained, LABELS, tr))
    color = spec["spec"]["encoding"]["color"]
    assert color["condition"]["test"] == "datum.underflow"  # zeros drawn apart, not on the scale
    assert "facet" in spec and spec["facet"]["column"]["field"] == "run_label"
    domain = color["scale"]["domain"]
    assert len(domain) == 2 and domain[0] < domain[1]
    assert spec.get("resolve", {}).get("scale", {}).get("color") != "independent"


def test_overlays_and_gradients_draw_every_run(trained):
    for chart in (loss_overlay, accuracy_overlay, grad_by_layer):
        spec = as_json(chart(trained, LABELS, tr))
        data = next(iter(spec["datasets"].values()))
        assert {row["run_no"] for row in data} == {"1", "2", "3"}


def test_charts_on_nothing_are_placeholders():
    empty = pd.DataFrame(columns=["run", "step", "layer", "metric", "value"])
    for chart in (loss_overlay, grad_by_layer, heatmaps):
        assert "no_data" not in str(as_json(chart(empty, LABELS, tr)))
    assert as_json(sweep_chart(pd.DataFrame(), "ratio", tr))["mark"]["type"] == "text"


def test_legends_name_each_run_by_what_differs(trained):
    from ui.compare.panels import run_labels

    en = lambda key, **p: text("en", key, **p)  # noqa: E731
    labels = run_labels(vary(DEFAULT, "activation", 3), en)
    assert labels == ["1 · Activation: ReLU", "2 · Activation: Sigmoid", "3 · Activation: Tanh"]
    two = run_labels([DEFAULT, DEFAULT.replace(depth=12)], en)
    assert two[0].endswith(": 6") and two[1].endswith(": 12")
    for chart in (loss_overlay, accuracy_overlay, grad_by_layer):
        spec = as_json(chart(trained, labels, tr))
        color = next(c for c in _colors(spec))
        assert color["field"] == "run_label" and color["scale"]["domain"] == labels
        assert color["legend"]["labelLimit"] == 0  # never cut
        assert spec["height"] > 260  # a second legend row adds its height, the plot keeps its own


def _colors(spec: dict):
    for v in [spec, *spec.get("layer", [])]:
        if "color" in v.get("encoding", {}):
            yield v["encoding"]["color"]


def test_the_sweep_legend_names_all_nine_networks_and_keeps_the_line_style_key():
    labels = [
        f"{a} · {i}" for a in ("Sigmoid", "Tanh", "ReLU") for i in ("He", "Xavier", "PyTorch")
    ]
    rows = [
        {"label": lab, "when": when, "depth": d, "ratio": 0.1}
        for lab in labels
        for when in ("init", "after 50")
        for d in (2, 4)
    ]
    spec = as_json(sweep_chart(pd.DataFrame(rows), "ratio", tr))
    enc = spec["layer"][0]["encoding"]
    legend = enc["color"]["legend"]
    assert legend["orient"] in ("bottom", "top") and legend["labelLimit"] == 0
    assert legend["columns"] == 1  # one a row: nothing dropped or cut, even 390 px wide
    assert enc["strokeDash"]["legend"] is not None  # the line-style key stays
    assert spec["height"] >= 260 + len(labels) * 18  # each row adds its height


def test_every_compare_chart_has_its_numbers_as_a_table(trained):
    from ui.charts.spec import table_of

    for chart in (loss_overlay, accuracy_overlay, grad_by_layer):
        frame = table_of(chart(trained, LABELS, tr))
        assert len(frame) and tr("compare.run") in frame.columns
        assert set(frame[tr("compare.run")]) == set(LABELS)
    sweep = pd.DataFrame(
        {"label": ["a"] * 2, "when": ["init", "after"], "depth": [2, 2], "ratio": [0.1, 0.2]}
    )
    table = table_of(sweep_chart(sweep, "ratio", tr))
    assert list(table[tr("compare.sweep_steps")]) == ["init", "after"]
    at = make_app(PAGE)
    at.button(key="cmp_train").click().run()
    no_exception(at)
    assert len(at.expander) >= 5 and len(at.dataframe) >= 5  # 3 run charts + 2 sweep charts


# ---------------------------------------------------------------------------------------------
# Recurrent runs: the three cells from the Through time screen's link


TIME_PAGE = "app_pages/through_time.py"
SHORT_TIME = {"seq_len": "12", "width": "8", "n_samples": "200"}  # cheap cells for the clicks


def three_cells_link(lang: str) -> dict[str, str]:
    """The query of the Through time screen's link to Compare, as that page draws it."""
    from urllib.parse import parse_qsl

    at = make_app(TIME_PAGE, query={"lang": lang, **SHORT_TIME})
    links = [link for link in at.get("page_link") if "compare" in link.proto.page]
    return dict(parse_qsl(links[0].proto.query_string))


def chart_data(chart) -> dict[str, pd.DataFrame]:
    import pyarrow as pa

    return {
        d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets
    }


def titled_charts(at, key: str, lang: str) -> list:
    want = text(lang, key)
    out = []
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec).get("title", {}).get("text", "")
        title = " ".join(title) if isinstance(title, list) else title
        if title.startswith(want):
            out.append(chart)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_the_three_cells_train_on_the_same_sequences_one_line_each(lang):
    from sim.sequences import SEQ_TASKS

    at = make_app(PAGE, query=three_cells_link(lang))
    no_exception(at)
    cfgs = lab_of(at).cfgs
    assert [c.arch for c in cfgs] == ["rnn", "lstm", "gru"]
    first = cfgs[0]
    said = text(lang, "compare.same_sequences", n=first.n_samples, seq_len=first.seq_len,
                task=text(lang, "config.seq_task_adding"), seed=first.seed)  # fmt: skip
    assert said in texts(at)
    at.selectbox(key="cmp_burst").set_value(10).run()
    at.button(key="cmp_train").click().run()
    no_exception(at)
    sims = lab_of(at).comparison.sims
    assert [s.step for s in sims] == [10, 10, 10]
    assert all(torch_equal(s.train_x, sims[0].train_x) for s in sims[1:])  # the same sequences
    names = [text(lang, f"config.arch_{a}") for a in ("rnn", "lstm", "gru")]
    (signal,) = titled_charts(at, "time.signal_title", lang)
    curves = chart_data(signal)["curves"]
    assert sorted(set(curves["run_label"])) == sorted(f"{i} · {n}" for i, n in enumerate(names, 1))
    assert (curves.groupby("run_label")["layer"].nunique() == first.seq_len).all()  # t = 1..T
    (loss,) = titled_charts(at, "compare.loss_title", lang)
    chance = chart_data(loss)["chance"]["value"]
    assert list(chance) == [pytest.approx(SEQ_TASKS["adding"].chance_loss)]
    heatmaps = [c for c in at.get("vega_lite_chart") if "t_lo" in c.proto.spec]  # time steps
    assert len(heatmaps) == 3  # one a run, titled by its name
    titles = {json.loads(h.proto.spec)["title"]["text"] for h in heatmaps}
    assert titles == set(curves["run_label"])
    grads = titled_charts(at, "compare.grad_title", lang) + titled_charts(
        at, "compare.heatmap_title", lang
    )
    assert not grads  # per-layer charts: a recurrent network's weight matrices are no layers
    opens = [
        link for link in at.get("page_link") if link.label == text(lang, "compare.open_in_time")
    ]
    assert len(opens) == 3 and all("through_time" in link.proto.page for link in opens)


def torch_equal(a, b) -> bool:
    import torch

    return bool(torch.equal(a, b))


@pytest.mark.parametrize("lang", LANGS)
def test_an_mlp_among_the_cells_is_left_out_with_a_notice(lang):
    query = three_cells_link(lang) | {"r3_arch": "mlp"}
    at = make_app(PAGE, query=query)
    no_exception(at)
    assert [c.arch for c in lab_of(at).cfgs] == ["rnn", "lstm"]
    notice = " ".join(w.value for w in at.warning)
    assert text(lang, "config.problem_mixed_recurrent", runs="3") in notice
    mlp_first = compare.to_query([SMALL, SMALL.replace(activation="tanh")])
    at = make_app(PAGE, query=mlp_first | {"r2_arch": "gru", "lang": lang})
    no_exception(at)
    assert [c.arch for c in lab_of(at).cfgs] == ["mlp"]
    assert text(lang, "config.problem_mixed_mlp", runs="2") in " ".join(w.value for w in at.warning)


def test_recurrent_legends_name_the_cell_alone():
    from ui.compare.panels import run_labels
    from ui.through_time.cells import three_cells
    from ui.through_time.presets import START

    en = lambda key, **p: text("en", key, **p)  # noqa: E731
    assert run_labels(three_cells(START), en) == ["1 · Vanilla RNN", "2 · LSTM", "3 · GRU"]
    lstm = START.replace(arch="lstm")
    two = run_labels([lstm, lstm.replace(forget_bias="chrono")], en)
    assert two[1].startswith("2 · ") and text("en", "config.forget_bias_chrono") in two[1]


@pytest.fixture(scope="module")
def cells() -> tuple[pd.DataFrame, list[RunConfig]]:
    from ui.through_time.cells import three_cells
    from ui.through_time.presets import START

    cfgs = three_cells(START.replace(seq_len=10, width=8, n_samples=120, batch_size=16))
    comparison = Comparison(cfgs)
    comparison.burst(12)
    return comparison.frame(), comparison.cfgs


def strict(chart: dict) -> dict:
    """The spec as strict JSON (no NaN), checked against the Vega-Lite schema on a few rows."""
    from altair.vegalite.v6.schema.core import TopLevelSpec

    spec = json.loads(json.dumps(as_json(chart), allow_nan=False))
    head = {name: rows[:3] for name, rows in spec.get("datasets", {}).items()}
    TopLevelSpec.validate({**spec, "datasets": head})
    return spec


def test_recurrent_charts_draw_each_run_through_time(cells):
    from sim.sequences import SEQ_TASKS
    from ui.charts.compare_time import loss_by_run, run_heatmap, signal_by_run

    frame, cfgs = cells
    signal = strict(signal_by_run(frame, LABELS, tr))
    rows = pd.DataFrame(signal["datasets"]["curves"])
    assert sorted(set(rows["run_label"])) == LABELS
    assert (rows.groupby("run")["step"].nunique() == 1).all()  # each run's latest step only
    assert set(rows["layer"]) == set(range(1, cfgs[0].seq_len + 1))
    assert signal["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    chance = SEQ_TASKS[cfgs[0].seq_task].chance_loss
    loss = strict(loss_by_run(frame, LABELS, tr, chance))
    assert loss["datasets"]["chance"][0]["value"] == pytest.approx(chance)
    lo, hi = loss["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert lo <= chance <= hi  # the chance line is on the axis, even when every run is below it
    assert {r["run_no"] for r in loss["datasets"]["runs"]} == {"1", "2", "3"}
    for run in range(3):
        heatmap = strict(run_heatmap(frame, run, LABELS[run], tr))
        assert heatmap["title"]["text"] == LABELS[run]  # named by its run
        cells_ = pd.DataFrame(heatmap["datasets"]["cells"])
        ours = frame[(frame["run"] == run) & (frame["metric"] == "time_signal")]
        assert set(cells_["step"]) == set(ours["step"])


def test_recurrent_charts_on_nothing_are_placeholders():
    from ui.charts.compare_time import loss_by_run, run_heatmap, signal_by_run

    empty = pd.DataFrame(columns=["run", "step", "layer", "metric", "value"])
    for spec in (signal_by_run(empty, LABELS, tr), loss_by_run(empty, LABELS, tr, 1 / 6)):
        assert spec["mark"]["type"] == "text"
    assert run_heatmap(empty, 0, LABELS[0], tr)["mark"]["type"] == "text"
