"""The Workshop page's pieces: exercise picker and card, progressive hints, the Open button and
the attempts report.

Each draws widgets with stable keys (prefix `ws_`) and returns what the page needs; the Check
button, the checking and its wording live in ui.workshop.check, the exercise banner the
Playground shows in ui.workshop.banner.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lessons.exercises.loading import EXERCISES
from lessons.exercises.model import Exercise
from ui.common.i18n import t
from ui.playground.controls import seed_widgets
from ui.playground.lab import Lab
from ui.through_time import state as time_state
from ui.workshop.pin import Pin, offer_steps, set_pin
from ui.workshop.progress import LearnerProgress, report_csv, report_json

PLAYGROUND = "app_pages/playground.py"
THROUGH_TIME = "app_pages/through_time.py"  # a recurrent exercise's screen
PLAYGROUND_PREFIX = "pg_"  # the Playground's widget keys (app_pages/playground.py, PREFIX)
PICK_KEY = "ws_exercise"
RETURN_KEY = "ws_return"  # a recurrent exercise opened on Through time: picked again on return
LEVEL_ICONS = {1: "●○○", 2: "●●○", 3: "●●●"}


# ---------------------------------------------------------------------------------------------
# Choosing and reading an exercise


def picker_ui(progress: LearnerProgress, pin: Pin, lang: str) -> Exercise:
    """A list of the exercises, passed ones ticked. A teacher's link fixes the choice."""
    ids = list(EXERCISES)
    if pin.teacher and pin.exercise:
        st.session_state[PICK_KEY] = pin.exercise
    elif st.session_state.get(PICK_KEY) not in ids:
        back = st.session_state.pop(RETURN_KEY, None)
        st.session_state[PICK_KEY] = back if back in ids else pin.exercise or ids[0]

    def label(ex_id: str) -> str:
        ex = EXERCISES[ex_id]
        mark = "✓ " if ex_id in progress.passed else ""
        return f"{mark}{ex.order}. {ex.text[lang].title}  {LEVEL_ICONS.get(ex.level, '')}"

    st.radio(
        t("workshop.pick"),
        ids,
        key=PICK_KEY,
        format_func=label,
        disabled=pin.teacher and pin.exercise is not None,
    )
    done = len(progress.passed & set(ids))
    st.progress(done / len(ids), text=t("workshop.progress", done=done, total=len(ids)))
    return EXERCISES[st.session_state[PICK_KEY]]


def card(ex: Exercise, lang: str) -> None:
    text = ex.text[lang]
    st.subheader(f"{ex.order}. {text.title}")
    st.caption(t("workshop.level", level=t(f"workshop.level_{ex.level}")))
    st.markdown(text.story)
    st.markdown(f"**{t('workshop.goal')}** {text.goal}")
    st.markdown(f"**{t('workshop.constraints')}** {text.constraints}")


def hints(ex: Exercise, progress: LearnerProgress, lang: str) -> None:
    available = ex.text[lang].hints
    shown = progress.hints_shown.get(ex.id, 0)
    for i, hint in enumerate(available[:shown], 1):
        st.info(f"**{t('workshop.hint_n', n=i)}** {hint}", icon=":material/lightbulb:")
    if shown < len(available):
        st.button(
            t("workshop.show_hint", n=shown + 1, total=len(available)),
            key=f"ws_hint_{ex.id}",
            on_click=progress.reveal_hint,
            args=(ex.id, len(available)),
            icon=":material/lightbulb:",
        )


# ---------------------------------------------------------------------------------------------
# Open in the Playground


def open_button(ex: Exercise, lab: Lab, pin: Pin) -> None:
    """One click: the exercise's starting experiment, fresh, in the Playground (a recurrent
    one on the Through time screen)."""
    recurrent = ex.start_config.recurrent
    label = t("workshop.open_time" if recurrent else "workshop.open")
    if st.button(label, key="ws_open", type="primary", icon=":material/rocket_launch:"):
        if recurrent:
            open_through_time(ex)
        kept = pin if pin.teacher and pin.exercise == ex.id else Pin(ex.id, base=ex.start_config)
        set_pin(kept)
        cfg, _ = kept.enforce(ex.start_config)
        lab.load(cfg)
        seed_widgets(lab.cfg, PLAYGROUND_PREFIX)  # the Playground's widgets show the new config
        offer_steps(ex)
        st.switch_page(PLAYGROUND, query_params=kept.query())


def open_through_time(ex: Exercise) -> None:
    """The Through time screen with the exercise's start in its URL: the screen loads it into
    its own lab, and its burst offers the steps the goal is judged after."""
    offer_steps(ex)
    st.session_state[RETURN_KEY] = ex.id
    query = time_state.TABLE.query(ex.start_config.to_dict())
    st.switch_page(THROUGH_TIME, query_params=query)


# ---------------------------------------------------------------------------------------------
# Attempts and the report


def report(progress: LearnerProgress, lang: str) -> None:
    if not progress.attempts:
        st.caption(t("workshop.no_attempts"))
        return
    rows = [a.row() for a in reversed(progress.attempts)]
    frame = pd.DataFrame(rows)[["time", "exercise", "passed", "reasons", "test_acc"]]
    st.dataframe(frame, hide_index=True, width="stretch")
    name = st.text_input(t("workshop.learner"), key="ws_learner", max_chars=100)
    left, right = st.columns(2)
    left.download_button(
        t("workshop.download_json"),
        report_json(progress, name, lang),
        file_name="gradient-lab-workshop.json",
        mime="application/json",
        key="ws_report_json",
        icon=":material/download:",
    )
    right.download_button(
        t("workshop.download_csv"),
        report_csv(progress, name),
        file_name="gradient-lab-workshop.csv",
        mime="text/csv",
        key="ws_report_csv",
        icon=":material/download:",
    )
