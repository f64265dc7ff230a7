"""How charts lay out their titles and legends, read from the specs: an untitled legend keeps no
blank title row, a legend on top sits close under the chart's title, and Compare's heatmaps
fit the page's column on a 1280 px screen. (What Chromium draws from them was checked by eye;
these guard the spec choices behind it.)"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.compare import Comparison, vary
from sim.analysis.theory import curves, flat_regions, through_depth
from sim.config import RunConfig
from sim.train.simulation import Simulation
from ui.charts import time_signal
from ui.charts.base import SUBTITLE_WIDTH, wrap
from ui.charts.base import _cells as cells
from ui.charts.compare import grad_by_layer, loss_overlay
from ui.charts.explorer import depth_chart, function_chart
from ui.charts.gradients import grad_norm_chart
from ui.charts.heatmap import heatmaps
from ui.charts.spec import TOP_LEGEND_OFFSET, as_json, chart, field, mark, view
from ui.charts.sweep import sweep_chart
from ui.common.i18n import translator

ROOT = Path(__file__).resolve().parents[2]
TINY = RunConfig(depth=3, width=8, n_samples=120, batch_size=32, device="cpu")
# Measured in Chromium at 1280 px: the page's main column, and what a facet chart adds beside its
# cells (the layer axis, the colour legend and the spacing between facets).
COLUMN_AT_1280 = 820
HEATMAP_MARGINS = 200


def tr(key: str, **_: object) -> str:
    return f"«{key}»"


@pytest.fixture(scope="module")
def charts() -> dict[str, dict]:
    comparison = Comparison(vary(TINY, "activation", 2))
    comparison.burst(6)
    frame, labels = comparison.frame(), ["1 · a", "2 · b"]
    sweep = pd.DataFrame(
        {
            "label": ["ReLU · He"] * 2,
            "when": ["init", "after"],
            "depth": [2, 4],
            "first_grad": [0.5, 1e-3],
        }
    )
    names = {"sigmoid": "Sigmoid", "relu": "ReLU"}
    theory = through_depth(names, range(2, 6), "default")
    measured = pd.DataFrame({"activation": ["relu"], "depth": [5], "signal_ratio": [0.5]})
    xs = curves(names, -4, 4, 41)
    return {
        "loss_overlay": as_json(loss_overlay(frame, labels, tr)),
        "grad_by_layer": as_json(grad_by_layer(frame, labels, tr)),
        "sweep": as_json(sweep_chart(sweep, "first_grad", tr)),
        "f": as_json(function_chart(xs, flat_regions(names, -4, 4), names, "f", tr)),
        "depth": as_json(depth_chart(theory, measured, names, tr)),
        "heatmaps": as_json(heatmaps(frame, labels, tr)),
    }


def legends(spec: dict) -> list[tuple[dict, dict]]:
    """(channel, legend) for every channel with a legend, in every layer."""
    layers = spec.get("layer", [spec])
    return [
        (channel, channel["legend"])
        for layer in layers
        for channel in layer.get("encoding", {}).values()
        if isinstance(channel, dict) and isinstance(channel.get("legend"), dict)
    ]


def test_an_untitled_legend_keeps_no_blank_title_row(charts):
    """Vega keeps a title row above an untitled legend's entries unless the title sits beside
    them: 27 px of blank between the chart's title and its legend on top (Compare, Explorer)."""
    seen = 0
    for name, spec in charts.items():
        for channel, legend in legends(spec):
            if legend.get("title", channel.get("title", "")) is None:
                seen += 1
                assert legend.get("titleOrient") == "left", (name, legend)
    assert seen >= 6  # compare's runs (2), the sweep's two, explorer's f(x) and dashes


def test_a_legend_on_top_sits_close_under_the_title(charts):
    for name in ("loss_overlay", "grad_by_layer", "f", "depth", "sweep"):
        assert charts[name]["title"]["offset"] == TOP_LEGEND_OFFSET, name
    plain = chart(
        {"d": [{"x": 1}]}, [view("d", mark("point"), {"x": field("x", "quantitative")})], "t"
    )
    assert "offset" not in plain["title"]  # no legend on top: the theme's gap under the title


def test_a_shared_legend_constant_is_not_changed_by_a_chart():
    before = copy.deepcopy(time_signal.LEGEND)
    color = field("series", "nominal", legend=time_signal.LEGEND)
    chart({"d": [{"series": "a"}]}, [view("d", mark("line"), {"color": color})], "t")
    assert before == time_signal.LEGEND


def test_compares_heatmaps_fit_the_page_at_1280_px(charts):
    spec = charts["heatmaps"]
    runs = len({row["run_label"] for row in spec["datasets"]["cells"]})
    assert spec["spec"]["width"] * runs + HEATMAP_MARGINS <= COLUMN_AT_1280


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_subtitle_in_the_catalogs_wraps_to_lines_that_fit(lang):
    """Every screen's chart subtitles (not just the Playground's): a formula glued to the Chinese
    after it ("‖∂L/∂W‖，同一条…") once made one 59-cell line, which Vega cut with "…"."""
    with open(ROOT / "locales" / f"{lang}.toml", "rb") as f:
        catalog = tomllib.load(f)
    texts = [
        value
        for section in catalog.values()
        if isinstance(section, dict)
        for key, value in section.items()
        if isinstance(value, str) and "subtitle" in key
    ]
    assert len(texts) >= 10
    for text in texts:
        lines = wrap(text)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), text
        assert all(cells(line) <= SUBTITLE_WIDTH for line in lines), lines


def test_the_band_names_wear_a_halo_over_the_bars():
    """The bands' names stand at the plot's right edge, over the output layer's bar and the
    signal's last dot: a white outline drawn under each keeps it readable."""
    sim = Simulation(TINY)
    sim.burst(2)
    spec = as_json(grad_norm_chart(sim.history, translator("en")))
    texts = [
        part["mark"]
        for layer in spec["layer"]
        for part in layer.get("layer", [])
        if part.get("mark", {}).get("type") == "text"
    ]
    assert [m.get("stroke") for m in texts] == ["white", None]  # the halo first, under the name
