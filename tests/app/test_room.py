"""Rooms in AppTest, on a SQLite file of the test's own: a teacher opens a room, three learners
join (one by `name=` in the link, one with a hostile nickname shown as text) and check
exercises, the teacher view shows them, a reload keeps a learner's solved exercises, a wrong
key sees nothing and an unknown code gets a notice.

A passing check would train networks for tens of seconds here; `passing` makes Check my network
pass at once (the checks themselves are tested in tests/app/test_workshop.py and tests/lessons),
so what is tested is the recording, not the training.
"""

from __future__ import annotations

import string
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import pytest

from classroom.location import DATA_DIR_KEY, URL_KEY
from lessons.exercises.checks import run_check
from lessons.exercises.loading import EXERCISES
from tests.app.helpers import lab_of, make_app, no_exception, texts
from ui.common.wording import md_escape
from ui.room import frames
from ui.room.opening import room_links
from ui.room.store import get_store
from ui.workshop import check

WORKSHOP, ROOM = "app_pages/workshop.py", "app_pages/room.py"
HOSTILE = "<img src=x onerror=alert(1)>"
FAILS_AT_ONCE = ("fix_by_activation", "explode_and_clip", "adam_vs_sgd")  # a rule is broken
FAILING = {ex_id: EXERCISES[ex_id].start_config for ex_id in FAILS_AT_ONCE}


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    """A fresh SQLite file per test, and no store cached from another test."""
    monkeypatch.delenv(URL_KEY, raising=False)
    monkeypatch.setenv(DATA_DIR_KEY, str(tmp_path))
    get_store.clear()
    yield tmp_path
    get_store.clear()


@pytest.fixture
def passing(monkeypatch):
    def passed_check(ex, cfg, sim=None):
        return replace(run_check(ex, FAILING[ex.id], None), passed=True, cfg=cfg)

    monkeypatch.setattr(check, "run_check", passed_check)


def open_room(exercises=FAILS_AT_ONCE):
    at = make_app(WORKSHOP)
    at.text_input(key="room_title").input("Tuesday **3B**")
    at.multiselect(key="room_exercises").set_value(list(exercises))
    at.button(key="room_open").click().run()
    no_exception(at)
    return at, at.session_state["room_opened"]


def join(code: str, nickname: str | None = None, name: str | None = None):
    at = make_app(WORKSHOP, query={"room": code} | ({"name": name} if name else {}))
    no_exception(at)
    if nickname is not None:
        at.text_input(key="room_nickname").input(nickname)
        at.button(key="room_join").click().run()
        no_exception(at)
    return at


def check_exercise(at, ex_id: str) -> None:
    at.radio(key="ws_exercise").set_value(ex_id).run()
    at.button(key="ws_check").click().run()
    no_exception(at)


def url_of(at) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def teacher_view(code: str, key: str):
    at = make_app(ROOM, query={"room": code, "key": key})
    no_exception(at)
    return at


# ---------------------------------------------------------------------------------------------


def test_opening_a_room_shows_the_code_and_both_links():
    at, new = open_room()
    words = texts(at)
    assert new.room.shown_code in words
    links = [c.value for c in at.code]
    learner, teacher = room_links("http://localhost:8501/", new.room.code, new.teacher_key)
    assert urlsplit(learner).path == "/workshop" and new.teacher_key not in learner
    assert dict(parse_qsl(urlsplit(teacher).query)) == {
        "room": new.room.code,
        "key": new.teacher_key,
    }
    assert any(new.teacher_key in link and "/room?" in link for link in links)
    assert any(link.endswith(f"/workshop?room={new.room.code}") for link in links)
    assert new.room.exercises == FAILS_AT_ONCE
    # the link builder seats learners in the room just opened
    playground = [link for link in links if "/playground" in link]
    assert playground and f"room={new.room.code}" in playground[0]


def test_a_room_of_three_learners_live_in_the_teacher_view(passing):
    _, new = open_room()
    code, key = new.room.code, new.teacher_key
    ann = join(code, name="Ann")  # name= in the link joins at once
    bob = join(code, nickname="Bob")
    eve = join(code, nickname=HOSTILE)
    for at in (ann, bob, eve):
        assert at.session_state["room_seat"].joined
        assert key not in str(url_of(at)) and key not in texts(at)
    assert md_escape(HOSTILE) in texts(eve) and "\\<img" in md_escape(HOSTILE)  # as text
    check_exercise(ann, "fix_by_activation")
    check_exercise(bob, "explode_and_clip")
    lab_of(ann).load(lab_of(ann).cfg.replace(activation="relu"))  # something "tried"
    check_exercise(ann, "adam_vs_sgd")

    view = get_store().view(code, key)
    assert [r.nickname for r in view.learners] == ["Ann", "Bob", HOSTILE]
    assert view.checks == 3 and view.learners[0].solved == 2
    teacher = teacher_view(code, key)
    grid = teacher.table[0].value
    assert list(grid.iloc[:, 0]) == ["Ann", "Bob", frames.md_text(HOSTILE)]
    assert "✓" in grid.iloc[0, 4] and "✗" not in grid.iloc[1, 4]
    assert len(teacher.get("vega_lite_chart")) == 1
    assert len(teacher.get("download_button")) == 3
    assert "Tuesday" in texts(teacher)
    assert new.room.shown_code in texts(teacher)


def test_a_reload_keeps_every_solved_exercise(passing):
    _, new = open_room()
    at = join(new.room.code, nickname="Ann")
    check_exercise(at, "explode_and_clip")
    place = url_of(at)
    assert place["room"] == new.room.code and "learner" in place and "name" not in place
    again = make_app(WORKSHOP, query=place)  # a new session: a reload, another device
    no_exception(again)
    assert "explode_and_clip" in again.session_state["workshop_progress"].passed
    seat = again.session_state["room_seat"]
    assert seat.joined and seat.nickname == "Ann"
    assert not [w for w in again.text_input if w.key == "room_nickname"]  # no second join
    labels = again.radio(key="ws_exercise").options
    assert any(o.startswith("✓") for o in labels)
    assert len(get_store().view(new.room.code, new.teacher_key).learners) == 1


def test_every_check_is_recorded_once_with_config_and_numbers():
    _, new = open_room()
    at = join(new.room.code, nickname="Ann")
    check_exercise(at, "fix_by_activation")
    at.button(key="ws_check").click().run()
    _, checks = get_store().export(new.room.code, new.teacher_key)
    assert len(checks) == 2 and not any(c.passed for c in checks)
    assert checks[0].config == lab_of(at).cfg.to_dict()  # the learner's config, whole
    assert any(r.startswith("constraint:") for r in checks[0].numbers["reasons"])
    assert at.session_state["room_seat"].pending == []


def test_a_wrong_teacher_key_sees_nothing_of_the_room():
    _, new = open_room()
    join(new.room.code, name="Ann")
    at = teacher_view(new.room.code, "x" * 32)
    assert "key is wrong" in texts(at)
    assert not at.table and not at.get("vega_lite_chart") and not at.get("download_button")
    assert "Ann" not in texts(at) and "Tuesday" not in texts(at)


@pytest.mark.parametrize("page", [WORKSHOP, ROOM])
def test_an_unknown_room_code_gives_a_notice_and_a_working_page(page):
    at = make_app(page, query={"room": "KKKKKKKKK", "learner": "y" * 22, "key": "z" * 32})
    no_exception(at)
    assert "No room has the code KKKKKKKKK" in texts(at)
    if page == WORKSHOP:
        assert at.radio(key="ws_exercise").options  # the page works as without a room
        assert "room" not in url_of(at)


def test_an_unknown_learner_token_asks_for_a_nickname_again():
    _, new = open_room()
    at = make_app(WORKSHOP, query={"room": new.room.code, "learner": "q" * 22})
    no_exception(at)
    assert "does not belong to room" in texts(at)
    assert [w for w in at.text_input if w.key == "room_nickname"]


def test_a_closed_room_takes_no_one_and_says_so():
    _, new = open_room()
    teacher = teacher_view(new.room.code, new.teacher_key)
    teacher.button(key="room_close").click().run()
    no_exception(teacher)
    assert "closed: no new learners" in texts(teacher)
    at = join(new.room.code, nickname="Late")
    assert "is closed" in texts(at) and not at.session_state["room_seat"].joined


def test_delete_needs_the_tick_and_then_everything_is_gone():
    _, new = open_room()
    join(new.room.code, name="Ann")
    at = teacher_view(new.room.code, new.teacher_key)
    assert at.button(key="room_delete").disabled
    at.checkbox(key="room_delete_sure").check().run()
    at.button(key="room_delete").click().run()
    no_exception(at)
    assert "is deleted" in texts(at) and not at.table
    again = teacher_view(new.room.code, new.teacher_key)
    assert "No room has the code" in texts(again)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_teacher_view_in_both_languages(locale):
    _, new = open_room()
    join(new.room.code, name="Ann")
    at = make_app(ROOM, query={"room": new.room.code, "key": new.teacher_key}, locale=locale)
    no_exception(at)
    assert at.title[0].value == ("教师视图" if locale.startswith("zh") else "Teacher view")
    assert at.table[0].value.shape[0] == 1


def test_durations_read_at_a_glance():
    tr = {"room.seconds": "{n} s", "room.minutes": "{n} min", "room.hours": "{h} h {m} min"}

    def fill(key, **params):
        return tr[key].format(**params)

    assert [frames.duration(s, fill) for s in (None, 5, 125, 3900)] == [
        "—",
        "5 s",
        "2 min",
        "1 h 5 min",
    ]


def test_the_pass_rate_chart_is_valid_and_keeps_its_shape_as_rates_move():
    from classroom.views import PassRate
    from tests.app.test_charts import spec_of
    from ui.charts.room import pass_rate_chart
    from ui.common.i18n import translator

    tr, titles = translator("en"), frames.exercise_titles("en")
    before = [PassRate(ex, 0, 1, 3, 0.0) for ex in FAILS_AT_ONCE]
    after = [PassRate(ex, 2, 3, 3, 2 / 3) for ex in FAILS_AT_ONCE]
    a, b = spec_of(pass_rate_chart(before, titles, tr)), spec_of(pass_rate_chart(after, titles, tr))
    assert {k: v for k, v in a.items() if k != "datasets"} == {
        k: v for k, v in b.items() if k != "datasets"
    }  # the stability rule: only the data moves
    assert [row["rate"] for row in b["datasets"]["rates"]] == [2 / 3] * 3
    assert spec_of(pass_rate_chart([], titles, tr))["datasets"]["text"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_refusal_is_worded_with_its_numbers(lang):
    from classroom.errors import CODES, MESSAGES, RoomError
    from ui.common.i18n import translator
    from ui.room.store import error_text

    for code in CODES:
        names = [n.split("!")[0] for _, n, _, _ in string.Formatter().parse(MESSAGES[code]) if n]
        params = {name: f"<{name}>" for name in names}
        words = error_text(RoomError(code, **params), translator(lang))
        assert words != f"room.error_{code}" and all(v in words for v in params.values()), code


def test_a_full_room_and_too_many_checks_say_so():
    _, new = open_room()
    store = get_store()
    for n in range(store.limits.learner_cap - 1):
        store.join(new.room.code, f"learner {n}")
    at = join(new.room.code, nickname="Last")  # the last place
    late = join(new.room.code, nickname="Too late")
    assert f"at most {store.limits.learner_cap} learners" in texts(late)
    token = at.session_state["room_seat"].token
    for k in range(store.limits.checks_per_window):
        store.record_check(new.room.code, token, "fix_by_activation", {}, {}, False, f"{k}")
    check_exercise(at, "fix_by_activation")
    assert "Too many checks" in texts(at)
    assert at.session_state["room_seat"].pending == []  # refused for good, not retried


def test_a_check_made_while_the_database_is_away_is_recorded_once_later(monkeypatch):
    import sqlalchemy as sa

    _, new = open_room()
    at = join(new.room.code, nickname="Ann")
    store = get_store()
    real = store.record_check

    def away(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(store, "record_check", away)
    check_exercise(at, "fix_by_activation")
    assert "cannot be reached" in texts(at)
    assert len(at.session_state["room_seat"].pending) == 1
    monkeypatch.setattr(store, "record_check", real)
    at.run()  # the next run records what is pending
    no_exception(at)
    assert at.session_state["room_seat"].pending == []
    at.run()
    assert get_store().view(new.room.code, new.teacher_key).checks == 1


def test_the_learner_link_takes_a_teacher_links_flags_too():
    _, new = open_room()
    query = {"room": new.room.code, "name": "Ann", "exercise": "adam_vs_sgd", "lock": "lr"}
    at = make_app(WORKSHOP, query=query)
    no_exception(at)
    assert at.session_state["room_seat"].joined
    picker = at.radio(key="ws_exercise")
    assert picker.value == "adam_vs_sgd" and picker.disabled
    assert url_of(at)["lock"] == "lr" and url_of(at)["room"] == new.room.code
