"""ui.charts through .to_dict(): marks, log scales, row limits after thinning, every word from
`tr`, no NaN or inf in the data sent; on histories from real (tiny) simulations, an empty one
and a diverged one."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import views
from sim.config import RunConfig
from sim.trainer import Simulation
from ui import charts
from ui.charts import CHART_KEYS, MAX_ROWS, thin

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
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert n_rows(spec) <= MAX_ROWS, chart_name
        assert_clean_values(spec)
        assert not is_placeholder(spec), chart_name
        assert title_of(spec).startswith("«charts."), chart_name


def test_empty_history_gives_placeholders(sims):
    sim = sims["empty"]
    assert sim.history.empty
    for name, build in HISTORY_CHARTS.items():
        assert is_placeholder(build(sim.history, tr).to_dict()), name
    assert is_placeholder(charts.decision_chart(None, None, tr).to_dict())
    assert is_placeholder(charts.distributions_chart(None, tr).to_dict())
    assert is_placeholder(charts.distributions_chart(pd.DataFrame(), tr).to_dict())


def test_a_long_training_is_thinned_before_altair(sims):
    history = long_history(sims["relu"], 400)  # 10,000 steps
    assert len(history) > 15 * MAX_ROWS
    for name, build in HISTORY_CHARTS.items():
        spec = build(history, tr).to_dict()
        assert n_rows(spec) <= MAX_ROWS, name
        assert_clean_values(spec)


def test_a_deep_network_keeps_the_heatmap_small(sims):
    history = long_history(sims["sigmoid20"], 300)
    spec = charts.grad_heatmap_chart(history, tr).to_dict()
    cells = dataset_with(spec, "step_lo")
    assert len(cells) <= MAX_ROWS
    assert len({c["step"] for c in cells}) <= charts.gradients.MAX_COLUMNS


# ---------------------------------------------------------------------------------------------
# a. gradient norm per layer


def test_grad_norm_bars_on_a_log_axis_with_bands_and_signal(sims):
    sim = sims["relu"]
    spec = charts.grad_norm_chart(sim.history, tr).to_dict()
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
    out = next(r["value"] for r in bars if r["layer"] == TINY.depth + 1)
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
    spec = charts.grad_norm_chart(h, tr).to_dict()
    bars = [r for r in dataset_with(spec, "underflow") if r["layer"] == 1]
    floor = encodings(spec, "y")[0]["scale"]["domain"][0]
    assert any(r["underflow"] and r["shown"] == floor and r["value"] == 0 for r in bars)
    assert any(r["note"] == tr("charts.underflow") for r in bars)
    triangles = [v for v in views_of(spec) if isinstance(v.get("mark"), dict)]
    assert any(v["mark"].get("shape") == "triangle-down" for v in triangles)


# ---------------------------------------------------------------------------------------------
# b. heatmap, c. loss and accuracy, d. activations, e. update ratio


def test_heatmap_colours_log10_grad_norm(sims):
    spec = charts.grad_heatmap_chart(sims["sigmoid20"].history, tr).to_dict()
    assert set(marks(spec)) == {"rect"}
    colors = encodings(spec, "color")
    assert colors[0]["field"] == "log10" and colors[0]["title"] == tr("charts.log10_grad")
    cells = dataset_with(spec, "log10")
    grad = sims["sigmoid20"].history.query("metric == 'grad_norm' and value > 0")
    assert min(c["log10"] for c in cells) == pytest.approx(np.log10(grad["value"].min()), 1e-4)


def test_loss_on_a_log_axis_with_train_and_test(sims):
    spec = charts.loss_chart(sims["relu"].history, tr).to_dict()
    y = encodings(spec, "y")[0]
    assert y["scale"]["type"] == "log" and y["axis"]["title"] == tr("charts.loss_axis")
    assert {r["split"] for r in dataset_with(spec, "split")} == {
        tr("charts.train"),
        tr("charts.test"),
    }


def test_accuracy_only_where_there_is_one(sims):
    spec = charts.accuracy_chart(sims["relu"].history, tr).to_dict()
    assert encodings(spec, "y")[0]["scale"]["domain"] == [0, 1]
    assert charts.accuracy_chart(sims["sine"].history, tr) is None


def test_divergence_is_marked_on_the_loss(sims):
    sim = sims["diverged"]
    step = sim.divergence.diverged_step
    spec = charts.loss_chart(sim.history, tr, step).to_dict()
    rule = dataset_with(spec, "text")
    assert rule[0]["step"] == step and rule[0]["text"] == tr("charts.diverged")


def test_activation_and_unit_charts_cover_the_hidden_layers(sims):
    h = sims["relu"].history
    act = charts.activation_chart(h, tr).to_dict()
    rows = dataset_with(act, "act_mean")
    assert sorted(r["layer"] for r in rows) == [1, 2, 3]
    assert all(r["lo"] <= r["act_mean"] <= r["hi"] for r in rows)
    units = charts.unit_health_chart(h, tr).to_dict()
    shares = dataset_with(units, "kind")
    assert {r["kind"] for r in shares} == {tr("charts.saturation"), tr("charts.dead")}
    assert all(0 <= r["value"] <= 1 for r in shares)


def test_update_ratio_log_axis_guide_and_underflow(sims):
    spec = charts.update_ratio_chart(sims["sigmoid20"].history, tr).to_dict()
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
    two = charts.decision_chart(
        views.decision_surface(sims["relu"]), views.data_points(sims["relu"]), tr
    ).to_dict()
    assert title_of(two) == tr("charts.surface_title_cls")
    assert encodings(two, "color")[0]["scale"]["domain"] == [0, 0.5, 1]
    four = charts.decision_chart(
        views.decision_surface(sims["gaussians"]), views.data_points(sims["gaussians"]), tr
    ).to_dict()
    assert encodings(four, "color")[0]["field"] == "tint"
    assert len(encodings(four, "fill")[0]["scale"]["domain"]) == 4
    reg = charts.decision_chart(
        views.decision_surface(sims["sine"]), views.data_points(sims["sine"]), tr
    ).to_dict()
    assert title_of(reg) == tr("charts.surface_title_reg")


def test_decision_chart_caps_cells_and_points(sims):
    sim = sims["relu"]
    points = pd.concat([views.data_points(sim)] * 40, ignore_index=True)  # 4,800 points
    spec = charts.decision_chart(views.decision_surface(sim, 100), points, tr).to_dict()
    assert len(dataset_with(spec, "x1_lo")) <= charts.network.MAX_CELLS
    assert len(dataset_with(spec, "split_name")) <= charts.network.MAX_POINTS
    assert n_rows(spec) <= MAX_ROWS


def test_distributions_overlay_chosen_layers(sims):
    dist = views.distributions(sims["sigmoid20"])
    spec = charts.distributions_chart(dist, tr, "gradient").to_dict()
    shown = charts.pick_layers(range(1, 22))
    assert len(shown) == charts.network.MAX_LAYERS_SHOWN and shown[0] == 1 and shown[-1] == 21
    assert encodings(spec, "color")[0]["legend"]["values"] == shown
    assert {r["layer"] for r in dataset_with(spec, "share")} == set(shown)
    assert encodings(spec, "x")[0]["title"] == tr("charts.dist_axis_gradient")
    picked = charts.distributions_chart(dist, tr, "activation", layers=[2, 5]).to_dict()
    assert {r["layer"] for r in dataset_with(picked, "share")} == {2, 5}


def test_exact_zero_gradients_are_shown_apart(sims):
    dist = views.distributions(sims["diverged"])  # dead ReLU units: rows of exact zeros
    assert dist["zeros"].sum() > 0
    spec = charts.distributions_chart(dist, tr, "gradient").to_dict()
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
        charts.grad_norm_chart(h, tr).to_dict(),
        charts.update_ratio_chart(h, tr).to_dict(),
        charts.activation_chart(h, tr).to_dict(),
        charts.distributions_chart(views.distributions(sims["relu"]), tr).to_dict(),
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
        spec = build(h, real).to_dict()
        title = spec["title"]
        assert "{" not in title["text"], title
        subtitle = title.get("subtitle", [])
        for line in [subtitle] if isinstance(subtitle, str) else subtitle:
            assert "{" not in line, line
