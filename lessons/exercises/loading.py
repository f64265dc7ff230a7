"""Reading content/exercises/*.toml into Exercise objects (lessons.exercises.model).

An exercise is data: one TOML file per exercise holding the starting experiment (a preset plus
changes), the rules a learner's config must keep, the goal as criteria on measured numbers, and
the text in each language. A file that does not describe a valid exercise raises
ExerciseFileError naming the file: that is a bug in content/, not a user's input.

    ex = EXERCISES["fix_keep_activation"]     # read on first use, once per process
    cfg = ex.start_config.replace(norm="batchnorm")
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from lessons.content import CONTENT, LANGS, read_toml
from lessons.exercises.model import (
    CHECK_METRICS,
    CONSTRAINT_OPS,
    CRITERION_OPS,
    TEXT_KEYS,
    Constraint,
    Criterion,
    Exercise,
    RunSpec,
    Text,
)
from sim.codec import parse_value
from sim.config import FIELDS
from sim.presets import ALL_PRESETS

EXERCISE_FILES = CONTENT / "exercises"
# Lists of changes over the start that the tests run through the check: solutions and
# alternatives must pass, near misses and shortcuts must fail.
CHANGE_LISTS = ("solutions", "near_misses", "shortcuts", "alternatives")


class ExerciseFileError(ValueError):
    """A content file that does not describe a valid exercise (a bug in content/, not input)."""


# ---------------------------------------------------------------------------------------------
# One file's parts


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
    return tuple(out)


def _vary(doc: dict, where: str) -> tuple[str, ...]:
    vary = tuple(doc.get("vary", ()))
    unknown = sorted(set(vary) - set(FIELDS))
    if unknown:
        raise ExerciseFileError(f"{where}: vary names unknown fields {unknown}")
    return vary


def _runs(doc: dict, where: str) -> dict[str, RunSpec]:
    return {
        name: RunSpec(
            _config_changes(spec.get("change", {}), where),
            {k: v for k, v in spec.get("add", {}).items() if k in FIELDS},
        )
        for name, spec in doc.get("runs", {}).items()
    }


def _goal(doc: dict, runs: dict[str, RunSpec], where: str) -> tuple[Criterion, ...]:
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
        if crit.metric not in CHECK_METRICS or crit.op not in CRITERION_OPS:
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


# ---------------------------------------------------------------------------------------------
# Files and the catalogue


def load_file(path: Path) -> Exercise:
    where = path.name
    doc = read_toml(path)
    if doc.get("preset") not in ALL_PRESETS:
        raise ExerciseFileError(f"{where}: unknown preset {doc.get('preset')!r}")
    runs = _runs(doc, where)
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
        text={lang: _text(doc, lang, where) for lang in LANGS},
        **{k: tuple(_config_changes(s, where) for s in doc.get(k, [])) for k in CHANGE_LISTS},
        vary=_vary(doc, where),
        seeds=tuple(int(s) for s in doc.get("seeds", ())),
    )
    ex.start_config.validated()
    return ex


def load_all(folder: Path = EXERCISE_FILES) -> dict[str, Exercise]:
    found = sorted((load_file(p) for p in folder.glob("*.toml")), key=lambda e: (e.order, e.id))
    return {ex.id: ex for ex in found}


@functools.cache
def exercises() -> dict[str, Exercise]:
    """Every exercise, easy to hard, read from content/ once per process."""
    return load_all()


class _Catalogue(Mapping[str, Exercise]):
    """`EXERCISES[id]`, `in`, iteration: a read-only view of exercises() that reads the files on
    first use, so importing this module (or the app) reads nothing."""

    def __getitem__(self, ex_id: str) -> Exercise:
        return exercises()[ex_id]

    def __iter__(self) -> Iterator[str]:
        return iter(exercises())

    def __len__(self) -> int:
        return len(exercises())


EXERCISES: Mapping[str, Exercise] = _Catalogue()
