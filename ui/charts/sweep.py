"""The depth sweep's chart (Compare screen): one quantity of sim.analysis.sweep.depth_sweep
against depth, log axis, a line per activation and init, dashed after training."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.charts.base import UNDERFLOW_COLOR, Tr, at_floor, log_domain
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    Spec,
    chart,
    field,
    log_axis,
    mark,
    placeholder,
    tip,
    underflow_marks,
    view,
)

SCHEME = "tableau10"  # one colour per activation and init
DASHES = ([1, 0], [5, 3])  # at initialisation, after training
LEGEND_COLUMNS = 1  # one network a row under the plot: all nine of 3 x 3 show, even on a phone
PLOT_HEIGHT = 240  # taller than its rotated y-axis title (which pushed the title out of the top)


def sweep_chart(sweep: pd.DataFrame, quantity: str, tr: Tr) -> Spec:
    """`sweep`: depth_sweep rows plus `label` (activation · init) and `when` (the moment's
    words). Exact zeros sit at the floor, marked. Nothing to draw: placeholder chart."""
    if sweep.empty or quantity not in sweep.columns:
        return placeholder(tr)
    rows = sweep[["label", "when", "depth", quantity]].rename(columns={quantity: "value"})
    rows = rows[np.isfinite(rows["value"].to_numpy(np.float64))].reset_index(drop=True)
    if rows.empty:
        return placeholder(tr)
    lo, hi = log_domain(rows["value"].to_numpy(), 1.0)
    rows = at_floor(rows, lo, tr)
    whens = list(dict.fromkeys(rows["when"]))
    title = tr(f"compare.sweep_{quantity}")
    y_scale = {"clamp": True, "domain": [lo, hi], "type": "log"}
    labels = list(dict.fromkeys(rows["label"]))
    dash_legend = {"orient": "top", "direction": "horizontal"} if len(whens) > 1 else None
    base = {
        "x": field("depth", QUANT, axis={"tickMinStep": 1}, title=tr("compare.depth_axis")),
        "y": field("shown", QUANT, axis=log_axis(title, lo, hi), scale=y_scale),
        "color": field(
            "label",
            NOMINAL,
            legend={"columns": LEGEND_COLUMNS, "labelLimit": 0, "orient": "bottom"},
            scale={"scheme": SCHEME},
            title=None,
        ),
        "strokeDash": field(
            "when",
            NOMINAL,
            legend=dash_legend,
            scale={"domain": whens, "range": list(DASHES[: len(whens)])},
            title=None,
        ),
        "tooltip": [
            tip("label", NOMINAL, tr("compare.sweep_network")),
            tip("when", NOMINAL, tr("compare.sweep_steps")),
            tip("depth", QUANT, tr("compare.depth_axis")),
            tip("value", QUANT, title, ".3e"),
            tip("note", NOMINAL, " "),
        ],
    }
    layers = [
        view("sweep", mark("line", strokeWidth=1.8), base),
        view("sweep", mark("point", filled=True, size=40), base),
        underflow_marks("sweep", base, UNDERFLOW_COLOR),
    ]
    # the networks' rows under the plot, and the line-style key above it
    legend = -(-len(labels) // LEGEND_COLUMNS) + (len(whens) > 1)
    title = tr(f"compare.sweep_{quantity}_title")
    return chart({"sweep": rows}, layers, title, height=PLOT_HEIGHT, legend_rows=legend)
