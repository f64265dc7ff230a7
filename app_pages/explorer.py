"""Activation explorer: f(x) and f'(x), each function's properties, and the product of
derivatives through depth, theory beside what the engine measures."""

import streamlit as st

from sim import codec
from sim.activations import ACTIVATIONS
from sim.analysis.theory import curves, flat_regions, through_depth
from sim.presets import BASE
from ui.charts.explorer import depth_chart, function_chart
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.common.notices import url_notice
from ui.common.wording import choice_label
from ui.explorer import state, view

# --- state: a link's choices, then the widgets -------------------------------------------------
url_problems = state.read_url()
tr = translator()

st.title(t("explorer.title"))
st.caption(t("explorer.intro"))
url_notice(url_problems)

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
names = {a: choice_label("activation", a, tr) for a in acts}

# --- f and f' --------------------------------------------------------------------------------
if not acts:
    st.info(t("explorer.pick_one"))
else:
    frame, flat = curves(acts, lo, hi), flat_regions(acts, lo, hi)
    left, right = st.columns(2)
    left.altair_chart(function_chart(frame, flat, names, "f", tr), width="stretch")
    right.altair_chart(function_chart(frame, flat, names, "df", tr), width="stretch")
    st.dataframe(view.property_table(acts, tr), hide_index=True)
    cols = st.columns(len(acts))
    for col, act in zip(cols, acts, strict=True):
        col.caption(names[act])
        col.latex(ACTIVATIONS[act].formula)

# --- through depth ---------------------------------------------------------------------------
st.divider()
st.subheader(t("explorer.depth_header"))
st.caption(t("explorer.depth_intro"))
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
state.write_url()

if acts:
    depths = view.measured_depths(depth)
    theory = through_depth(acts, range(2, depth + 1), init)
    with st.spinner(t("explorer.measuring")):
        ok, engine = guarded(view.measured, tuple(acts), init, depths)
    if ok:
        st.altair_chart(depth_chart(theory, engine, names, tr), width="stretch")
        st.dataframe(view.factor_table(acts, init, depth, engine, tr), hide_index=True)
        st.caption(t("explorer.depth_note"))
        links = st.columns(min(len(acts), 5))
        for col, act in zip(links, acts, strict=False):
            cfg = BASE.replace(activation=act, init=init, depth=depth)
            col.page_link(
                "app_pages/playground.py",
                label=t("explorer.try", name=names[act]),
                icon=":material/open_in_new:",
                query_params=codec.to_query(cfg),
            )
