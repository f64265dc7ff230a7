"""ui.charts' Vega-Lite specs (plain dicts): each one valid against the Vega-Lite schema, marks,
log scales, row limits after thinning, every word from `tr`, no NaN or inf in the data sent;
on histories from real (tiny) simulations, an empty one and a diverged one. Then what every
screen shares: one placeholder, one heatmap colour scheme, one way to the page (Arrow)."""

from __future__ import annotations

import json
import math
import tomllib
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from altair.vegalite.v6.schema.core import TopLevelSpec

from sim.analysis import views
from sim.config import RunConfig
from sim.train.simulation import Simulation
from ui import charts
from ui.charts import CHART_KEYS, MAX_ROWS, thin
from ui.charts.base import SUBTITLE_WIDTH, wrap
from ui.charts.spec import SUBTITLE_LINE, TITLE_LINE, as_json

ROOT = Path(__file__).resolve().parents[2]
TINY = RunConfig(depth=3, width=8, n_samples=120, batch_size=32, device="cpu")
USED: set[str] = set()  # every key any chart asked for, over the whole module


def tr(key: str) -> str:
    USED.add(key)
    return f"«{key}»"


# ---------------------------------------------------------------------------------------------
# Simulations, trained once per module


def _run(cfg: RunConfig, steps: int) -> Simulation:
    sim = Simulation(cfg)
    sim.burst(steps)
    return sim


@pytest.fixture(scope="module")
def sims() -> dict[str, Simulation]:
    return {
        "relu": _run(TINY, 25),
        # 20 sigmoid layers, default init, SGD: the first layers' updates are exactly 0
        "sigmoid20": _run(
            TINY.replace(depth=20, activation="sigmoid", init="default", optimizer="sgd", lr=0.1),
            3,
        ),
        "sine": _run(TINY.replace(dataset="sine"), 15),
        "gaussians": _run(TINY.replace(dataset="gaussians"), 5),
        "diverged": _run(TINY.replace(depth=6, width=16, optimizer="sgd", lr=2.0), 60),
        "empty": Simulation(TINY),
    }


def long_history(sim: Simulation, copies: int) -> pd.DataFrame:
    """A real history repeated end to end with shifted steps: a long training, made quickly."""
    h = sim.history
    span = int(h["step"].max()) + 1
    parts = [h.assign(step=h["step"] + i * span) for i in range(copies)]
    return pd.concat(parts, ignore_index=True)


HISTORY_CHARTS = {
    "grad_norm": charts.grad_norm_chart,
    "heatmap": charts.grad_heatmap_chart,
    "loss": charts.loss_chart,
    "accuracy": charts.accuracy_chart,
    "activations": charts.activation_chart,
    "units": charts.unit_health_chart,
    "update_ratio": charts.update_ratio_chart,
}


def all_charts(sim: Simulation, history: pd.DataFrame | None = None) -> dict:
    history = sim.history if history is None else history
    out = {name: build(history, tr) for name, build in HISTORY_CHARTS.items()}
    out["decision"] = charts.decision_chart(views.decision_surface(sim), views.data_points(sim), tr)
    dist = views.distributions(sim)
    out["dist_gradient"] = charts.distributions_chart(dist, tr, "gradient")
    out["dist_activation"] = charts.distributions_chart(dist, tr, "activation")
    return out


# ---------------------------------------------------------------------------------------------
# Reading a spec


SCHEMA_ROWS = 3  # rows of each dataset the schema check reads (every row is checked below)


def spec_of(chart) -> dict:
    """The chart as pure JSON, checked against the Vega-Lite schema (what Altair's to_dict did
    at run time, done here instead): its structure, every encoding, mark and title, and the first
    rows of each dataset; every value of every row is checked by assert_clean_values."""
    assert isinstance(chart, dict), type(chart)
    spec = json.loads(json.dumps(as_json(chart), allow_nan=False))  # strict JSON: no NaN, inf
    head = {name: rows[:SCHEMA_ROWS] for name, rows in spec.get("datasets", {}).items()}
    TopLevelSpec.validate({**spec, "datasets": head})
    return spec


def views_of(spec: dict) -> list[dict]:
    """The spec and every view nested in it (layers)."""
    out = [spec]
    for child in spec.get("layer", []):
        out += views_of(child)
    return out


def marks(spec: dict) -> list[str]:
    found = []
    for v in views_of(spec):
        if "mark" in v:
            found.append(v["mark"] if isinstance(v["mark"], str) else v["mark"]["type"])
    return found


def encodings(spec: dict, channel: str) -> list[dict]:
    return [v["encoding"][channel] for v in views_of(spec) if channel in v.get("encoding", {})]


def datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def n_rows(spec: dict) -> int:
    return sum(len(d) for d in datasets(spec))


def dataset_with(spec: dict, column: str) -> list[dict]:
    for d in datasets(spec):
        if d and column in d[0]:
            return d
    raise AssertionError(f"no dataset has {column}")


def title_of(spec: dict) -> str:
    title = spec.get("title")
    return title["text"] if isinstance(title, dict) else title


def assert_clean_values(spec: dict) -> None:
    for data in datasets(spec):
        for row in data:
            for key, value in row.items():
                assert value is not None, key
                if isinstance(value, float):
                    assert math.isfinite(value), (key, value)


def is_placeholder(spec: dict) -> bool:
    return marks(spec) == ["text"] and dataset_with(spec, "text")[0]["text"] == tr("charts.no_data")


# ---------------------------------------------------------------------------------------------
# Every chart, every history


@pytest.mark.parametrize("name", ["relu", "sigmoid20", "sine", "gaussians", "diverged"])
def test_every_chart_builds_clean_bounded_specs(sims, name):
    for chart_name, chart in all_charts(sims[name]).items():
        if chart is None:
            assert chart_name == "accuracy" and name == "sine"  # regression has no accuracy
            continue
        spec = spec_of(chart)
        assert n_rows(spec) <= MAX_ROWS, chart_name
        assert_clean_values(spec)
        assert not is_placeholder(spec), chart_name
        assert title_of(spec).startswith("«charts."), chart_name


def test_empty_history_gives_placeholders(sims):
    sim = sims["empty"]
    assert sim.history.empty
    for name, build in HISTORY_CHARTS.items():
        assert is_placeholder(spec_of(build(sim.history, tr))), name
    assert is_placeholder(spec_of(charts.decision_chart(None, None, tr)))
    assert is_placeholder(spec_of(charts.distributions_chart(None, tr)))
    assert is_placeholder(spec_of(charts.distributions_chart(pd.DataFrame(), tr)))


def test_a_long_training_is_thinned_before_the_spec(sims):
    history = long_history(sims["relu"], 400)  # 10,000 steps
    assert len(history) > 15 * MAX_ROWS
    for name, build in HISTORY_CHARTS.items():
        spec = spec_of(build(history, tr))
        assert n_rows(spec) <= MAX_ROWS, name
        assert_clean_values(spec)


def test_a_deep_network_keeps_the_heatmap_small(sims):
    history = long_history(sims["sigmoid20"], 300)
    spec = spec_of(charts.grad_heatmap_chart(history, tr))
    cells = dataset_with(spec, "step_lo")
    assert len(cells) <= MAX_ROWS
    assert len({c["step"] for c in cells}) <= charts.heatmap.MAX_COLUMNS


# ---------------------------------------------------------------------------------------------
# a. gradient norm per layer


def test_grad_norm_bars_on_a_log_axis_with_bands_and_signal(sims):
    sim = sims["relu"]
    spec = spec_of(charts.grad_norm_chart(sim.history, tr))
    assert {"bar", "rect", "line", "text"} <= set(marks(spec))
    scales = [e["scale"].get("type") for e in encodings(spec, "y") if "scale" in e]
    assert set(scales) == {"log"}
    bars = dataset_with(spec, "layer_name")
    assert [r["layer"] for r in bars][: TINY.depth + 1] == list(range(1, TINY.depth + 2))
    bands = dataset_with(spec, "band")
    assert [b["band"] for b in bands] == [
        tr("charts.band_vanishing"),
        tr("charts.band_healthy"),
        tr("charts.band_exploding"),
    ]
    # cut where the diagnosis judges: the backward signal at the last hidden layer, not the
    # output layer's weight gradient
    hist = sim.history
    last = hist[(hist["metric"] == "signal_norm") & (hist["layer"] == TINY.depth)]
    out = float(last.loc[last["step"] == last["step"].max(), "value"].iloc[0])
    grad_out = next(r["value"] for r in bars if r["layer"] == TINY.depth + 1)
    assert not math.isclose(out, grad_out, rel_tol=1e-3)
    assert math.isclose(bands[0]["y2"], out * 1e-2, rel_tol=1e-6)
    assert math.isclose(bands[1]["y2"], out * 1e2, rel_tol=1e-6)
    x = encodings(spec, "x")[0]
    assert x["axis"]["title"] == tr("charts.layer")
    assert tr("charts.output") in x["axis"]["labelExpr"]


def test_a_zero_gradient_sits_on_the_floor_marked(sims):
    h = sims["relu"].history.copy()
    last = h["step"].max()
    zero = (h["metric"] == "grad_norm") & (h["layer"] == 1) & (h["step"] == last)
    h.loc[zero, "value"] = 0.0
    spec = spec_of(charts.grad_norm_chart(h, tr))
    bars = [r for r in dataset_with(spec, "underflow") if r["layer"] == 1]
    floor = encodings(spec, "y")[0]["scale"]["domain"][0]
    assert any(r["underflow"] and r["shown"] == floor and r["value"] == 0 for r in bars)
    assert any(r["note"] == tr("charts.underflow") for r in bars)
    triangles = [v for v in views_of(spec) if isinstance(v.get("mark"), dict)]
    assert any(v["mark"].get("shape") == "triangle-down" for v in triangles)


# ---------------------------------------------------------------------------------------------
# b. heatmap, c. loss and accuracy, d. activations, e. update ratio


def test_heatmap_colours_log10_grad_norm(sims):
    spec = spec_of(charts.grad_heatmap_chart(sims["sigmoid20"].history, tr))
    assert set(marks(spec)) == {"rect"}
    colors = encodings(spec, "color")
    assert colors[0]["field"] == "log10" and colors[0]["title"] == tr("charts.log10_grad")
    cells = dataset_with(spec, "log10")
    grad = sims["sigmoid20"].history.query("metric == 'grad_norm' and value > 0")
    assert min(c["log10"] for c in cells) == pytest.approx(np.log10(grad["value"].min()), 1e-4)


def test_loss_on_a_log_axis_with_train_and_test(sims):
    spec = spec_of(charts.loss_chart(sims["relu"].history, tr))
    y = encodings(spec, "y")[0]
    assert y["scale"]["type"] == "log" and y["axis"]["title"] == tr("charts.loss_axis")
    assert {r["split"] for r in dataset_with(spec, "split")} == {
        tr("charts.train"),
        tr("charts.test"),
    }


def test_accuracy_only_where_there_is_one(sims):
    spec = spec_of(charts.accuracy_chart(sims["relu"].history, tr))
    assert encodings(spec, "y")[0]["scale"]["domain"] == [0, 1]
    assert charts.accuracy_chart(sims["sine"].history, tr) is None


def test_divergence_is_marked_on_the_loss(sims):
    sim = sims["diverged"]
    step = sim.divergence.diverged_step
    spec = spec_of(charts.loss_chart(sim.history, tr, step))
    rule = dataset_with(spec, "text")
    assert rule[0]["step"] == step and rule[0]["text"] == tr("charts.diverged")


def test_activation_and_unit_charts_cover_the_hidden_layers(sims):
    h = sims["relu"].history
    act = spec_of(charts.activation_chart(h, tr))
    rows = dataset_with(act, "act_mean")
    assert sorted(r["layer"] for r in rows) == [1, 2, 3]
    assert all(r["lo"] <= r["act_mean"] <= r["hi"] for r in rows)
    units = spec_of(charts.unit_health_chart(h, tr))
    shares = dataset_with(units, "kind")
    assert {r["kind"] for r in shares} == {tr("charts.saturation"), tr("charts.dead")}
    assert all(0 <= r["value"] <= 1 for r in shares)


def test_update_ratio_log_axis_guide_and_underflow(sims):
    spec = spec_of(charts.update_ratio_chart(sims["sigmoid20"].history, tr))
    assert encodings(spec, "y")[0]["scale"]["type"] == "log"
    guide = dataset_with(spec, "text")
    assert guide[0]["y"] == 1e-3 and guide[0]["text"] == tr("charts.update_guide")
    ratios = dataset_with(spec, "underflow")
    assert any(r["underflow"] for r in ratios)  # float32 swallowed the first layers' updates
    floor = encodings(spec, "y")[1]["scale"]["domain"][0]
    assert all(r["shown"] >= floor for r in ratios)


# ---------------------------------------------------------------------------------------------
# f. decision boundary, g. distributions


def test_decision_chart_per_task(sims):
    two = spec_of(
        charts.decision_chart(
            views.decision_surface(sims["relu"]), views.data_points(sims["relu"]), tr
        )
    )
    assert title_of(two) == tr("charts.surface_title_cls")
    assert encodings(two, "color")[0]["scale"]["domain"] == [0, 0.5, 1]
    four = spec_of(
        charts.decision_chart(
            views.decision_surface(sims["gaussians"]), views.data_points(sims["gaussians"]), tr
        )
    )
    assert encodings(four, "color")[0]["field"] == "tint"
    assert len(encodings(four, "fill")[0]["scale"]["domain"]) == 4
    reg = spec_of(
        charts.decision_chart(
            views.decision_surface(sims["sine"]), views.data_points(sims["sine"]), tr
        )
    )
    assert title_of(reg) == tr("charts.surface_title_reg")
    # symmetric around 0 out to a coarse grid, holding every prediction and target
    low, zero, high = encodings(reg, "color")[0]["scale"]["domain"]
    assert zero == 0 and low == -high and high == charts.base.nice_ceil(high)
    values = [r["value"] for r in dataset_with(reg, "x1_lo")]
    values += [r["label"] for r in dataset_with(reg, "split_name")]
    assert max(abs(v) for v in values) <= high < 2 * max(abs(v) for v in values)


def test_nice_ceil_rounds_up_to_a_coarse_grid():
    cases = {0.011: 0.015, 2.6: 3.0, 2.75: 3.0, 3.0: 3.0, 3.01: 4.0, 9.2: 10.0, 0.0: 1.0}
    assert {x: charts.base.nice_ceil(x) for x in cases} == cases


def test_decision_chart_caps_cells_and_points(sims):
    sim = sims["relu"]
    points = pd.concat([views.data_points(sim)] * 40, ignore_index=True)  # 4,800 points
    spec = spec_of(charts.decision_chart(views.decision_surface(sim, 100), points, tr))
    assert len(dataset_with(spec, "x1_lo")) <= charts.surface.MAX_CELLS
    assert len(dataset_with(spec, "split_name")) <= charts.surface.MAX_POINTS
    assert n_rows(spec) <= MAX_ROWS


def test_distributions_overlay_chosen_layers(sims):
    dist = views.distributions(sims["sigmoid20"])
    spec = spec_of(charts.distributions_chart(dist, tr, "gradient"))
    shown = charts.pick_layers(range(1, 22))
    assert len(shown) == charts.distributions.MAX_LAYERS_SHOWN and shown[0] == 1 and shown[-1] == 21
    assert encodings(spec, "color")[0]["legend"]["values"] == shown
    assert {r["layer"] for r in dataset_with(spec, "share")} == set(shown)
    assert encodings(spec, "x")[0]["title"] == tr("charts.dist_axis_gradient")
    picked = spec_of(charts.distributions_chart(dist, tr, "activation", layers=[2, 5]))
    assert {r["layer"] for r in dataset_with(picked, "share")} == {2, 5}


def test_exact_zero_gradients_are_shown_apart(sims):
    dist = views.distributions(sims["diverged"])  # dead ReLU units: rows of exact zeros
    assert dist["zeros"].sum() > 0
    spec = spec_of(charts.distributions_chart(dist, tr, "gradient"))
    zeros = dataset_with(spec, "note")
    assert zeros and all(r["note"] == tr("charts.zeros") and 0 < r["share"] <= 1 for r in zeros)


# ---------------------------------------------------------------------------------------------
# thin, palette, catalogs


def test_thin_picks_measured_rows_evenly(sims):
    history = long_history(sims["relu"], 100)
    thinned = thin(history, 50)
    for metric, rows in thinned.groupby("metric", observed=True):
        full = history[history["metric"] == metric]
        assert rows["step"].nunique() <= 50
        assert rows["step"].min() == full["step"].min()
        assert rows["step"].max() == full["step"].max()
    merged = thinned.merge(history, on=["step", "layer", "metric"], suffixes=("", "_orig"))
    assert len(merged) == len(thinned) and (merged["value"] == merged["value_orig"]).all()
    assert len(thin(sims["relu"].history, 10_000)) == len(sims["relu"].history)


def test_one_palette_for_layers(sims):
    """Every layer-coloured chart maps layer numbers onto the same scale."""
    h = sims["relu"].history
    count = TINY.depth + 1
    specs = [
        spec_of(charts.grad_norm_chart(h, tr)),
        spec_of(charts.update_ratio_chart(h, tr)),
        spec_of(charts.activation_chart(h, tr)),
        spec_of(charts.distributions_chart(views.distributions(sims["relu"]), tr)),
    ]
    for spec in specs:
        layer_colors = [c for c in encodings(spec, "color") if c.get("field") == "layer"]
        assert layer_colors
        for c in layer_colors:
            assert c["scale"]["domain"] == [1, count]
            assert c["scale"]["scheme"] == {"name": "viridis", "extent": [0.0, 0.85]}


def test_every_key_is_listed_and_in_both_catalogs(sims):
    for name in ("relu", "sine", "gaussians", "diverged", "sigmoid20"):
        all_charts(sims[name])
    h = sims["relu"].history.copy()
    h.loc[h["metric"] == "grad_norm", "value"] = 0.0
    charts.grad_norm_chart(h, tr)
    charts.loss_chart(sims["diverged"].history, tr, 5)
    charts.unit_health_chart(sims["relu"].history, tr, "relu")  # ReLU's note
    charts.placeholder(tr)
    assert set(USED) <= set(CHART_KEYS), sorted(set(USED) - set(CHART_KEYS))
    assert set(CHART_KEYS) <= set(USED), sorted(set(CHART_KEYS) - set(USED))
    for lang in ("en", "zh"):
        with open(ROOT / "locales" / f"{lang}.toml", "rb") as f:
            table = tomllib.load(f)["charts"]
        assert {f"charts.{k}" for k in table} >= set(CHART_KEYS), lang


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_real_catalog_texts_fill_in(sims, lang):
    with open(ROOT / "locales" / f"{lang}.toml", "rb") as f:
        table = tomllib.load(f)["charts"]

    def real(key: str) -> str:
        return table[key.split(".", 1)[1]]

    h = sims["relu"].history
    for build in HISTORY_CHARTS.values():
        spec = spec_of(build(h, real))
        title = spec["title"]
        assert "{" not in title["text"], title
        subtitle = title.get("subtitle", [])
        for line in [subtitle] if isinstance(subtitle, str) else subtitle:
            assert "{" not in line, line


# ---------------------------------------------------------------------------------------------
# subtitles and legends that fit, the board's Arrow datasets, a chart that fails


def cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_subtitles_come_in_lines_that_fit_a_half_width_chart(sims, lang):
    """Vega cuts a title line longer than the chart with "…": subtitles are broken into lines
    short enough for the Playground's two columns, every word kept."""
    with open(ROOT / "locales" / f"{lang}.toml", "rb") as f:
        table = tomllib.load(f)["charts"]

    def real(key: str) -> str:
        return table[key.split(".", 1)[1]]

    texts = [v for k, v in table.items() if k.endswith("subtitle") or k == "band_note"]
    for text in texts:
        lines = wrap(text)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), text
        assert all(cells(line) <= SUBTITLE_WIDTH for line in lines), lines
    subtitled = 0
    for chart in all_charts(sims["relu"]).values():
        subtitle = spec_of(chart)["title"].get("subtitle")  # placeholder words: real ones below
        assert subtitle is None or isinstance(subtitle, list)
    for build in HISTORY_CHARTS.values():
        title = spec_of(build(sims["relu"].history, real))["title"]
        for line in title.get("subtitle", []):
            subtitled += 1
            assert cells(line) <= SUBTITLE_WIDTH, line
    assert subtitled >= 5
    # Streamlit fits title and plot into the height: every title and subtitle line adds its own
    grad = spec_of(charts.grad_norm_chart(sims["relu"].history, real))
    lines = len(grad["title"]["subtitle"])
    title_lines = grad["title"]["text"] if isinstance(grad["title"]["text"], list) else [1]
    room = charts.spec.X_AXIS + charts.spec.PADDING
    assert grad["height"] == charts.base.HEIGHT + room + SUBTITLE_LINE * lines + TITLE_LINE * (
        len(title_lines)
    )


def test_the_unit_legend_stacks_its_two_long_entries(sims):
    spec = spec_of(charts.unit_health_chart(sims["relu"].history, tr))
    legend = encodings(spec, "color")[0]["legend"]
    assert legend["columns"] == 1 and legend["labelLimit"] == 0  # one a line, never cut
    lines = len(
        legend["scale"]["domain"]
        if "scale" in legend
        else encodings(spec, "color")[0]["scale"]["domain"]
    )
    assert lines == 3  # flat region, dead, a problem
    # bars keep their height: the legend's rows are added to the spec's
    assert spec["height"] == charts.spec.outer_height(spec["title"], charts.base.HEIGHT, lines)


def test_the_board_sends_every_dataset_as_arrow_with_the_same_rows(sims):
    from ui.charts import with_arrow_data

    for name, chart in all_charts(sims["relu"]).items():
        sent = with_arrow_data(chart)
        for dataset, rows in as_json(chart)["datasets"].items():
            assert sent["datasets"][dataset].to_pylist() == rows, (name, dataset)
        assert {k: v for k, v in sent.items() if k != "datasets"} == {
            k: v for k, v in chart.items() if k != "datasets"
        }


def test_a_chart_that_fails_leaves_a_placeholder_and_the_next_one_draws():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from ui import charts
        from ui.playground.board import Board

        def tr(key):
            return f"«{key}»"

        def broken():
            raise RuntimeError("a chart bug")

        board = Board({})
        board._put("grad_norm", broken, tr)
        board._put("heatmap", lambda: charts.grad_heatmap_chart(pd.DataFrame(), tr), tr)
        board._put("loss", lambda: None, tr)

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    drawn = at.get("vega_lite_chart")
    assert len(drawn) == 2  # the broken chart's placeholder, the heatmap's; nothing for None
    for chart in drawn:
        rows = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pylist()
        assert rows == [{"text": tr("charts.no_data")}]


# ---------------------------------------------------------------------------------------------
# Every screen: one idiom, one placeholder, one heatmap colour scheme


@pytest.fixture(scope="module")
def screen_charts(sims) -> dict:
    """Every chart of Compare, the depth sweep, the Explorer and the FAQ, on small inputs."""
    from sim.analysis.compare import Comparison, vary
    from sim.analysis.theory import curves, flat_regions, through_depth
    from ui.charts.compare import accuracy_overlay, grad_by_layer, loss_overlay
    from ui.charts.explorer import depth_chart, function_chart
    from ui.charts.faq import example_chart
    from ui.charts.heatmap import heatmaps
    from ui.charts.sweep import sweep_chart

    comparison = Comparison(vary(TINY, "activation", 2))
    comparison.burst(12)
    frame, labels = comparison.frame(), ["1 · a", "2 · b"]
    sweep = pd.DataFrame(
        {
            "label": ["ReLU · He"] * 3 + ["Tanh · He"] * 3,
            "when": ["init", "init", "after"] * 2,
            "depth": [2, 4, 4] * 2,
            "first_grad": [0.5, 0.0, 1e-3, 0.2, 0.1, 0.05],
        }
    )
    names = {"sigmoid": "Sigmoid", "relu": "ReLU"}
    theory = through_depth(names, range(2, 6), "default")
    measured = pd.DataFrame({"activation": ["relu"], "depth": [5], "signal_ratio": [0.5]})
    return {
        "loss_overlay": loss_overlay(frame, labels, tr),
        "accuracy_overlay": accuracy_overlay(frame, labels, tr),
        "grad_by_layer": grad_by_layer(frame, labels, tr),
        "heatmaps": heatmaps(frame, labels, tr),
        "sweep": sweep_chart(sweep, "first_grad", tr),
        "f": function_chart(curves(names, -4, 4, 41), flat_regions(names, -4, 4), names, "f", tr),
        "df": function_chart(curves(names, -4, 4, 41), flat_regions(names, -4, 4), names, "df", tr),
        "depth": depth_chart(theory, measured, names, tr),
        "faq": example_chart({"loss": [1.0, 0.5, 0.25], "grad_norm": [2.0, 1.0, 0.5]}, tr),
    }


def test_every_screens_charts_are_valid_clean_specs(screen_charts):
    for name, chart in screen_charts.items():
        spec = spec_of(chart)
        assert n_rows(spec) <= MAX_ROWS, name
        assert_clean_values(spec)
        assert not is_placeholder(spec), name


def test_one_placeholder_for_every_screen():
    from ui.charts.compare import loss_overlay
    from ui.charts.explorer import depth_chart
    from ui.charts.heatmap import heatmaps
    from ui.charts.sweep import sweep_chart

    empty = pd.DataFrame(columns=["run", "step", "layer", "metric", "value"])
    nothing = [
        loss_overlay(empty, ["a"], tr),
        heatmaps(empty, ["a"], tr),
        sweep_chart(pd.DataFrame(), "ratio", tr),
        depth_chart(pd.DataFrame(), pd.DataFrame(), {}, tr),
    ]
    for chart in nothing:
        assert spec_of(chart) == spec_of(charts.placeholder(tr))


def test_one_heatmap_colour_scheme_in_every_screen(sims, screen_charts):
    """Red-blue around the output layer's norm, zeros dark grey off the scale, in both screens."""
    playground = spec_of(charts.grad_heatmap_chart(sims["sigmoid20"].history, tr))
    compare = spec_of(screen_charts["heatmaps"])
    colors = [encodings(playground, "color")[-1], compare["spec"]["encoding"]["color"]]
    for color in colors:
        assert color["field"] == "log10" and color["condition"]["test"] == "datum.underflow"
        assert {k: color["scale"][k] for k in ("scheme", "reverse")} == {
            "scheme": "redblue",
            "reverse": True,
        }
    low, high = colors[1]["scale"]["domain"]
    rows = dataset_with(compare, "log10")
    assert low <= min(r["log10"] for r in rows) and max(r["log10"] for r in rows) <= high


def test_step_edges_lie_halfway_between_shown_steps():
    from ui.charts.base import step_edges

    lo, hi = step_edges(np.array([0, 10, 10, 30]))
    assert lo.tolist() == [0.0, 5.0, 5.0, 20.0] and hi.tolist() == [5.0, 20.0, 20.0, 40.0]
    assert [a.tolist() for a in step_edges(np.array([7]))] == [[6.5], [7.5]]


def test_show_draws_arrow_datasets_and_nothing_for_none():
    from ui.charts import show

    drawn = []

    class Where:
        def vega_lite_chart(self, spec, width):
            drawn.append((spec, width))
            return "element"

    spec = charts.loss_chart(pd.DataFrame(columns=["step", "layer", "metric", "value"]), tr)
    assert show(Where(), spec) == "element" and show(Where(), None) is None
    ((sent, width),) = drawn
    assert width == "stretch" and all(isinstance(d, pa.Table) for d in sent["datasets"].values())


# ---------------------------------------------------------------------------------------------
# Readable by everyone: text alternative, contrast, whole steps, short curves visible


def _contrast(hex_color: str) -> float:
    """WCAG contrast ratio of a colour against white."""
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05)


def _every_chart(sims, screen_charts) -> dict:
    out = {f"{n}:{c}": s for n in ("relu", "diverged") for c, s in all_charts(sims[n]).items()}
    out |= {**screen_charts, "placeholder": charts.placeholder(tr)}
    return {name: spec_of(spec) for name, spec in out.items() if spec is not None}


def test_every_chart_has_a_text_alternative_and_text_that_passes_4_5_to_1(sims, screen_charts):
    for name, spec in _every_chart(sims, screen_charts).items():
        assert spec.get("description"), name
        if name != "placeholder":
            assert title_of(spec) in spec["description"], name
        config = spec["config"]
        for part, keys in (("axis", ("labelColor", "titleColor")), ("title", ("color",))):
            for key in keys:
                assert _contrast(config[part][key]) >= 4.5, (name, part, key)
        assert _contrast(config["title"]["subtitleColor"]) >= 4.5
        assert _contrast(config["legend"]["labelColor"]) >= 4.5


def test_step_axes_show_whole_steps_only(sims, screen_charts):
    found = 0
    for name, spec in _every_chart(sims, screen_charts).items():
        for x in encodings(spec, "x"):
            if x.get("title") == tr("charts.step"):
                assert x["axis"]["format"] == "d" and x["axis"]["tickMinStep"] == 1, name
                found += 1
    assert found >= 6


def test_a_run_that_diverged_at_once_still_draws_its_points():
    sim = Simulation(TINY.replace(optimizer="sgd", lr=10.0, depth=6, width=16))
    sim.burst(5)
    for build in (charts.loss_chart, charts.accuracy_chart):
        spec = spec_of(build(sim.history, tr))
        assert "point" in marks(spec)
        rows = dataset_with(spec, "dot")
        assert rows and all(row["dot"] for row in rows)
    long = spec_of(charts.loss_chart(long_history(_run(TINY, 40), 2), tr))
    assert not any(
        row["dot"] for row in dataset_with(long, "dot") if row["split"] == tr("charts.train")
    )


def test_the_faq_example_keeps_its_colours_in_both_languages_and_explains_its_lines():
    from ui.charts.faq import example_chart
    from ui.common.i18n import translator

    out = {"loss": [3.2, 2.0, 1.2, 1.1], "grad_norm": [1.8, 0.9, 0.2, 0.05]}
    looks = []
    for lang in ("en", "zh"):
        spec = spec_of(example_chart(out, translator(lang)))
        layers = spec["layer"]
        looks.append([(v["mark"]["color"], v["mark"]["strokeDash"]) for v in layers])
        assert [v["encoding"]["y"]["field"] for v in layers] == ["loss", "grad_norm"]
        assert spec["resolve"] == {"scale": {"y": "independent"}}  # each line its own range
        assert spec["height"] >= 200 and spec["title"]["subtitle"]
        assert all(_contrast(v["encoding"]["y"]["axis"]["titleColor"]) >= 4.5 for v in layers)
    assert looks[0] == looks[1] and looks[0][0] != looks[0][1]


def _unit_history(saturation: list[float], dead: list[float]) -> pd.DataFrame:
    rows = [(5, i + 1, "saturation", v) for i, v in enumerate(saturation)]
    rows += [(5, i + 1, "dead_fraction", v) for i, v in enumerate(dead)]
    rows += [(5, len(saturation) + 1, "grad_norm", 1.0)]  # the output layer
    return pd.DataFrame(rows, columns=["step", "layer", "metric", "value"])


def test_units_in_trouble_are_coloured_by_whether_they_are_a_problem():
    from sim.diagnosis import diagnose  # noqa: F401  (the rule the chart follows)

    problem = tr("charts.unit_problem")
    relu = _unit_history([0.5, 0.52, 0.49], [0.0, 0.05, 0.0])  # a healthy ReLU network
    spec = spec_of(charts.unit_health_chart(relu, tr, "relu"))
    rows = dataset_with(spec, "shade")
    assert problem not in {r["shade"] for r in rows} and not any(r["mark"] for r in rows)
    assert tr("charts.units_relu_note") in spec["title"]["subtitle"][0]
    dying = _unit_history([0.9, 0.95, 0.9], [0.1, 0.6, 0.7])
    rows = dataset_with(spec_of(charts.unit_health_chart(dying, tr, "relu")), "shade")
    flagged = {(r["kind"], r["layer"]) for r in rows if r["shade"] == problem}
    assert flagged == {(tr("charts.dead"), 2), (tr("charts.dead"), 3)}  # the flat half is not
    assert all(r["mark"] == "!" for r in rows if r["shade"] == problem)
    saturated = _unit_history([0.3, 0.6, 0.7], [0.0, 0.0, 0.0])  # sigmoid: mean 0.53 > 0.4
    rows = dataset_with(spec_of(charts.unit_health_chart(saturated, tr, "sigmoid")), "shade")
    flagged = {(r["kind"], r["layer"]) for r in rows if r["shade"] == problem}
    assert flagged == {(tr("charts.saturation"), 2), (tr("charts.saturation"), 3)}


def test_palettes_stay_apart_under_deuteranopia_and_protanopia():
    from tests.app.cvd import closest_pair
    from ui.charts import gradients, training

    assert closest_pair(gradients.BAND_COLORS, gradients.BAND_OPACITY) >= 30  # faint bands
    assert closest_pair(training.UNIT_COLORS) >= 60
    assert closest_pair(charts.base.SPLIT_COLORS) >= 60


def test_band_labels_sit_mid_band_and_a_thin_band_goes_unlabelled():
    from ui.charts.gradients import _label_at

    mid = _label_at(1e-4, 1e-2, 1e-8, 1e2, "healthy")
    assert mid == {"label": "healthy", "label_y": pytest.approx(1e-3)}
    assert _label_at(1e-4, 2e-4, 1e-8, 1e2, "thin")["label"] == ""
    assert _label_at(1e-9, 1e-4, 1e-6, 1e2, "cut")["label_y"] == pytest.approx(1e-5)  # visible part


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_long_titles_come_in_lines_that_fit_a_phone(sims, lang):
    from ui.charts.base import TITLE_WIDTH
    from ui.common.i18n import translator

    real = translator(lang)
    specs = [spec_of(build(sims["relu"].history, real)) for build in HISTORY_CHARTS.values()]
    sweep = pd.DataFrame({"label": ["a"], "when": ["b"], "depth": [4], "ratio": [0.1]})
    from ui.charts.sweep import sweep_chart

    specs.append(spec_of(sweep_chart(sweep, "ratio", real)))
    wrapped = 0
    for spec in specs:
        text = spec["title"]["text"]
        lines = text if isinstance(text, list) else [text]
        wrapped += len(lines) > 1
        assert all(cells(line) <= TITLE_WIDTH for line in lines), lines
    assert wrapped >= 1 or lang == "zh"  # Chinese titles are short enough as they are


def test_compare_runs_stay_apart_for_colour_blind_readers_and_carry_a_dash():
    from tests.app.cvd import closest_pair
    from ui.charts import compare

    assert closest_pair(compare.RUN_COLORS) >= 40
    dash = compare.run_dash(["1 · a", "2 · b", "3 · c"])
    assert len({tuple(d) for d in dash["scale"]["range"]}) == 3


def test_the_zeros_label_stands_in_the_axis_row_not_under_the_diamonds(sims):
    dist = views.distributions(sims["diverged"])
    assert dist["zeros"].sum() > 0
    spec = spec_of(charts.distributions_chart(dist, tr, "gradient"))
    found = [v for v in views_of(spec) if (v.get("data") or {}).get("name") == "zero_label"]
    assert found, [(v.get("data") or {}).get("name") for v in views_of(spec)]
    label = found[0]
    assert label["mark"]["baseline"] == "top" and label["mark"]["dy"] > 0
    assert label["encoding"]["y"] == {"value": {"expr": "height"}}
