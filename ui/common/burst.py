"""Run a burst from a page: progress bar, live charts, the shared training slots, no traceback.

Streamlit interrupts a running script at its next yield point when the user changes a control.
Here the only yield points during a burst are inside `on_progress`, between two optimiser steps:
the interruption (a BaseException) unwinds through `Simulation.burst`, whose `finally` flushes
the history, and through `SLOTS.hold`, whose `finally` frees the slot. The Lab's `burst` keeps
`running=True`, so the next run knows how many steps are left for Continue.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from sim.slots import SLOTS
from sim.train.simulation import BurstResult, Progress
from ui.common.guard import engine_error
from ui.common.i18n import t
from ui.playground.lab import Lab

# Live charts cost a few hundred milliseconds a redraw; a 200-step burst of a small network takes
# about as long. So: none in the first second of training (time spent queued for a slot does not
# count), then at most ~20% of the burst's time, and none while another session waits for the
# slot this burst holds (a redraw would make it wait longer for charts it cannot see).
LIVE_FIRST_S = 1.0
LIVE_MIN_GAP_S = 0.5
LIVE_SHARE = 0.2
# The progress bar moves at most every PROGRESS_GAP_S: each move is a message for which the
# browser renders the page again (20 a burst cost a learner's browser ~0.2 CPU-s per burst, and
# a room's browsers on one machine compete with the server). Between moves a session-state read
# keeps each callback a point where a changed control stops the burst.
PROGRESS_GAP_S = 0.25
YIELD_KEY = "_training_yield"


def yield_point() -> None:
    """Let Streamlit stop this run here if the user changed something (reading session state is
    one of its yield points), without sending the browser anything."""
    _ = YIELD_KEY in st.session_state


def run_burst(lab: Lab, n: int, slot, live: Callable[[], None] | None = None) -> BurstResult | None:
    """Train `n` steps, showing progress in the placeholder `slot` and calling `live()` to
    redraw charts now and then. None if the engine failed (the page already says so)."""
    try:
        sim = lab.ensure_sim()
    except Exception as exc:  # a Simulation that cannot be built: say so, keep the page
        engine_error(exc, slot)
        return None
    lab.begin_burst(n)
    bar = slot.progress(0.0, text=t("playground.progress", step=sim.step, done=0, total=n))
    next_draw = None  # set when the slot is ours
    next_bar = 0.0

    def on_progress(p: Progress) -> None:
        nonlocal next_draw, next_bar
        started = time.perf_counter()
        if started >= next_bar:
            text = t("playground.progress", step=p.step, done=p.done, total=p.total)
            bar.progress(min(1.0, p.done / max(1, p.total)), text=text)
            next_bar = started + PROGRESS_GAP_S
        else:
            yield_point()
        if next_draw is None:
            next_draw = started - p.seconds + LIVE_FIRST_S
        if live is not None and started >= next_draw and not SLOTS.waiting:
            live()
            cost = time.perf_counter() - started
            next_draw = time.perf_counter() + max(LIVE_MIN_GAP_S, cost / LIVE_SHARE)

    def on_queued(waiting: int) -> None:
        slot.info(t("common.queued", waiting=waiting), icon=":material/hourglass_top:")

    try:
        with SLOTS.hold(on_queued=on_queued):
            result = sim.burst(n, on_progress)
    except Exception as exc:  # the engine failed mid-burst; the history up to here is kept
        lab.end_burst(None)
        engine_error(exc, slot)
        return None
    lab.end_burst(result)
    slot.empty()
    return result
