"""Checking an exercise: measure simulations, then judge constraints and goal criteria.

The numbers come from the engine's own history. Vanishing is judged on the backward signal
||dL/dh|| between hidden layers 1 and depth (never on the first weight matrix, whose 2-unit
input makes even a balanced network look lopsided; see shared reference, "Measuring pitfalls").

Fresh runs are on the CPU with the config's seed, so a check gives the same answer on every
machine. Per-layer statistics are recorded only at the first and last step of the run: the
check needs nothing in between, and recording costs time.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.config import RunConfig, problems
from sim.history import LAYER_METRICS

if TYPE_CHECKING:
    from lessons.exercises.loading import Exercise
    from sim.train.simulation import Simulation

# Every number a goal can name. A diverged run's grad_norm_max is infinite: it blew up.
METRICS = (
    "steps",
    "diverged",  # 1.0 if a loss or gradient went non-finite
    "loss",  # training loss at the last step
    "train_acc",
    "test_acc",  # held-out accuracy at the last recorded step
    "signal_ratio",  # ||dL/dh|| at hidden layer 1 / at hidden layer depth, last recorded step
    "signal_factor",  # the same as a per-layer factor: ratio ** (1 / (depth - 1))
    "first_signal_ratio",  # signal_ratio at the first step (at initialisation)
    "hidden_grad_ratio",  # weight-gradient norm, layer 2 / layer depth (hidden-to-hidden)
    "grad_norm_max",  # largest total gradient norm of any step, before clipping
    "clipped_share",  # share of steps where clipping changed the gradient
    "dead_mean",  # mean over hidden layers of the share of units silent for the whole batch
    "dead_max",
    "dead_worst_layer",
    "saturation_mean",
)
CHECK_STATS_EVERY = 10**9  # record the first and last step of the run only


@dataclass(frozen=True)
class Evidence:
    """What one simulation showed: `numbers` keyed by METRICS, and where they came from."""

    label: str  # "yours" or a twin run's name
    cfg: RunConfig
    source: str  # "session" (the learner's own simulation) or "fresh" (run by the check)
    numbers: dict[str, float]
    diverged_step: int | None = None
    diverged_layer: int | None = None


@dataclass(frozen=True)
class Outcome:
    """One judged line. kind "constraint" or "goal"; `passed` is None for info rows."""

    kind: str
    code: str  # the criterion's code, or the constrained field's name
    passed: bool | None
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # English, for the CLI and logs; the app words it itself
        p = self.params
        mark = {True: "PASS", False: "FAIL", None: "info"}[self.passed]
        if self.kind == "config":
            return f"{mark}  config: {p['problem']}"
        if self.kind == "constraint":
            want = f"{_shown(p['expected'])} (its starting value)" if p["op"] == "start" else ""
            want = want or _shown(p["expected"])
            return f"{mark}  {p['field']} {_SYMBOLS[p['op']]} {want}: yours is {_shown(p['got'])}"
        what = f"{self.code}: {p['metric']} of {p['run']}"
        if self.passed is None:
            return f"{mark}  {what} = {_shown(p['value'])}"
        return f"{mark}  {what} {_SYMBOLS[p['op']]} {_shown(p['target'])}: {_shown(p['value'])}"


_SYMBOLS = {"eq": "=", "start": "=", "ne": "!=", "ge": ">=", "le": "<=", "in": "in"}
_SYMBOLS["not_in"] = "not in"


@dataclass(frozen=True)
class CheckResult:
    exercise: str
    passed: bool
    outcomes: tuple[Outcome, ...]
    runs: dict[str, Evidence]
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


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (tuple, list)):
        return "|".join(str(v) for v in value)
    return str(value)


# ---------------------------------------------------------------------------------------------
# Measuring


def _ratio(num: float, den: float) -> float:
    if not (math.isfinite(num) and math.isfinite(den)) or den <= 0:
        return math.nan
    return num / den


def measure(sim: Simulation, label: str = "yours", source: str = "fresh") -> Evidence:
    """Read the numbers a goal may name from a simulation's history (no training here)."""
    rec = sim.records
    depth = sim.cfg.depth
    nan = math.nan
    n: dict[str, float] = dict.fromkeys(METRICS, nan)
    n["steps"] = float(sim.step)
    n["diverged"] = 1.0 if sim.diverged else 0.0
    if len(rec.step_steps):
        n["loss"], n["train_acc"] = (float(v) for v in rec.step_values[-1, :2])
        n["grad_norm_max"] = float(np.nanmax(rec.step_values[:, 2]))
        n["clipped_share"] = float(np.nanmean(rec.step_values[:, 3]))
    if sim.diverged:
        n["grad_norm_max"] = math.inf
    if len(rec.rec_steps):
        n["test_acc"] = float(rec.rec_scalars[-1, 1])
        first = rec.rec_layers[0]  # (metrics, layers) at the first recorded step
        layers = sim.records.latest_layers()
        if depth >= 2:
            signal0, signal = first[LAYER_METRICS.index("signal_norm")], layers["signal_norm"]
            n["signal_ratio"] = _ratio(float(signal[0]), float(signal[depth - 1]))
            n["first_signal_ratio"] = _ratio(float(signal0[0]), float(signal0[depth - 1]))
            if n["signal_ratio"] > 0:
                n["signal_factor"] = n["signal_ratio"] ** (1.0 / (depth - 1))
        if depth >= 3:
            grad = layers["grad_norm"]
            n["hidden_grad_ratio"] = _ratio(float(grad[1]), float(grad[depth - 1]))
        dead = layers["dead_fraction"][:depth]
        if np.isfinite(dead).all():
            n["dead_mean"], n["dead_max"] = float(dead.mean()), float(dead.max())
            n["dead_worst_layer"] = float(int(np.argmax(dead)) + 1)
        n["saturation_mean"] = float(np.nanmean(layers["saturation"][:depth]))
    d = sim.divergence
    return Evidence(
        label,
        sim.cfg,
        source,
        n,
        d.diverged_step if d else None,
        d.diverged_layer if d else None,
    )


def fresh_run(cfg: RunConfig, steps: int, label: str) -> Evidence:
    from sim.train.simulation import Simulation

    sim = Simulation(cfg.replace(device="cpu"), stats_every=CHECK_STATS_EVERY)
    sim.burst(steps)
    return measure(sim, label, "fresh")


def session_matches(sim: Simulation | None, cfg: RunConfig, steps: int) -> bool:
    """The learner's own simulation may stand in for a fresh run of `cfg`: same experiment
    (device aside), trained at least as long as the exercise asks, and measured at least once."""
    if sim is None or not len(sim.records.rec_steps):
        return False
    same = sim.cfg.replace(device=cfg.device) == cfg
    return same and (sim.step >= steps or sim.diverged)


# ---------------------------------------------------------------------------------------------
# Judging


def _compare(value: float, op: str, target: float) -> bool:
    if math.isnan(value):
        return False
    if op == "le":
        return value <= target
    if op == "ge":
        return value >= target
    return value == target


def run_check(ex: Exercise, cfg: RunConfig, sim: Simulation | None = None) -> CheckResult:
    t0 = time.perf_counter()
    start = ex.start_config
    outcomes = [
        Outcome("config", "config", False, {"problem": str(p), "field": p.field})
        for p in problems(cfg)
    ]
    for c in ex.constraints:
        ok = c.holds(cfg, start)
        expected = getattr(start, c.field) if c.op == "start" else c.value
        params = {"field": c.field, "op": c.op, "expected": expected, "got": getattr(cfg, c.field)}
        outcomes.append(Outcome("constraint", c.field, ok, params))
    runs: dict[str, Evidence] = {}
    if not any(o.passed is False for o in outcomes):  # a broken rule: no need to train
        if ex.use_session and session_matches(sim, cfg, ex.steps):
            runs["yours"] = measure(sim, "yours", "session")
        else:
            runs["yours"] = fresh_run(cfg, ex.steps, "yours")
        for name, spec in ex.runs.items():
            twin = spec.apply(cfg)
            if problems(twin):  # e.g. depth - 1 == 0: there is nothing to compare with
                runs[name] = Evidence(name, cfg, "none", dict.fromkeys(METRICS, math.nan))
            else:
                runs[name] = fresh_run(twin, ex.steps, name)
        for crit in ex.goal:
            value = runs[crit.run].numbers[crit.metric]
            ok = None if crit.info else _compare(value, crit.op, crit.value)
            params = {"run": crit.run, "metric": crit.metric, "op": crit.op}
            params |= {"target": crit.value, "value": value, "depth": runs[crit.run].cfg.depth}
            outcomes.append(Outcome("goal", crit.code, ok, params))
    passed = bool(runs) and not any(o.passed is False for o in outcomes)
    return CheckResult(ex.id, passed, tuple(outcomes), runs, cfg, time.perf_counter() - t0)
