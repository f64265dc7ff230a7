"""Activation explorer: f(x) and f'(x), each function's properties, and the product of
derivatives through depth, theory beside what the engine measures."""

import streamlit as st

from sim.analysis.theory import curves, flat_regions, through_depth
from ui.charts.explorer import depth_chart, function_chart
from ui.charts.words import show_said
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.common.notices import url_notice
from ui.common.wording import choice_label
from ui.explorer import controls, state, view

# --- state: a link's choices, then the widgets -------------------------------------------------
url_problems = state.read_url()
tr = translator()

st.title(t("explorer.title"))
st.caption(t("explorer.intro"))
url_notice(url_problems)

acts, lo, hi = controls.functions_ui(tr)
names = {a: choice_label("activation", a, tr) for a in acts}

# --- f and f' --------------------------------------------------------------------------------
if not acts:
    st.info(t("explorer.pick_one"))
else:
    frame, flat = curves(acts, lo, hi), flat_regions(acts, lo, hi)
    zoom = controls.zoom_ui()
    left, right = st.columns(2)
    show_said(left, "explorer_f", function_chart(frame, flat, names, "f", tr, zoom), tr)
    show_said(right, "explorer_df", function_chart(frame, flat, names, "df", tr), tr)
    st.dataframe(view.property_table(acts, tr), hide_index=True)
    view.formulas(acts, names)

# --- through depth ---------------------------------------------------------------------------
st.divider()
st.subheader(t("explorer.depth_header"))
st.caption(t("explorer.depth_intro"))
init, depth = controls.depth_ui(tr)
state.write_url()

if acts:
    depths = view.measured_depths(depth)
    theory = through_depth(acts, range(2, depth + 1), init)
    with st.spinner(t("explorer.measuring")):
        ok, engine = guarded(view.measured, tuple(acts), init, depths)
    if ok:
        show_said(st, "explorer_depth", depth_chart(theory, engine, names, tr), tr)
        st.dataframe(view.factor_table(acts, init, depth, engine, tr), hide_index=True)
        st.caption(view.factors_now(acts, init, depth, engine, tr))  # the settings chosen
        st.caption(t("explorer.depth_note"))
        view.playground_links(acts, init, depth, names)
