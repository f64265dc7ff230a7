"""Workshop: exercises with goals, hints and automatic checks; a report; teacher links."""

import streamlit as st

from ui.common.i18n import current_lang, t
from ui.playground import state
from ui.workshop import check as workshop_check
from ui.workshop import links as workshop_links
from ui.workshop import panels as workshop_panels
from ui.workshop import pin as workshop_pin

# --- state: the session's lab (the Playground's network), progress, a teacher's pin -----------
lab = state.get_lab()
progress = workshop_check.get_progress()
pin = workshop_pin.current()
lang = current_lang()

# --- page --------------------------------------------------------------------------------------
st.title(t("workshop.title"))
st.caption(t("workshop.intro"))
workshop_panels.pin_notice(pin)

left, right = st.columns([1, 2], gap="large")
with left:
    ex = workshop_panels.picker(progress, pin, lang)
with right, st.container(border=True):
    workshop_panels.card(ex, lang)
    workshop_panels.open_button(ex, lab, pin)
    workshop_panels.check_section(ex, lab, lang)
    workshop_panels.hints(ex, progress, lang)

st.subheader(t("workshop.attempts"))
workshop_panels.report(progress, lang)

with st.expander(t("workshop.link_title"), icon=":material/link:"):
    workshop_links.builder()
