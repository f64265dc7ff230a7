"""Workshop: exercises with goals, hints and automatic checks; a report; teacher links."""

import streamlit as st

from ui.common.guard import guarded
from ui.common.i18n import current_lang, t
from ui.playground import state
from ui.room import learner, opening, seat
from ui.workshop import banner, check, links, panels, pin

# --- state: the session's lab (the Playground's network), progress, a teacher's pin -----------
lab = state.get_lab()
progress = check.get_progress()
# a teacher link's flags work here too (`/workshop?room=CODE&exercise=ID&lock=...`)
teacher_pin = guarded(pin.apply, lab, panels.PLAYGROUND_PREFIX)[1] or pin.current()
lang = current_lang()

# --- page --------------------------------------------------------------------------------------
st.title(t("workshop.title"))
st.caption(t("workshop.intro"))
banner.pin_notice(teacher_pin)
learner.seat_ui(progress)  # a room link: join once, then every check is recorded there

left, right = st.columns([1, 2], gap="large")
with left:
    ex = panels.picker_ui(progress, teacher_pin, lang)
    seat.visit(ex.id)
with right, st.container(border=True):
    panels.card(ex, lang)
    panels.open_button(ex, lab, teacher_pin)
    check.check_section(ex, lab, lang)
    panels.hints(ex, progress, lang)

st.subheader(t("workshop.attempts"))
panels.report(progress, lang)

with st.expander(t("room.open_title"), icon=":material/meeting_room:"):
    new_room = opening.open_room_ui()
with st.expander(t("workshop.link_title"), icon=":material/link:"):
    links.builder_ui(room=new_room.room.code if new_room else None)
