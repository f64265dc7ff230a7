"""Compare: two to four runs on the same data, seed and initial weights, side by side."""

import streamlit as st

from ui.charts import show
from ui.charts.compare import accuracy_overlay, grad_by_layer, loss_overlay
from ui.charts.heatmap import heatmaps
from ui.charts.spec import show_numbers
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.common.notices import show_pending, url_notice
from ui.compare import panels, sweep
from ui.compare.lab import get_compare, read_url, write_url
from ui.playground import state

# --- state: the session's comparison, a link's runs --------------------------------------------
lab = get_compare(state.get_lab().cfg)
ok, read = guarded(read_url, lab)
url_problems = read[1] if ok else []
write_url(lab)

# --- page --------------------------------------------------------------------------------------
st.title(t("compare.title"))
st.caption(t("compare.intro"))
url_notice(url_problems)
show_pending(lab.notices)

with st.container(border=True):
    panels.run_picker(lab, state.get_lab().cfg)
tr = translator()
labels = panels.run_labels(lab.cfgs, tr)
steps = panels.train_bar_ui(lab)
progress = st.empty()
if steps:
    panels.train(lab, steps, progress)
panels.run_list(lab, labels)
st.caption(t("compare.share"))

frame = lab.comparison.frame() if lab.comparison is not None else None
if frame is None or frame.empty:
    st.info(t("compare.nothing_yet"), icon=":material/play_arrow:")
else:
    numbers = t("common.chart_numbers")
    left, right = st.columns(2)
    for where, spec in (
        (left, loss_overlay(frame, labels, tr)),
        (right, accuracy_overlay(frame, labels, tr)),
    ):
        show(where, spec)  # None: nothing drawn
        show_numbers(where, spec, numbers)
    grads = grad_by_layer(frame, labels, tr)
    show(st, grads)
    show_numbers(st, grads, numbers)
    show(st, heatmaps(frame, labels, tr), width="content")

st.divider()
sweep.section()
