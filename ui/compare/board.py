"""Compare's charts, by kind of network: an MLP's per-layer pictures, or a recurrent cell's
through time (a recurrent network's `layer` numbers are weight matrices, not depth).

MLP runs: the loss and the test accuracy overlaid, the gradient norm per layer, the layer
heatmaps. Recurrent runs: the backward signal across time at each run's latest step, the loss
against the task's chance line, the accuracy where the task has one, and each run's time-step
heatmap, all built by the Through time screen's chart functions (ui.charts.compare_time).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.config import RunConfig
from sim.sequences import SEQ_TASKS
from ui.charts import show
from ui.charts.compare import accuracy_overlay, grad_by_layer, loss_overlay
from ui.charts.compare_time import loss_by_run, run_heatmap, signal_by_run
from ui.charts.heatmap import heatmaps
from ui.charts.spec import show_numbers
from ui.common.i18n import t
from ui.common.wording import value_text

HEATMAPS_A_ROW = 2  # a run's time-step heatmap is as wide as half the page


def draw(frame: pd.DataFrame, cfgs: list[RunConfig], labels: list[str], tr) -> None:
    """Every chart of the comparison, for the kind of network its runs are (all of one kind:
    sim.analysis.compare_data)."""
    if cfgs and cfgs[0].recurrent:
        _through_time(frame, cfgs[0], labels, tr)
    else:
        _through_depth(frame, labels, tr)


def _pair(specs, numbers: str) -> None:
    for where, spec in zip(st.columns(2), specs, strict=True):
        show(where, spec)  # None: nothing drawn
        show_numbers(where, spec, numbers)


def _through_depth(frame: pd.DataFrame, labels: list[str], tr) -> None:
    numbers = t("common.chart_numbers")
    _pair((loss_overlay(frame, labels, tr), accuracy_overlay(frame, labels, tr)), numbers)
    grads = grad_by_layer(frame, labels, tr)
    show(st, grads)
    show_numbers(st, grads, numbers)
    # a container that scrolls sideways: the facets keep their width, wider than a phone
    show(st.container(key="cmp_heatmaps"), heatmaps(frame, labels, tr), width="content")


def _through_time(frame: pd.DataFrame, first: RunConfig, labels: list[str], tr) -> None:
    numbers = t("common.chart_numbers")
    chance = SEQ_TASKS[first.seq_task].chance_loss
    _pair((signal_by_run(frame, labels, tr), loss_by_run(frame, labels, tr, chance)), numbers)
    accuracy = accuracy_overlay(frame, labels, tr)  # None on a regression task (adding)
    if accuracy is not None:
        show(st, accuracy)
        show_numbers(st, accuracy, numbers)
    st.markdown(f"**{t('time.heatmap_title')}**")
    for start in range(0, len(labels), HEATMAPS_A_ROW):
        row = labels[start : start + HEATMAPS_A_ROW]
        for i, (col, label) in enumerate(zip(st.columns(HEATMAPS_A_ROW), row, strict=False), start):
            show(col, run_heatmap(frame, i, label, tr))


def same_data_caption(cfgs: list[RunConfig]) -> None:
    """Says what every run learns from: the same sequences from the same seed."""
    if not cfgs or not cfgs[0].recurrent:
        return
    first = cfgs[0]
    st.caption(
        t(
            "compare.same_sequences",
            n=first.n_samples,
            seq_len=first.seq_len,
            task=value_text("seq_task", first.seq_task),
            seed=first.seed,
        )
    )
