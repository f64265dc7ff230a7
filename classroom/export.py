"""A room written out: JSON (everything), CSV (progress grid, or every check), a text table.

Learners appear by number and nickname, never by token. Every CSV cell a spreadsheet would
run as a formula is defused (classroom.text.csv_cell), nicknames included.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from classroom.records import CheckRecord
from classroom.text import csv_cell
from classroom.values import dump
from classroom.views import RoomView

FORMAT = 1  # version of the JSON export's shape


def iso(at: float | None) -> str | None:
    return None if at is None else datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")


def _cell(cell) -> dict[str, Any]:
    return {"passed": cell.passed, "attempts": cell.attempts, "last_try": iso(cell.last_try)}


def as_json(view: RoomView, checks: list[CheckRecord] | None = None) -> dict[str, Any]:
    """The room as plain JSON data: room, learners x exercises, rates, remedies (and checks)."""
    room = view.room
    out: dict[str, Any] = {
        "format": FORMAT,
        "room": room.shown_code,
        "title": room.title,
        "exercises": list(room.exercises),
        "created": iso(room.created),
        "closed": iso(room.closed),
        "learners": [
            {
                "number": row.number,
                "nickname": row.nickname,
                "joined": iso(row.joined),
                "exercise": row.exercise,
                "on_exercise_s": row.on_exercise_s,
                "exercises": {ex: _cell(cell) for ex, cell in row.cells.items()},
            }
            for row in view.learners
        ],
        "pass_rates": {p.exercise: p.__dict__ for p in view.pass_rates},
        "remedies": {
            ex: [{**r.__dict__, "values": [list(v) for v in r.values]} for r in found]
            for ex, found in view.remedies.items()
        },
    }
    if checks is not None:
        numbers = {row.id: row.number for row in view.learners}
        out["checks"] = [_check_json(c, numbers) for c in checks]
    return out


def _check_json(c: CheckRecord, numbers: dict[int, int]) -> dict[str, Any]:
    return {
        "learner": numbers.get(c.learner),
        "exercise": c.exercise,
        "at": iso(c.at),
        "passed": c.passed,
        "config": c.config,
        "numbers": json.loads(dump(c.numbers or {})),  # non-finite floats as strings
    }


def dumps(view: RoomView, checks: list[CheckRecord] | None = None) -> str:
    return json.dumps(as_json(view, checks), ensure_ascii=False, indent=2)


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[csv_cell(v) for v in r] for r in rows])
    return buf.getvalue()


def progress_csv(view: RoomView) -> str:
    """One row per learner; per exercise its `passed` and `attempts` columns."""
    exercises = view.room.exercises
    head = ["number", "nickname", "exercise", "on_exercise_s"]
    head += [f"{ex}:{k}" for ex in exercises for k in ("passed", "attempts")]
    rows = [head]
    for r in view.learners:
        seconds = None if r.on_exercise_s is None else round(r.on_exercise_s)
        row = [r.number, r.nickname, r.exercise or "", seconds]
        rows.append(
            row + [v for ex in exercises for v in (r.cells[ex].passed, r.cells[ex].attempts)]
        )
    return _csv(rows)


def checks_csv(view: RoomView, checks: list[CheckRecord]) -> str:
    """One row per recorded check, config and numbers as JSON cells."""
    who = {row.id: row for row in view.learners}
    rows: list[list[Any]] = [
        ["number", "nickname", "exercise", "at", "passed", "config", "numbers"]
    ]
    for c in checks:
        row = who[c.learner]
        config = json.dumps(c.config, sort_keys=True)
        rows.append(
            [
                row.number,
                row.nickname,
                c.exercise,
                iso(c.at),
                c.passed,
                config,
                dump(c.numbers or {}),
            ]
        )
    return _csv(rows)


def _mark(cell) -> str:
    if not cell.attempts:
        return "-"
    return f"{'pass' if cell.passed else 'fail'}/{cell.attempts}"


def table(view: RoomView) -> str:
    """A plain text table for the terminal: a row per learner, `pass/3` per exercise."""
    room = view.room
    head = ["#", "nickname", *room.exercises]
    rows = [
        [str(r.number), r.nickname, *(_mark(r.cells[ex]) for ex in room.exercises)]
        for r in view.learners
    ]
    widths = [max(len(line[i]) for line in [head, *rows]) for i in range(len(head))]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
        for line in [head, *rows]
    ]
    state = "open" if room.is_open else f"closed {iso(room.closed)}"
    return "\n".join([f"{room.shown_code}  {room.title}  ({state}, {len(rows)} learners)", *lines])
