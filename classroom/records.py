"""What the store hands out: frozen records, no database types, no secrets but the new ones.

Times are Unix seconds. `Learner.id` is the database row, not a secret: the token is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classroom.codes import shown


@dataclass(frozen=True)
class Limits:
    """A room's guards: a cap on learners, and a rate limit on each learner's checks."""

    learner_cap: int = 60  # a workshop of thirty, with room for stragglers and second devices
    checks_per_window: int = 20  # a check runs a simulation for seconds; 20 a minute is a bot
    window_s: float = 60.0


@dataclass(frozen=True)
class Room:
    code: str  # canonical, no dashes: K7QM3XP9W
    title: str
    exercises: tuple[str, ...]  # exercise ids, in the room's order
    created: float
    closed: float | None  # None while the room takes new learners

    @property
    def shown_code(self) -> str:  # K7Q-M3X-P9W
        return shown(self.code)

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class NewRoom:
    room: Room
    teacher_key: str  # shown once to the teacher; only its hash is stored


@dataclass(frozen=True)
class Learner:
    id: int
    room: str
    nickname: str
    joined: float
    exercise: str | None = None  # the exercise they are on ...
    since: float | None = None  # ... since then


@dataclass(frozen=True)
class Joined:
    learner: Learner
    token: str  # goes into the learner's URL; only its hash is stored


@dataclass(frozen=True)
class CheckRecord:
    learner: int  # Learner.id
    exercise: str
    config: dict[str, Any]
    passed: bool
    at: float
    numbers: dict[str, Any] | None = None  # loaded for exports only


@dataclass(frozen=True)
class Recorded:
    check_id: int
    duplicate: bool  # True: this attempt key was recorded before; nothing was added


@dataclass(frozen=True)
class Cell:
    """One learner on one exercise."""

    passed: bool = False  # any check passed
    attempts: int = 0
    last_try: float | None = None


@dataclass(frozen=True)
class LearnerProgress:
    learner: Learner
    cells: dict[str, Cell] = field(default_factory=dict)  # every exercise of the room

    @property
    def solved(self) -> tuple[str, ...]:
        return tuple(ex for ex, cell in self.cells.items() if cell.passed)
