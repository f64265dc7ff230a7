"""The store on SQLite and PostgreSQL: a room's life, and every refusal as a code."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from classroom import exercises
from classroom.errors import RoomError
from classroom.store import open_store
from tests.classroom.helpers import T0, numbers

TWO = ("see_vanishing", "fix_keep_activation")


def refused(code: str, call, *args, **kw) -> dict:
    with pytest.raises(RoomError) as info:
        call(*args, **kw)
    assert info.value.code == code, info.value
    return info.value.params


def test_a_room_from_creation_to_deletion(store, url):
    new = store.create_room("  Tuesday\u200b  workshop ", TWO)
    room = new.room
    assert room.title == "Tuesday workshop" and room.exercises == TWO and room.is_open
    ann = store.join(room.shown_code.lower(), "Ann")
    assert store.learner(room.code, ann.token) == ann.learner
    sa_config = {**exercises.starts()["see_vanishing"], "depth": 3}
    first = store.record_check(room.code, ann.token, "see_vanishing", sa_config, numbers(), False)
    again = store.record_check(room.code, ann.token, "see_vanishing", sa_config, numbers(1), True)
    assert not first.duplicate and again.check_id != first.check_id
    progress = store.progress(room.code, ann.token)
    assert progress.solved == ("see_vanishing",)
    assert progress.cells["see_vanishing"].attempts == 2
    assert progress.cells["fix_keep_activation"].attempts == 0
    view, checks = store.export(room.code, new.teacher_key)
    assert [c.numbers["grad_norm_max"] for c in checks] == [math.inf, math.inf]
    assert checks[1].numbers["loss"] == 1.5 and checks[0].config == sa_config
    closed = store.close(room.code, new.teacher_key)
    assert not closed.is_open and store.room(room.code).closed == closed.closed
    refused("room_closed", store.join, room.code, "Bob")
    # a closed room still records the checks of those inside
    store.record_check(room.code, ann.token, "fix_keep_activation", sa_config, {}, False)
    store.delete(room.code, new.teacher_key)
    refused("unknown_room", store.room, room.code)
    refused("unknown_room", store.learner, room.code, ann.token)
    with store.engine.connect() as conn:
        for table in ("rooms", "learners", "checks"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_no_exercises_means_all_of_them_and_an_unknown_one_is_refused(store):
    assert store.create_room("All").room.exercises == exercises.ids()
    assert refused("unknown_exercise", store.create_room, "X", ["nope"]) == {"exercise": "nope"}
    room = store.create_room("Two", [*TWO, TWO[0]]).room
    assert room.exercises == TWO
    me = store.join(room.code, "Ann")
    refused("unknown_exercise", store.record_check, room.code, me.token, "adam_vs_sgd", {}, {}, 1)
    refused("unknown_exercise", store.open_exercise, room.code, me.token, "adam_vs_sgd")


def test_a_token_acts_only_as_its_learner_in_its_room(store):
    a, b = store.create_room("A", TWO), store.create_room("B", TWO)
    ann = store.join(a.room.code, "Ann")
    bob = store.join(b.room.code, "Bob")
    # Ann's token with room B's code: unknown, and nothing of room B comes back
    assert refused("unknown_learner", store.progress, b.room.code, ann.token) == {
        "room": b.room.shown_code
    }
    refused("unknown_learner", store.record_check, b.room.code, ann.token, TWO[0], {}, {}, True)
    refused("unknown_learner", store.learner, a.room.code, "made-up-token")
    assert store.view(b.room.code, b.teacher_key).checks == 0
    assert store.progress(b.room.code, bob.token).learner.nickname == "Bob"


def test_unknown_codes_and_wrong_keys_are_codes_not_data(store):
    new = store.create_room("A", TWO)
    for typed in ("", "K7Q-M3X-P9", "O0O-III-LLL", "2222222222", "' OR 1=1 --"):
        refused("unknown_room", store.room, typed)
    refused("unknown_room", store.view, "K7Q-M3X-P9W", new.teacher_key)
    for call in (store.view, store.export, store.close, store.delete, store.teacher_room):
        assert refused("wrong_key", call, new.room.code, new.teacher_key + "x") == {
            "room": new.room.shown_code
        }
    assert store.room(new.room.code).is_open  # a wrong key closed nothing, deleted nothing
    assert store.teacher_room(new.room.code, new.teacher_key) == new.room


def test_nicknames_are_cleaned_and_an_empty_one_refused(store):
    room = store.create_room("A", TWO).room
    ann = store.join(room.code, "\u202eAnn\x00\n  Lee\u200d" + "x" * 100)
    assert ann.learner.nickname == ("Ann Lee" + "x" * 100)[:32]
    assert refused("bad_nickname", store.join, room.code, " \u200b\t") == {"max_len": 32}
    assert refused("bad_title", store.create_room, "\x07") == {"max_len": 80}


def test_the_learner_cap(store):
    room = store.create_room("A", TWO).room
    for i in range(5):
        store.join(room.code, f"L{i}")
    assert refused("room_full", store.join, room.code, "late") == {
        "room": room.shown_code,
        "cap": 5,
    }


def test_the_rate_limit_per_learner_and_its_retry_time(store, clock):
    room = store.create_room("A", TWO).room
    ann, bob = store.join(room.code, "Ann"), store.join(room.code, "Bob")
    for _ in range(4):
        store.record_check(room.code, ann.token, TWO[0], {}, {}, False)
    clock.advance(20)
    params = refused("rate_limited", store.record_check, room.code, ann.token, TWO[0], {}, {}, 0)
    assert params == {"limit": 4, "window_s": 60, "retry_s": 40}
    store.record_check(room.code, bob.token, TWO[0], {}, {}, False)  # Bob has his own budget
    clock.advance(41)
    store.record_check(room.code, ann.token, TWO[0], {}, {}, False)


def test_an_attempt_key_records_a_retry_once(store):
    room = store.create_room("A", TWO).room
    ann, bob = store.join(room.code, "Ann"), store.join(room.code, "Bob")
    first = store.record_check(room.code, ann.token, TWO[0], {}, {}, True, attempt="k1")
    retry = store.record_check(room.code, ann.token, TWO[0], {}, {}, True, attempt="k1")
    assert retry.duplicate and retry.check_id == first.check_id
    other = store.record_check(room.code, bob.token, TWO[0], {}, {}, True, attempt="k1")
    assert not other.duplicate  # keys are per learner
    for _ in range(3):  # a duplicate is answered even when the rate limit is reached
        store.record_check(room.code, ann.token, TWO[0], {}, {}, False)
    assert store.record_check(room.code, ann.token, TWO[0], {}, {}, True, attempt="k1").duplicate
    assert store.progress(room.code, ann.token).cells[TWO[0]].attempts == 4


def test_a_check_that_is_not_json_records_nothing(store):
    room = store.create_room("A", TWO).room
    ann = store.join(room.code, "Ann")
    refused("bad_check", store.record_check, room.code, ann.token, TWO[0], {"x": object()}, {}, 1)
    refused("bad_check", store.record_check, room.code, ann.token, TWO[0], [1], {}, 1)
    assert store.progress(room.code, ann.token).cells[TWO[0]].attempts == 0


def test_a_run_config_is_recorded_as_its_fields(store):
    from lessons.exercises.loading import EXERCISES

    new = store.create_room("A", TWO)
    ann = store.join(new.room.code, "Ann")
    cfg = EXERCISES[TWO[0]].start_config.replace(depth=4)
    store.record_check(new.room.code, ann.token, TWO[0], cfg, {}, False)
    _, checks = store.export(new.room.code, new.teacher_key)
    assert checks[0].config == cfg.to_dict()


def test_time_on_the_current_exercise(store, clock):
    new = store.create_room("A", TWO)
    room = new.room
    ann = store.join(room.code, "Ann")
    assert store.view(room.code, new.teacher_key).learners[0].on_exercise_s is None
    store.open_exercise(room.code, ann.token, TWO[0])
    opened = clock.now
    clock.advance(30)
    store.record_check(room.code, ann.token, TWO[0], {}, {}, False)  # same exercise: no reset
    row = store.view(room.code, new.teacher_key, now=opened + 100).learners[0]
    assert row.exercise == TWO[0] and row.on_exercise_s == pytest.approx(100)
    store.record_check(room.code, ann.token, TWO[1], {}, {}, False)  # a check moves them on
    moved = clock.now
    row = store.view(room.code, new.teacher_key, now=moved + 5).learners[0]
    assert row.exercise == TWO[1] and row.on_exercise_s == pytest.approx(5)


def test_a_store_opened_twice_shares_one_database(url, clock):
    one, two = open_store(url, clock=clock), open_store(url, clock=clock)
    new = one.create_room("A", TWO)
    ann = two.join(new.room.code, "Ann")
    two.record_check(new.room.code, ann.token, TWO[0], {}, {}, True)
    assert one.progress(new.room.code, ann.token).solved == (TWO[0],)
    assert one.room(new.room.code).created > T0
    one.dispose(), two.dispose()
