"""The stability rule stated at the top of ui/charts/__init__.py, checked point by point on
every chart the Playground's Board builds, after consecutive 200-step bursts, in both
languages: between bursts only a spec's `datasets` change, so the browser swaps data into the
chart on screen instead of building it anew.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.config import RunConfig
from sim.presets import PRESETS
from sim.train.simulation import Simulation
from ui.common.i18n import LANGS, translator
from ui.playground.board import Board

BURST = 200  # steps, the Playground's default burst
BURSTS = 4  # compared: after burst 2 and 3, after 3 and 4 (the first one may still settle)
CONFIGS = {
    "default": RunConfig(device="cpu"),
    "sigmoid_vanishing": PRESETS["sigmoid_vanishing"].cfg.replace(device="cpu"),
}


def chart_builders(sim: Simulation, tr) -> dict:
    """Every Playground chart's builder, as Board.draw has them (without the grid of slots, so
    without a script run)."""
    board = Board.__new__(Board)
    board.cache, board.before = {}, None
    builders = board._history_charts(sim, sim.history, tr)
    builders.update(board._network_charts(sim, tr))
    return builders


def playground_specs(sim: Simulation, tr) -> dict[str, dict | None]:
    """Every Playground chart as Board.draw builds it, minus its datasets, as plain JSON."""
    out = {}
    for name, build in chart_builders(sim, tr).items():
        spec = build()
        if spec is not None:
            spec = json.loads(json.dumps({k: v for k, v in spec.items() if k != "datasets"}))
        out[name] = spec
    return out


@pytest.fixture(scope="module", params=list(CONFIGS))
def bursts(request) -> tuple[Simulation, list[dict[str, dict]]]:
    """(the simulation, for each burst: {lang: {chart name: spec minus datasets}})."""
    sim = Simulation(CONFIGS[request.param])
    after = []
    for _ in range(BURSTS):
        sim.burst(BURST)
        after.append({lang: playground_specs(sim, translator(lang)) for lang in LANGS})
    return sim, after


def changes(a, b, path: str = "") -> list[str]:
    """Where two JSON values differ, as readable paths (for the failure message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b))
        return [c for k in keys for c in changes(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [c for i, (x, y) in pairs for c in changes(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {str(a)[:60]} -> {str(b)[:60]}"]


@pytest.mark.parametrize("lang", LANGS)
def test_specs_stay_the_same_from_burst_to_burst(bursts, lang):
    """The rule as a whole: nothing outside `datasets` moves."""
    _, after = bursts
    for k in range(1, BURSTS - 1):
        before, now = after[k][lang], after[k + 1][lang]
        assert set(before) == set(now)
        moved = {name: changes(before[name], now[name]) for name in now}
        moved = {name: paths for name, paths in moved.items() if paths}
        assert not moved, f"after bursts {k + 1} and {k + 2}: {moved}"


def test_no_title_names_the_step(bursts):
    """Rule 1: no title names the step."""
    sim, after = bursts
    for lang in LANGS:
        for name, spec in after[-1][lang].items():
            assert spec is not None, name  # a classification task: every chart is drawn
            words = json.dumps(spec["title"], ensure_ascii=False)
            assert str(sim.step) not in words, (name, words)


def test_stable_domains_still_hold_every_value(bursts):
    """Rule 2 keeps every value in view: domains from the whole history, or from the data;
    rule 3: what moves (bands, the heatmap's reach, the zeros' margin) is data."""
    sim, _ = bursts
    builders = chart_builders(sim, translator("en"))

    grad = builders["grad_norm"]()
    lo, hi = grad["layer"][1]["encoding"]["y"]["scale"]["domain"]  # the bars
    for name in ("bars", "signal"):
        shown = grad["datasets"][name]["shown"].to_numpy()
        assert (lo <= shown).all() and (shown <= hi).all(), name
    bands = grad["datasets"]["bands"]  # the latest step's, each band a decade at least
    assert bands[0]["y"] == lo and bands[-1]["y2"] == hi
    assert all(band["y2"] >= 10 * band["y"] * (1 - 1e-9) for band in bands)

    heat = builders["heatmap"]()
    assert "domain" not in heat["layer"][0]["encoding"]["color"]["scale"]
    cells, reach = heat["datasets"]["cells"], heat["datasets"]["reach"]
    a, b = reach[0]["log10"], reach[1]["log10"]
    finite = cells.loc[~cells["underflow"], "log10"].to_numpy()
    out = finite[cells.loc[~cells["underflow"], "layer"].to_numpy() == cells["layer"].max()]
    assert a <= finite.min() and finite.max() <= b
    assert np.isclose((a + b) / 2, np.median(out))  # white is the output layer's typical norm

    for name in ("dist_gradient", "dist_activation"):
        spec = builders[name]()
        for layer in spec.get("layer", [spec]):
            x = layer["encoding"].get("x", {})
            assert "domain" not in x.get("scale", {}), name
        if "edge" in spec["datasets"]:  # exact zeros: the margin reaches left of their slot
            edge, slot = spec["datasets"]["edge"][0], spec["datasets"]["zero_label"][0]["x"]
            assert edge["margin"] < slot < edge["x"] <= spec["datasets"]["outline"]["bin_lo"].min()
