"""The lower half a burst screen shares (the Playground, Through time): the burst with its live
redraws, the status, the diagnosis and the charts, in that order on the page."""

from __future__ import annotations

import streamlit as st

from ui.common.i18n import t
from ui.playground import actions, panels
from ui.playground.lab import Lab

ICON_DIAGNOSIS = ":material/stethoscope:"


def train_and_show(lab: Lab, steps: int, board, bar, progress) -> None:
    """Train `steps` (0: none) with the board and status redrawn live, free the action bar in
    `bar` again, then the status, the diagnosis and the board at the latest step. `board` is the
    screen's own (draw_live(sim), draw(sim))."""
    status, findings = st.empty(), st.empty()
    if steps and lab.sim is not None and not actions.watched(steps):  # a Step: drawn at rest
        actions.train(lab, steps, progress)
        if lab.sim.diverged:  # the bar was drawn free before the step; now it disables
            st.rerun()
    elif steps and lab.sim is not None:
        sim = lab.sim
        panels.status(lab, status)
        panels.training_notice(findings)

        def live() -> None:
            board.draw_live(sim)
            panels.status(lab, status)

        actions.train(lab, steps, progress, live=live)
        actions.action_bar_ui(lab, bar)  # free again (or disabled: a diverged network)

    panels.status(lab, status)
    with findings.container(), st.expander(t("playground.diagnosis"), expanded=True,
                                           icon=ICON_DIAGNOSIS):  # fmt: skip
        panels.diagnosis(lab)
    if lab.sim is not None:
        board.draw(lab.sim)
