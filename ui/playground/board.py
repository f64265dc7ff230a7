"""The Playground's chart grid: cells laid out first, filled after (and during) a burst.

    board = Board(lab.cache)     # lays out the grid of cells
    actions.train(..., live=lambda: board.draw_live(sim))
    board.draw(sim)              # every chart from the final history

Each chart is drawn in its own cell (a Streamlit element replaced in place): one that fails
leaves a placeholder chart in its cell and the rest of the page renders. Charts are Vega-Lite
specs written as dicts (ui.charts); their rows are turned into Arrow tables once
(charts.with_arrow_data), which is what Streamlit sends. A rerun that trained nothing (a click
elsewhere, a language-free change) redraws every chart from that cached spec instead of
rebuilding it.

Each cell shows its last chart again from the start of a run, so the browser keeps the chart's
Vega view through a burst: a new spec that differs only in its datasets is then swapped in
without building the chart again: the stability rule stated in ui.charts.

Under each chart: its sentence, then its numbers in a closed expander. The expander is a widget
(`key`, on_change="rerun"), so the server knows whether it is open: a burst builds the table of
an open one only, and opening one reruns the page, which builds that table from the cached spec
(during a burst, that rerun changes no setting, so it trains the rest of the burst: actions).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from sim.analysis import views
from sim.diagnosis import chance_loss
from sim.train.simulation import Simulation
from ui import charts
from ui.charts import with_arrow_data
from ui.charts.numbers import has_numbers, table_of
from ui.charts.trace import Trace
from ui.charts.words import described, sentence
from ui.common.i18n import current_lang, t, translator

log = logging.getLogger("gradient_lab")

# Rows of the grid, two charts a row, by cell name.
LAYOUT: tuple[tuple[str, str], ...] = (
    ("grad_norm", "heatmap"),
    ("loss", "accuracy"),
    ("decision", "activations"),
    ("update_ratio", "units"),
    ("dist_gradient", "dist_activation"),
)
LIVE = ("grad_norm", "loss", "heatmap")  # redrawn during a burst
NETWORK = ("decision", "dist_gradient", "dist_activation")  # drawn from the network itself

Builder = Callable[[], charts.Spec | None]
ICON_TABLE = ":material/table:"
NUMBERS_KEY = "numbers_{}"  # the widget key of a chart's numbers expander, by cell name
# The decision surface's grid, points a side: the browser redraws every cell after each Step,
# and at 60 x 60 (2.25 times the cells) it was the page's costliest chart to redraw.
SURFACE_GRID = 40


class Board:
    def __init__(self, cache: dict | None = None, before: Trace | None = None) -> None:
        self.cache = cache if cache is not None else {}
        self.before = before  # the previous network's run, drawn faintly (ui.charts.trace)
        self.cells: dict[str, Any] = {}
        self.shown: dict[str, dict] = {}  # the spec each cell shows now
        self.words: dict[str, Any] = {}  # under each chart: what it shows now, its numbers
        self.numbers: dict[str, Any] = {}
        self.said: dict[str, str] = {}  # the sentence each cell shows now
        self.boxes: dict[str, tuple] = {}  # (expander, its table's slot): one a run, a widget
        self.tabled: dict[str, dict] = {}  # the spec whose table each open expander shows
        drawn, said = self.cache.get("specs", {}), self.cache.get("said", {})
        for row in LAYOUT:
            for name, column in zip(row, st.columns(len(row)), strict=True):
                # The chart of the last run, again at once: the browser keeps its view, and a
                # next spec that differs only in its datasets swaps the data in place instead of
                # building the chart anew. The chart itself is the cell (any element can be
                # replaced in place): an empty element first would throw the view away whenever
                # the browser draws the page between the two, as it does when it is busy.
                last = drawn.get(name, (None, None))[1]
                if last is None:
                    self.cells[name] = column.empty()
                else:
                    self._show(name, last, where=column)
                # The sentence and the numbers' expander the same way: drawn again as they were
                # (the browser keeps an element sent again unchanged), not emptied first and drawn
                # anew (markdown rendered and the expander rebuilt every run).
                words = said.get(name, "")
                self.words[name] = column.caption(words) if words else column.empty()
                self.said[name] = words
                if last is not None and has_numbers(last):
                    self._numbers(name, last, where=column)
                else:
                    self.numbers[name] = column.empty()

    # -- drawing -------------------------------------------------------------------------------
    def _put(self, name: str, build: Builder, tr, state: tuple | None = None, **facts) -> None:
        """Draw one chart and its sentence; with `state`, reuse the spec (and the sentence)
        drawn last time for the same state, and the numbers under it; without, a live redraw:
        the numbers stay as they were."""
        specs, said = self.cache.setdefault("specs", {}), self.cache.setdefault("said", {})
        cached = specs.get(name)
        if state is not None and cached is not None and cached[0] == state:
            spec = cached[1]
        else:
            try:
                raw = build()
                words = sentence(name, raw, tr, **facts)
                spec = with_arrow_data(described(raw, tr))
            except Exception:  # a chart bug must not take the page down
                log.exception("chart %s failed", name)
                spec, words = with_arrow_data(charts.placeholder(tr)), ""
            said[name] = words
            if state is not None:
                specs[name] = (state, spec)
        self._say(name, said.get(name, ""))
        if state is not None:
            self._numbers(name, spec)
        if spec is None:
            self.cells[name].empty()
            self.shown.pop(name, None)
        elif spec is not self.shown.get(name):  # else on screen already, nothing to send
            self._show(name, spec)

    def _say(self, name: str, words: str) -> None:
        """Under the chart: its sentence (caption text, live)."""
        if self.said.get(name) != words:
            if words:
                self.words[name].caption(words)
            else:
                self.words[name].empty()
        self.said[name] = words

    def _numbers(self, name: str, spec: dict | None, where=None) -> None:
        """Under the sentence: the chart's numbers in an expander, closed at first; the table
        (table_of, each series' latest row) is built only while the reader has it open. With
        `where`, the expander is a new element of it (the cell's column)."""
        if name not in self.boxes:
            if spec is None or not has_numbers(spec):
                self.numbers[name].empty()
                return
            box = (where if where is not None else self.numbers[name]).expander(
                t("common.chart_numbers"),
                icon=ICON_TABLE,
                key=NUMBERS_KEY.format(name),
                on_change="rerun",
            )
            self.boxes[name] = (box, box.empty())
        box, slot = self.boxes[name]
        if spec is None or not has_numbers(spec):  # the expander stays (a widget, once a run)
            slot.empty()
            self.tabled.pop(name, None)
        elif box.open and self.tabled.get(name) is not spec:
            tables = self.cache.setdefault("tables", {})
            if tables.get(name, (None, None))[0] is not spec:
                tables[name] = (spec, table_of(spec, max_rows=100, latest=True))
            slot.dataframe(tables[name][1], hide_index=True)
            self.tabled[name] = spec

    def _show(self, name: str, spec: dict, where=None) -> None:
        """Draw `spec` in the cell, or as a new element of `where` that becomes the cell."""
        target = self.cells[name] if where is None else where
        self.cells[name] = target.vega_lite_chart(spec, width="stretch")  # replaces in place
        self.shown[name] = spec

    def draw_live(self, sim: Simulation) -> None:
        history, tr = sim.history, translator()
        builders = self._history_charts(sim, history, tr)
        for name in LIVE:
            self._put(name, builders[name], tr, chance=chance_loss(sim.cfg))

    def draw(self, sim: Simulation) -> None:
        history, tr = sim.history, translator()
        history_state = (sim.step, current_lang(), sim.diverged, len(history))
        network_state = (sim.step, current_lang(), sim.cfg)
        builders = self._history_charts(sim, history, tr)
        builders.update(self._network_charts(sim, tr))
        if history.empty:  # an untrained network: what it does already, one empty history chart
            for name in set(builders) - set(NETWORK) - {"grad_norm"}:
                builders[name] = _nothing
        for row in LAYOUT:
            for name in row:
                state = network_state if name in NETWORK else history_state
                self._put(name, builders[name], tr, state, chance=chance_loss(sim.cfg))

    def _history_charts(self, sim: Simulation, history, tr) -> dict[str, Builder]:
        diverged_step = sim.divergence.diverged_step if sim.divergence else None
        before = self.before
        return {
            "grad_norm": lambda: charts.grad_norm_chart(history, tr, before),
            "heatmap": lambda: charts.grad_heatmap_chart(history, tr),
            "loss": lambda: charts.loss_chart(history, tr, diverged_step, before),
            "accuracy": lambda: charts.accuracy_chart(history, tr),
            "activations": lambda: charts.activation_chart(history, tr),
            "update_ratio": lambda: charts.update_ratio_chart(history, tr),
            "units": lambda: charts.unit_health_chart(history, tr, sim.cfg.activation),
        }

    def _network_charts(self, sim: Simulation, tr) -> dict[str, Builder]:
        """Decision surface and distributions: computed (lazily) once per network state."""

        def net() -> dict:
            return network_views(sim, self.cache)

        return {
            "decision": lambda: charts.decision_chart(net()["surface"], net()["points"], tr),
            "dist_gradient": lambda: charts.distributions_chart(net()["dist"], tr, "gradient"),
            "dist_activation": lambda: charts.distributions_chart(net()["dist"], tr, "activation"),
        }


def _nothing() -> None:
    return None


def network_views(sim: Simulation, cache: dict) -> dict:
    """Decision surface, data points and distributions at the network's current state."""
    key = (id(sim), sim.step, sim.cfg)
    if cache.get("views_of") != key:
        cache["views"] = {
            "surface": views.decision_surface(sim, SURFACE_GRID),
            "dist": views.distributions(sim),
            "points": views.data_points(sim),
        }
        cache["views_of"] = key
    return cache["views"]
