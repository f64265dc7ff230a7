"""Diagnosis: rules that turn the latest recorded step into findings, each a code plus the
numbers behind it. Language-free: the app words them (locales/*.toml, `finding.*`).

Vanishing and exploding are judged on the backward signal ||dL/dh|| between hidden layers 1 and
depth, never on the first weight matrix alone: its 2-unit input makes even a balanced He network
show a first/output weight-gradient ratio near 0.1 (see shared reference, "Measuring pitfalls").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.activations import ACTIVATIONS, Activation
from sim.config import RunConfig
from sim.history import History
from sim.train.result import BurstResult

VANISH_RATIO = 1e-2  # signal at layer 1 below 1% of the last hidden layer's
SEVERE_VANISH_RATIO = 1e-5
EXPLODE_RATIO = 1e2
SATURATION_SHARE = 0.4  # mean share of inputs in the flat region of a saturating activation
DEAD_SHARE = 0.5  # share of units silent for the whole batch, in the worst layer
UPDATE_LOW, UPDATE_HIGH = 1e-5, 1e-1  # around Karpathy's ~1e-3 rule of thumb

CODES = (
    "diverged",
    "vanishing",
    "exploding",
    "saturation",
    "dead_units",
    "update_small",
    "update_large",
    "float32_underflow",
    "healthy",
)


@dataclass(frozen=True)
class Finding:
    code: str  # one of CODES
    severity: str  # "error" | "warning" | "info" | "ok"
    layer: int | None = None  # history numbering, where one layer is to blame
    values: dict[str, float] = field(default_factory=dict)


def diagnose(
    records: History, cfg: RunConfig, divergence: BurstResult | None = None
) -> list[Finding]:
    """Findings on a run's records (the latest recorded step) and how its last burst ended."""
    out: list[Finding] = []
    if divergence is not None:
        d = divergence
        out.append(
            Finding(
                "diverged",
                "error",
                d.diverged_layer,
                {"step": d.diverged_step, "where": d.diverged_where},
            )
        )
    latest = records.latest_layers()
    if latest is None:
        return out
    depth = cfg.depth
    out += _signal(latest, depth)
    out += _units(latest, depth, ACTIVATIONS[cfg.activation])
    out += _updates(latest)
    if not any(f.severity in ("error", "warning") for f in out):
        out.append(Finding("healthy", "ok"))
    return out


def _signal(latest: dict[str, np.ndarray], depth: int) -> list[Finding]:
    if depth < 2:
        return []
    signal, grad = latest["signal_norm"], latest["grad_norm"]
    first, last = float(signal[0]), float(signal[depth - 1])
    if not (math.isfinite(first) and math.isfinite(last)) or last <= 0:
        return []
    ratio = first / last
    factor = ratio ** (1.0 / (depth - 1)) if ratio > 0 else 0.0
    values = {
        "ratio": ratio,
        "factor": factor,
        "first_grad": float(grad[0]),
        "output_grad": float(grad[-1]),
        "first_signal": first,
        "last_signal": last,
    }
    if ratio < VANISH_RATIO:
        severity = "error" if ratio < SEVERE_VANISH_RATIO else "warning"
        return [Finding("vanishing", severity, 1, values)]
    if ratio > EXPLODE_RATIO:
        return [Finding("exploding", "warning", 1, values)]
    return []


def _units(latest: dict[str, np.ndarray], depth: int, activation: Activation) -> list[Finding]:
    out = []
    saturation = latest["saturation"][:depth]
    dead = latest["dead_fraction"][:depth]
    saturating = activation.bounded and len(activation.flat) == 2
    if saturating and np.isfinite(saturation).all():
        share = float(saturation.mean())
        if share > SATURATION_SHARE:
            worst = int(np.argmax(saturation)) + 1
            out.append(
                Finding(
                    "saturation",
                    "warning",
                    worst,
                    {"share": share, "worst": float(saturation.max())},
                )
            )
    if activation.dead and np.isfinite(dead).all() and float(dead.max()) >= DEAD_SHARE:
        worst = int(np.argmax(dead)) + 1
        out.append(
            Finding(
                "dead_units",
                "warning",
                worst,
                {"share": float(dead.max()), "mean": float(dead.mean())},
            )
        )
    return out


def _updates(latest: dict[str, np.ndarray]) -> list[Finding]:
    ratio, grad = latest["update_ratio"], latest["grad_norm"]
    ok = np.isfinite(ratio)
    if not ok.any():
        return []
    out = []
    frozen = np.flatnonzero(ok & (ratio == 0) & (grad > 0)) + 1
    if len(frozen):
        out.append(
            Finding("float32_underflow", "info", int(frozen[0]), {"layers": float(len(frozen))})
        )
    positive = ratio[ok & (ratio > 0)]
    if not len(positive):
        return out
    median = float(np.median(positive))
    if median < UPDATE_LOW:
        out.append(Finding("update_small", "warning", None, {"median": median}))
    elif median > UPDATE_HIGH:
        out.append(Finding("update_large", "warning", None, {"median": median}))
    return out
