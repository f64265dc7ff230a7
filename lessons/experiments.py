"""The experiments the article's claims rest on: small, seeded measurements on the engine.

lessons.claims states each claim and the rule that turns these numbers into a verdict; this
module only measures. At-initialisation numbers come from sim.analysis.sweep.depth_sweep (step
1's gradients on the initial weights, BatchNorm in train mode) as a geometric mean over SEEDS,
so one lucky draw of weights cannot decide a verdict.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from sim.activations import ACTIVATIONS
from sim.analysis.sweep import depth_sweep
from sim.config import RunConfig
from sim.history import LAYER_METRICS
from sim.presets import BASE, PRESETS
from sim.train.result import BurstResult
from sim.train.simulation import Simulation

SEEDS = (0, 1, 2)
SWEEP_RATIOS = ("ratio", "hidden_ratio", "signal_ratio", "factor")
_SATURATION, _UPDATE = LAYER_METRICS.index("saturation"), LAYER_METRICS.index("update_ratio")


def at_init(activation: str, init: str, depth: int, base: RunConfig = BASE) -> dict[str, float]:
    """Geometric mean over SEEDS of the sweep's ratios at initialisation, and each ratio's
    smallest and largest value over the seeds (`factor_min`, `signal_ratio_max`, ...)."""
    frames = [depth_sweep([activation], [depth], init, 0, base, seed) for seed in SEEDS]
    out = {}
    for col in SWEEP_RATIOS:
        values = np.array([float(f[col].iloc[0]) for f in frames])
        out[col] = float(np.exp(np.mean(np.log(values))))
        out[f"{col}_min"], out[f"{col}_max"] = float(values.min()), float(values.max())
    return out


def _first_step(cfg: RunConfig) -> np.ndarray:
    """(metrics, layers) per-layer statistics of step 1, i.e. of the initial weights."""
    sim = Simulation(cfg, stats_every=1)
    sim.burst(1)
    return sim.records.rec_layers[0]


def saturation_at_init(cfg: RunConfig) -> float:
    """Mean share of hidden units in the flat region, measured on step 1 (initial weights)."""
    return float(np.nanmean(_first_step(cfg)[_SATURATION, : cfg.depth]))


def first_update_ratio(cfg: RunConfig) -> float:
    """||update|| / ||weight|| of hidden layer 1 at step 1: how far the optimiser moves it."""
    return float(_first_step(cfg)[_UPDATE, 0])


def derivative_at(activation: str, x: float) -> float:
    return float(ACTIVATIONS[activation].derivative(torch.tensor([x], dtype=torch.float64))[0])


def run_preset(name: str) -> tuple[Simulation, BurstResult]:
    """The named preset trained for its own number of steps."""
    preset = PRESETS[name]
    sim = Simulation(preset.cfg)
    return sim, sim.burst(preset.steps)


def train(cfg: RunConfig, steps: int) -> dict[str, float]:
    """Final test accuracy, mean training accuracy of the last 20 steps, and divergence."""
    sim = Simulation(cfg)
    result = sim.burst(steps)
    df = sim.history
    test = df[df["metric"] == "test_acc"]["value"]
    train_acc = df[df["metric"] == "train_acc"]["value"].tail(20)
    return {
        "test_acc": float(test.iloc[-1]) if len(test) else math.nan,
        "train_acc": float(train_acc.mean()) if len(train_acc) else math.nan,
        "diverged": float(result.diverged),
    }
