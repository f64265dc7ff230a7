"""The Workshop page and teacher links, in AppTest: every exercise opens in the Playground, its
check reports fail for the start and pass for a reference solution, the session remembers it,
the report downloads, and a teacher link locks and hides controls — through the widgets, the
preset picker and the URL alike — and the link builder round-trips."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from lessons.exercises.loading import EXERCISES
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts
from ui.common.i18n import text
from ui.common.wording import field_label
from ui.workshop.links import build_link
from ui.workshop.pin import parse_pin
from ui.workshop.progress import LearnerProgress, report_csv, report_json

WORKSHOP = "app_pages/workshop.py"


def warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


def progress_of(at) -> LearnerProgress:
    return at.session_state["workshop_progress"]


def open_exercise(ex_id: str):
    at = make_app(WORKSHOP)
    at.radio(key="ws_exercise").set_value(ex_id).run()
    at.button(key="ws_open").click().run()  # st.switch_page runs the Playground ...
    no_exception(at)
    assert at.title[0].value == "Playground"
    return at.switch_page(PLAYGROUND)  # ... and AppTest's next runs stay there


# ---------------------------------------------------------------------------------------------
# The page


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_workshop_page_in_both_languages(locale):
    at = make_app(WORKSHOP, locale=locale)
    no_exception(at)
    first = next(iter(EXERCISES.values()))
    lang = "zh" if locale.startswith("zh") else "en"
    assert at.title[0].value == ("练习工坊" if lang == "zh" else "Workshop")
    assert first.text[lang].title in texts(at)
    assert len(at.radio(key="ws_exercise").options) == len(EXERCISES)


def test_hints_appear_one_at_a_time():
    at = make_app(WORKSHOP)
    ex = EXERCISES[at.radio(key="ws_exercise").value]
    for n in range(1, len(ex.text["en"].hints) + 1):
        at.button(key=f"ws_hint_{ex.id}").click().run()
        assert ex.text["en"].hints[n - 1] in texts(at)
    assert not [b for b in at.button if b.key == f"ws_hint_{ex.id}"]  # all shown


PLAYGROUND_EXERCISES = [e for e, ex in EXERCISES.items() if not ex.start_config.recurrent]
TIME_EXERCISES = [e for e in EXERCISES if e not in PLAYGROUND_EXERCISES]


@pytest.mark.parametrize("ex_id", TIME_EXERCISES)
def test_a_recurrent_exercise_opens_on_the_through_time_screen(ex_id):
    ex = EXERCISES[ex_id]
    at = make_app(WORKSHOP)
    at.radio(key="ws_exercise").set_value(ex_id).run()
    assert at.button(key="ws_open").label == "Open on the Through time screen"
    at.button(key="ws_open").click().run()  # st.switch_page runs the Through time screen
    no_exception(at)
    assert at.title[0].value == "Through time"
    lab = at.session_state["time_lab"]
    assert lab.cfg.replace(device="auto") == ex.start_config.replace(device="auto")
    at.switch_page(WORKSHOP).run()  # its check tests the Through time screen's network
    assert "not open in the Playground" not in texts(at)
    steps = lab.sim.step if lab.sim is not None else 0
    assert f"Trained {steps} steps." in texts(at)


@pytest.mark.parametrize("ex_id", PLAYGROUND_EXERCISES)
def test_each_exercise_opens_and_its_check_fails_then_passes(ex_id):
    ex = EXERCISES[ex_id]
    at = open_exercise(ex_id)
    lab = lab_of(at)
    assert lab.cfg.replace(device="auto") == ex.start_config.replace(device="auto")
    assert ex.text["en"].title in texts(at)  # the Playground's banner
    at.button(key="pg_ws_check").click().run()  # "Check my network" in the Playground
    no_exception(at)
    assert not progress_of(at).last[ex_id].passed
    assert "Not yet" in warnings(at)

    lab.load(ex.solution_config(0))  # as if the learner had changed the controls
    at.switch_page(WORKSHOP).run()
    at.button(key="ws_check").click().run()
    no_exception(at)
    progress = progress_of(at)
    assert progress.last[ex_id].passed and ex_id in progress.passed
    assert [a.passed for a in progress.attempts] == [False, True]
    assert ex.text["en"].explanation.split()[0] in texts(at)
    assert any(s.value.startswith("Solved") for s in at.success)


def test_check_uses_the_learners_trained_network():
    at = open_exercise("see_vanishing")
    at.slider(key="pg_depth").set_value(8).run()
    at.selectbox(key="pg_burst").set_value(500).run()
    at.button(key="train").click().run()
    at.button(key="pg_ws_check").click().run()
    result = progress_of(at).last["see_vanishing"]
    assert result.passed and result.runs["yours"].source == "session"
    assert result.runs["yours"].numbers["steps"] == 500


def test_changing_a_control_in_the_playground_then_checking():
    at = open_exercise("fix_keep_activation")
    at.selectbox(key="pg_norm").set_value("batchnorm").run()
    at.button(key="pg_ws_check").click().run()
    assert progress_of(at).last["fix_keep_activation"].passed


def test_report_downloads_json_and_csv():
    at = open_exercise("fix_by_activation")
    at.button(key="pg_ws_check").click().run()  # a rule is broken: fails without training
    at.switch_page(WORKSHOP).run()
    no_exception(at)
    progress = progress_of(at)
    doc = json.loads(report_json(progress, "=Ada", "en"))
    assert doc["learner"] == "'=Ada"  # never a spreadsheet formula
    assert doc["attempts"][0]["exercise"] == "fix_by_activation"
    assert "constraint:activation" in doc["attempts"][0]["reasons"]
    assert report_csv(progress, "Ada").splitlines()[1].startswith("Ada,")
    assert len(at.get("download_button")) == 2


# ---------------------------------------------------------------------------------------------
# Teacher links


def teacher_app(**query):
    at = make_app(PLAYGROUND, query=query)
    no_exception(at)
    return at


def test_teacher_link_locks_and_hides_controls():
    at = teacher_app(exercise="fix_keep_activation", lock="activation,depth", hide="norm")
    ex = EXERCISES["fix_keep_activation"]
    assert lab_of(at).cfg.replace(device="auto") == ex.start_config.replace(device="auto")
    assert at.selectbox(key="pg_activation").disabled and at.slider(key="pg_depth").disabled
    assert "pg_norm" not in [w.key for w in at.selectbox]
    assert not at.selectbox(key="pg_init").disabled
    at.session_state["pg_activation"] = "relu"  # a tampered widget state cannot win either
    at.run()
    assert lab_of(at).cfg.activation == "sigmoid"


def test_locked_value_in_the_url_is_ignored_with_a_notice():
    at = teacher_app(
        exercise="see_vanishing", lock="activation,depth", activation="relu", depth="9"
    )
    cfg = lab_of(at).cfg
    assert (
        cfg.activation == "sigmoid" and cfg.depth == EXERCISES["see_vanishing"].start_config.depth
    )
    assert "ignored" in warnings(at)


def test_free_values_in_a_teacher_link_are_used():
    at = teacher_app(exercise="fix_keep_activation", lock="activation", lr="0.05")
    assert lab_of(at).cfg.lr == 0.05


def test_preset_picker_cannot_move_a_locked_control():
    at = teacher_app(exercise="fix_keep_activation", lock="activation")
    at.selectbox(key="pg_preset").set_value("relu_he").run()
    no_exception(at)
    assert lab_of(at).cfg.activation == "sigmoid"
    assert lab_of(at).cfg.depth == 20  # the preset's free fields did load


def test_bad_flags_give_a_notice_not_a_crash():
    at = teacher_app(exercise="no_such", lock="lr,bogus", hide="%%%,<b>")
    assert at.select_slider(key="pg_lr").disabled
    words = warnings(at)
    assert "no_such" in words and "bogus" in words


def test_teacher_pin_survives_a_page_switch():
    at = teacher_app(exercise="see_vanishing", lock="depth")
    at.switch_page(WORKSHOP).run()
    assert at.radio(key="ws_exercise").disabled
    at.switch_page(PLAYGROUND).run()
    assert at.slider(key="pg_depth").disabled
    assert at.query_params["lock"] in ("depth", ["depth"])


def test_link_builder_round_trips():
    at = make_app(WORKSHOP)
    at.selectbox(key="ws_link_exercise").set_value("explode_and_clip").run()
    at.checkbox(key="ws_lock_lr").check().run()
    at.checkbox(key="ws_lock_activation").check().run()
    at.checkbox(key="ws_hide_norm").check().run()
    at.radio(key="ws_link_lang").set_value("zh").run()
    no_exception(at)
    url = at.code[0].value
    parts = urlsplit(url)
    assert parts.path.endswith("/playground")
    params = dict(parse_qsl(parts.query))
    pin, _, found, _ = parse_pin(params)
    assert not found and params["lang"] == "zh"
    assert pin.exercise == "explode_and_clip"
    assert pin.locked == {"lr", "activation"} and pin.hidden == {"norm"}
    # ... and the link opens what it says
    opened = teacher_app(**params)
    assert opened.select_slider(key="pg_lr").disabled
    assert "pg_norm" not in [w.key for w in opened.selectbox]
    assert opened.title[0].value != "Playground"  # in Chinese


def test_suggest_locks_the_exercise_rules():
    at = make_app(WORKSHOP)
    at.selectbox(key="ws_link_exercise").set_value("sigmoid_depth_limit").run()
    at.button(key="ws_link_suggest").click().run()
    pin, *_ = parse_pin(dict(parse_qsl(urlsplit(at.code[0].value).query)))
    assert "depth" not in pin.locked and {"activation", "lr", "seed"} <= pin.locked


def test_builder_warns_when_a_lock_makes_the_exercise_unsolvable():
    at = make_app(WORKSHOP)
    at.selectbox(key="ws_link_exercise").set_value("explode_and_clip").run()
    assert not warnings(at)
    at.checkbox(key="ws_lock_clip").check().run()
    assert "Gradient clipping" in warnings(at)


@pytest.mark.parametrize(
    ("exercise", "start", "locked", "hidden"),
    [
        ("adam_vs_sgd", None, {"activation"}, set()),
        (None, "relu_dead", {"lr"}, {"norm", "residual"}),
        (None, None, set(), {"device"}),
        ("see_vanishing", "relu_he", {"depth"}, {"depth"}),  # hide wins; exercise wins
    ],
)
def test_build_and_parse_are_inverse(exercise, start, locked, hidden):
    url = build_link(
        "https://lab.example.org/app/workshop?lang=en", exercise, start, locked, hidden
    )
    assert url.startswith("https://lab.example.org/app/playground?")
    pin, cfg, found, _ = parse_pin(dict(parse_qsl(urlsplit(url).query)))
    assert not found
    assert pin.exercise == exercise and pin.hidden == hidden and pin.locked == locked - hidden
    assert pin.start == (None if exercise else start)
    assert cfg == pin.base


def test_each_teacher_checkbox_names_its_control():
    at = make_app(WORKSHOP)
    no_exception(at)
    boxes = {
        box.key: box.label for box in at.checkbox if box.key.startswith(("ws_lock_", "ws_hide_"))
    }
    assert len(boxes) >= 20
    assert len(set(boxes.values())) == len(boxes)  # no two alike: each names its control
    assert boxes["ws_lock_lr"] == text("en", "workshop.link_lock_field", field=field_label("lr"))
    assert "Lock" in boxes["ws_lock_lr"] and boxes["ws_lock_lr"] != "Lock"
