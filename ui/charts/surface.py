"""What the network does right now over the plane: its decision boundary (classification) or its
fit (regression), with the data on top. Inputs come from sim.analysis.views (decision_surface,
data_points). Its datasets are built as Arrow tables from numpy columns, without pandas: a few
thousand cells, drawn again after every burst."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa

from ui.charts.base import UNLABELLED, Tr, nice_ceil
from ui.charts.spec import NOMINAL, QUANT, Spec, chart, field, mark, placeholder, tip, view

MAX_POINTS = 1000  # data points drawn over the surface (every k-th beyond that)
MAX_CELLS = 3600  # surface cells drawn (a finer grid is thinned to every k-th row and column)
CLASS_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2")  # class 0..3: points
PALE_CLASSES = ("#a9c1dc", "#fbc28c", "#aad0a5", "#d8bcd0")  # the same, pale: surfaces
STRONG = (CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1])  # diverging, for points
PALE = (PALE_CLASSES[0], "#ffffff", PALE_CLASSES[1])  # diverging, for surfaces
CELL_COLUMNS = ("x1", "x2", "value", "x1_lo", "x1_hi", "x2_lo", "x2_hi")
POINT_COLUMNS = ("x1", "x2", "label", "split", "split_name")
Columns = dict[str, np.ndarray]  # a dataset as named numpy columns of equal length
# Drawn on a canvas whatever the grid (Streamlit picks one only past 2,000 rows a layer): a few
# thousand rectangles as SVG elements would cost the browser more on every redraw.
CANVAS = {"embedOptions": {"renderer": "canvas"}}


def _cells(surface: pd.DataFrame) -> Columns:
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
    return {name: values[finite] for name, values in columns.items()}


def _points(points: pd.DataFrame, names: dict[str, str]) -> Columns:
    """At most MAX_POINTS data points (every k-th), each split named (`names`: train, test)."""
    if not len(points):
        return {name: np.zeros(0) for name in POINT_COLUMNS}
    k = max(1, -(-len(points) // MAX_POINTS))
    out = {name: points[name].to_numpy()[::k] for name in ("x1", "x2", "label", "split")}
    split = out["split"].astype(str)
    test = np.where(split == "test", names["test"], None)
    out["split_name"] = np.where(split == "train", names["train"], test)
    return out


def _arrow(columns: Columns, names: tuple[str, ...] | list[str]) -> pa.Table:
    return pa.table({name: columns[name] for name in names})


def _colors(cells: Columns, points: Columns, k: int, tr: Tr) -> tuple:
    """(cell tooltips, cell colour, point fill, cell columns) for the task: k classes (0 for
    regression). Two classes: P(class 1) from pale blue through white to pale orange; more: the
    predicted class's pale colour, whiter where unsure; regression: one diverging scale."""
    columns = list(CELL_COLUMNS)
    if k == 2:
        title = tr("charts.prob_class1")
        tips = [tip("value", QUANT, title, ".3g")]
        fill = field("value", QUANT, scale=_diverging((0, 0.5, 1), PALE), title=title)
        dot_fill = field("label", NOMINAL, legend=None, scale=_classes(k))
        return tips, fill, dot_fill, [*columns, "klass"]
    if k > 2:
        tips = [
            tip("klass", NOMINAL, tr("charts.class")),
            tip("value", QUANT, tr("charts.confidence"), ".3g"),
        ]
        cells["tint"] = _tint(cells["klass"], cells["value"], k)
        fill = {"field": "tint", "scale": None, "type": NOMINAL}
        dot_fill = field("label", NOMINAL, scale=_classes(k), title=tr("charts.class"))
        return tips, fill, dot_fill, [*columns, "klass", "tint"]
    title = tr("charts.prediction")
    # symmetric around 0, out to a coarse grid: the predictions' extremes move every burst
    m = nice_ceil(float(np.nanmax(np.abs(np.concatenate([cells["value"], points["label"]])))))
    fill = field("value", QUANT, scale=_diverging((-m, 0, m), PALE), title=title)
    dot_fill = field("label", QUANT, legend=None, scale=_diverging((-m, 0, m), STRONG))
    return [tip("value", QUANT, title, ".3g")], fill, dot_fill, columns


def decision_chart(surface: pd.DataFrame | None, points: pd.DataFrame | None, tr: Tr) -> Spec:
    """The model's output over the plane (_colors) with the data on top (train: circles, test:
    diamonds). The surface is opaque (pale colours, no grid) so no seams or grid lines show
    through. The task is read from `surface`: a `klass` column means classification.
    Empty or None surface: placeholder chart; None points: the surface alone."""
    cells = _cells(surface) if surface is not None and not surface.empty else {}
    if not len(cells.get("value", ())):
        return placeholder(tr)
    classify = "klass" in cells
    given = points if points is not None else pd.DataFrame()
    k = 0
    if classify:  # classes: as views.decision_surface says, else as many as the data shows
        seen = max(int(cells["klass"].max()), int(given["label"].max()) if len(given) else 0)
        k = max(int(surface.attrs.get("n_classes", seen + 1)), 2)
    names = {"train": tr("charts.train"), "test": tr("charts.test")}
    points = _points(given, names)
    tips, fill, dot_fill, cell_columns = _colors(cells, points, k, tr)
    x_scale = {"domain": [float(cells["x1_lo"].min()), float(cells["x1_hi"].max())], "nice": False}
    y_scale = {"domain": [float(cells["x2_lo"].min()), float(cells["x2_hi"].max())], "nice": False}
    area = {
        "x": field("x1_lo", QUANT, axis={"grid": False}, scale=x_scale, title=tr("charts.x1")),
        "x2": {"field": "x1_hi"},
        "y": field("x2_lo", QUANT, axis={"grid": False}, scale=y_scale, title=tr("charts.x2")),
        "y2": {"field": "x2_hi"},
        "color": fill,
        "tooltip": [
            tip("x1", QUANT, tr("charts.x1"), ".2f"),
            tip("x2", QUANT, tr("charts.x2"), ".2f"),
            *tips,
        ],
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
    stroke = "white" if classify else "#333"
    dot = mark(
        "point", filled=True, opacity=0.95, size=30, stroke=stroke, strokeWidth=0.6, **UNLABELLED
    )
    data = {"cells": _arrow(cells, cell_columns), "points": _arrow(points, POINT_COLUMNS)}
    layers = [view("cells", mark("rect", **UNLABELLED), area), view("points", dot, dots)]
    # the surface's colour legend must not merge with the points' (legend-less) fill
    independent = {"color": "independent", "fill": "independent"}
    title = tr("charts.surface_title_cls" if classify else "charts.surface_title_reg")
    resolve = {"legend": independent, "scale": independent}
    return chart(data, layers, title, resolve=resolve, usermeta=CANVAS)


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
