"""Compare charts: several runs in one picture (their heatmaps: ui.charts.heatmap). Every word
from `tr` (catalog keys `compare.*`, `charts.*`).

`frame` is sim.analysis.compare.Comparison.frame(): the runs' tidy histories with a `run` column
(0..k-1); `labels[run]` names each run. Runs keep one colour in every chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ui.charts.base import (
    MAX_ROWS,
    UNDERFLOW_COLOR,
    Tr,
    at_floor,
    log_domain,
    run_metric,
    thin,
)
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    Spec,
    chart,
    field,
    log_axis,
    mark,
    placeholder,
    share_field,
    step_field,
    tip,
    underflow_marks,
    view,
)

# Okabe-Ito blue, orange, bluish green, reddish purple: apart under deuteranopia and
# protanopia; each run also has its own dash, a second cue beside the colour
RUN_COLORS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7")
RUN_DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3])


LEGEND_COLUMNS = 1  # one run name a row: a long name is never cut, even on a phone


def run_color(labels: Sequence[str], tr: Tr) -> Spec:
    """By run, the legend naming each run by what differs (ui.compare.panels.run_labels); the
    same colour for the same run in every chart. Its symbol is a stroke in the run's dash, also
    beside points (Vega's default there, a circle drawn with the dash, reads as a blot)."""
    legend = {"columns": LEGEND_COLUMNS, "labelLimit": 0, "orient": "top", "title": None}
    return field(
        "run_label",
        NOMINAL,
        legend={**legend, "symbolType": "stroke", "symbolStrokeWidth": 2},
        scale={"domain": list(labels), "range": list(RUN_COLORS[: len(labels)])},
    )


def run_dash(labels: Sequence[str]) -> Spec:
    """By run, one dash each; the same field and domain as run_color, so one legend shows both."""
    scale = {"domain": list(labels), "range": [list(d) for d in RUN_DASHES[: len(labels)]]}
    return field("run_label", NOMINAL, legend=None, scale=scale)


def legend_rows(labels: Sequence[str]) -> int:
    """Rows the runs' legend takes under the plot (chart's `legend_rows`)."""
    return -(-len(labels) // LEGEND_COLUMNS)


def _curves(frame: pd.DataFrame, name: str, labels: Sequence[str]) -> pd.DataFrame:
    """One metric of every run at layer 0, each run thinned on its own."""
    rows = run_metric(frame, name, labels, layers=False)
    per_run = MAX_ROWS // (2 * max(1, len(labels)))
    parts = [thin(part, per_run) for _, part in rows.groupby("run", sort=True)]
    return pd.concat(parts, ignore_index=True) if parts else rows


def _over_steps(rows: pd.DataFrame, y: Spec, labels, tr: Tr, value_tip: Spec) -> Spec:
    """A run-coloured encoding over steps, with the run, the step and the value as tooltip."""
    return {
        "x": step_field(tr),
        "y": y,
        "color": run_color(labels, tr),
        "strokeDash": run_dash(labels),
        "tooltip": [
            tip("run_label", NOMINAL, tr("compare.run")),
            tip("step", QUANT, tr("charts.step")),
            value_tip,
        ],
    }


# ---------------------------------------------------------------------------------------------
# Loss and accuracy, overlaid


def loss_overlay(
    frame: pd.DataFrame, labels: Sequence[str], tr: Tr, also: float | None = None
) -> Spec:
    """Training loss of every run over steps, log axis (its decades also holding `also`: a
    chance line drawn over it, ui.charts.compare_time)."""
    rows = _curves(frame, "loss", labels) if len(frame) else pd.DataFrame()
    if rows.empty:
        return placeholder(tr)
    lo, hi = log_domain(rows["value"].to_numpy(), *([] if also is None else [also]))
    rows["value"] = rows["value"].clip(lower=lo)
    axis = log_axis(tr("charts.loss_axis"), lo, hi)
    y = field("value", QUANT, axis=axis, scale={"domain": [lo, hi], "type": "log"})
    value = tip("value", QUANT, tr("charts.loss"), ".4g")
    lines = view(
        "runs", mark("line", clip=True, strokeWidth=1.6), _over_steps(rows, y, labels, tr, value)
    )
    return chart({"runs": rows}, [lines], tr("compare.loss_title"), legend_rows=legend_rows(labels))


def accuracy_overlay(frame: pd.DataFrame, labels: Sequence[str], tr: Tr) -> Spec | None:
    """Test accuracy of every run over recorded steps; None when no run has an accuracy."""
    if frame.empty:
        return placeholder(tr)
    rows = _curves(frame, "test_acc", labels)
    if rows.empty:
        return None
    y = share_field(tr("charts.accuracy"))
    value = tip("value", QUANT, tr("charts.accuracy"), ".1%")
    line = mark("line", point={"size": 12}, strokeWidth=1.6)
    lines = view("runs", line, _over_steps(rows, y, labels, tr, value))
    title = tr("compare.accuracy_title")
    return chart({"runs": rows}, [lines], title, legend_rows=legend_rows(labels))


# ---------------------------------------------------------------------------------------------
# Gradient norm by layer, every run on one log axis


def grad_by_layer(frame: pd.DataFrame, labels: Sequence[str], tr: Tr) -> Spec:
    """||dL/dW|| per layer at each run's latest recorded step; exact zeros at the floor."""
    rows = run_metric(frame, "grad_norm", labels, layers=True) if len(frame) else pd.DataFrame()
    if rows.empty:
        return placeholder(tr)
    latest = rows.groupby("run")["step"].transform("max")
    rows = rows[rows["step"] == latest].reset_index(drop=True)
    lo, hi = log_domain(rows["value"].to_numpy())
    rows = at_floor(rows, lo, tr)
    top = int(rows["layer"].max())
    y_scale = {"clamp": True, "domain": [lo, hi], "type": "log"}
    base = {
        "x": field(
            "layer",
            QUANT,
            axis={"format": "d", "tickMinStep": 1},
            scale={"domain": [1, max(top, 2)], "nice": False},
            title=tr("compare.layer_axis"),
        ),
        "y": field("shown", QUANT, axis=log_axis(tr("charts.norm_axis"), lo, hi), scale=y_scale),
        "color": run_color(labels, tr),
        "strokeDash": run_dash(labels),
        "tooltip": [
            tip("run_label", NOMINAL, tr("compare.run")),
            tip("layer", QUANT, tr("charts.layer")),
            tip("step", QUANT, tr("charts.step")),
            tip("value", QUANT, tr("charts.grad_norm"), ".3e"),
            tip("note", NOMINAL, " "),
        ],
    }
    layers = [
        view("runs", mark("line", strokeWidth=1.8), base),
        view("runs", mark("point", filled=True, size=45), base),
        underflow_marks("runs", base, UNDERFLOW_COLOR),
    ]
    title, subtitle = tr("compare.grad_title"), tr("compare.grad_subtitle")
    return chart({"runs": rows}, layers, title, subtitle, legend_rows=legend_rows(labels))
