"""What a learner sees of a room: the join form a room link opens (a nickname, once), then one
line saying which room their checks go to. The Workshop and the Playground both show it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from classroom.codes import shown
from classroom.text import NICKNAME_MAX
from ui.common.i18n import t
from ui.common.wording import md_escape
from ui.room import seat as seats

if TYPE_CHECKING:
    from ui.workshop.progress import LearnerProgress

ICON = ":material/groups:"


def seat_ui(progress: LearnerProgress) -> seats.Seat:
    """Sync the seat with the URL and draw it: nothing outside a room, the join form in a room
    link not joined yet, else the room's line. Returns the seat."""
    seat = seats.sync(progress)
    if seat.code is None:
        return seat
    words = {"title": md_escape(seat.title), "room": shown(seat.code)}
    if seat.joined:
        st.caption(t("room.seated", nickname=md_escape(seat.nickname), **words))
        return seat
    with st.container(border=True, key="room_join_box"):
        st.markdown(t("room.join_intro", **words))
        name = st.text_input(t("room.nickname"), key="room_nickname", max_chars=NICKNAME_MAX)
        if st.button(t("room.join"), key="room_join", type="primary", icon=ICON):
            seat = seats.join(name, progress)
            if seat.joined:
                st.rerun()  # the page again, seated: the form gives way to the room's line
    return seat
