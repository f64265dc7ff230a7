"""The teacher's view of a room, computed from its rows: pure functions, no database.

Remedies are read from the configs of the checks: a field whose value differs from the
exercise's starting config is something the learner tried. `device` is never a remedy (where
a check runs is not part of the experiment).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from classroom.records import Cell, CheckRecord, Learner, Room

NOT_REMEDIES = frozenset({"device"})
TOP_VALUES = 3  # values shown per remedy


@dataclass(frozen=True)
class LearnerRow:
    id: int  # Learner.id: links the row to the checks; exports use `number`
    number: int  # 1.. in join order: names may repeat, numbers do not
    nickname: str
    joined: float
    exercise: str | None  # current exercise
    on_exercise_s: float | None  # seconds on it until `now`
    cells: dict[str, Cell]

    @property
    def solved(self) -> int:
        return sum(cell.passed for cell in self.cells.values())


@dataclass(frozen=True)
class PassRate:
    exercise: str
    passed: int  # learners who passed it
    tried: int  # learners who checked it at least once
    learners: int  # learners in the room
    rate: float  # passed / learners (0.0 in an empty room)


@dataclass(frozen=True)
class Remedy:
    field: str
    learners: int  # learners who tried a changed value of the field
    checks: int
    values: tuple[tuple[Any, int], ...]  # most-tried values first, with their check counts


@dataclass(frozen=True)
class RoomView:
    room: Room
    now: float
    learners: tuple[LearnerRow, ...]
    pass_rates: tuple[PassRate, ...]  # in the room's exercise order
    remedies: dict[str, tuple[Remedy, ...]]  # exercise -> most tried first
    checks: int  # checks recorded in the room


def cells(checks: Iterable[CheckRecord], exercises: Sequence[str]) -> dict[str, Cell]:
    """One learner's checks -> a Cell per exercise of the room (checks in time order)."""
    out = {ex: Cell() for ex in exercises}
    for c in checks:
        old = out.get(c.exercise, Cell())
        out[c.exercise] = Cell(old.passed or c.passed, old.attempts + 1, c.at)
    return out


def changed_fields(config: Mapping[str, Any], start: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in config.items() if k in start and k not in NOT_REMEDIES and v != start[k]
    }


def remedies(checks: Iterable[CheckRecord], start: Mapping[str, Any]) -> tuple[Remedy, ...]:
    """The fields changed from `start` in one exercise's checks, most learners first."""
    who: dict[str, set[int]] = defaultdict(set)
    values: dict[str, Counter] = defaultdict(Counter)
    for c in checks:
        for name, value in changed_fields(c.config, start).items():
            who[name].add(c.learner)
            values[name][_hashable(value)] += 1
    found = (
        Remedy(name, len(who[name]), sum(values[name].values()), _top(values[name])) for name in who
    )
    return tuple(sorted(found, key=lambda r: (-r.learners, -r.checks, r.field)))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _top(counts: Counter) -> tuple[tuple[Any, int], ...]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return tuple(ranked[:TOP_VALUES])


def pass_rate(exercise: str, rows: Sequence[LearnerRow]) -> PassRate:
    passed = sum(r.cells[exercise].passed for r in rows)
    tried = sum(r.cells[exercise].attempts > 0 for r in rows)
    return PassRate(exercise, passed, tried, len(rows), passed / len(rows) if rows else 0.0)


def build(
    room: Room,
    learners: Sequence[Learner],
    checks: Sequence[CheckRecord],
    starts: Mapping[str, Mapping[str, Any]],
    now: float,
) -> RoomView:
    """Learners in join order, checks in time order -> the teacher's view at `now`."""
    by_learner: dict[int, list[CheckRecord]] = defaultdict(list)
    by_exercise: dict[str, list[CheckRecord]] = defaultdict(list)
    for c in checks:
        by_learner[c.learner].append(c)
        by_exercise[c.exercise].append(c)
    rows = tuple(
        LearnerRow(
            id=lr.id,
            number=i,
            nickname=lr.nickname,
            joined=lr.joined,
            exercise=lr.exercise,
            on_exercise_s=None if lr.since is None else max(0.0, now - lr.since),
            cells=cells(by_learner[lr.id], room.exercises),
        )
        for i, lr in enumerate(learners, start=1)
    )
    return RoomView(
        room=room,
        now=now,
        learners=rows,
        pass_rates=tuple(pass_rate(ex, rows) for ex in room.exercises),
        remedies={ex: remedies(by_exercise[ex], starts.get(ex, {})) for ex in room.exercises},
        checks=len(checks),
    )
