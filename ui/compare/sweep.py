"""The depth sweep on the Compare screen: first-layer gradient against depth, per activation and
init, at initialisation and optionally after N steps (sim.analysis.sweep.depth_sweep), each
request's results kept for every session, and a progress bar with the time left while it trains.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable

import pandas as pd
import streamlit as st

from sim.activations import ACTIVATIONS
from sim.analysis.sweep import depth_sweep
from sim.nn.mlp import INITS
from sim.presets import BASE
from sim.slots import SLOTS
from ui.charts import show
from ui.charts.spec import show_numbers
from ui.charts.sweep import sweep_chart
from ui.common.guard import engine_error
from ui.common.i18n import t, translator
from ui.common.wording import choice_label

DEPTHS = (2, 4, 6, 10, 15, 20)
STEPS = (0, 50, 200)
DEFAULT = {"cmp_sweep_acts": ["sigmoid", "tanh", "relu"], "cmp_sweep_inits": ["kaiming_normal"]}
REQUEST_KEY = "cmp_sweep_request"


Request = tuple[tuple[str, ...], tuple[str, ...], int]  # activations, inits, steps
OnProgress = Callable[[int, int, float], None]  # networks done, networks in all, seconds left


class Results:
    """The latest `size` sweeps, shared by every session (a sweep depends on its request only).
    Not st.cache_data: that replays the st calls made inside, and the progress bar lives
    outside the cached call."""

    def __init__(self, size: int = 32):
        self.size, self._lock = size, threading.Lock()
        self._frames: collections.OrderedDict[Request, pd.DataFrame] = collections.OrderedDict()

    def get(self, key: Request) -> pd.DataFrame | None:
        with self._lock:
            if key in self._frames:
                self._frames.move_to_end(key)
            return self._frames.get(key)

    def put(self, key: Request, frame: pd.DataFrame) -> None:
        with self._lock:
            self._frames[key] = frame
            while len(self._frames) > self.size:
                self._frames.popitem(last=False)


@st.cache_resource(show_spinner=False, max_entries=1)  # one shared store, itself bounded
def results() -> Results:
    return Results()


def sweep_frame(
    activations: tuple[str, ...],
    inits: tuple[str, ...],
    steps: int,
    on_progress: OnProgress | None = None,
) -> pd.DataFrame:
    """Rows of depth_sweep for every init, `when` = 0 (at initialisation) or `steps`. Trains in a
    training slot, taken on a miss only: a kept result never queues behind a burst."""
    key: Request = (tuple(activations), tuple(inits), int(steps))
    if (kept := results().get(key)) is not None:
        return kept
    whens = (0, steps) if steps else (0,)
    runs = [(init, when) for init in inits for when in whens]
    weights = [max(1, when) for _, when in runs]  # a network's cost grows with its steps
    each, start = len(activations) * len(DEPTHS), time.perf_counter()

    def reporter(i: int) -> Callable[[int, int], None]:
        def on_network(done: int, n: int) -> None:
            if on_progress is not None:
                spent = sum(weights[:i]) + weights[i] * done / n
                left = (time.perf_counter() - start) * (sum(weights) - spent) / spent
                on_progress(i * each + done, each * len(runs), left)

        return on_network

    parts = []
    with SLOTS.hold():
        for i, (init, when) in enumerate(runs):
            part = depth_sweep(activations, DEPTHS, init, when, BASE, 0, reporter(i))
            parts.append(part.assign(when_steps=when))
    frame = pd.concat(parts, ignore_index=True)
    results().put(key, frame)
    return frame


def labelled(frame: pd.DataFrame, tr) -> pd.DataFrame:
    """Add the legend's words: `label` (activation · init) and `when`."""
    label = [
        f"{choice_label('activation', a, tr)} · {choice_label('init', i, tr)}"
        for a, i in zip(frame["activation"], frame["init"], strict=True)
    ]
    when = [
        tr("compare.when_init") if s == 0 else tr("compare.when_after", n=int(s))
        for s in frame["when_steps"]
    ]
    return frame.assign(label=label, when=when)


def controls_ui() -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """The sweep's form; returns the request last submitted (the defaults at first)."""
    for key, value in DEFAULT.items():
        st.session_state.setdefault(key, value)
    tr = translator()
    with st.form("cmp_sweep_form", border=False):
        # two rows: in one, at 1280 px, three activations' chips or the init's name were cut
        acts_col, inits_col = st.columns(2)
        steps_col, go_col, _ = st.columns([2, 1.2, 3], vertical_alignment="bottom")
        acts = acts_col.multiselect(
            t("compare.sweep_activations"),
            list(ACTIVATIONS),
            key="cmp_sweep_acts",
            persist_state="session",
            max_selections=4,
            format_func=lambda a: choice_label("activation", a, tr),
        )
        inits = inits_col.multiselect(
            t("compare.sweep_inits"),
            [i for i in INITS if i not in ("zeros", "normal")],
            key="cmp_sweep_inits",
            persist_state="session",
            max_selections=3,
            format_func=lambda i: choice_label("init", i, tr),
        )
        steps = steps_col.selectbox(
            t("compare.sweep_steps"),
            STEPS,
            key="cmp_sweep_steps",
            persist_state="session",
            format_func=lambda s: tr("compare.when_init") if s == 0 else str(s),
        )
        submitted = go_col.form_submit_button(t("compare.sweep_run"), type="primary")
    if submitted or REQUEST_KEY not in st.session_state:
        st.session_state[REQUEST_KEY] = (tuple(acts), tuple(inits), int(steps))
    return st.session_state[REQUEST_KEY]


def section() -> None:
    st.subheader(t("compare.sweep_title"))
    st.caption(t("compare.sweep_intro", depths=", ".join(map(str, DEPTHS))))
    acts, inits, steps = controls_ui()
    if not acts or not inits:
        st.info(t("compare.sweep_empty"))
        return
    bar = st.empty()

    def progress(done: int, total: int, left: float) -> None:
        text = t("compare.sweep_progress", done=done, total=total, left=max(1, round(left)))
        bar.progress(done / total, text=text)

    try:
        frame = sweep_frame(acts, inits, steps, progress)
    except Exception as exc:  # an engine failure: say so, keep the page
        engine_error(exc)
        return
    finally:
        bar.empty()
    tr = translator()
    frame = labelled(frame, tr)
    first = sweep_chart(frame, "first_grad", tr)
    show(st, first)
    show_numbers(st, first, t("common.chart_numbers"))
    quantity = st.segmented_control(
        t("compare.sweep_against"),
        ("ratio", "signal_ratio"),
        key="cmp_sweep_q",
        persist_state="session",
        default="ratio",
        format_func=lambda q: tr(f"compare.sweep_q_{q}"),
    )
    against = sweep_chart(frame, quantity or "ratio", tr)
    show(st, against)
    show_numbers(st, against, t("common.chart_numbers"))
    st.caption(t("compare.sweep_note"))
