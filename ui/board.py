"""The Playground's chart grid: placeholders laid out first, filled after (and during) a burst.

    board = Board()              # lays out the grid of empty slots
    run_burst(..., live=lambda: board.draw_live(sim))
    board.draw(sim)              # every chart from the final history

Each chart is drawn on its own: one that fails leaves a short message in its slot and the rest
of the page renders. Network views (decision surface, distributions) are computed once per
network state and kept in the Lab's cache.
"""

from __future__ import annotations

import logging

import streamlit as st

from sim import views
from sim.trainer import Simulation
from ui import charts
from ui.i18n import translator

log = logging.getLogger("gradient_lab")

# Rows of the grid, two charts a row, by slot name.
LAYOUT: tuple[tuple[str, str], ...] = (
    ("grad_norm", "heatmap"),
    ("loss", "accuracy"),
    ("decision", "activations"),
    ("update_ratio", "units"),
    ("dist_gradient", "dist_activation"),
)
LIVE = ("grad_norm", "loss", "heatmap")  # redrawn during a burst


class Board:
    def __init__(self) -> None:
        self.slots: dict[str, st.delta_generator.DeltaGenerator] = {}
        for row in LAYOUT:
            for name, column in zip(row, st.columns(len(row)), strict=True):
                self.slots[name] = column.empty()

    # -- drawing -------------------------------------------------------------------------------
    def _put(self, name: str, build, tr) -> None:
        try:
            chart = build()
        except Exception:  # a chart bug must not take the page down
            log.exception("chart %s failed", name)
            chart = charts.placeholder(tr)
        if chart is None:
            self.slots[name].empty()
            return
        self.slots[name].altair_chart(chart, width="stretch")

    def draw_live(self, sim: Simulation) -> None:
        history, tr = sim.history, translator()
        builders = self._history_charts(sim, history, tr)
        for name in LIVE:
            self._put(name, builders[name], tr)

    def draw(self, sim: Simulation, cache: dict) -> None:
        history, tr = sim.history, translator()
        builders = self._history_charts(sim, history, tr)
        try:
            net = network_views(sim, cache)
        except Exception:  # the views failed; their charts say there is nothing to show
            log.exception("network views failed")
            net = {"surface": None, "points": None, "dist": None}
        builders["decision"] = lambda: charts.decision_chart(net["surface"], net["points"], tr)
        for quantity in ("gradient", "activation"):
            builders[f"dist_{quantity}"] = lambda q=quantity: charts.distributions_chart(
                net["dist"], tr, quantity=q
            )
        for row in LAYOUT:
            for name in row:
                self._put(name, builders[name], tr)

    @staticmethod
    def _history_charts(sim: Simulation, history, tr) -> dict:
        diverged_step = sim.divergence.diverged_step if sim.divergence else None
        return {
            "grad_norm": lambda: charts.grad_norm_chart(history, tr),
            "heatmap": lambda: charts.grad_heatmap_chart(history, tr),
            "loss": lambda: charts.loss_chart(history, tr, diverged_step),
            "accuracy": lambda: charts.accuracy_chart(history, tr),
            "activations": lambda: charts.activation_chart(history, tr),
            "update_ratio": lambda: charts.update_ratio_chart(history, tr),
            "units": lambda: charts.unit_health_chart(history, tr),
        }


def network_views(sim: Simulation, cache: dict) -> dict:
    """Decision surface, data points and distributions at the network's current step."""
    key = (id(sim), sim.step)
    if cache.get("key") != key:
        cache["surface"] = views.decision_surface(sim)
        cache["dist"] = views.distributions(sim)
        cache["key"] = key
    if cache.get("points_of") != id(sim):
        cache["points"] = views.data_points(sim)
        cache["points_of"] = id(sim)
    return cache
