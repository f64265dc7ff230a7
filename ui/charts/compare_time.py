"""Compare charts for recurrent runs: the Through time screen's pictures with one line per run.

    signal_by_run(frame, labels, tr)          # ||dL/dh_t|| across time, each run's latest step
    loss_by_run(frame, labels, tr, chance)    # every run's loss against the task's chance line
    run_heatmap(frame, run, label, tr)        # one run's time step x training step heatmap

`frame` is sim.analysis.compare.Comparison.frame(); the builders are those of the Through time
screen (ui.charts.time_signal, time_loss) and of Compare (ui.charts.compare: one colour and
one dash per run in every chart). A recurrent network's `layer` 1..3 are its weight matrices,
not layers in depth, so Compare draws these instead of its per-layer charts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ui.charts.base import UNDERFLOW_COLOR, Tr, at_floor, log_domain, run_metric
from ui.charts.compare import legend_rows, loss_overlay, run_color, run_dash
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    TITLE_LINE,
    Spec,
    chart,
    mark,
    placeholder,
    text_lines,
    tip,
    title_params,
    underflow_marks,
    view,
)
from ui.charts.time_loss import with_chance
from ui.charts.time_signal import SIGNAL, time_axes, time_heatmap_chart


def signal_by_run(frame: pd.DataFrame, labels: Sequence[str], tr: Tr) -> Spec:
    """||dL/dh_t|| against t at each run's latest recorded step, one line per run, on one log
    axis whose decades hold every recorded step of every run (so it only widens between
    bursts). Zeros (float32 underflow, or a truncated backprop's cut) sit on the floor, marked.
    No time signal: placeholder chart."""
    rows = run_metric(frame, SIGNAL, labels, layers=True) if len(frame) else pd.DataFrame()
    if rows.empty:
        return placeholder(tr)
    lo, hi = log_domain(rows["value"].to_numpy())
    count = int(rows["layer"].max())
    newest = rows.groupby("run")["step"].transform("max")
    curves = at_floor(rows[rows["step"] == newest].reset_index(drop=True), lo, tr)
    x, y = time_axes(count, lo, hi, tr)
    encoding = {
        "x": x,
        "y": y,
        "color": run_color(labels, tr),
        "strokeDash": run_dash(labels),
        "tooltip": [
            tip("run_label", NOMINAL, tr("compare.run")),
            tip("layer", QUANT, tr("time.time_step")),
            tip("step", QUANT, tr("charts.step")),
            tip("value", QUANT, tr("time.signal"), ".3e"),
            tip("note", NOMINAL, " "),
        ],
    }
    layers = [
        view("curves", mark("line", strokeWidth=2, clip=True), encoding),
        underflow_marks("curves", {"x": x, "y": y}, UNDERFLOW_COLOR),
    ]
    title, subtitle = tr("time.signal_title"), tr("compare.signal_time_subtitle")
    return chart({"curves": curves}, layers, title, subtitle, legend_rows=legend_rows(labels))


def loss_by_run(
    frame: pd.DataFrame, labels: Sequence[str], tr: Tr, chance: float | None
) -> Spec | None:
    """Compare's loss of every run (log axis, its decades holding the chance loss too) with the
    task's chance loss as the Through time screen draws it."""
    return with_chance(loss_overlay(frame, labels, tr, chance), tr, chance)


def run_history(frame: pd.DataFrame, run: int) -> pd.DataFrame:
    """One run's tidy history out of the comparison's frame (without its `run` column)."""
    rows = frame[frame["run"].to_numpy() == run]
    return rows.drop(columns="run").reset_index(drop=True)


def run_heatmap(frame: pd.DataFrame, run: int, label: str, tr: Tr) -> Spec:
    """The Through time screen's heatmap of one run, titled by the run's name (each run on its
    own colour scale, centred on its own last time step's signal, as that screen has it)."""
    spec = time_heatmap_chart(run_history(frame, run), tr)
    if "title" not in spec:  # a placeholder
        return spec
    title = title_params(label, tr("time.heatmap_subtitle"))
    added = text_lines(title)[0] - text_lines(spec["title"])[0]
    return {**spec, "title": title, "height": spec["height"] + TITLE_LINE * added}
