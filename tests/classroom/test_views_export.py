"""The teacher view's data and the exports, from a room built through the store."""

from __future__ import annotations

import csv
import io
import json

import pytest

from classroom import exercises, export, views
from classroom.records import CheckRecord
from tests.classroom.helpers import T0

EXS = ("see_vanishing", "fix_keep_activation")
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def room(store, clock):
    """Ann passes the first exercise on her second try; Bob (=HYPERLINK...) fails it; Cy joins."""
    new = store.create_room("Views", EXS)
    code = new.room.code
    start = exercises.starts()[EXS[0]]
    ann, bob = store.join(code, "Ann"), store.join(code, '=HYPERLINK("x")')
    store.join(code, EVIL)
    tries = [
        (ann, {**start, "depth": 3}, False),
        (ann, {**start, "depth": 3, "norm": "batchnorm", "device": "cpu"}, True),
        (bob, {**start, "depth": 4}, False),
        (bob, {**start, "lr": 0.5}, False),
    ]
    for who, cfg, passed in tries:
        clock.advance(10)
        store.record_check(code, who.token, EXS[0], cfg, {"loss": 1.0, "x": float("inf")}, passed)
    store.open_exercise(code, ann.token, EXS[1])
    return store, new


def test_learners_by_exercises_with_passed_attempts_last_try(room):
    store, new = room
    view = store.view(new.room.code, new.teacher_key)
    ann, bob, cy = view.learners
    assert [r.number for r in view.learners] == [1, 2, 3]
    assert cy.nickname == EVIL  # stored as typed; the screen escapes it
    assert ann.cells[EXS[0]].passed and ann.cells[EXS[0]].attempts == 2 and ann.solved == 1
    assert not bob.cells[EXS[0]].passed and bob.cells[EXS[0]].attempts == 2
    assert bob.cells[EXS[0]].last_try > ann.cells[EXS[0]].last_try > T0
    assert cy.cells[EXS[0]] == views.Cell() and cy.exercise is None
    assert ann.exercise == EXS[1] and bob.exercise == EXS[0]
    assert view.checks == 4


def test_pass_rates_and_most_tried_remedies(room):
    store, new = room
    view = store.view(new.room.code, new.teacher_key)
    first, second = view.pass_rates
    assert (first.passed, first.tried, first.learners) == (1, 2, 3)
    assert first.rate == pytest.approx(1 / 3) and second.rate == 0.0
    found = view.remedies[EXS[0]]
    assert [r.field for r in found] == ["depth", "lr", "norm"]  # device is never a remedy
    depth = found[0]
    assert (depth.learners, depth.checks, depth.values) == (2, 3, ((3, 2), (4, 1)))
    assert view.remedies[EXS[1]] == ()


def test_the_view_of_an_empty_room():
    from classroom.records import Room

    room = Room("K7QM3XP9W", "Empty", EXS, T0, None)
    view = views.build(room, [], [], {}, T0 + 1)
    assert view.learners == () and [p.rate for p in view.pass_rates] == [0.0, 0.0]
    rem = views.remedies([CheckRecord(1, EXS[0], {"depth": 9, "new": 1}, False, T0)], {"depth": 6})
    assert [(r.field, r.values) for r in rem] == [("depth", ((9, 1),))]


def test_the_json_export_holds_the_whole_room_and_no_secret(room):
    store, new = room
    view, checks = store.export(new.room.code, new.teacher_key)
    text = export.dumps(view, checks)
    data = json.loads(text)
    assert data["room"] == new.room.shown_code and data["exercises"] == list(EXS)
    assert [lr["nickname"] for lr in data["learners"]][2] == EVIL
    assert data["learners"][0]["exercises"][EXS[0]]["attempts"] == 2
    assert [c["learner"] for c in data["checks"]] == [1, 1, 2, 2]
    assert data["checks"][0]["numbers"] == {"loss": 1.0, "x": "Infinity"}
    assert data["pass_rates"][EXS[0]]["passed"] == 1
    assert data["remedies"][EXS[0]][0]["field"] == "depth"
    assert new.teacher_key not in text and "token" not in text


def test_the_csv_exports_defuse_formulas(room):
    store, new = room
    view, checks = store.export(new.room.code, new.teacher_key)
    grid = list(csv.reader(io.StringIO(export.progress_csv(view))))
    assert grid[0][:2] == ["number", "nickname"] and f"{EXS[0]}:attempts" in grid[0]
    assert grid[2][1] == '\'=HYPERLINK("x")'
    assert grid[1][grid[0].index(f"{EXS[0]}:passed")] == "True"
    rows = list(csv.reader(io.StringIO(export.checks_csv(view, checks))))
    assert len(rows) == 5 and rows[3][1].startswith("'=")
    assert json.loads(rows[1][5])["depth"] == 3


def test_the_terminal_table(room):
    store, new = room
    lines = export.table(store.view(new.room.code, new.teacher_key)).splitlines()
    assert new.room.shown_code in lines[0] and "3 learners" in lines[0]
    assert lines[2].split()[:4] == ["1", "Ann", "pass/2", "-"]
    assert "fail/2" in lines[3] and EVIL in lines[4]
