"""The Activation explorer's widgets: which functions over which range, and which init through
how many layers. Each `*_ui` draws its widgets (keys `ex_*`, kept across pages and seeded from a
link by ui.explorer.state) and returns their values."""

from __future__ import annotations

import streamlit as st

from sim.activations import ACTIVATIONS
from ui.charts.explorer import ZOOM
from ui.common.i18n import t
from ui.common.wording import choice_label
from ui.explorer import state


def functions_ui(tr) -> tuple[list[str], float, float]:
    """The activations to draw and the x range: (names, lo, hi)."""
    acts_col, range_col = st.columns([3, 2])
    acts = acts_col.multiselect(
        t("explorer.pick"),
        list(ACTIVATIONS),
        key="ex_acts",
        persist_state="session",
        max_selections=state.MAX_ACTS,
        format_func=lambda a: choice_label("activation", a, tr),
    )
    lo, hi = range_col.slider(
        t("explorer.range"),
        *state.RANGE,
        key="ex_range",
        step=0.5,
        format="%g",
        persist_state="session",
    )
    return acts, lo, hi


def depth_ui(tr) -> tuple[str, int]:
    """The init and the depth the product of derivatives is followed through: (init, depth)."""
    init_col, depth_col = st.columns([2, 3])
    init = init_col.selectbox(
        t("explorer.init"),
        state.INIT_CHOICES,
        key="ex_init",
        persist_state="session",
        format_func=lambda i: choice_label("init", i, tr),
    )
    depth = depth_col.slider(
        t("explorer.depth"), *state.DEPTHS, key="ex_depth", persist_state="session"
    )
    return init, depth


def zoom_ui() -> bool:
    """Whether f(x)'s y axis zooms on the bounded functions (ui.charts.explorer.ZOOM)."""
    label = t("explorer.zoom", lo=ZOOM[0], hi=ZOOM[1])
    return st.toggle(label, value=True, key="ex_zoom", persist_state="session")
