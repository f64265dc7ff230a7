"""The gradient heatmap, one picture in every screen: layer (rows, output on top) x step
(columns), coloured by log10 ||dL/dW|| on one red-blue scale that diverges around the output
layer's typical norm, blue smaller (the vanishing side), red larger. Exact zeros (float32
underflow) are dark grey cells, off the scale. The Playground draws one network
(grad_heatmap_chart), Compare several side by side on one shared scale (heatmaps).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ui.charts.base import (
    HEIGHT,
    MAX_ROWS,
    UNLABELLED,
    Tr,
    layer_names,
    metric,
    n_layers,
    run_metric,
    step_edges,
    thin,
)
from ui.charts.spec import (
    CONFIG,
    NOMINAL,
    ORDINAL,
    QUANT,
    SCHEMA,
    Spec,
    chart,
    describe,
    field,
    layer_axis,
    mark,
    placeholder,
    step_field,
    tip,
    title_params,
    view,
)

MAX_COLUMNS = 100  # Playground: steps shown (every cell is an SVG element the browser redraws)
RUN_COLUMNS = 80  # Compare: steps shown per run
MIN_SPREAD = 2.5  # decades either side of the output layer's norm, at least
ZERO_CELL = "#333"  # an exact zero
# pixels shared by Compare's heatmaps side by side (facets do not stretch): with the layer axis
# and the colour legend, the whole fits the page's column at 1280 px (720 ran 100 px past it)
FACET_WIDTH = 600


# ---------------------------------------------------------------------------------------------
# What both screens share: the cells, the colour scale and its reach, the axes


def cells_of(
    rows: pd.DataFrame, tr: Tr, count: int, edges: tuple[np.ndarray, np.ndarray]
) -> tuple[pd.DataFrame, tuple[float, float]]:
    """(`rows` (step, layer, value, ...) with the cells' step edges, `underflow`, `log10` and the
    tooltip's words; the colour scale's reach). A zero's log10 is the reach's low end, where it
    moves nothing."""
    value = rows["value"].to_numpy()
    underflow = value <= 0
    log10 = np.log10(np.where(underflow, 1.0, value))
    ends = reach(log10[~underflow], rows["layer"].to_numpy()[~underflow], count)
    log10[underflow] = ends[0]
    cells = rows.assign(
        step_lo=edges[0],
        step_hi=edges[1],
        underflow=underflow,
        log10=log10,
        layer_name=layer_names(tr, rows["layer"], count),
        note=np.where(underflow, tr("charts.underflow"), ""),
    )
    return cells, ends


def reach(log10: np.ndarray, layer: np.ndarray, count: int) -> tuple[float, float]:
    """The colour scale's ends: symmetric around the output layer's median log10 norm, holding
    every cell, and never narrower than grad_norm_chart's bands (+-2 decades) so that a healthy
    network looks pale instead of every small wobble glowing. `log10`, `layer`: finite cells."""
    out = log10[layer == count]
    mid = float(np.median(out)) if len(out) else float(np.median(log10)) if len(log10) else 0.0
    spread = max(MIN_SPREAD, float(np.abs(log10 - mid).max()) if len(log10) else 0.0)
    return mid - spread, mid + spread


def color(tr: Tr, domain: Sequence[float] | None = None) -> Spec:
    """log10 norm on the red-blue scale (reversed: blue is small); zeros dark grey."""
    scale: Spec = {"reverse": True, "scheme": "redblue", "zero": False}
    if domain is not None:
        scale["domain"] = [float(d) for d in domain]
    channel = field("log10", QUANT, scale=scale, title=tr("charts.log10_grad"))
    return {"condition": {"test": "datum.underflow", "value": ZERO_CELL}, **channel}


def axes(tr: Tr, count: int, run_tip: list[Spec] | None = None) -> Spec:
    """Steps across (each cell from edge to edge), layers down with the output on top."""
    return {
        "x": step_field(tr, "step_lo", scale={"nice": False, "zero": False}),
        "x2": {"field": "step_hi"},
        "y": field(
            "layer",
            ORDINAL,
            axis=layer_axis(tr, count, labelOverlap=True),
            scale={"domain": list(range(count, 0, -1))},
            sort="descending",
        ),
        "tooltip": [
            *(run_tip or []),
            tip("layer_name", NOMINAL, tr("charts.layer")),
            tip("step", QUANT, tr("charts.step")),
            tip("value", QUANT, tr("charts.grad_norm"), ".3e"),
            tip("note", NOMINAL, " "),
        ],
    }


# ---------------------------------------------------------------------------------------------
# The Playground: one network


def grad_heatmap_chart(history: pd.DataFrame, tr: Tr, max_columns: int = MAX_COLUMNS) -> Spec:
    """One network's heatmap over its recorded steps: at most `max_columns` of them, fewer for
    deep networks so that cells <= MAX_ROWS. Empty history: placeholder chart."""
    grad = metric(history, "grad_norm", layers=True) if len(history) else pd.DataFrame()
    if grad.empty:
        return placeholder(tr)
    count = n_layers(history)
    grad = thin(grad, max(2, min(max_columns, MAX_ROWS // count)))
    cells, (lo, hi) = cells_of(grad, tr, count, step_edges(grad["step"].to_numpy()))
    # The scale's ends come as data, two rows drawn by an invisible mark: they move a little
    # every burst, and written into the scale they would change the spec (ui.charts, rule 2).
    layers = [
        view("reach", mark("rect", opacity=0), {"color": color(tr)}),  # below the cells' tips
        view("cells", mark("rect", **UNLABELLED), {**axes(tr, count), "color": color(tr)}),
    ]
    data = {"cells": cells, "reach": [{"log10": lo}, {"log10": hi}]}
    return chart(data, layers, tr("charts.heatmap_title"), tr("charts.heatmap_subtitle"))


# ---------------------------------------------------------------------------------------------
# Compare: several runs side by side, one colour scale


def heatmaps(
    frame: pd.DataFrame, labels: Sequence[str], tr: Tr, max_columns: int = RUN_COLUMNS
) -> Spec:
    """One heatmap per run of a Comparison.frame() (run_label: the run's name), side by side,
    sharing one colour scale, so the same colour means the same gradient size in every run."""
    rows = run_metric(frame, "grad_norm", labels, layers=True) if len(frame) else pd.DataFrame()
    if rows.empty:
        return placeholder(tr)
    count = int(rows["layer"].max())
    per_run = max(2, min(max_columns, MAX_ROWS // max(1, len(labels) * count)))
    rows = pd.concat([thin(part, per_run) for _, part in rows.groupby("run")], ignore_index=True)
    lo, hi = np.empty(len(rows)), np.empty(len(rows))
    for idx in rows.groupby("run").indices.values():
        lo[idx], hi[idx] = step_edges(rows["step"].to_numpy()[idx])
    cells, domain = cells_of(rows, tr, count, (lo, hi))
    run_tip = [tip("run_label", NOMINAL, tr("compare.run"))]
    column = field("run_label", NOMINAL, header={"labelLimit": 260}, sort=list(labels), title=None)
    return {
        "$schema": SCHEMA,
        "data": {"name": "cells"},
        "facet": {"column": column},
        "spec": {
            "mark": mark("rect"),
            "encoding": {**axes(tr, count, run_tip), "color": color(tr, domain)},
            "width": FACET_WIDTH // len(labels),
            "height": max(120, min(HEIGHT, 14 * count)),
        },
        "resolve": {"scale": {"x": "independent"}},
        "datasets": {"cells": cells},
        "title": title_params(tr("compare.heatmap_title"), tr("compare.heatmap_subtitle")),
        "description": describe(tr("compare.heatmap_title"), tr("compare.heatmap_subtitle")),
        "config": CONFIG,
    }
