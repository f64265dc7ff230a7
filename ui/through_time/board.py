"""The Through time screen's chart grid: cells laid out first, filled after (and during) a burst.

As on the Playground (ui.playground.board): each chart is its own cell, replaced in place, with
a sentence under it saying what it shows now (ui.charts.time_words); a chart that fails leaves a
placeholder and the rest of the page renders; a rerun that trained nothing redraws a cell from
its cached spec; each cell shows its last chart again at the start of a run, so the browser
keeps the chart's view and a burst only swaps the data (the stability rule of ui.charts).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from sim.analysis.theory import best_case_factor
from sim.config import RunConfig
from sim.sequences import SEQ_TASKS
from sim.train.simulation import Simulation
from ui import charts
from ui.charts import with_arrow_data
from ui.charts.time_gates import gate_chart
from ui.charts.time_loss import chance_loss_chart
from ui.charts.time_signal import signal_chart, time_heatmap_chart
from ui.charts.time_words import time_sentence
from ui.charts.words import described
from ui.common.i18n import current_lang, translator

log = logging.getLogger("gradient_lab")

LAYOUT: tuple[tuple[str, ...], ...] = (("heatmap", "signal"), ("loss", "accuracy"), ("gates",))
LIVE = ("heatmap", "signal", "loss")  # redrawn during a burst

Builder = Callable[[], charts.Spec | None]


def theory_factor(history: pd.DataFrame, cfg: RunConfig) -> float | None:
    """A vanilla RNN's per-step factor back through time, at best: the recurrent weights'
    spectral radius (at the latest step) times the nonlinearity's steepest slope (1 for tanh
    and ReLU, 1/4 for sigmoid; Pascanu, Mikolov & Bengio 2013, section 3.1). None for a gated
    cell, whose gates set the factor step by step, and before anything is recorded."""
    if cfg.arch != "rnn" or history.empty:
        return None
    rows = history[history["metric"] == "spectral_radius"]
    if rows.empty:
        return None
    radius = float(rows["value"].to_numpy()[-1])
    factor = radius * best_case_factor(cfg.activation)
    return factor if math.isfinite(factor) and factor > 0 else None


class Board:
    def __init__(self, cache: dict, cfg: RunConfig) -> None:
        self.cache = cache
        self.facts = {"chance": SEQ_TASKS[cfg.seq_task].chance_loss, "arch": cfg.arch}
        self.cells: dict[str, Any] = {}
        self.words: dict[str, Any] = {}  # under each chart: what it shows now
        self.shown: dict[str, dict] = {}
        drawn = self.cache.get("specs", {})
        for row in LAYOUT:
            for name, column in zip(row, st.columns(len(row)), strict=True):
                _, last, words = drawn.get(name, (None, None, ""))
                self.cells[name] = column.empty() if last is None else column
                if last is not None:
                    self._show(name, last)
                self.words[name] = column.empty()
                if words:
                    self.words[name].caption(words)

    def _show(self, name: str, spec: dict) -> None:
        self.cells[name] = self.cells[name].vega_lite_chart(spec, width="stretch")
        self.shown[name] = spec

    def _put(self, name: str, build: Builder, tr, state: tuple | None = None) -> None:
        specs = self.cache.setdefault("specs", {})
        cached = specs.get(name)
        if state is not None and cached is not None and cached[0] == state:
            _, spec, words = cached
        else:
            try:
                raw = build()
                words = time_sentence(name, raw, tr, **self.facts)
                spec = with_arrow_data(described(raw, tr))
            except Exception:  # a chart bug must not take the page down
                log.exception("chart %s failed", name)
                spec, words = with_arrow_data(charts.placeholder(tr)), ""
            if state is not None:
                specs[name] = (state, spec, words)
        if spec is None:
            self.cells[name].empty()
            self.shown.pop(name, None)
        elif spec is not self.shown.get(name):  # else on screen already, nothing to send
            self._show(name, spec)
        if words:
            self.words[name].caption(words)
        else:
            self.words[name].empty()

    def builders(self, sim: Simulation, tr) -> dict[str, Builder]:
        history, cfg = sim.history, sim.cfg
        diverged = sim.divergence.diverged_step if sim.divergence else None
        chance = SEQ_TASKS[cfg.seq_task].chance_loss
        return {
            "heatmap": lambda: time_heatmap_chart(history, tr, cfg.tbptt),
            "signal": lambda: signal_chart(
                history, tr, theory_factor(history, cfg), cfg.arch, cfg.tbptt
            ),
            "loss": lambda: chance_loss_chart(history, tr, chance, diverged),
            "accuracy": lambda: charts.accuracy_chart(history, tr),
            "gates": lambda: gate_chart(history, tr, cfg.arch),
        }

    def draw_live(self, sim: Simulation) -> None:
        tr = translator()
        builders = self.builders(sim, tr)
        for name in LIVE:
            self._put(name, builders[name], tr)

    def draw(self, sim: Simulation) -> None:
        tr = translator()
        state = (sim.step, current_lang(), sim.diverged, len(sim.history), sim.cfg)
        builders = self.builders(sim, tr)
        for row in LAYOUT:
            for name in row:
                self._put(name, builders[name], tr, state)
