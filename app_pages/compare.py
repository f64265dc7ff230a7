"""Compare: two to four runs on the same data, seed and initial weights, side by side."""

import streamlit as st

from ui.charts.compare import accuracy_overlay, grad_by_layer, heatmaps, loss_overlay
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.common.wording import problems_text
from ui.compare import lab as compare_lab
from ui.compare import panels as compare_panels
from ui.compare import sweep as compare_sweep
from ui.playground import state

# --- state: the session's comparison, a link's runs --------------------------------------------
lab = compare_lab.get_compare(state.get_lab().cfg)
ok, read = guarded(compare_lab.read_url, lab)
url_problems = read[1] if ok else []
compare_lab.write_url(lab)

# --- page --------------------------------------------------------------------------------------
st.title(t("compare.title"))
st.caption(t("compare.intro"))
if url_problems:
    st.warning(t("common.url_notice", items=problems_text(url_problems)), icon=":material/link:")
for kind, message in lab.notices:
    getattr(st, kind)(message)
lab.notices.clear()

with st.container(border=True):
    compare_panels.run_picker(lab, state.get_lab().cfg)
tr = translator()
labels = compare_panels.run_labels(lab.cfgs, tr)
steps = compare_panels.train_bar(lab)
progress = st.empty()
if steps:
    compare_panels.run_burst(lab, steps, progress)
compare_panels.run_list(lab, labels)
st.caption(t("compare.share"))

frame = lab.comparison.frame() if lab.comparison is not None else None
if frame is None or frame.empty:
    st.info(t("compare.nothing_yet"), icon=":material/play_arrow:")
else:
    left, right = st.columns(2)
    left.altair_chart(loss_overlay(frame, labels, tr), width="stretch")
    accuracy = accuracy_overlay(frame, labels, tr)
    if accuracy is not None:
        right.altair_chart(accuracy, width="stretch")
    st.altair_chart(grad_by_layer(frame, labels, tr), width="stretch")
    st.altair_chart(heatmaps(frame, labels, tr), width="content")

st.divider()
compare_sweep.section()
