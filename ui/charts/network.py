"""What the network does right now: its output over the data, and the distributions inside it.
Inputs come from sim.analysis.views (decision_surface, data_points, distributions)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ui.charts.base import HEIGHT, UNDERFLOW_COLOR, Tr, layer_names, nice_ceil
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    Spec,
    chart,
    field,
    layer_color,
    mark,
    placeholder,
    table,
    tip,
    view,
)

MAX_POINTS = 1000  # data points drawn over the surface (every k-th beyond that)
MAX_CELLS = 3600  # surface cells drawn (a finer grid is thinned to every k-th row and column)
MAX_LAYERS_SHOWN = 6  # distributions: default number of layers overlaid
ZERO_MARGIN = 1 / 12  # distributions: room for exact zeros left of the bins, share of their range
CLASS_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2")  # class 0..3: points
PALE_CLASSES = ("#a9c1dc", "#fbc28c", "#aad0a5", "#d8bcd0")  # the same, pale: surfaces
STRONG = (CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1])  # diverging, for points
PALE = (PALE_CLASSES[0], "#ffffff", PALE_CLASSES[1])  # diverging, for surfaces

# No number under the zeros' margin: it is no position on the log axis. The margin is the first
# ZERO_MARGIN / (1 + ZERO_MARGIN) of the axis (1/13), read off the scale in the browser, so the
# spec stays the same while the bins move (a hair less, so a tick right on the rule is labelled).
_MARGIN_WIDTH = (
    f"(domain('x')[1] - domain('x')[0]) * {0.9999 * ZERO_MARGIN / (1 + ZERO_MARGIN):.6f}"
)
_NO_LABEL_IN_MARGIN = f"datum.value < domain('x')[0] + {_MARGIN_WIDTH} ? '' : datum.label"


# ---------------------------------------------------------------------------------------------
# f. decision boundary (classification) or fit (regression)


def _cells(surface: pd.DataFrame) -> pd.DataFrame:
    """Grid points -> rectangles around them, at most MAX_CELLS of them; non-finite values (a
    diverging run) dropped."""
    columns = {name: surface[name].to_numpy() for name in surface.columns}
    stride = math.ceil(math.sqrt(len(surface) / MAX_CELLS))
    if stride > 1:
        keep = np.ones(len(surface), dtype=bool)
        for col in ("x1", "x2"):
            index = np.searchsorted(np.unique(columns[col]), columns[col])
            keep &= index % stride == 0
        columns = {name: values[keep] for name, values in columns.items()}
    for col in ("x1", "x2"):
        grid = np.unique(columns[col])
        # a hair over half a step, so neighbouring cells overlap and no seams show between them
        half = (grid[1] - grid[0]) * 0.52 if len(grid) > 1 else 0.5
        columns[f"{col}_lo"], columns[f"{col}_hi"] = columns[col] - half, columns[col] + half
    finite = np.isfinite(columns["value"])
    return pd.DataFrame({name: values[finite] for name, values in columns.items()})


def decision_chart(surface: pd.DataFrame | None, points: pd.DataFrame | None, tr: Tr) -> Spec:
    """The model's output over the plane with the data on top (train: circles, test:
    diamonds). Classification with 2 classes: P(class 1) from pale blue (class 0) through
    white to pale orange (class 1); more classes: the predicted class's pale colour, whiter where
    the model is unsure; regression: the prediction of output 0 (pale) and the targets (strong)
    on one diverging scale. The surface is opaque (pale colours, no grid) so no seams or grid
    lines show through. The task is read from `surface`: a `klass` column means classification.
    Empty or None surface: placeholder chart; None points: the surface alone."""
    if surface is None or surface.empty:
        return placeholder(tr)
    cells = _cells(surface)
    if cells.empty:
        return placeholder(tr)
    classify = "klass" in cells.columns
    if points is None:
        points = pd.DataFrame({"x1": [], "x2": [], "label": [], "split": []})
    k = 0
    if classify:  # classes: as views.decision_surface says, else as many as the data shows
        seen = max(int(cells["klass"].max()), int(points["label"].max()) if len(points) else 0)
        k = max(int(surface.attrs.get("n_classes", seen + 1)), 2)
    points = points.iloc[:: max(1, -(-len(points) // MAX_POINTS))]
    names = {"train": tr("charts.train"), "test": tr("charts.test")}
    points = points.assign(split_name=[names.get(v) for v in points["split"].tolist()])
    x_scale = {"domain": [float(cells["x1_lo"].min()), float(cells["x1_hi"].max())], "nice": False}
    y_scale = {"domain": [float(cells["x2_lo"].min()), float(cells["x2_hi"].max())], "nice": False}
    axis = {"grid": False}
    cell_columns = ["x1", "x2", "value", "x1_lo", "x1_hi", "x2_lo", "x2_hi"]

    if classify and k == 2:
        title = tr("charts.prob_class1")
        tips = [tip("value", QUANT, title, ".3g")]
        fill = field("value", QUANT, scale=_diverging((0, 0.5, 1), PALE), title=title)
        dot_fill = field("label", NOMINAL, legend=None, scale=_classes(k))
        cell_columns.append("klass")
    elif classify:
        tips = [
            tip("klass", NOMINAL, tr("charts.class")),
            tip("value", QUANT, tr("charts.confidence"), ".3g"),
        ]
        cells["tint"] = _tint(cells["klass"].to_numpy(), cells["value"].to_numpy(), k)
        fill = {"field": "tint", "scale": None, "type": NOMINAL}
        dot_fill = field("label", NOMINAL, scale=_classes(k), title=tr("charts.class"))
        cell_columns += ["klass", "tint"]
    else:
        title = tr("charts.prediction")
        tips = [tip("value", QUANT, title, ".3g")]
        # symmetric around 0, out to a coarse grid: the predictions' extremes move every burst
        m = nice_ceil(float(np.nanmax(np.abs(np.concatenate([cells["value"], points["label"]])))))
        fill = field("value", QUANT, scale=_diverging((-m, 0, m), PALE), title=title)
        dot_fill = field("label", QUANT, legend=None, scale=_diverging((-m, 0, m), STRONG))
    area = {
        "x": field("x1_lo", QUANT, axis=axis, scale=x_scale, title=tr("charts.x1")),
        "x2": {"field": "x1_hi"},
        "y": field("x2_lo", QUANT, axis=axis, scale=y_scale, title=tr("charts.x2")),
        "y2": {"field": "x2_hi"},
        "color": fill,
        "tooltip": tips,
    }
    label_tip = tr("charts.class" if classify else "charts.target")
    shapes = {"domain": list(names.values()), "range": ["circle", "diamond"]}
    dots = {
        "x": field("x1", QUANT, scale=x_scale),
        "y": field("x2", QUANT, scale=y_scale),
        "fill": dot_fill,
        "shape": field("split_name", NOMINAL, scale=shapes, title=tr("charts.split")),
        "tooltip": [
            tip("split_name", NOMINAL, tr("charts.split")),
            tip("label", NOMINAL if classify else QUANT, label_tip, ""),
        ],
    }
    dot = mark(
        "point",
        filled=True,
        opacity=0.95,
        size=30,
        stroke="white" if classify else "#333",
        strokeWidth=0.6,
    )
    data = {
        "cells": table(cells, cell_columns),
        "points": table(points, ("x1", "x2", "label", "split", "split_name")),
    }
    layers = [view("cells", mark("rect"), area), view("points", dot, dots)]
    # the surface's colour legend must not merge with the points' (legend-less) fill
    resolve = {
        "legend": {"color": "independent", "fill": "independent"},
        "scale": {"color": "independent", "fill": "independent"},
    }
    title = tr("charts.surface_title_cls" if classify else "charts.surface_title_reg")
    return chart(data, layers, title, height=HEIGHT + 60, resolve=resolve)


def _diverging(domain: tuple[float, float, float], colors: tuple[str, str, str]) -> Spec:
    return {"domain": [float(d) for d in domain], "interpolate": "rgb", "range": list(colors)}


def _classes(k: int) -> Spec:
    return {
        "domain": list(range(k)),
        "range": [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(k)],
    }


def _tint(klass: np.ndarray, confidence: np.ndarray, k: int) -> list[str]:
    """Each cell's class colour (pale), mixed with white where the model is unsure
    (confidence 1/k: white; 1: the pale class colour)."""
    pale = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in PALE_CLASSES])
    w = np.clip((confidence - 1 / k) / (1 - 1 / k), 0.0, 1.0)[:, None]
    rgb = np.rint(255 + (pale[klass % len(pale)] - 255) * w).astype(int)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb]


# ---------------------------------------------------------------------------------------------
# g. distributions of activations and gradients per layer


def pick_layers(available: Sequence[int], n: int = MAX_LAYERS_SHOWN) -> list[int]:
    """At most n layers evenly spread over `available`, first and last always included."""
    available = sorted(set(int(a) for a in available))
    if len(available) <= n:
        return available
    idx = np.unique(np.linspace(0, len(available) - 1, n).round().astype(int))
    return [available[i] for i in idx]


def distributions_chart(
    dist: pd.DataFrame | None,
    tr: Tr,
    quantity: str = "gradient",
    layers: Sequence[int] | None = None,
) -> Spec:
    """Overlaid histograms, one step-outline per layer (layer palette), of one quantity from
    sim.analysis.views.distributions: "activation" (post-activation values) or "gradient" (log10
    |dL/dW|
    per weight entry). The y axis is the share of the layer's entries, so layers of different
    size compare. Bins are shared across layers: for gradients, a curve sliding left from the
    output layer to the input is vanishing, seen entry by entry. Exact zeros (no place on a log
    axis) are a diamond per layer in a margin left of a dashed rule, marked "= 0", their share
    in the tooltip. The x axis is left to the data (no domain in the spec), so it stays the same
    while the bins move from burst to burst.
    `layers`: which layers to overlay (a selector's choice); default pick_layers(all).
    Empty or None frame, or no such quantity: placeholder chart."""
    if dist is None or dist.empty:
        return placeholder(tr)
    picked = dist[dist["quantity"] == quantity]
    if picked.empty:
        return placeholder(tr)
    count = int(dist["layer"].max())  # gradient rows include the output layer
    chosen = list(layers) if layers is not None else pick_layers(picked["layer"].unique())
    picked = picked[picked["layer"].isin(chosen).to_numpy()]
    if picked.empty:
        return placeholder(tr)
    layer = picked["layer"].to_numpy(np.int64)
    bin_lo, bin_hi = picked["bin_lo"].to_numpy(), picked["bin_hi"].to_numpy()
    total = picked["total"].to_numpy()
    share = picked["count"].to_numpy() / np.clip(total, 1, None)
    # a closing point at each layer's last bin edge, so the last bin's step is drawn
    present, first = np.unique(layer, return_index=True)
    last = np.array([np.flatnonzero(layer == v)[np.argmax(bin_lo[layer == v])] for v in present])
    outline_layer = np.concatenate([layer, layer[last]])
    outline = pd.DataFrame(
        {
            "layer": outline_layer,
            "bin_lo": np.concatenate([bin_lo, bin_hi[last]]),
            "bin_hi": np.concatenate([bin_hi, bin_hi[last]]),
            "share": np.concatenate([share, share[last]]),
            "layer_name": layer_names(tr, outline_layer, count),
        }
    )
    zeros = picked["zeros"].to_numpy()[first]  # per layer, as the layer's first row says
    has_zeros = zeros > 0
    lo, hi = float(bin_lo.min()), float(bin_hi.max())
    margin = ZERO_MARGIN * (hi - lo)  # room for exact zeros, left of a dashed rule at lo
    slot = lo - 0.6 * margin  # where they are drawn
    # No domain written out: the bins' range moves every burst, and a spec that changes makes
    # the browser rebuild the chart instead of swapping its data. The data spans it (the zeros'
    # margin included), so the axis fits the bins as a written domain would.
    x_scale = {"nice": False, "zero": False}
    color = layer_color(count, tr, shown=sorted(chosen))
    tip_layer = tip("layer_name", NOMINAL, tr("charts.layer"))
    tip_share = tip("share", QUANT, tr("charts.share_entries"), ".2%")
    y = field("share", QUANT, axis={"format": "%"}, stack=None, title=tr("charts.share_entries"))
    area = {
        "x": field(
            "bin_lo",
            QUANT,
            axis={"labelExpr": _NO_LABEL_IN_MARGIN} if has_zeros.any() else {},
            scale=x_scale,
            title=tr(f"charts.dist_axis_{quantity}"),
        ),
        "y": y,
        "color": color,
        "detail": field("layer", NOMINAL),
        "tooltip": [
            tip_layer,
            tip("bin_lo", QUANT, tr("charts.bin_from"), ".3g"),
            tip("bin_hi", QUANT, tr("charts.bin_to"), ".3g"),
            tip_share,
        ],
    }
    step_area = mark("area", interpolate="step-after", line={"strokeWidth": 1.5}, opacity=0.12)
    data = {"outline": outline}
    parts = [view("outline", step_area, area)]
    if has_zeros.any():
        zero_layers = present[has_zeros]
        data["zeros"] = pd.DataFrame(
            {
                "layer": zero_layers,
                "zeros": zeros[has_zeros],
                "total": total[first][has_zeros],
                "share": zeros[has_zeros] / total[first][has_zeros],
                "x": slot,
                "layer_name": layer_names(tr, zero_layers, count),
                "note": tr("charts.zeros"),
            }
        )
        data["edge"] = [{"x": lo, "margin": lo - margin}]
        data["zero_label"] = [{"x": slot, "text": "= 0"}]
        x = field("x", QUANT, scale=x_scale)
        diamond = mark("point", filled=True, opacity=1, shape="diamond", size=90)
        label = mark("text", baseline="bottom", color=UNDERFLOW_COLOR, dy=-3)
        parts += [
            # invisible: it only stretches the axis over the zeros' margin
            view(
                "edge", mark("rect", opacity=0), {"x": field("margin", QUANT), "x2": {"field": "x"}}
            ),
            view("edge", mark("rule", color="#888", strokeDash=[3, 3]), {"x": x}),
            view(
                "zeros",
                diamond,
                {
                    "x": x,
                    "y": y,
                    "color": color,
                    "tooltip": [tip_layer, tip("note", NOMINAL, " "), tip_share],
                },
            ),
            view(
                "zero_label",
                label,
                {
                    "x": x,
                    "y": {"value": {"expr": "height"}},
                    "text": field("text", NOMINAL),
                },
            ),
        ]
    title = tr(f"charts.dist_title_{quantity}")
    return chart(data, parts, title, tr("charts.dist_subtitle"))
