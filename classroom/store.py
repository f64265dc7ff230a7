"""The store: rooms, learners and their recorded checks, behind one small interface.

Every method is one transaction and takes the room code with the secret that opens it (the
teacher key, or a learner token), so a Streamlit rerun, a second tab or a second app process
needs no state but the URL. A refusal is a RoomError (a code and numbers); a code or token that
does not exist never reaches another room's rows.

Counts that must not race take a lock first: joining locks the room row (the learner cap),
recording locks the learner row (the rate limit, and one record per attempt key). On SQLite
every write transaction holds the database's write lock from BEGIN (classroom.db).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from classroom import codes, exercises, schema, text, values, views
from classroom.db import make_engine, reading, writing
from classroom.errors import RoomError
from classroom.location import database_url
from classroom.records import (
    CheckRecord,
    Joined,
    Learner,
    LearnerProgress,
    Limits,
    NewRoom,
    Recorded,
    Room,
)

R, L, C = schema.rooms, schema.learners, schema.checks
_CODE_TRIES = 5  # a fresh code colliding with a live one is a 1-in-10^12 event; retry anyway


def open_store(
    url: str | None = None, *, secrets=None, limits: Limits | None = None, clock=None
) -> Store:
    """Open (creating or upgrading the schema) the store at `url`, else at database_url()."""
    engine = make_engine(url or database_url(secrets))
    schema.migrate(engine)
    return Store(engine, limits or Limits(), clock or time.time)


def _room(row: Any) -> Room:
    return Room(row.code, row.title, tuple(json.loads(row.exercises)), row.created, row.closed)


def _learner(row: Any) -> Learner:
    return Learner(row.id, row.room, row.nickname, row.joined, row.exercise, row.since)


def _check(row: Any, with_numbers: bool = False) -> CheckRecord:
    numbers = values.load_numbers(row.numbers) if with_numbers else None
    return CheckRecord(
        row.learner, row.exercise, values.load_config(row.config), row.passed, row.at, numbers
    )


def chosen_exercises(wanted: Iterable[str] | None) -> tuple[str, ...]:
    """The room's exercises: known ids in the order given, duplicates dropped; none -> all."""
    known = exercises.ids()
    picked = tuple(dict.fromkeys(w.strip() for w in (wanted or ()) if w.strip()))
    for ex in picked:
        if ex not in known:
            raise RoomError("unknown_exercise", exercise=ex)
    return picked or known


class Store:
    def __init__(self, engine: Engine, limits: Limits, clock: Callable[[], float]):
        self.engine, self.limits, self.clock = engine, limits, clock

    def dispose(self) -> None:
        self.engine.dispose()

    # -- lookups (inside a transaction) -------------------------------------------------------

    def _room_row(self, conn: Connection, typed: str, lock: bool = False) -> Any:
        code = codes.canonical(typed)
        query = sa.select(R).where(R.c.code == code)
        row = code and conn.execute(query.with_for_update() if lock else query).first()
        if not row:
            raise RoomError("unknown_room", room=str(typed)[:20])
        return row

    def _teacher_room(self, conn: Connection, typed: str, key: str, lock: bool = False) -> Any:
        row = self._room_row(conn, typed, lock)
        if not codes.same_secret(key, row.key_hash):
            raise RoomError("wrong_key", room=codes.shown(row.code))
        return row

    def _member(self, conn: Connection, typed: str, token: str, lock: bool = False) -> tuple:
        """(room row, learner row) for a token of this room; any other token is unknown."""
        room = self._room_row(conn, typed)
        query = sa.select(L).where(L.c.token_hash == codes.digest(token), L.c.room == room.code)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise RoomError("unknown_learner", room=codes.shown(room.code))
        return room, row

    # -- the teacher --------------------------------------------------------------------------

    def create_room(self, title: str, exercises: Iterable[str] | None = None) -> NewRoom:
        clean_title, picked = text.title(title), chosen_exercises(exercises)
        key = codes.new_secret(codes.KEY_BYTES)
        for attempt in range(_CODE_TRIES):
            room = Room(codes.new_room_code(), clean_title, picked, self.clock(), None)
            row = {"code": room.code, "title": room.title, "exercises": json.dumps(picked)}
            row.update(key_hash=codes.digest(key), created=room.created, closed=None)
            try:
                with writing(self.engine) as conn:
                    conn.execute(R.insert().values(row))
                return NewRoom(room, key)
            except sa.exc.IntegrityError:
                if attempt == _CODE_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def teacher_room(self, code: str, key: str) -> Room:
        with reading(self.engine) as conn:
            return _room(self._teacher_room(conn, code, key))

    def close(self, code: str, key: str) -> Room:
        with writing(self.engine) as conn:
            row = self._teacher_room(conn, code, key, lock=True)
            if row.closed is None:
                conn.execute(R.update().where(R.c.code == row.code).values(closed=self.clock()))
            return _room(self._room_row(conn, row.code))

    def delete(self, code: str, key: str) -> None:
        """Everything of the room goes: its checks, its learners, the room."""
        with writing(self.engine) as conn:
            row = self._teacher_room(conn, code, key, lock=True)
            ids = sa.select(L.c.id).where(L.c.room == row.code).scalar_subquery()
            conn.execute(C.delete().where(C.c.learner.in_(ids)))
            conn.execute(L.delete().where(L.c.room == row.code))
            conn.execute(R.delete().where(R.c.code == row.code))

    def _room_rows(self, code: str, key: str, with_numbers: bool) -> tuple:
        with reading(self.engine) as conn:
            room = _room(self._teacher_room(conn, code, key))
            found = conn.execute(sa.select(L).where(L.c.room == room.code).order_by(L.c.id))
            members = [_learner(r) for r in found]
            columns = [C.c.learner, C.c.exercise, C.c.config, C.c.passed, C.c.at]
            query = sa.select(*columns, *([C.c.numbers] if with_numbers else []))
            query = query.join(L, L.c.id == C.c.learner).where(L.c.room == room.code)
            rows = conn.execute(query.order_by(C.c.at, C.c.id))
            return room, members, [_check(r, with_numbers) for r in rows]

    def view(self, code: str, key: str, now: float | None = None) -> views.RoomView:
        """The teacher view's data: learners x exercises, time on exercise, remedies, rates."""
        room, members, checks = self._room_rows(code, key, with_numbers=False)
        now = self.clock() if now is None else now
        return views.build(room, members, checks, exercises.starts(), now)

    def export(self, code: str, key: str) -> tuple[views.RoomView, list[CheckRecord]]:
        """The view and every check with its numbers: what classroom.export writes out."""
        room, members, checks = self._room_rows(code, key, with_numbers=True)
        return views.build(room, members, checks, exercises.starts(), self.clock()), checks

    # -- a learner ----------------------------------------------------------------------------

    def room(self, code: str) -> Room:
        """What a learner link may show before joining: the room's title and exercises."""
        with reading(self.engine) as conn:
            return _room(self._room_row(conn, code))

    def join(self, code: str, nickname: str) -> Joined:
        name = text.nickname(nickname)
        token = codes.new_secret(codes.TOKEN_BYTES)
        with writing(self.engine) as conn:
            room = self._room_row(conn, code, lock=True)
            shown = codes.shown(room.code)
            if room.closed is not None:
                raise RoomError("room_closed", room=shown)
            count = sa.select(sa.func.count()).select_from(L).where(L.c.room == room.code)
            if conn.execute(count).scalar_one() >= self.limits.learner_cap:
                raise RoomError("room_full", room=shown, cap=self.limits.learner_cap)
            row = {"room": room.code, "token_hash": codes.digest(token), "nickname": name}
            conn.execute(L.insert().values(**row, joined=self.clock()))
            learner = _learner(self._member(conn, room.code, token)[1])
        return Joined(learner, token)

    def learner(self, code: str, token: str) -> Learner:
        with reading(self.engine) as conn:
            return _learner(self._member(conn, code, token)[1])

    def progress(self, code: str, token: str) -> LearnerProgress:
        """A learner's own cells: what a reload or a new device shows as solved."""
        with reading(self.engine) as conn:
            room_row, me_row = self._member(conn, code, token)
            room, me = _room(room_row), _learner(me_row)
            columns = [C.c.learner, C.c.exercise, C.c.config, C.c.passed, C.c.at]
            query = sa.select(*columns).where(C.c.learner == me.id).order_by(C.c.at, C.c.id)
            mine = [_check(r) for r in conn.execute(query)]
        return LearnerProgress(me, views.cells(mine, room.exercises))

    def _move_to(self, conn: Connection, learner: Any, exercise: str, now: float) -> None:
        if learner.exercise != exercise:
            moved = L.update().where(L.c.id == learner.id).values(exercise=exercise, since=now)
            conn.execute(moved)

    def _in_room(self, conn: Connection, code: str, token: str, exercise: str) -> Any:
        """The learner row, locked, for a check or a move within the room's exercises."""
        room, me = self._member(conn, code, token, lock=True)
        if exercise not in _room(room).exercises:
            raise RoomError("unknown_exercise", exercise=str(exercise)[:100])
        return me

    def open_exercise(self, code: str, token: str, exercise: str) -> None:
        """The learner is now on `exercise`: the teacher view counts their time from here."""
        with writing(self.engine) as conn:
            me = self._in_room(conn, code, token, exercise)
            self._move_to(conn, me, exercise, self.clock())

    def _rate_limit(self, conn: Connection, learner_id: int, now: float) -> None:
        lim = self.limits
        recent = sa.select(sa.func.count(), sa.func.min(C.c.at)).where(
            C.c.learner == learner_id, C.c.at > now - lim.window_s
        )
        count, oldest = conn.execute(recent).one()
        if count >= lim.checks_per_window:
            retry = max(1, int(oldest + lim.window_s - now + 0.999))
            raise RoomError(
                "rate_limited", limit=lim.checks_per_window, window_s=lim.window_s, retry_s=retry
            )

    def record_check(
        self,
        code: str,
        token: str,
        exercise: str,
        config: Any,
        numbers: Any,
        passed: bool,
        attempt: str | None = None,
    ) -> Recorded:
        """Record one check whole, or nothing. A retry with the same `attempt` key (a rerun,
        a resent request) returns the first record instead of adding a second."""
        row = {"config": values.dump(config), "numbers": values.dump(numbers)}
        with writing(self.engine) as conn:
            me = self._in_room(conn, code, token, exercise)
            if attempt is not None:
                same = sa.select(C.c.id).where(C.c.learner == me.id, C.c.attempt == attempt)
                found = conn.execute(same).scalar()
                if found is not None:
                    return Recorded(found, duplicate=True)
            now = self.clock()
            self._rate_limit(conn, me.id, now)
            row.update(learner=me.id, exercise=exercise, passed=bool(passed), at=now)
            new = conn.execute(C.insert().values(**row, attempt=attempt)).inserted_primary_key
            self._move_to(conn, me, exercise, now)
        return Recorded(new[0], duplicate=False)
