"""A learner's seat in a room: who they are (the token in their URL), what the room holds, and
the checks still to be recorded.

The URL is the seat: `sync` reads `room=`, `learner=` (and `name=`, which joins) when they are
new, resumes from the store — every solved exercise comes back into the session's progress —
and writes `room` and `learner` back on every run, since a page switch drops them. Each Check
becomes a pending record with its own attempt key; it leaves the list once the store has it or
refused it, so a database that was away for a moment gets the record later, once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import streamlit as st

from classroom.errors import CODES
from lessons.exercises.checks import CheckResult
from ui.common import session
from ui.common.i18n import t
from ui.common.notices import show, url_notice
from ui.room.place import LEARNER, LEARNER_URL
from ui.room.store import call

if TYPE_CHECKING:
    from ui.workshop.progress import LearnerProgress

SEAT_KEY = "room_seat"


@dataclass(frozen=True)
class Pending:
    attempt: str  # one per Check click: a retry is recorded once
    exercise: str
    config: dict[str, Any]
    numbers: dict[str, Any]
    passed: bool


@dataclass
class Seat:
    code: str | None = None  # canonical room code; None: not in a room
    token: str | None = None  # None: in the room's link, not joined yet
    nickname: str = ""
    title: str = ""
    exercises: tuple[str, ...] = ()
    exercise: str | None = None  # the exercise last reported as open
    pending: list[Pending] = field(default_factory=list)

    @property
    def joined(self) -> bool:
        return self.code is not None and self.token is not None

    def query(self) -> dict[str, str]:
        return LEARNER.query({"code": self.code, "token": self.token})


def current() -> Seat:
    return session.get(SEAT_KEY, Seat)


def _take(seat: Seat) -> Seat:
    st.session_state[SEAT_KEY] = seat
    LEARNER_URL.write(seat.query())
    return seat


# ---------------------------------------------------------------------------------------------
# Arriving: a link, a reload, another device


def sync(progress: LearnerProgress) -> Seat:
    """The Workshop's and the Playground's call: take a new room link, keep the seat in the
    URL, and record what is pending."""
    seat = current()
    params = LEARNER_URL.incoming()
    if params is not None:
        values, found = LEARNER.read(params)
        url_notice(found)
        seat = _arrive(seat, values, progress)
    flush(seat)
    return _take(seat)


def _arrive(seat: Seat, values: dict[str, Any], progress: LearnerProgress) -> Seat:
    code = values.get("code")
    if code is None:
        return Seat()
    if seat.joined and seat.code == code and values.get("token") in (None, seat.token):
        return seat  # the same room again (a page_link, the learner link reopened)
    ok, room = call("room", code)
    if not ok:
        return Seat()
    fresh = Seat(code, title=room.title, exercises=room.exercises)
    if "token" in values:
        return _resume(fresh, values["token"], progress)
    if "name" in values:
        return _join(fresh, values["name"], progress)
    return fresh


def _resume(seat: Seat, token: str, progress: LearnerProgress) -> Seat:
    ok, mine = call("progress", seat.code, token)
    if not ok:
        return seat  # not this room's learner: the join form asks for a nickname
    progress.passed.clear()  # in a room, the room's record is what is solved
    progress.passed.update(mine.solved)
    me = mine.learner
    return replace(seat, token=token, nickname=me.nickname, exercise=me.exercise)


def _join(seat: Seat, nickname: str, progress: LearnerProgress) -> Seat:
    ok, joined = call("join", seat.code, nickname)
    if not ok:
        return seat
    progress.passed.clear()  # a new learner of this room starts with nothing solved in it
    return replace(seat, token=joined.token, nickname=joined.learner.nickname)


def join(nickname: str, progress: LearnerProgress) -> Seat:
    """The join form's click: a seat in the room of the current link."""
    seat = current()
    return _take(_join(seat, nickname, progress)) if seat.code else seat


def leave() -> None:
    _take(Seat())


# ---------------------------------------------------------------------------------------------
# Working: the exercise on screen, every check


def visit(exercise: str | None) -> None:
    """Tell the room which exercise the learner is on (once per change)."""
    seat = current()
    if seat.joined and exercise in seat.exercises and seat.exercise != exercise:
        ok, _ = call("open_exercise", seat.code, seat.token, exercise, quiet=CODES)
        if ok:
            seat.exercise = exercise


def check_numbers(result: CheckResult) -> dict[str, Any]:
    """What the room keeps of a check: each run's numbers and the reasons it failed."""
    runs = {name: dict(evidence.numbers) for name, evidence in result.runs.items()}
    return {"runs": runs, "reasons": list(result.reason_codes), "seconds": result.seconds}


def record(result: CheckResult) -> None:
    """Check my network's last step in a room: record the check (config, numbers, outcome)."""
    seat = current()
    if not seat.joined:
        return
    if result.exercise not in seat.exercises:
        show("info", t("room.not_in_room", title=seat.title))
        return
    config = result.cfg.to_dict()
    numbers = check_numbers(result)
    seat.pending.append(Pending(uuid.uuid4().hex, result.exercise, config, numbers, result.passed))
    flush(seat)


def flush(seat: Seat) -> None:
    """Record the pending checks in order; a database that is away keeps the rest for later."""
    while seat.joined and seat.pending:
        p = seat.pending[0]
        args = (seat.code, seat.token, p.exercise, p.config, p.numbers, p.passed, p.attempt)
        ok, refused = call("record_check", *args)
        if not ok and refused is None:
            return  # the database: try again on the next run
        seat.pending.pop(0)  # recorded, or refused for good (the notice said why)
