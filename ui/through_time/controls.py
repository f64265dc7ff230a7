"""The Through time screen's controls: the recurrent network's fields, a tab per group.

Each field is drawn by the Playground's widget for it, in the Playground's panel and grid
(ui.playground.controls: limits from sim.config.SPECS, the same labels and stops), under
`<prefix><field>` in session state. Two
choices are narrower here than their SPECS: the cell (no MLP on this screen) and a vanilla
RNN's nonlinearity (sim.config.RNN_ACTIVATIONS). The fields not drawn keep the config's value.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim.config import RNN_ACTIVATIONS, RunConfig
from ui.common.i18n import t, translator
from ui.common.wording import choice_label
from ui.playground import controls as playground

GROUPS: dict[str, tuple[str, ...]] = {
    "sequence": ("seq_task", "seq_len", "seed"),
    "network": ("arch", "activation", "width", "rec_init", "forget_bias"),
    "training": ("optimizer", "lr", "clip", "clip_value", "tbptt"),
}
ARCHS = ("rnn", "lstm", "gru")
NARROW: dict[str, tuple[str, ...]] = {"arch": ARCHS, "activation": RNN_ACTIVATIONS}


def relevant(name: str, cfg: RunConfig) -> bool:
    """A vanilla RNN's nonlinearity and the LSTM's forget-gate bias only for their cells."""
    if name == "activation":
        return cfg.arch == "rnn"
    if name == "forget_bias":
        return cfg.arch == "lstm"
    return playground.relevant(name, cfg)


def _narrow(name: str, key: str, disabled: bool) -> Any:
    choices = NARROW[name]
    if st.session_state.get(key) not in choices:  # a value this screen does not offer
        st.session_state[key] = choices[0]
    tr = translator()
    return st.selectbox(
        t(f"config.field_{name}"),
        choices,
        format_func=lambda v: choice_label(name, v, tr),
        key=key,
        help=t(f"config.help_{name}"),
        disabled=disabled,
    )


def settings_panel():
    """The expander above the action bar that holds the settings, as on the Playground."""
    return playground.settings_panel("time.settings", key="tt_settings")


def time_controls(cfg: RunConfig, prefix: str) -> RunConfig:
    """Draw the grouped widgets where the script writes now, a tab per group in the
    Playground's grid; return their config (maybe invalid as a whole: the caller checks it,
    Lab.adopt). A control that does not apply to the chosen cell shows disabled."""
    values = cfg.to_dict()
    tabs = st.tabs([t(f"time.group_{group}") for group in GROUPS])
    for tab, names in zip(tabs, GROUPS.values(), strict=True):
        with tab:
            grid = playground.settings_grid()
        for name in names:
            key = playground.key_of(prefix, name)
            if key not in st.session_state:
                st.session_state[key] = values[name]
            off = not relevant(name, RunConfig(**values))
            with playground.grid_cell(grid, name):
                if name in NARROW:
                    values[name] = _narrow(name, key, off)
                else:
                    values[name] = playground.field_widget(name, st.session_state[key], key, off)
    return RunConfig(**values)


def seed_widgets(cfg: RunConfig, prefix: str) -> None:
    """Make the widgets show `cfg` (call before they are drawn in this run)."""
    playground.seed_widgets(cfg, prefix, [n for names in GROUPS.values() for n in names])
