"""Checking an exercise: measure simulations, then judge its rules and its goal criteria.

The numbers come from the engine's own history. Vanishing is judged on the backward signal
||dL/dh|| between hidden layers 1 and depth (never on the first weight matrix, whose 2-unit
input makes even a balanced network look lopsided; see shared reference, "Measuring pitfalls");
for a recurrent network, on ||dL/dh_t|| between time steps 1 and T, and learning on the test
loss against the task's chance loss.

Fresh runs are on the CPU with the config's seed, so a check gives the same answer on every
machine. Per-layer statistics are recorded only at the first and last step of the run: the
check needs nothing in between, and recording costs time. A result is codes and numbers; the
app and the CLI word it in the learner's language.

    result = run_check(EXERCISES["fix_keep_activation"], cfg)   # CheckResult
    result.passed, result.reason_codes, result.runs["yours"].numbers
"""

from __future__ import annotations

import functools
import math
import operator
import time
import warnings
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from lessons.exercises.model import CHECK_METRICS, Exercise
from sim.config import RunConfig, problems
from sim.diagnosis_time import chance_loss
from sim.history import LAYER_METRICS, TIME_METRICS
from sim.train.simulation import Simulation

CHECK_STATS_EVERY = 10**9  # record the first and last step of the run only
FRESH_CACHE = 256  # fresh runs kept per process; each is a few hundred numbers
_SIGNAL = LAYER_METRICS.index("signal_norm")
_TIME_SIGNAL = TIME_METRICS.index("time_signal")


@dataclass(frozen=True)
class CheckEvidence:
    """What one simulation showed: `numbers` keyed by CHECK_METRICS, and where they came from."""

    label: str  # "yours" or a twin run's name
    cfg: RunConfig
    source: str  # "session" (the learner's own simulation), "fresh" (run by the check), "none"
    numbers: dict[str, float]
    diverged_step: int | None = None
    diverged_layer: int | None = None


@dataclass(frozen=True)
class Outcome:
    """One judged line. kind "config", "constraint", "fair" (a field the experiment must put back
    to its starting value) or "goal"; `passed` is None for info rows."""

    kind: str
    code: str  # the criterion's code, or the constrained field's name
    passed: bool | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    exercise: str
    passed: bool
    outcomes: tuple[Outcome, ...]
    runs: dict[str, CheckEvidence]
    cfg: RunConfig
    seconds: float

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.passed is False)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """Language-free: what failed, e.g. ("constraint:activation", "goal:learns")."""
        return tuple(f"{o.kind}:{o.code}" for o in self.failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "passed": self.passed,
            "reasons": list(self.reason_codes),
            "outcomes": [asdict(o) for o in self.outcomes],
            "runs": {
                k: {"source": e.source, "config": e.cfg.to_dict(), "numbers": e.numbers}
                for k, e in self.runs.items()
            },
            "config": self.cfg.to_dict(),
            "seconds": self.seconds,
        }


# ---------------------------------------------------------------------------------------------
# Measuring


def _ratio(num: float, den: float) -> float:
    if not (math.isfinite(num) and math.isfinite(den)) or den <= 0:
        return math.nan
    return num / den


def _per_layer(ratio: float, depth: int) -> float:
    return ratio ** (1.0 / (depth - 1)) if ratio > 0 else math.nan


def measure(sim: Simulation, label: str = "yours", source: str = "fresh") -> CheckEvidence:
    """Read the numbers a goal may name from a simulation's history (no training here)."""
    rec = sim.records
    depth = sim.cfg.depth
    n: dict[str, float] = dict.fromkeys(CHECK_METRICS, math.nan)
    n["steps"] = float(sim.step)
    n["diverged"] = 1.0 if sim.diverged else 0.0
    if len(rec.step_steps):
        n["loss"], n["train_acc"] = (float(v) for v in rec.step_values[-1, :2])
        n["grad_norm_max"] = float(np.nanmax(rec.step_values[:, 2]))
        n["clipped_share"] = float(np.nanmean(rec.step_values[:, 3]))
    if sim.diverged:
        n["grad_norm_max"] = math.inf
    if len(rec.rec_steps) and sim.cfg.recurrent:
        n |= _through_time(sim)
    elif len(rec.rec_steps):
        n["test_acc"] = float(rec.rec_scalars[-1, 1])
        first = rec.rec_layers[0]  # (metrics, layers) at the first recorded step
        layers = rec.latest_layers()
        if depth >= 2:
            signal0, signal = first[_SIGNAL], layers["signal_norm"]
            n["signal_ratio"] = _ratio(float(signal[0]), float(signal[depth - 1]))
            n["first_signal_ratio"] = _ratio(float(signal0[0]), float(signal0[depth - 1]))
            n["signal_factor"] = _per_layer(n["signal_ratio"], depth)
            n["first_signal_factor"] = _per_layer(n["first_signal_ratio"], depth)
        if depth >= 3:
            grad = layers["grad_norm"]
            n["hidden_grad_ratio"] = _ratio(float(grad[1]), float(grad[depth - 1]))
        dead = layers["dead_fraction"][:depth]
        if np.isfinite(dead).all():
            n["dead_mean"], n["dead_max"] = float(dead.mean()), float(dead.max())
            n["dead_worst_layer"] = float(int(np.argmax(dead)) + 1)
        n["saturation_mean"] = float(np.nanmean(layers["saturation"][:depth]))
    d = sim.divergence
    step, layer = (d.diverged_step, d.diverged_layer) if d else (None, None)
    return CheckEvidence(label, sim.cfg, source, n, step, layer)


def _through_time(sim: Simulation) -> dict[str, float]:
    """A recurrent network's numbers: its signal across time at the first and the last
    recorded step, and its test loss against the task's chance loss."""
    rec, n = sim.records, {}
    first, last = rec.rec_times[0, _TIME_SIGNAL], rec.rec_times[-1, _TIME_SIGNAL]
    n["time_signal_ratio"] = _ratio(float(last[0]), float(last[-1]))
    n["first_time_signal_ratio"] = _ratio(float(first[0]), float(first[-1]))
    n["time_signal_factor"] = _per_layer(n["time_signal_ratio"], sim.cfg.seq_len)
    n["test_acc"] = float(rec.rec_scalars[-1, 1])  # NaN on a regression task (adding)
    n["loss_to_chance"] = _ratio(float(rec.rec_scalars[-1, 0]), chance_loss(sim.cfg))
    return n


@functools.lru_cache(maxsize=FRESH_CACHE)
def _fresh(cfg: RunConfig, steps: int) -> CheckEvidence:
    sim = Simulation(cfg.replace(device="cpu"), stats_every=CHECK_STATS_EVERY)
    sim.burst(steps)
    return measure(sim, "", "fresh")


def fresh_run(cfg: RunConfig, steps: int, label: str) -> CheckEvidence:
    """A run of `cfg` on the CPU. Same config and seed give the same history there, so a run
    already made in this process (a twin shared by two checks, a retry) is reused."""
    return replace(_fresh(cfg.replace(device="cpu"), steps), label=label, cfg=cfg)


def seeded_run(cfg: RunConfig, steps: int, label: str, seeds: tuple[int, ...]) -> CheckEvidence:
    """A fresh run per seed, its numbers the mean over them (an answer that holds on average,
    not on one lucky seed). No seeds: the config's own."""
    if not seeds:
        return fresh_run(cfg, steps, label)
    each = [fresh_run(cfg.replace(seed=s), steps, label).numbers for s in seeds]
    with warnings.catch_warnings():  # a metric that is NaN for every seed stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        numbers = {k: float(np.nanmean([n[k] for n in each])) for k in CHECK_METRICS}
    return CheckEvidence(label, cfg, "fresh", numbers)


def session_matches(sim: Simulation | None, cfg: RunConfig, steps: int) -> bool:
    """The learner's own simulation may stand in for a fresh run of `cfg`: same experiment
    (device aside), trained at least as long as the exercise asks, and measured at least once."""
    if sim is None or not len(sim.records.rec_steps):
        return False
    same = sim.cfg.replace(device=cfg.device) == cfg
    return same and (sim.step >= steps or sim.diverged)


# ---------------------------------------------------------------------------------------------
# Judging


_COMPARE = {"le": operator.le, "ge": operator.ge, "eq": operator.eq}  # CRITERION_OPS


def _rules(ex: Exercise, cfg: RunConfig) -> list[Outcome]:
    """The config's own problems, then every constraint of the exercise."""
    start = ex.start_config
    outcomes = [
        Outcome("config", "config", False, {"problem": str(p), "field": p.field})
        for p in problems(cfg)
    ]
    for c in ex.constraints:
        params = {"field": c.field, "op": c.op, "expected": c.expected(start)}
        params["got"] = getattr(cfg, c.field)
        outcomes.append(Outcome("constraint", c.field, c.holds(cfg, start), params))
    for name in ex.unfair_fields(cfg):  # a fair experiment changes only the factor studied
        params = {"field": name, "op": "start", "expected": getattr(start, name)}
        params |= {"got": getattr(cfg, name), "vary": ex.vary}
        outcomes.append(Outcome("fair", name, False, params))
    return outcomes


def _runs(ex: Exercise, cfg: RunConfig, sim: Simulation | None) -> dict[str, CheckEvidence]:
    """The learner's run (their own simulation where it matches) and the exercise's twins."""
    runs: dict[str, CheckEvidence] = {}
    if ex.use_session and not ex.seeds and session_matches(sim, cfg, ex.steps):
        runs["yours"] = measure(sim, "yours", "session")
    else:
        runs["yours"] = seeded_run(cfg, ex.steps, "yours", ex.seeds)
    for name, spec in ex.runs.items():
        twin = spec.apply(cfg)
        if problems(twin):  # e.g. depth - 1 == 0: there is nothing to compare with
            runs[name] = CheckEvidence(name, cfg, "none", dict.fromkeys(CHECK_METRICS, math.nan))
        else:
            runs[name] = seeded_run(twin, ex.steps, name, ex.seeds)
    return runs


def _goal(ex: Exercise, runs: dict[str, CheckEvidence]) -> list[Outcome]:
    outcomes = []
    for crit in ex.goal:
        value = runs[crit.run].numbers[crit.metric]
        judged = not math.isnan(value) and _COMPARE[crit.op](value, crit.value)
        params = {"run": crit.run, "metric": crit.metric, "op": crit.op}
        params |= {"target": crit.value, "value": value, "depth": runs[crit.run].cfg.depth}
        outcomes.append(Outcome("goal", crit.code, None if crit.info else judged, params))
    return outcomes


def run_check(ex: Exercise, cfg: RunConfig, sim: Simulation | None = None) -> CheckResult:
    """Judge `cfg` (and the learner's trained `sim`, where it matches) against the exercise."""
    t0 = time.perf_counter()
    outcomes = _rules(ex, cfg)
    runs: dict[str, CheckEvidence] = {}
    if not any(o.passed is False for o in outcomes):  # a broken rule: no need to train
        runs = _runs(ex, cfg, sim)
        outcomes += _goal(ex, runs)
    passed = bool(runs) and not any(o.passed is False for o in outcomes)
    return CheckResult(ex.id, passed, tuple(outcomes), runs, cfg, time.perf_counter() - t0)
