"""Home: what the lab is for, one picture, and one-click starts into the Playground."""

import streamlit as st

from ui.common.guard import guarded
from ui.common.i18n import t
from ui.home import view

st.title(t("home.title"))
st.markdown(t("home.lead"))

left, right = st.columns([1, 2], gap="large")
with left:
    st.subheader(t("home.starts"))
    view.starts()
    st.subheader(t("home.how_title"))
    st.markdown(t("home.how_body"))
with right:
    guarded(view.picture)
