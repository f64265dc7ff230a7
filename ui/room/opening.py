"""Opening a room, on the Workshop page: a title and the exercises to include; then the room's
code to read aloud, the learner link, and the private teacher link that holds the key.

The key is shown only here, in the session of the teacher who opened the room, and in the
teacher link; `room_links` is pure (a test reads both links back).
"""

from __future__ import annotations

import streamlit as st

from classroom.records import NewRoom
from classroom.text import TITLE_MAX
from lessons.exercises.loading import EXERCISES
from ui.common.i18n import current_lang, t
from ui.room.place import KEY_PARAM, ROOM_PARAM
from ui.room.store import call
from ui.workshop.links import base_url, page_url

WORKSHOP_PATH, ROOM_PATH = "workshop", "room"  # st.Page url_paths of the two screens
ROOM_PAGE = "app_pages/room.py"
OPENED_KEY = "room_opened"


def room_links(base: str, code: str, key: str, lang: str | None = None) -> tuple[str, str]:
    """(the learner link, the teacher link) of a room on the server of `base`."""
    learner = {ROOM_PARAM: code} | ({"lang": lang} if lang else {})
    teacher = {ROOM_PARAM: code, KEY_PARAM: key}
    return page_url(base, WORKSHOP_PATH, learner), page_url(base, ROOM_PATH, teacher)


def opened() -> NewRoom | None:
    """The room this session opened last (the teacher's), if any."""
    new = st.session_state.get(OPENED_KEY)
    return new if isinstance(new, NewRoom) else None


def open_room_ui() -> NewRoom | None:
    """The form, and the room it opened; returns that room."""
    lang = current_lang()
    st.caption(t("room.open_intro"))
    title = st.text_input(t("room.title_label"), key="room_title", max_chars=TITLE_MAX)
    picked = st.multiselect(
        t("room.exercises_label"),
        list(EXERCISES),
        default=list(EXERCISES),
        key="room_exercises",
        format_func=lambda ex_id: EXERCISES[ex_id].text[lang].title,
    )
    if st.button(t("room.open"), key="room_open", type="primary", icon=":material/meeting_room:"):
        ok, new = call("create_room", title, picked)
        if ok:
            st.session_state[OPENED_KEY] = new
    new = opened()
    if new is not None:
        opened_ui(new)
    return new


def opened_ui(new: NewRoom) -> None:
    code, key = new.room.code, new.teacher_key
    learner, teacher = room_links(base_url(), code, key)
    st.subheader(t("room.code_is", room=new.room.shown_code))
    st.markdown(t("room.learner_link"))
    st.code(learner, language=None, wrap_lines=True)
    st.markdown(t("room.teacher_link"))
    st.code(teacher, language=None, wrap_lines=True)
    st.caption(t("room.teacher_link_private"))
    st.page_link(
        ROOM_PAGE,
        label=t("room.to_view"),
        query_params={ROOM_PARAM: code, KEY_PARAM: key},
        icon=":material/monitoring:",
    )
