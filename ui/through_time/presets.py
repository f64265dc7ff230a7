"""The Through time screen's starting network and its preset box.

START is the problem before any remedy: a vanilla tanh RNN on the adding problem at length 50,
which stays at the chance loss while an LSTM from the same seed learns. The presets are the
recurrent ones of sim.presets, or, while it has none, the few below.
"""

from __future__ import annotations

import streamlit as st

from sim import presets as sim_presets
from sim.config import RunConfig
from sim.presets import Preset
from ui.common.guard import guarded
from ui.common.i18n import has, t, translator
from ui.playground.actions import BURST_KEY
from ui.playground.lab import Lab
from ui.through_time.controls import seed_widgets

PRESET_KEY = "tt_preset"
CUSTOM = ""

START = RunConfig(
    arch="rnn",
    activation="tanh",
    seq_task="adding",
    seq_len=50,
    width=32,
    batch_size=64,
    n_samples=2000,
    optimizer="adam",
    lr=0.01,
    clip="norm",
    clip_value=1.0,
)
_LSTM = {"arch": "lstm", "forget_bias": "one"}

_LOCAL = {
    p.name: p
    for p in (
        Preset("rnn_tanh_adding", START, 500, None, ("problem",)),
        Preset("lstm_adding", START.replace(**_LSTM), 500, None, ("remedy",)),
        Preset("gru_adding", START.replace(arch="gru"), 500, None, ("remedy",)),
        Preset(
            "irnn_adding",
            START.replace(activation="relu", rec_init="identity", lr=0.001),
            500,
            None,
            ("remedy",),
        ),
    )
}
PRESETS: dict[str, Preset] = {
    name: p for name, p in sim_presets.PRESETS.items() if p.cfg.recurrent
} or _LOCAL


def label(name: str, tr=t) -> str:
    """A preset's name in words: the Playground's catalog entry where sim.presets has one."""
    key = f"playground.preset_{name}"
    return tr(key) if has(key) else tr(f"time.preset_{name}")


def matching(cfg: RunConfig) -> str:
    return next((name for name, p in PRESETS.items() if p.cfg == cfg), CUSTOM)


def show_loaded(lab: Lab, prefix: str) -> None:
    """The lab's config came from outside (a link, a preset): the widgets and the burst size
    follow it; a preset's own burst size is offered."""
    seed_widgets(lab.cfg, prefix)
    name = matching(lab.cfg)
    if name:
        st.session_state[BURST_KEY] = PRESETS[name].steps


def _load(lab: Lab, prefix: str) -> None:
    name = st.session_state.get(PRESET_KEY)
    if name not in PRESETS:
        return
    with lab.lock:  # a burst of the previous run may still be stopping (see ui.playground.lab)
        ok, _ = guarded(lab.load, PRESETS[name].cfg)
    if ok:
        show_loaded(lab, prefix)
        lab.notices.append(
            ("info", t("playground.preset_loaded", name=label(name), steps=PRESETS[name].steps))
        )


def preset_picker(lab: Lab, prefix: str) -> None:
    st.session_state[PRESET_KEY] = matching(lab.cfg)
    tr = translator()
    st.selectbox(
        t("playground.preset"),
        (CUSTOM, *PRESETS),
        key=PRESET_KEY,
        format_func=lambda n: label(n, tr) if n else tr("playground.preset_custom"),
        on_change=_load,
        args=(lab, prefix),
    )
