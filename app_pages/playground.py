"""Playground: one network, trained in bursts, every layer measured and drawn."""

import streamlit as st

from ui.common.guard import guarded
from ui.common.i18n import current_lang, t
from ui.common.notices import url_notice
from ui.playground import actions, panels, screen, state
from ui.playground.board import Board
from ui.playground.controls import config_controls, settings_panel
from ui.room import learner, seat
from ui.workshop import banner, check, pin

PREFIX = "pg_"

# One run at a time touches the lab: a rerun started while a burst still runs (fastReruns) waits
# here until that burst has stopped at its next progress callback (see ui.playground.lab).
lab = state.get_lab()
with lab.lock:
    # --- state: the session's lab, a link's config, the controls -----------------------------
    ok, read = guarded(state.read_url, lab)
    loaded, url_problems = read if ok else (False, [])
    if loaded:
        actions.show_loaded(lab, PREFIX)
    teacher_pin = guarded(pin.apply, lab, PREFIX)[1] or pin.current()  # teacher links

    # --- page: the title, the action bar (the first thing Tab reaches in the main column) and
    # its progress, then the settings (in the main column, see ui.playground.controls) --------
    st.title(t("playground.title"), anchor=False)
    st.caption(t("playground.intro"))
    bar, progress = st.empty(), st.empty()  # the bar is drawn once the settings are adopted
    with settings_panel():
        picker = st.container()  # above the controls, drawn once they are adopted
        cfg = config_controls(
            lab.cfg, prefix=PREFIX, locked=teacher_pin.locked, hidden=teacher_pin.hidden
        )
    ok, change = guarded(lab.adopt, cfg)
    with picker:  # names the config just adopted: "custom" in the run that changed a control
        actions.preset_picker(lab, PREFIX)
    if lab.sim is None:
        guarded(lab.ensure_sim)
    state.write_url(lab)

    steps = actions.steps_to_run(lab, change)  # known before the buttons are drawn: busy
    actions.action_bar_ui(lab, bar, busy=actions.watched(steps))
    # below the settings: a notice appearing never moves the control just touched
    url_notice(url_problems)
    panels.notices(lab, change, training=bool(steps))
    learner.seat_ui(check.get_progress())  # a room link opened on the Playground seats here
    seat.visit(teacher_pin.exercise)
    banner.banner(lab, teacher_pin, current_lang(), training=bool(steps))
    panels.before_after(lab)
    board = Board(lab.cache, panels.before_trace(lab))
    screen.train_and_show(lab, steps, board, bar, progress)
    with st.expander(t("playground.export"), icon=":material/download:"):
        panels.export(lab)
