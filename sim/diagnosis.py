"""Diagnosis: rules that turn the latest recorded step into findings, each a code plus the
numbers behind it, and the remedies that fit the config (sim.remedies). Language-free: the app
words them (locales/*.toml, `finding.*`).

Every finding is judged on the backward signal ||dL/dh|| between hidden layers 1 and depth,
never on the first weight matrix (its 2-unit input makes even a balanced He network look
lopsided) nor relative to the output layer's weight gradient. Two kinds of blow-up are told
apart: signal growth through depth ("exploding": a per-layer gain above one) and a divergence
whose per-layer signal stays level ("step_diverged": the step is too large, not the depth).
A network stuck at chance loss while nothing vanishes or explodes is "not_learning", not healthy.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from sim import diagnosis_time, remedies
from sim.activations import ACTIVATIONS, Activation
from sim.config import RunConfig
from sim.data import DATASETS
from sim.finding import Finding, stuck_at_chance
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
    "step_diverged",
    "vanishing",
    "exploding",
    "saturation",
    "dead_units",
    "update_small",
    "update_large",
    "float32_underflow",
    "not_learning",
    "healthy",
)


def chance_loss(cfg: RunConfig) -> float:
    """The loss of a network that has learnt nothing: ln(classes) for balanced classes; for
    regression the targets' variance, 1 (sim.data standardises them on the training set); a
    sequence task states its own (sim.sequences)."""
    if cfg.recurrent:
        return diagnosis_time.chance_loss(cfg)
    info = DATASETS[cfg.dataset]
    return math.log(info.n_out) if info.task == "classification" else 1.0


def diagnose(
    records: History, cfg: RunConfig, divergence: BurstResult | None = None
) -> list[Finding]:
    """Findings on a run's records (the latest recorded step) and how its last burst ended.
    A recurrent network is judged through time (sim.diagnosis_time), not through depth."""
    if cfg.recurrent:
        signal = diagnosis_time.signal(records, cfg)
        out = diagnosis_time.findings(records, cfg, signal, _diverged(divergence, signal))
        return [replace(f, advice=remedies.advice(f.code, cfg)) for f in out]
    latest = records.latest_layers()
    signal = _signal(latest, cfg.depth) if latest is not None else []
    out = _diverged(divergence, signal)
    if latest is None:
        return out
    out += [f for f in signal if f.code != "level"]
    out += _units(latest, cfg.depth, ACTIVATIONS[cfg.activation])
    out += _updates(latest)
    if not any(f.severity in ("error", "warning") for f in out):
        out += _not_learning(records, cfg)
    if not any(f.severity in ("error", "warning") for f in out):
        out.append(Finding("healthy", "ok"))
    return [replace(f, advice=remedies.advice(f.code, cfg)) for f in out]


def _diverged(d: BurstResult | None, signal: list[Finding]) -> list[Finding]:
    """A divergence, told apart by the backward signal before it: level per layer means the
    step was too large for the weights (step_diverged), not growth through depth."""
    if d is None:
        return []
    values = {"step": d.diverged_step, "where": d.diverged_where}
    level = [f for f in signal if f.code == "level"]
    if level:
        values |= {"factor": level[0].values["factor"], "ratio": level[0].values["ratio"]}
        return [Finding("step_diverged", "error", d.diverged_layer, values)]
    return [Finding("diverged", "error", d.diverged_layer, values)]


def _not_learning(records: History, cfg: RunConfig) -> list[Finding]:
    values = stuck_at_chance(records, chance_loss(cfg))
    if values is None:
        return []
    values["test_acc"] = float(records.rec_scalars[-1, 1])
    return [Finding("not_learning", "warning", None, values)]


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
    return [Finding("level", "ok", None, values)]  # internal: within the bands


def unit_trouble(
    saturation: np.ndarray, dead: np.ndarray, activation: Activation
) -> tuple[np.ndarray, np.ndarray]:
    """Per hidden layer, whether its share of inputs in the flat region, and its share of dead
    units, is what the diagnosis calls a problem: (saturated, dead), boolean arrays. A one-sided
    flat region (ReLU's negative half) is not saturation: half the inputs sit there by design."""
    saturation, dead = np.asarray(saturation, np.float64), np.asarray(dead, np.float64)
    saturating = activation.bounded and len(activation.flat) == 2
    with np.errstate(invalid="ignore"):
        network = (
            saturating and np.isfinite(saturation).all() and saturation.mean() > SATURATION_SHARE
        )
        hot = (saturation > SATURATION_SHARE) & bool(network)
        silent = (dead >= DEAD_SHARE) & bool(activation.dead and np.isfinite(dead).all())
    return hot, silent


def _units(latest: dict[str, np.ndarray], depth: int, activation: Activation) -> list[Finding]:
    out = []
    saturation = latest["saturation"][:depth]
    dead = latest["dead_fraction"][:depth]
    hot, silent = unit_trouble(saturation, dead, activation)
    if hot.any():
        worst = int(np.argmax(saturation)) + 1
        share = float(saturation.mean())
        values = {"share": share, "worst": float(saturation.max())}
        out.append(Finding("saturation", "warning", worst, values))
    if silent.any():
        worst = int(np.argmax(dead)) + 1
        values = {"share": float(dead.max()), "mean": float(dead.mean())}
        out.append(Finding("dead_units", "warning", worst, values))
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
