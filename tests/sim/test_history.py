"""History: the tidy frame's contract and its memory bound."""

from __future__ import annotations

import numpy as np
import pytest

from sim.history import (
    LAYER_METRICS,
    MAX_RECORDS,
    RECORD_SCALARS,
    STEP_SCALARS,
    History,
)
from sim.presets import PRESETS
from sim.train.simulation import Simulation

MB = 1024 * 1024
N_LAYERS = 65  # depth 64 + the output layer


def feed(history: History, first: int, n: int, rng: np.random.Generator) -> None:
    steps = np.arange(first, first + n, dtype=np.int32)
    history.extend(
        steps,
        rng.random((n, len(STEP_SCALARS)), dtype=np.float32),
        steps,  # every step recorded: the worst case (stats_every=1)
        rng.random((n, len(LAYER_METRICS), N_LAYERS), dtype=np.float32),
        rng.random((n, len(RECORD_SCALARS)), dtype=np.float32),
    )


def footprint(history: History) -> int:
    return history.nbytes + int(history.frame().memory_usage(deep=True).sum())


@pytest.mark.parametrize("chunk", [200, 1000])
def test_20000_steps_of_64_layers_stay_under_32_mb(chunk):
    history, rng = History(N_LAYERS), np.random.default_rng(0)
    for first in range(1, 20_001, chunk):
        feed(history, first, chunk, rng)
    assert footprint(history) <= 32 * MB
    frame = history.frame()
    assert frame.attrs["thinned_before"] > 0
    assert history.last_step == 20_000 == frame["step"].max()
    assert np.all(np.diff(history.rec_steps) > 0)
    assert len(history.rec_steps) <= MAX_RECORDS + chunk
    # recent steps stay dense
    assert list(history.rec_steps[-100:]) == list(range(19_901, 20_001))


def test_one_huge_flush_is_still_bounded():
    history, rng = History(N_LAYERS), np.random.default_rng(0)
    feed(history, 1, 20_000, rng)
    assert footprint(history) <= 32 * MB


def test_not_thinned_says_zero():
    history, rng = History(3), np.random.default_rng(0)
    feed_small = 10
    steps = np.arange(1, feed_small + 1, dtype=np.int32)
    history.extend(
        steps,
        rng.random((feed_small, 4), dtype=np.float32),
        steps[::5],
        rng.random((2, len(LAYER_METRICS), 3), dtype=np.float32),
        rng.random((2, 2), dtype=np.float32),
    )
    assert history.frame().attrs["thinned_before"] == 0


def test_frame_contract():
    sim = Simulation(PRESETS["sigmoid_vanishing"].cfg.replace(device="cpu", depth=5))
    sim.burst(25)
    frame = sim.history
    assert list(frame.columns) == ["step", "layer", "metric", "value"]
    assert str(frame["step"].dtype) == "int32" and str(frame["value"].dtype) == "float32"
    assert frame["step"].min() == 1 and frame["step"].max() == 25
    assert set(frame["layer"]) == set(range(0, 5 + 2))
    layer0 = set(frame.loc[frame["layer"] == 0, "metric"].astype(str))
    assert layer0 == set(STEP_SCALARS) | set(RECORD_SCALARS)
    per_layer = set(frame.loc[frame["layer"] > 0, "metric"].astype(str))
    assert per_layer == set(LAYER_METRICS)
    # the output layer has no activation of its own
    head = frame[frame["layer"] == 6]
    assert set(head["metric"].astype(str)) == {
        "grad_norm",
        "weight_norm",
        "update_ratio",
        "signal_norm",
    }
    # per-step scalars every step; per-layer metrics at steps 1, 10, 20 and the last (25)
    assert sorted(set(frame.loc[frame["metric"] == "loss", "step"])) == list(range(1, 26))
    assert sorted(set(frame.loc[frame["metric"] == "grad_norm", "step"])) == [1, 10, 20, 25]
    assert np.isfinite(frame["value"]).all()
    assert not frame.duplicated(["step", "layer", "metric"]).any()
