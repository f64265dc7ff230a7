"""The Through time screen's starting network and its preset box.

The presets are sim.presets.TIME_PRESETS (the Playground's box offers the feed-forward ones);
the screen starts on the problem before any remedy: a vanilla tanh RNN on the adding problem at
length 50, which stays at the chance loss while an LSTM from the same seed learns.
"""

from __future__ import annotations

import streamlit as st

from sim.config import RunConfig
from sim.presets import TIME_PRESETS as PRESETS
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.playground.actions import BURST_KEY
from ui.playground.lab import Lab
from ui.through_time.controls import seed_widgets

PRESET_KEY = "tt_preset"
CUSTOM = ""
START = PRESETS["rnn_tanh_adding"].cfg


def label(name: str, tr=t) -> str:
    return tr(f"time.preset_{name}")


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
