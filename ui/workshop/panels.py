"""The Workshop's pieces: exercise picker and card, progressive hints, the Open and Check buttons,
the attempts report, and the exercise banner the Playground shows above its charts.

Every `*_ui`-style function draws widgets with stable keys (prefix `ws_`) and returns what the
page needs; the checking and wording live in ui.workshop.check.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lessons.exercises.loading import EXERCISES, Exercise
from sim.config import FIELDS, RunConfig
from ui.common.i18n import t
from ui.common.wording import field_label
from ui.playground.controls import seed_widgets
from ui.playground.lab import Lab
from ui.workshop import check as workshop_check
from ui.workshop import pin as workshop_pin
from ui.workshop.pin import Pin
from ui.workshop.progress import Progress, report_csv, report_json

PLAYGROUND = "app_pages/playground.py"
PLAYGROUND_PREFIX = "pg_"  # the Playground's widget keys (app_pages/playground.py, PREFIX)
WORKSHOP = "app_pages/workshop.py"
PICK_KEY = "ws_exercise"
LEVEL_ICONS = {1: "●○○", 2: "●●○", 3: "●●●"}
MAX_CHANGES_LISTED = 4  # more than this: another experiment altogether, not a variation


# ---------------------------------------------------------------------------------------------
# Choosing and reading an exercise


def picker(progress: Progress, pin: Pin, lang: str) -> Exercise:
    """A list of the exercises, passed ones ticked. A teacher's link fixes the choice."""
    ids = list(EXERCISES)
    if pin.teacher and pin.exercise:
        st.session_state[PICK_KEY] = pin.exercise
    elif st.session_state.get(PICK_KEY) not in ids:
        st.session_state[PICK_KEY] = pin.exercise or ids[0]

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


def hints(ex: Exercise, progress: Progress, lang: str) -> None:
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
# Open in the Playground, check the Playground's network


def open_button(ex: Exercise, lab: Lab, pin: Pin) -> None:
    """One click: the exercise's starting experiment, fresh, in the Playground."""
    if st.button(
        t("workshop.open"), key="ws_open", type="primary", icon=":material/rocket_launch:"
    ):
        kept = pin if pin.teacher and pin.exercise == ex.id else Pin(ex.id, base=ex.start_config)
        workshop_pin.set_pin(kept)
        cfg, _ = kept.enforce(ex.start_config)
        lab.load(cfg)
        seed_widgets(lab.cfg, PLAYGROUND_PREFIX)  # the Playground's widgets show the new config
        st.switch_page(PLAYGROUND, query_params=kept.query())


def changes_text(start: RunConfig, cfg: RunConfig) -> str:
    changed = [n for n in FIELDS if n != "device" and getattr(start, n) != getattr(cfg, n)]
    if not changed:
        return t("workshop.yours_same")
    if len(changed) > MAX_CHANGES_LISTED:
        return t("workshop.yours_other")
    items = ", ".join(
        f"{field_label(n)} {workshop_check.config_value(n, getattr(cfg, n))}" for n in changed
    )
    return t("workshop.yours_changed", items=items)


def check_section(ex: Exercise, lab: Lab, lang: str, key: str = "ws_check") -> None:
    """What will be checked, the button, and the latest result for this exercise."""
    steps = lab.sim.step if lab.sim is not None else 0
    st.caption(changes_text(ex.start_config, lab.cfg) + " " + t("workshop.trained", steps=steps))
    slot = st.empty()
    if st.button(t("workshop.check"), key=key, icon=":material/fact_check:"):
        workshop_check.run(ex, lab, slot)
    result = workshop_check.get_progress().last.get(ex.id)
    if result is not None:
        workshop_check.show(ex, result, lang)


def banner(lab: Lab, pin: Pin, lang: str) -> None:
    """The Playground's exercise strip: goal, Check my network, hints on the Workshop page."""
    if pin.exercise is None:
        pin_notice(pin)
        return
    ex = EXERCISES[pin.exercise]
    with st.container(border=True):
        st.markdown(f"**{t('workshop.banner', title=ex.text[lang].title)}** {ex.text[lang].goal}")
        if pin.teacher:
            st.caption(t("workshop.pin_controls", fields=pinned_labels(pin)))
        check_section(ex, lab, lang, key="pg_ws_check")
        left, right = st.columns(2)
        left.page_link(WORKSHOP, label=t("workshop.to_workshop"), icon=":material/school:")
        if not pin.teacher:
            right.button(t("workshop.leave"), key="pg_ws_leave", on_click=workshop_pin.clear)


def pin_notice(pin: Pin) -> None:
    if pin.teacher:
        st.info(t("workshop.pin_controls", fields=pinned_labels(pin)), icon=":material/lock:")


def pinned_labels(pin: Pin) -> str:
    return ", ".join(field_label(n) for n in FIELDS if n in pin.fixed)


# ---------------------------------------------------------------------------------------------
# Attempts and the report


def report(progress: Progress, lang: str) -> None:
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
