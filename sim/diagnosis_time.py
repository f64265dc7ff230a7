"""Diagnosis through time: the rules for a recurrent network (sim.nn.recurrent), judged on the
latest recorded step's backward signal across time steps, ||dL/dh_t|| for t = 1..T (the
quantity of Bengio, Simard & Frasconi 1994 and Pascanu, Mikolov & Bengio 2013), its gates and
its loss against the task's chance loss (sim.sequences). sim.diagnosis.diagnose calls these for
every arch but "mlp"; the app words the codes (locales/*.toml, `finding.*`).

The signal is judged by r = s_1 / s_T and the per-step factor r ** (1 / (T - 1)): the factor is
what a cell multiplies the signal by per step back in time, and what a remedy must bring to one.
Truncated backprop (tbptt = k < T) cuts the signal to exactly 0 before the last window: that is
"tbptt_cut", not vanishing. Unlike depth, "not learning" is reported beside vanishing: through
time the vanishing signal is the reason a vanilla RNN stays at chance, and both are shown.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from sim.config import RunConfig
from sim.finding import Finding, stuck_at_chance
from sim.history import RECURRENT_SCALARS, TIME_METRICS, History
from sim.sequences import SEQ_TASKS

VANISH_RATIO = 1e-2  # signal at t = 1 below 1% of the one at t = T
SEVERE_VANISH_RATIO = 1e-5
EXPLODE_RATIO = 1e2
GATE_SATURATION_SHARE = 0.5  # mean share of gate values below 0.05 or above 0.95

# A divergence (sim.diagnosis._diverged) told through time: "step_diverged" when the signal across
# time stayed level, and the weight matrix it names is one of three (1 input, 2 recurrent,
# 3 output), not a layer in depth; the words say so (finding.*_time).
THROUGH_TIME = {"diverged": "diverged_time", "step_diverged": "step_diverged_time"}
DIVERGED_CODES = tuple(THROUGH_TIME.values())
# Every code a recurrent network's diagnosis may give (each advised in sim.remedies.ADVICE).
TIME_CODES = (
    "vanishing_time",
    "exploding_time",
    "tbptt_cut",
    "gates_saturated",
    "not_learning_time",
    "healthy_time",
    *DIVERGED_CODES,
)
_RADIUS = RECURRENT_SCALARS.index("spectral_radius")


def chance_loss(cfg: RunConfig) -> float:
    """The loss of the best constant prediction on the config's sequence task."""
    return SEQ_TASKS[cfg.seq_task].chance_loss


def latest_times(records: History) -> dict[str, np.ndarray] | None:
    """Per-time-step metrics at the latest recorded step, {metric: (T,) array}, t = 1..T."""
    if not len(records.rec_steps) or not records.n_times:
        return None
    return {m: records.rec_times[-1, i] for i, m in enumerate(TIME_METRICS)}


# ---------------------------------------------------------------------------------------------
# The signal across time


def signal(records: History, cfg: RunConfig) -> list[Finding]:
    """The verdict on the latest signal across time: one finding, or [] when there is none. A
    signal within the bands is the internal code "level" (sim.diagnosis tells a divergence
    with a level signal, a step too large, from one the signal grew into)."""
    latest = latest_times(records)
    if latest is None:
        return []
    s = np.asarray(latest["time_signal"], np.float64)
    first, last, t_len = float(s[0]), float(s[-1]), len(s)
    if t_len < 2 or not (math.isfinite(first) and math.isfinite(last)) or last <= 0:
        return []
    ratio = first / last
    values = {
        "ratio": ratio,
        "factor": ratio ** (1.0 / (t_len - 1)) if ratio > 0 else 0.0,
        "first_signal": first,
        "last_signal": last,
        "seq_len": float(t_len),
        "radius": float(records.rec_model[-1, _RADIUS]),
    }
    if 0 < cfg.tbptt < t_len and first == 0.0:
        reach = float(np.count_nonzero(s > 0))  # the steps the cut signal still reaches
        cut = {"window": float(cfg.tbptt), "reach": reach, "seq_len": float(t_len)}
        return [Finding("tbptt_cut", "warning", int(t_len - reach), cut)]
    if ratio < VANISH_RATIO:
        severity = "error" if ratio < SEVERE_VANISH_RATIO else "warning"
        return [Finding("vanishing_time", severity, 1, values)]
    if ratio > EXPLODE_RATIO:
        return [Finding("exploding_time", "warning", 1, values)]
    return [Finding("level", "ok", None, values)]


# ---------------------------------------------------------------------------------------------
# Gates, learning, and the whole verdict


def _gates(records: History, latest: dict[str, np.ndarray], cfg: RunConfig) -> list[Finding]:
    """Most gate values pinned near 0 or 1: there sigmoid's slope is near 0, so the gates
    barely learn. A warning only for a network stuck at chance: chrono initialisation pins
    them on purpose, and a network that has learnt holds a forget gate at 1 to keep a memory."""
    if cfg.arch == "rnn":
        return []
    share = np.asarray(latest["gate_saturation"], np.float64)
    if not np.isfinite(share).all() or share.mean() <= GATE_SATURATION_SHARE:
        return []
    values = {"share": float(share.mean()), "worst": float(share.max())}
    values["forget"] = float(np.nanmean(latest["forget_gate"]))
    severity = "warning" if stuck_at_chance(records, chance_loss(cfg)) else "info"
    return [Finding("gates_saturated", severity, int(np.argmax(share)) + 1, values)]


def _not_learning(records: History, cfg: RunConfig) -> list[Finding]:
    values = stuck_at_chance(records, chance_loss(cfg))
    if values is None:
        return []
    values["seq_len"] = float(cfg.seq_len)
    return [Finding("not_learning_time", "warning", None, values)]


def findings(
    records: History, cfg: RunConfig, verdict: list[Finding], before: list[Finding] = ()
) -> list[Finding]:
    """`before` (a divergence) and every finding through time, given the signal's `verdict`
    (from `signal`), without advice (sim.diagnosis adds it)."""
    before = [replace(f, code=THROUGH_TIME.get(f.code, f.code)) for f in before]
    latest = latest_times(records)
    if latest is None:
        return before
    out = before + [f for f in verdict if f.code != "level"]
    out += _gates(records, latest, cfg)
    out += _not_learning(records, cfg)
    if not any(f.severity in ("error", "warning") for f in out):
        out.append(Finding("healthy_time", "ok"))
    return out
