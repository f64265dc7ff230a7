"""Through time: a recurrent network trained in bursts, its backward signal at every time step."""

import streamlit as st

from ui.common.guard import guarded
from ui.common.i18n import t
from ui.common.notices import url_notice
from ui.playground import actions, panels, screen
from ui.through_time import state
from ui.through_time.board import Board
from ui.through_time.cells import compare_link
from ui.through_time.controls import settings_panel, time_controls
from ui.through_time.presets import preset_picker, show_loaded

PREFIX = "tt_"

# One run at a time touches the lab (see ui.playground.lab): a rerun waits for a burst to stop.
lab = state.get_lab()
with lab.lock:
    # --- state: the session's lab, a link's config, the controls -----------------------------
    ok, read = guarded(state.read_url, lab)
    loaded, url_problems = read if ok else (False, [])
    if loaded:
        show_loaded(lab, PREFIX)

    # --- page: the title, the action bar and its progress, then the settings (in the main
    # column, as on the Playground: ui.playground.controls) -----------------------------------
    st.title(t("time.title"), anchor=False)
    st.caption(t("time.intro"))
    bar, progress = st.empty(), st.empty()  # the bar is drawn once the settings are adopted
    with settings_panel():
        picker = st.container()  # above the controls, drawn once they are adopted
        cfg = time_controls(lab.cfg, PREFIX)
    ok, change = guarded(lab.adopt, cfg)
    with picker:
        preset_picker(lab, PREFIX)
    if lab.sim is None:
        guarded(lab.ensure_sim)
    state.write_url(lab)

    steps = actions.steps_to_run(lab, change)  # known before the buttons are drawn: busy
    actions.action_bar_ui(lab, bar, busy=actions.watched(steps))
    url_notice(url_problems)  # below the settings: a notice never moves the control touched
    panels.notices(lab, change, training=bool(steps))
    board = Board(lab.cache, lab.cfg)
    screen.train_and_show(lab, steps, board, bar, progress)
    if lab.cfg.arch == "rnn":  # what the signal chart's dashed line is
        st.caption(t("time.theory_help"))
    compare_link(lab.cfg)
    st.caption(t("time.share"))
