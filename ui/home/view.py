"""Home's picture and its one-click starts into the Playground."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.presets import PRESETS
from sim.train.simulation import Simulation
from ui import charts
from ui.common import nav
from ui.common.i18n import t, translator
from ui.common.urlstate import with_lang
from ui.playground import state as playground

PLAYGROUND = "app_pages/playground.py"
STARTS: tuple[tuple[str, str, str], ...] = (  # preset, catalog key, icon
    ("sigmoid_vanishing", "home.start_sigmoid", ":material/trending_down:"),
    ("relu_he", "home.start_relu_he", ":material/healing:"),
    ("relu_exploding_init", "home.start_exploding", ":material/local_fire_department:"),
    ("relu_exploding_clipped", "home.start_clipped", ":material/content_cut:"),
)
PICTURE = {  # the same 10-layer network, two activation/init pairs
    "sigmoid": PRESETS["sigmoid_vanishing"].cfg,
    "relu": PRESETS["sigmoid_vanishing"].cfg.replace(activation="relu", init="kaiming_normal"),
}


@st.cache_data(max_entries=4, show_spinner=False)
def first_step_history(name: str) -> pd.DataFrame:
    """History after one step of a picture network (same for every user: seeded)."""
    sim = Simulation(PICTURE[name])
    sim.burst(1)
    return sim.history


def picture() -> None:
    cols, tr = st.columns(2), translator()
    for col, name in zip(cols, PICTURE, strict=True):
        with col:
            st.markdown(f"**{t(f'home.picture_series_{name}')}**")
            spec = charts.grad_norm_chart(
                first_step_history(name), tr, subtitle_width=charts.base.NARROW_SUBTITLE_WIDTH
            )
            charts.show(st, spec)
    st.caption(t("home.picture_caption"))


def starts() -> None:
    # Each link carries the whole URL the Playground will write for the preset, not `preset=`:
    # the page switch's own history entry then holds the final URL (see ui.common.nav).
    for preset, key, icon in STARTS:
        query = with_lang(playground.query_of(PRESETS[preset].cfg))
        st.page_link(PLAYGROUND, label=t(key), icon=icon, query_params=query)
    st.page_link(
        PLAYGROUND,
        label=t("home.start_playground"),
        icon=":material/tune:",
        query_params=nav.link_query(PLAYGROUND),
    )
