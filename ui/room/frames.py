"""The teacher view's tables, as pure functions of a classroom.views.RoomView: learners x
exercises, and the remedies tried most per exercise. Every word from `tr`; every cell and
header passes through `md_text`, since st.table renders them as Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from classroom.records import Cell
from classroom.views import RoomView
from lessons.exercises.loading import EXERCISES
from ui.common.wording import field_label, value_text

EMPTY = "—"
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark


def md_text(text: object) -> str:
    """Text that Markdown shows as typed: a nickname `<img ...>` or `# 1`, a title `6. ...`
    (CommonMark lets a backslash escape any ASCII punctuation mark)."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def exercise_titles(lang: str) -> dict[str, str]:
    """Exercise id -> its numbered title in `lang` (an id no longer known shows as itself)."""
    return {ex_id: f"{ex.order}. {ex.text[lang].title}" for ex_id, ex in EXERCISES.items()}


def duration(seconds: float | None, tr) -> str:
    """45 s, 12 min, 1 h 5 min: how long, to the unit a teacher reads at a glance."""
    if seconds is None:
        return EMPTY
    s = int(seconds)
    if s < 60:
        return tr("room.seconds", n=s)
    if s < 3600:
        return tr("room.minutes", n=s // 60)
    return tr("room.hours", h=s // 3600, m=s % 3600 // 60)


def cell_text(cell: Cell, now: float, tr) -> str:
    """One learner on one exercise: passed or not, attempts, how long since the last try."""
    if not cell.attempts:
        return EMPTY
    ago = duration(None if cell.last_try is None else max(0.0, now - cell.last_try), tr)
    key = "room.cell_passed" if cell.passed else "room.cell_tried"
    return tr(key, attempts=cell.attempts, ago=ago)


def grid(view: RoomView, titles: Mapping[str, str], tr) -> pd.DataFrame:
    """A row per learner (indexed by their number, in join order), a column per exercise."""
    exercises = view.room.exercises
    rows = []
    for r in view.learners:
        row = {
            tr("room.col_nickname"): r.nickname,
            tr("room.col_exercise"): titles.get(r.exercise, r.exercise or EMPTY),
            tr("room.col_on_exercise"): duration(r.on_exercise_s, tr),
            tr("room.col_solved"): f"{r.solved} / {len(exercises)}",
        }
        row |= {titles.get(ex, ex): cell_text(r.cells[ex], view.now, tr) for ex in exercises}
        rows.append(row)
    frame = pd.DataFrame(rows, index=pd.Index([r.number for r in view.learners], name="#"))
    return _markdown(frame)


def _markdown(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(str).map(md_text)
    frame.columns = [md_text(c) for c in frame.columns]
    return frame


def _value(name: str, value: Any, tr) -> str:
    if value is None:
        return EMPTY
    try:
        return value_text(name, value, tr)
    except (TypeError, ValueError):  # a value no control offers: shown as recorded
        return str(value)


def remedies(view: RoomView, titles: Mapping[str, str], tr) -> pd.DataFrame:
    """A row per exercise and remedy (a config field changed from the exercise's start), the
    ones most learners tried first, with the values tried most."""
    rows = []
    for ex in view.room.exercises:
        for r in view.remedies.get(ex, ()):
            tried = ", ".join(f"{_value(r.field, v, tr)} ×{n}" for v, n in r.values)
            rows.append(
                {
                    tr("room.col_exercise"): titles.get(ex, ex),
                    tr("room.col_remedy"): field_label(r.field, tr),
                    tr("room.col_learners"): str(r.learners),
                    tr("room.col_checks"): str(r.checks),
                    tr("room.col_values"): tried,
                }
            )
    return _markdown(pd.DataFrame(rows))
