"""One burst from any screen: a training slot, the progress bar, live redraws, no traceback.

Two words, two things: the *placeholder* is the Streamlit element (`st.empty()`) where the bar
and the queue notice appear; a *training slot* is one of the room-wide places of
`sim.slots.SLOTS` that cap how many bursts train at once. A screen says what it trains as a
`BurstJob` (the Playground's network, Compare's runs) and calls `run_burst`.

Streamlit interrupts a running script at its next yield point when the user changes a control.
Here the only yield points during a burst are inside `on_progress`, between two optimiser steps:
the interruption (a BaseException) unwinds through the engine's burst, whose `finally` flushes
the history, and through `SLOTS.hold`, whose `finally` frees the training slot. `finish` is not
called then, so the Playground's Lab still says the burst is running and Continue knows how many
steps are left.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import streamlit as st

from sim.slots import SLOTS
from ui.common.guard import engine_error
from ui.common.i18n import t
from ui.common.notices import show

R = TypeVar("R")

# A live redraw costs about as much as a whole default burst of a small network. So: none in
# the first second of training (time spent queued for a training slot does not count), then at
# most a LIVE_SHARE of the burst's time and one a second, and none while another session waits
# for the training slot this burst holds (a redraw would make it wait longer for charts it cannot
# see). A Playground redraw (three charts, their sentences, the status) is about 60 ms of CPU, a
# third of a default burst's training: on a busy machine, where a default burst passes its first
# second, a redraw every half second doubled what the page added to it.
LIVE_FIRST_S = 1.0
LIVE_MIN_GAP_S = 1.0
LIVE_SHARE = 0.1
# The progress bar moves at most every PROGRESS_GAP_S: each move is a message for which the
# browser renders the page again, and a room's browsers on one machine compete with the server.
# Between moves a session-state read keeps each callback a point where a changed control stops
# the burst.
PROGRESS_GAP_S = 0.25
YIELD_KEY = "_training_yield"
QUEUED_ICON = ":material/hourglass_top:"


class Reported(Protocol):
    """What the engine's progress callbacks carry (sim's Progress and CompareProgress)."""

    done: int
    total: int
    seconds: float


def _ignore(_result: Any) -> None:
    return None


@dataclass(frozen=True)
class BurstJob(Generic[R]):
    """What a screen trains: `train(n, on_progress)` runs the burst (Simulation.burst,
    Comparison.burst), `text(done)` words the bar after `done` steps, and `finish(result)` hears
    how it ended (None: the engine failed; not called when the user interrupted it)."""

    train: Callable[[int, Callable[[Reported], None]], R]
    text: Callable[[int], str]
    finish: Callable[[R | None], None] = _ignore
    threads: int | None = None  # torch threads it is worth (sim.device.cpu_threads); None: all


def sizes_within(usual: Iterable[int], cap: int, current: object = None) -> list[int]:
    """The burst sizes a screen offers: the usual ones plus the current choice (when it is a
    size), those within the compute budget's `cap`, and at least the smallest usual one."""
    usual = tuple(usual)
    sizes = sorted({*usual, current} if isinstance(current, int) else set(usual))
    return [n for n in sizes if n <= cap] or [min(usual)]


def size_up_to(sizes: list[int], wanted: int) -> int:
    """The largest size on offer not above `wanted`, else the smallest on offer."""
    return max([n for n in sizes if n <= wanted] or sizes[:1])


def yield_point() -> None:
    """Let Streamlit stop this run here if the user changed something (reading session state is
    one of its yield points), without sending the browser anything."""
    _ = YIELD_KEY in st.session_state


@contextlib.contextmanager
def training_slot(placeholder=None, threads: int | None = None) -> Iterator[None]:
    """Hold a training slot of `threads` torch threads (None: every core); while queued for one,
    say so in `placeholder` (default: the page). Not inside a cached function: Streamlit would
    replay the notice on every cache hit."""

    def on_queued(waiting: int) -> None:
        show("info", t("common.queued", waiting=waiting), placeholder, icon=QUEUED_ICON)

    with SLOTS.hold(on_queued=on_queued, threads=threads):
        yield


def run_burst(
    placeholder,
    n: int,
    prepare: Callable[[], BurstJob[R]],
    live: Callable[[], None] | None = None,
    progress: bool = True,
) -> R | None:
    """Train `n` steps of what `prepare()` builds, in a training slot, with the progress bar in
    `placeholder` (unless not `progress`: a burst too short to watch) and `live()` redrawing
    charts now and then. None if the engine failed (the placeholder already says so)."""
    try:
        job = prepare()
    except Exception as exc:  # nothing that can train was built: say so, keep the page
        engine_error(exc, placeholder)
        return None
    bar = placeholder.progress(0.0, text=job.text(0)) if progress else None
    try:
        with training_slot(placeholder, job.threads):
            result = job.train(n, _reporter(bar, job.text, live))
    except Exception as exc:  # the engine failed mid-burst; the history up to here is kept
        job.finish(None)
        engine_error(exc, placeholder)
        return None
    job.finish(result)
    placeholder.empty()  # the bar, or a queue notice
    freeze_heap()
    return result


_frozen = threading.Lock()  # held for good by the first caller of freeze_heap


def freeze_heap() -> None:
    """Once per process, after its first burst: move every object alive then (the modules torch,
    pandas and Streamlit load, most of them only at a first burst) out of the garbage
    collector's sight. Streamlit runs a full collection after every script run
    (runner.postScriptGC); over those ~400,000 objects it took 0.2 CPU-s, a third of a default
    burst's whole cost, and about 10 ms after this. The price: a cycle among the objects
    frozen then (the first session's network) is never collected."""
    if _frozen.acquire(blocking=False):
        gc.collect()
        gc.freeze()


def _reporter(bar, text: Callable[[int], str], live: Callable[[], None] | None):
    """The engine's progress callback: moves the bar (at most every PROGRESS_GAP_S, a yield
    point between moves) and redraws the live charts by the rules above."""
    next_draw: float | None = None  # set at the first callback, when the training slot is ours
    next_bar = 0.0

    def on_progress(p: Reported) -> None:
        nonlocal next_draw, next_bar
        started = time.perf_counter()
        if bar is not None and started >= next_bar:
            bar.progress(min(1.0, p.done / max(1, p.total)), text=text(p.done))
            next_bar = started + PROGRESS_GAP_S
        else:
            yield_point()
        if next_draw is None:
            next_draw = started - p.seconds + LIVE_FIRST_S
        if live is not None and started >= next_draw and not SLOTS.waiting:
            live()
            cost = time.perf_counter() - started
            next_draw = time.perf_counter() + max(LIVE_MIN_GAP_S, cost / LIVE_SHARE)

    return on_progress
