"""The three cells side by side: a link that opens Compare with a vanilla RNN, an LSTM and a
GRU built from the screen's network, on the same data from the same seed."""

from __future__ import annotations

import streamlit as st

from sim.analysis import compare
from sim.config import RNN_ACTIVATIONS, RunConfig
from ui.common.i18n import t
from ui.common.urlstate import with_lang

CELLS = ("rnn", "lstm", "gru")


def three_cells(cfg: RunConfig) -> list[RunConfig]:
    """The screen's network as each cell: everything else the same (a vanilla RNN keeps the
    screen's nonlinearity when it has one it takes, else tanh)."""
    activation = cfg.activation if cfg.activation in RNN_ACTIVATIONS else "tanh"
    return [cfg.replace(arch=arch, activation=activation) for arch in CELLS]


def compare_link(cfg: RunConfig) -> None:
    st.page_link(
        "app_pages/compare.py",
        label=t("time.compare_cells"),
        icon=":material/compare_arrows:",
        query_params=with_lang(compare.to_query(three_cells(cfg))),
    )
