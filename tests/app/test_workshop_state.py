"""Workshop results belong to the network they checked: a changed network marks them stale, a
check before the exercise is open says so, and an opened exercise trains its goal's steps."""

from __future__ import annotations

from lessons.exercises.loading import EXERCISES
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts

WORKSHOP = "app_pages/workshop.py"
STALE = "checked another network"
NOT_OPEN = "not open in the Playground"


def open_exercise(ex_id: str):
    at = make_app(WORKSHOP)
    at.radio(key="ws_exercise").set_value(ex_id).run()
    at.button(key="ws_open").click().run()
    no_exception(at)
    return at.switch_page(PLAYGROUND)


def test_results_are_marked_stale_when_the_network_changes():
    at = open_exercise("see_vanishing")
    at.button(key="pg_ws_check").click().run()
    assert "Not yet" in " ".join(w.value for w in at.warning)
    at.slider(key="pg_depth").set_value(4).run()
    no_exception(at)
    assert STALE in texts(at)
    assert "Not yet" not in " ".join(w.value for w in at.warning)  # the old verdict is gone


def test_results_of_a_trained_session_network_go_stale_after_more_training():
    at = open_exercise("see_vanishing")
    at.slider(key="pg_depth").set_value(8).run()
    at.selectbox(key="pg_burst").set_value(500).run()
    at.button(key="train").click().run()
    at.button(key="pg_ws_check").click().run()
    assert STALE not in texts(at)
    at.button(key="step").click().run()
    assert STALE in texts(at)


def test_checking_before_opening_the_exercise_says_so():
    at = make_app(WORKSHOP)
    at.radio(key="ws_exercise").set_value("see_vanishing").run()
    assert NOT_OPEN in texts(at)
    at.button(key="ws_open").click().run()
    at.switch_page(WORKSHOP).run()
    no_exception(at)
    assert NOT_OPEN not in texts(at)


def test_zh_words_exist_for_both_notices():
    at = make_app(WORKSHOP, locale="zh-CN")
    at.radio(key="ws_exercise").set_value("see_vanishing").run()
    assert "还没有在训练场中打开" in texts(at)


def test_an_opened_exercise_offers_its_goals_step_count():
    for ex_id in ("see_vanishing", "fix_keep_activation"):
        ex = EXERCISES[ex_id]
        at = open_exercise(ex_id)
        at.run()
        no_exception(at)
        assert at.selectbox(key="pg_burst").value == ex.steps, ex_id
        assert lab_of(at).cfg.depth == ex.start_config.depth
