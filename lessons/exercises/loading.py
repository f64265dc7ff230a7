"""Workshop exercises: the machine part (starting config, constraints, goal) and their checks.

An exercise is data: one TOML file per exercise in content/exercises/, holding the starting
experiment (a preset plus changes), the constraints a learner's config must keep, the goal as
criteria on measured numbers, and the text in each language. This module reads those files
into frozen dataclasses; lessons.exercises.checks measures a simulation and judges it. Nothing here
imports streamlit: a notebook or `python -m sim exercise` uses the same checks as the app.

    ex = EXERCISES["fix_keep_activation"]
    cfg = start_config(ex).replace(norm="batchnorm")
    result = check(ex, cfg)            # CheckResult: passed, outcomes, runs (the numbers)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.codec import parse_value
from sim.config import FIELDS, RunConfig
from sim.presets import PRESETS

CONTENT = Path(__file__).resolve().parents[2] / "content" / "exercises"
LANGS = ("en", "zh")
TEXT_KEYS = ("title", "story", "goal", "constraints", "explanation")  # plus `hints`, a list
CONSTRAINT_OPS = ("eq", "ne", "ge", "le", "in", "not_in", "start")
CRITERION_OPS = ("le", "ge", "eq")
NEVER_FIXED = ("device",)  # where the check runs is not part of the experiment

# ---------------------------------------------------------------------------------------------
# Definitions


@dataclass(frozen=True)
class Constraint:
    """One rule on the learner's config. op "start": the field keeps its starting value."""

    field: str
    op: str  # one of CONSTRAINT_OPS
    value: Any = None

    def holds(self, cfg: RunConfig, start: RunConfig) -> bool:
        got = getattr(cfg, self.field)
        want = getattr(start, self.field) if self.op == "start" else self.value
        if self.op in ("eq", "start"):
            return got == want
        if self.op == "ne":
            return got != want
        if self.op == "ge":
            return got >= want
        if self.op == "le":
            return got <= want
        if self.op == "in":
            return got in want
        return got not in want  # not_in


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
    metric: str  # a key of lessons.exercises.checks.Evidence.numbers
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

    @property
    def start_config(self) -> RunConfig:
        return PRESETS[self.preset].cfg.replace(**self.start)

    def solution_config(self, i: int = 0) -> RunConfig:
        return self.start_config.replace(**self.solutions[i])

    @property
    def constrained_fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.field for c in self.constraints))

    @property
    def kept_fields(self) -> tuple[str, ...]:
        """Fields the rules hold at their starting value: safe for a teacher to lock."""
        start = self.start_config
        kept = (
            c.field for c in self.constraints if c.op in ("eq", "start") and c.holds(start, start)
        )
        return tuple(dict.fromkeys(kept))

    @property
    def must_change(self) -> tuple[str, ...]:
        """Fields whose starting value breaks a rule: locking one makes the exercise unsolvable."""
        start = self.start_config
        return tuple(dict.fromkeys(c.field for c in self.constraints if not c.holds(start, start)))


def start_config(ex: Exercise) -> RunConfig:
    return ex.start_config


# ---------------------------------------------------------------------------------------------
# Loading content/exercises/*.toml


class ExerciseFileError(ValueError):
    """A content file that does not describe a valid exercise (a bug in content/, not input)."""


def _typed(name: str, raw: Any, where: str) -> Any:
    value, problem = parse_value(name, raw)
    if problem is not None:
        raise ExerciseFileError(f"{where}: {problem}")
    return value


def _config_changes(raw: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise ExerciseFileError(f"{where}: unknown fields {sorted(unknown)}")
    return {k: _typed(k, v, where) for k, v in raw.items()}


def _constraints(doc: dict, where: str) -> tuple[Constraint, ...]:
    out = []
    for c in doc.get("constraints", []):
        name, op = c.get("field"), c.get("op")
        if name not in FIELDS or op not in CONSTRAINT_OPS:
            raise ExerciseFileError(f"{where}: bad constraint {c}")
        value = c.get("value")
        if op in ("in", "not_in"):
            value = tuple(_typed(name, v, where) for v in value)
        elif op != "start":
            value = _typed(name, value, where)
        out.append(Constraint(name, op, value))
    for name in doc.get("only_change", ()):
        if name not in FIELDS:
            raise ExerciseFileError(f"{where}: only_change names unknown field {name!r}")
    if "only_change" in doc:
        keep = set(doc["only_change"]) | set(NEVER_FIXED)
        out += [Constraint(n, "start") for n in FIELDS if n not in keep]
    return tuple(out)


def _goal(doc: dict, runs: dict[str, RunSpec], where: str) -> tuple[Criterion, ...]:
    from lessons.exercises.checks import METRICS

    out = []
    for g in doc.get("goal", []):
        crit = Criterion(
            g["code"],
            g.get("run", "yours"),
            g["metric"],
            g["op"],
            float(g["value"]),
            g.get("info", False),
        )
        if crit.run != "yours" and crit.run not in runs:
            raise ExerciseFileError(f"{where}: goal {crit.code} names unknown run {crit.run!r}")
        if crit.metric not in METRICS or crit.op not in CRITERION_OPS:
            raise ExerciseFileError(f"{where}: goal {crit.code} has bad metric or op")
        out.append(crit)
    if not any(not c.info for c in out):
        raise ExerciseFileError(f"{where}: a goal needs at least one judged criterion")
    return tuple(out)


def _text(doc: dict, lang: str, where: str) -> Text:
    t = doc.get(lang)
    if not isinstance(t, dict):
        raise ExerciseFileError(f"{where}: no [{lang}] table")
    missing = [k for k in (*TEXT_KEYS, "hints") if not t.get(k)]
    if missing:
        raise ExerciseFileError(f"{where}: [{lang}] lacks {missing}")
    return Text(**{k: t[k].strip() for k in TEXT_KEYS}, hints=tuple(h.strip() for h in t["hints"]))


def load_file(path: Path) -> Exercise:
    where = path.name
    with path.open("rb") as f:
        doc = tomllib.load(f)
    if doc.get("preset") not in PRESETS:
        raise ExerciseFileError(f"{where}: unknown preset {doc.get('preset')!r}")
    runs = {
        name: RunSpec(
            _config_changes(spec.get("change", {}), where),
            {k: v for k, v in spec.get("add", {}).items() if k in FIELDS},
        )
        for name, spec in doc.get("runs", {}).items()
    }
    ex = Exercise(
        id=doc["id"],
        order=int(doc["order"]),
        level=int(doc["level"]),
        preset=doc["preset"],
        start=_config_changes(doc.get("start", {}), where),
        steps=int(doc["steps"]),
        use_session=bool(doc.get("use_session", True)),
        constraints=_constraints(doc, where),
        goal=_goal(doc, runs, where),
        runs=runs,
        solutions=tuple(_config_changes(s, where) for s in doc.get("solutions", [])),
        near_misses=tuple(_config_changes(s, where) for s in doc.get("near_misses", [])),
        text={lang: _text(doc, lang, where) for lang in LANGS},
    )
    ex.start_config.validated()
    return ex


def load_all(folder: Path = CONTENT) -> dict[str, Exercise]:
    found = sorted((load_file(p) for p in folder.glob("*.toml")), key=lambda e: (e.order, e.id))
    return {ex.id: ex for ex in found}


EXERCISES: dict[str, Exercise] = load_all()


def check(ex: Exercise | str, cfg: RunConfig, sim=None):
    """Judge `cfg` (and the learner's trained `sim`, where it matches) against the exercise."""
    from lessons.exercises.checks import run_check

    return run_check(EXERCISES[ex] if isinstance(ex, str) else ex, cfg, sim)
