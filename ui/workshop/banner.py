"""The exercise banner the Playground shows above its charts when a learner works on an exercise
(goal, Check my network, the way back to the Workshop), and the notice of a teacher's pin."""

from __future__ import annotations

import streamlit as st

from lessons.exercises.loading import EXERCISES
from sim.config import FIELDS
from ui.common.i18n import t
from ui.common.notices import show
from ui.common.urlstate import with_lang
from ui.common.wording import field_label
from ui.playground.lab import Lab
from ui.workshop.check import check_section
from ui.workshop.pin import Pin, clear

WORKSHOP = "app_pages/workshop.py"


def banner(lab: Lab, pin: Pin, lang: str, training: bool = False) -> None:
    """The Playground's exercise strip: goal, Check my network, hints on the Workshop page.
    `training`: a burst runs after it in this run (a check of the network so far goes stale)."""
    if pin.exercise is None:
        pin_notice(pin)
        return
    ex = EXERCISES[pin.exercise]
    with st.container(border=True):
        st.markdown(f"**{t('workshop.banner', title=ex.text[lang].title)}** {ex.text[lang].goal}")
        if pin.teacher:
            st.caption(t("workshop.pin_controls", fields=pinned_labels(pin)))
        check_section(ex, lab, lang, key="pg_ws_check", training=training)
        left, right = st.columns(2)
        left.page_link(
            WORKSHOP,
            label=t("workshop.to_workshop"),
            icon=":material/school:",
            query_params=with_lang(),
        )
        if not pin.teacher:
            right.button(t("workshop.leave"), key="pg_ws_leave", on_click=clear)


def pin_notice(pin: Pin) -> None:
    """Which controls a teacher's link locks or hides (nothing without a pin)."""
    if pin.teacher:
        show("info", t("workshop.pin_controls", fields=pinned_labels(pin)), icon=":material/lock:")


def pinned_labels(pin: Pin) -> str:
    return ", ".join(field_label(n) for n in FIELDS if n in pin.fixed)
