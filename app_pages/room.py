"""Room: the teacher view of one room, live, opened by the private teacher link."""

import streamlit as st

from ui.common.i18n import t
from ui.room import teacher

st.title(t("room.page_title"))
st.caption(t("room.page_intro"))
teacher.screen()
