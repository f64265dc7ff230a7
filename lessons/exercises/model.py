"""What an exercise is: frozen dataclasses for its start, rules, goal, twin runs and texts.

Pure data with a few derived properties; loading.py builds these from content/exercises/*.toml
and checks.py judges a learner's config against them. The goal's vocabulary, CHECK_METRICS,
lives here because both sides name it: a file's goal is validated against it, and a check
measures every one of its numbers.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

from sim.config import FIELDS, RunConfig
from sim.presets import ALL_PRESETS

TEXT_KEYS = ("title", "story", "goal", "constraints", "explanation")  # plus `hints`, a list
CONSTRAINT_OPS = ("eq", "ne", "ge", "le", "in", "not_in", "start")
NEVER_FIXED = ("device",)  # where the check runs is not part of the experiment
CRITERION_OPS = ("le", "ge", "eq")

# Every number a goal can name. A diverged run's grad_norm_max is infinite: it blew up.
CHECK_METRICS = (
    "steps",
    "diverged",  # 1.0 if a loss or gradient went non-finite
    "loss",  # training loss at the last step
    "train_acc",
    "test_acc",  # held-out accuracy at the last recorded step
    "signal_ratio",  # ||dL/dh|| at hidden layer 1 / at hidden layer depth, last recorded step
    "signal_factor",  # the same as a per-layer factor: ratio ** (1 / (depth - 1))
    "first_signal_ratio",  # signal_ratio at the first step (at initialisation)
    "first_signal_factor",  # the same as a per-layer factor: growth through depth, not step size
    "hidden_grad_ratio",  # weight-gradient norm, layer 2 / layer depth (hidden-to-hidden)
    "grad_norm_max",  # largest total gradient norm of any step, before clipping
    "clipped_share",  # share of steps where clipping changed the gradient
    "dead_mean",  # mean over hidden layers of the share of units silent for the whole batch
    "dead_max",
    "dead_worst_layer",
    "saturation_mean",
    # a recurrent network (arch != "mlp"): the backward signal across time, ||dL/dh_t||
    "time_signal_ratio",  # at t = 1 / at t = T, last recorded step
    "time_signal_factor",  # the same per time step: ratio ** (1 / (T - 1))
    "first_time_signal_ratio",  # time_signal_ratio at the first step (at initialisation)
    "loss_to_chance",  # test loss / the task's chance loss (the best constant prediction)
)

_HOLDS = {  # CONSTRAINT_OPS: does the learner's value `got` keep the rule?
    "eq": operator.eq,
    "start": operator.eq,
    "ne": operator.ne,
    "ge": operator.ge,
    "le": operator.le,
    "in": lambda got, want: got in want,
    "not_in": lambda got, want: got not in want,
}


@dataclass(frozen=True)
class Constraint:
    """One rule on the learner's config. op "start": the field keeps its starting value."""

    field: str
    op: str  # one of CONSTRAINT_OPS
    value: Any = None

    def expected(self, start: RunConfig) -> Any:
        return getattr(start, self.field) if self.op == "start" else self.value

    def holds(self, cfg: RunConfig, start: RunConfig) -> bool:
        return _HOLDS[self.op](getattr(cfg, self.field), self.expected(start))


@dataclass(frozen=True)
class RunSpec:
    """A twin run: the learner's config with `change` set and `add` added (e.g. depth - 1)."""

    change: dict[str, Any] = field(default_factory=dict)
    add: dict[str, int | float] = field(default_factory=dict)

    def apply(self, cfg: RunConfig) -> RunConfig:
        values = dict(self.change)
        values.update({k: getattr(cfg, k) + v for k, v in self.add.items()})
        return cfg.replace(**values)


@dataclass(frozen=True)
class Criterion:
    """One goal: `metric` of run `run` compared with `value`. `info` rows are shown, not judged."""

    code: str  # language-free name of what is tested, e.g. "vanishing_seen"
    run: str  # "yours" or a key of Exercise.runs
    metric: str  # one of CHECK_METRICS
    op: str  # one of CRITERION_OPS
    value: float
    info: bool = False


@dataclass(frozen=True)
class Text:
    title: str
    story: str
    goal: str
    constraints: str
    hints: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Exercise:
    id: str
    order: int  # easy -> hard
    level: int  # 1 easy, 2 medium, 3 hard
    preset: str  # the starting experiment is this preset ...
    start: dict[str, Any]  # ... with these changes
    steps: int  # a fresh run trains this many steps
    use_session: bool  # a learner's own trained simulation may stand in for the fresh run
    constraints: tuple[Constraint, ...]
    goal: tuple[Criterion, ...]
    runs: dict[str, RunSpec]
    solutions: tuple[dict[str, Any], ...]  # changes over the start that pass (tests use them)
    near_misses: tuple[dict[str, Any], ...]  # changes over the start that must still fail
    text: dict[str, Text]  # by language
    # Tests run these too: ways to pass without learning the lesson (must fail), and every
    # remedy the app itself recommends for this problem (must pass).
    shortcuts: tuple[dict[str, Any], ...] = ()
    alternatives: tuple[dict[str, Any], ...] = ()
    # A fair experiment: when set, only these fields may differ from the start (NEVER_FIXED
    # aside); any other changed field fails as "fair:<field>", naming the value to put back.
    vary: tuple[str, ...] = ()
    # Seeds every run is trained with; its numbers are the mean over them. Empty: the config's.
    seeds: tuple[int, ...] = ()

    @property
    def start_config(self) -> RunConfig:
        return ALL_PRESETS[self.preset].cfg.replace(**self.start)

    def solution_config(self, i: int = 0) -> RunConfig:
        return self.start_config.replace(**self.solutions[i])

    def unfair_fields(self, cfg: RunConfig) -> tuple[str, ...]:
        """Fields changed from the start outside `vary`: what makes the comparison unfair."""
        if not self.vary:
            return ()
        start, free = self.start_config, set(self.vary) | set(NEVER_FIXED)
        return tuple(n for n in FIELDS if n not in free and getattr(cfg, n) != getattr(start, n))

    @property
    def kept_fields(self) -> tuple[str, ...]:
        """Fields the rules hold at their starting value: safe for a teacher to lock."""
        start = self.start_config
        kept = [
            c.field for c in self.constraints if c.op in ("eq", "start") and c.holds(start, start)
        ]
        if self.vary:
            kept += [n for n in FIELDS if n not in self.vary and n not in NEVER_FIXED]
        return tuple(dict.fromkeys(kept))

    @property
    def must_change(self) -> tuple[str, ...]:
        """Fields whose starting value breaks a rule: locking one makes the exercise unsolvable."""
        start = self.start_config
        return tuple(dict.fromkeys(c.field for c in self.constraints if not c.holds(start, start)))
