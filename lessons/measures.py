"""The FAQ's explanations that quote numbers, each backed by a measurement on the engine.

A claim (lessons.claims) ends in a verdict; a note only explains, so its measurement is a plain
set of numbers that content/faq/{en,zh}.toml put into the note's `measured` template. The
`experiment` of a note in content/faq/faq.toml is a key of NOTE_MEASURES.

    chain_rule().numbers["tanh_chi"]     # sigma_w^2 * E[f'(z)^2] of a default-init tanh layer
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lessons.experiments import at_init
from sim.analysis.theory import mean_field, weight_variance
from sim.config import RunConfig
from sim.history import LAYER_METRICS
from sim.presets import BASE, PRESETS
from sim.train.simulation import Simulation

_SIGNAL = LAYER_METRICS.index("signal_norm")


@dataclass(frozen=True)
class Measurement:
    numbers: dict[str, float] = field(default_factory=dict)


def _geomean(values) -> float:
    return float(np.exp(np.mean(np.log(np.asarray(values, dtype=float)))))


def _signal_trace(cfg: RunConfig, steps: int, every: int = 1) -> tuple[np.ndarray, float, float]:
    """Signal ratio layer 1 / layer depth at the recorded steps (1, then every `every`, and the
    last), the final test accuracy, and the step it diverged at (NaN if it did not)."""
    sim = Simulation(cfg, stats_every=every)
    result = sim.burst(steps)
    signal = sim.records.rec_layers[:, _SIGNAL].astype(np.float64)  # (steps, depth + 1)
    df = sim.history
    acc = float(df[df["metric"] == "test_acc"]["value"].iloc[-1])
    diverged = float(result.diverged_step) if result.diverged else math.nan
    return signal[:, 0] / signal[:, cfg.depth - 1], acc, diverged


# ---------------------------------------------------------------------------------------------
# The chain rule, layer by layer


def chain_rule() -> Measurement:
    """dL/dh_l = dL/dh_L J_L ... J_(l+1), J_k = diag(f'(z_k)) W_k: each Jacobian scales the
    signal by about sqrt(chi), chi = sigma_w^2 E[f'(z)^2] (Poole et al. 2016). Theory against
    the engine for tanh at PyTorch's default init and ReLU at He init, 10 layers."""
    numbers: dict[str, float] = {"depth": 10.0, "jacobians": 9.0}
    for name, init in (("tanh", "default"), ("relu", "kaiming_normal")):
        cfg = BASE.replace(activation=name, init=init, depth=10)
        chi = mean_field(cfg)["chi"].to_numpy()[: cfg.depth - 1]  # layer l to l + 1
        sw2 = weight_variance(cfg, cfg.width, cfg.width)[0]
        engine = at_init(name, init, cfg.depth)
        numbers |= {
            f"{name}_sw2": sw2,
            f"{name}_d2": _geomean(chi) / sw2,  # E[f'(z)^2], geometric mean over the layers
            f"{name}_chi": _geomean(chi),
            f"{name}_theory": math.sqrt(_geomean(chi)),
            f"{name}_factor": engine["factor"],
            f"{name}_product_theory": float(np.prod(np.sqrt(chi))),
            f"{name}_signal_ratio": engine["signal_ratio"],
        }
    return Measurement(numbers)


# ---------------------------------------------------------------------------------------------
# At initialisation and after training


def during_training() -> Measurement:
    """The same networks at step 1 (the initial weights) and after their preset's steps: the
    FAQ's claims report the first, the workshop's checks judge the second."""
    numbers: dict[str, float] = {}
    for name, every in (
        ("tanh_default", 100),
        ("sigmoid_vanishing", 100),
        ("relu_batchnorm_deep", 1),
    ):
        preset = PRESETS[name]
        trace, acc, _ = _signal_trace(preset.cfg, preset.steps, every)
        numbers |= {f"{name}_init": trace[0], f"{name}_after": trace[-1], f"{name}_acc": acc}
        numbers[f"{name}_steps"] = float(preset.steps)
    numbers["relu_batchnorm_deep_step2"] = trace[1]  # one update later (every step recorded)
    numbers["relu_batchnorm_deep_depth"] = float(PRESETS["relu_batchnorm_deep"].cfg.depth)
    return Measurement({k: float(v) for k, v in numbers.items()})


# ---------------------------------------------------------------------------------------------
# The learning rate: a step too large, against a per-layer gain above one

LR_STEPS = 50  # both divergences happen within a few steps
HE_BIG_LR = 1.0  # far more than a level 20-layer He network can take
BIG_SMALL_LR = 1e-4  # 500 times smaller than the exploding preset's


def learning_rate() -> Measurement:
    """A level He network diverges when the step is too large and trains at a sane one; a
    network whose layers multiply the signal by ~1.4 keeps its steep gradient profile at any
    step size, because the learning rate plays no part in the backward pass."""
    he, big = PRESETS["relu_he"].cfg, PRESETS["relu_exploding_init"].cfg
    _, _, he_step = _signal_trace(he, LR_STEPS)
    _, _, he_big_step = _signal_trace(he.replace(lr=HE_BIG_LR), LR_STEPS)
    big_trace, _, big_step = _signal_trace(big, LR_STEPS)
    small, _, small_step = _signal_trace(big.replace(lr=BIG_SMALL_LR), LR_STEPS)
    numbers = {
        "steps": float(LR_STEPS),
        "he_lr": he.lr,
        "he_big_lr": HE_BIG_LR,
        "he_factor": at_init("relu", he.init, he.depth, he)["factor"],
        "he_diverged": float(not math.isnan(he_step)),
        "he_big_step": he_big_step,
        "big_lr": big.lr,
        "big_std": big.init_std,
        "big_factor": at_init("relu", big.init, big.depth, big)["factor"],
        "big_signal_ratio": float(big_trace[0]),
        "big_step": big_step,
        "small_lr": BIG_SMALL_LR,
        "small_diverged": float(not math.isnan(small_step)),
        "small_signal_ratio": float(small[-1]),
    }
    return Measurement(numbers)


NOTE_MEASURES: dict[str, Callable[[], Measurement]] = {
    "chain_rule": chain_rule,
    "during_training": during_training,
    "learning_rate": learning_rate,
}
