"""What the user asks the Playground to do: pick a preset, Step, Train N, Continue, Reset.

Every button acts in a callback, before the script draws anything: Preset and Reset so that the
widgets already show the new config, the training buttons so that `steps_to_run` knows what
this run trains before `action_bar_ui` draws them (busy while it trains). `train` runs the
steps through the one burst runner (ui.common.burst).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from sim.config import max_burst_steps
from sim.device import burst_threads
from sim.presets import PRESETS
from sim.train.simulation import BurstResult
from ui.common.burst import BurstJob, run_burst, size_up_to, sizes_within
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.playground.controls import seed_widgets
from ui.playground.lab import BURST_SIZES, DEFAULT_BURST, Change, Lab

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


# Each training button: (key, catalog label, icon), in the order drawn and reached by Tab.
# Train, the primary one, comes first and alone carries an icon: the four buttons then fit one
# row of a 390 px phone in both languages.
BUTTONS: tuple[tuple[str, str, str | None], ...] = (
    ("train", "playground.train", ":material/play_arrow:"),
    ("step", "playground.step", None),
    ("continue", "playground.continue", None),
)
SIZE_WIDTH_PX = 150  # the burst size's box: wide enough for its label in both languages
BUSY_SUFFIX = "_busy"  # the keys of the bar drawn while a burst runs (a key is drawn once a run)


def _ask(lab: Lab, what: str) -> None:
    lab.asked = what  # a callback: read by steps_to_run before anything is drawn


def steps_to_run(lab: Lab, change: Change | None) -> int:
    """How many steps this run trains: the rest of a burst a rerun cut short when no setting
    changed (then a click on Step/Train/Continue does nothing more), else what a button asked."""
    asked, lab.asked = lab.asked, None
    resumed = lab.resumes(change is not None and change.kind == "same")
    if resumed or lab.sim is None or lab.sim.diverged or asked is None:
        return resumed
    cap = max_burst_steps(lab.cfg)
    size = st.session_state.get(BURST_KEY, DEFAULT_BURST)
    size = int(size) if isinstance(size, int) else DEFAULT_BURST
    wanted = {"step": 1, "train": size, "continue": lab.continue_size(size)}[asked]
    return max(1, min(wanted, cap))


# A burst of at most QUICK_STEPS (a Step) ends within a fraction of a second: it is drawn as a
# page at rest, without the busy bar, the progress bar or the status before it. Each of those is
# a message the browser renders twice in a run (busy, then free; shown, then gone), and the
# browser shares the machine's cores with the server: a Step came to rest in about 1.1 s for
# 0.3 server CPU-s.
QUICK_STEPS = 1


def watched(steps: int) -> bool:
    """Whether a run that trains `steps` draws the burst as it goes (busy bar, progress)."""
    return steps > QUICK_STEPS


def action_bar_ui(lab: Lab, where, busy: bool = False) -> None:
    """The burst size and the buttons, in `where` (an st.empty). `busy`: a burst runs in this
    run, so they show disabled under other keys; draw them again, free, when it has ended."""
    sizes = burst_sizes(lab)
    current = st.session_state.get(BURST_KEY)
    if current not in sizes:  # first draw, or over the budget of a heavier config
        wanted = current if isinstance(current, int) else DEFAULT_BURST
        st.session_state[BURST_KEY] = size_up_to(sizes, wanted)
    size = st.session_state[BURST_KEY]
    suffix = BUSY_SUFFIX if busy else ""
    disabled = busy or lab.sim is None or lab.sim.diverged
    # One row that wraps the burst size below the buttons on a phone; the buttons' own row
    # (a horizontal container, not columns, which stack on a narrow screen) stays one row.
    bar = where.container(horizontal=True, vertical_alignment="bottom")
    buttons = bar.container(horizontal=True, width="content")
    with bar:
        for key, label, icon in BUTTONS:
            buttons.button(
                t("playground.busy") if busy and key == "train" else t(label, n=size),
                key=key + suffix,
                type="primary" if key == "train" else "secondary",
                help=t("playground.continue_help") if key == "continue" else None,
                disabled=disabled,
                icon=icon,
                on_click=_ask,
                args=(lab, key),
            )
        buttons.button(
            t("playground.reset"),
            key="reset" + suffix,
            help=t("playground.reset_help"),
            on_click=_reset,
            args=(lab,),
        )
        if busy:
            st.selectbox(t("playground.burst_size"), [size], key=BURST_KEY + suffix,
                         disabled=True, width=SIZE_WIDTH_PX)  # fmt: skip
        else:
            st.selectbox(t("playground.burst_size"), sizes, key=BURST_KEY, width=SIZE_WIDTH_PX)


def train(
    lab: Lab, n: int, placeholder, live: Callable[[], None] | None = None
) -> BurstResult | None:
    """Train the lab's network `n` more steps, the bar counting its steps (none for a quick
    burst); None if it failed."""
    return run_burst(placeholder, n, lambda: _burst_job(lab, n), live, progress=watched(n))


def _burst_job(lab: Lab, n: int) -> BurstJob[BurstResult]:
    sim = lab.ensure_sim()  # may fail: run_burst says so in the placeholder
    lab.begin_burst(n)
    start = sim.step

    def text(done: int) -> str:
        return t("playground.progress", step=start + done, done=done, total=n)

    threads = burst_threads(sim.cfg, sim.device)  # one for a small network
    return BurstJob(sim.burst, text, lab.end_burst, threads)
