"""Compare: two to four runs on the same data, seed and initial weights, side by side."""

import streamlit as st

from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.common.notices import show_pending, url_notice
from ui.compare import board, panels, sweep
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
board.same_data_caption(lab.cfgs)
st.caption(t("compare.share"))

frame = lab.comparison.frame() if lab.comparison is not None else None
if frame is None or frame.empty:
    st.info(t("compare.nothing_yet"), icon=":material/play_arrow:")
else:
    board.draw(frame, lab.cfgs, labels, tr)  # per layer, or through time for recurrent runs

st.divider()
sweep.section()
