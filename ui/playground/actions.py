"""What the user asks the Playground to do: pick a preset, Step, Train N, Continue, Reset.

`action_bar_ui` draws the buttons and returns how many steps to train in this run (0 for none);
`train` runs them through the one burst runner (ui.common.burst). Preset and Reset act in
callbacks, before the script draws anything, so the widgets already show the new config when
they are drawn.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from sim.config import max_burst_steps
from sim.presets import PRESETS
from sim.train.simulation import BurstResult
from ui.common.burst import BurstJob, run_burst, size_up_to, sizes_within
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.playground.controls import seed_widgets
from ui.playground.lab import BURST_SIZES, DEFAULT_BURST, Lab

PRESET_KEY = "pg_preset"
BURST_KEY = "pg_burst"
CUSTOM = ""


# ---------------------------------------------------------------------------------------------
# Presets


def matching_preset(lab: Lab) -> str:
    return next((name for name, p in PRESETS.items() if p.cfg == lab.cfg), CUSTOM)


def show_loaded(lab: Lab, prefix: str) -> None:
    """The lab's config came from outside (a link, a preset): the widgets and the burst size
    follow it; a preset's own burst size is offered."""
    seed_widgets(lab.cfg, prefix)
    name = matching_preset(lab)
    if name:
        st.session_state[BURST_KEY] = PRESETS[name].steps


def _load_preset(lab: Lab, prefix: str) -> None:
    name = st.session_state.get(PRESET_KEY)
    if name not in PRESETS:
        return
    preset = PRESETS[name]
    with lab.lock:  # a burst of the previous run may still be stopping (see ui.playground.lab)
        ok, _ = guarded(lab.load, preset.cfg)
    if not ok:
        return
    show_loaded(lab, prefix)
    label = t(f"playground.preset_{name}")
    lab.notices.append(("info", t("playground.preset_loaded", name=label, steps=preset.steps)))


def preset_picker(lab: Lab, prefix: str) -> None:
    st.session_state[PRESET_KEY] = matching_preset(lab)
    tr = translator()
    st.selectbox(
        t("playground.preset"),
        (CUSTOM, *PRESETS),
        key=PRESET_KEY,
        format_func=lambda n: tr(f"playground.preset_{n}" if n else "playground.preset_custom"),
        on_change=_load_preset,
        args=(lab, prefix),
    )


# ---------------------------------------------------------------------------------------------
# Training buttons


def burst_sizes(lab: Lab) -> list[int]:
    """The sizes on offer: the usual ones plus the current choice, within the compute budget."""
    current = st.session_state.get(BURST_KEY, DEFAULT_BURST)
    return sizes_within(BURST_SIZES, max_burst_steps(lab.cfg), current)


def _reset(lab: Lab) -> None:
    with lab.lock:  # a burst of the previous run may still be stopping (see ui.playground.lab)
        ok, _ = guarded(lab.load, lab.cfg)
    if ok:
        lab.notices.append(("info", t("playground.reset_done")))


def action_bar_ui(lab: Lab) -> int:
    sizes = burst_sizes(lab)
    current = st.session_state.get(BURST_KEY)
    if current not in sizes:  # first draw, or over the budget of a heavier config
        wanted = current if isinstance(current, int) else DEFAULT_BURST
        st.session_state[BURST_KEY] = size_up_to(sizes, wanted)
    blocked = lab.sim is None or lab.sim.diverged
    step_col, size_col, train_col, cont_col, reset_col = st.columns(
        [1, 1.2, 1.2, 1, 1], vertical_alignment="bottom"
    )
    size = size_col.selectbox(t("playground.burst_size"), sizes, key=BURST_KEY)
    step = step_col.button(
        t("playground.step"), key="step", disabled=blocked, icon=":material/skip_next:"
    )
    train = train_col.button(
        t("playground.train", n=size),
        key="train",
        type="primary",
        disabled=blocked,
        icon=":material/play_arrow:",
    )
    more = cont_col.button(
        t("playground.continue"),
        key="continue",
        help=t("playground.continue_help"),
        disabled=blocked,
        icon=":material/fast_forward:",
    )
    reset_col.button(
        t("playground.reset"),
        key="reset",
        help=t("playground.reset_help"),
        on_click=_reset,
        args=(lab,),
        icon=":material/restart_alt:",
    )
    if step:
        return 1
    if train:
        return int(size)
    if more:
        return min(lab.continue_size(int(size)), max_burst_steps(lab.cfg))
    return 0


def train(
    lab: Lab, n: int, placeholder, live: Callable[[], None] | None = None
) -> BurstResult | None:
    """Train the lab's network `n` more steps, the bar counting its steps; None if it failed."""
    return run_burst(placeholder, n, lambda: _burst_job(lab, n), live)


def _burst_job(lab: Lab, n: int) -> BurstJob[BurstResult]:
    sim = lab.ensure_sim()  # may fail: run_burst says so in the placeholder
    lab.begin_burst(n)
    start = sim.step

    def text(done: int) -> str:
        return t("playground.progress", step=start + done, done=done, total=n)

    return BurstJob(sim.burst, text, lab.end_burst)
