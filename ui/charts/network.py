"""What the network does right now: its output over the data, and the distributions inside it.
Inputs come from sim.views (decision_surface, data_points, distributions)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.base import (
    HEIGHT,
    UNDERFLOW_COLOR,
    Tr,
    layer_color,
    layer_names,
    placeholder,
    titled,
)

MAX_POINTS = 1000  # data points drawn over the surface (every k-th beyond that)
MAX_CELLS = 3600  # surface cells drawn (a finer grid is thinned to every k-th row and column)
MAX_LAYERS_SHOWN = 6  # distributions: default number of layers overlaid
CLASS_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2")  # class 0..3: points
PALE_CLASSES = ("#a9c1dc", "#fbc28c", "#aad0a5", "#d8bcd0")  # the same, pale: surfaces
STRONG = (CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1])  # diverging, for points
PALE = (PALE_CLASSES[0], "#ffffff", PALE_CLASSES[1])  # diverging, for surfaces


# ---------------------------------------------------------------------------------------------
# f. decision boundary (classification) or fit (regression)


def _cells(surface: pd.DataFrame) -> pd.DataFrame:
    """Grid points -> rectangles around them, at most MAX_CELLS of them; non-finite values (a
    diverging run) dropped."""
    cells = surface
    stride = math.ceil(math.sqrt(len(cells) / MAX_CELLS))
    if stride > 1:
        keep = np.ones(len(cells), dtype=bool)
        for col in ("x1", "x2"):
            index = np.searchsorted(np.unique(cells[col].to_numpy()), cells[col].to_numpy())
            keep &= index % stride == 0
        cells = cells[keep]
    cells = cells.copy()
    for col in ("x1", "x2"):
        grid = np.unique(cells[col].to_numpy())
        # a hair over half a step, so neighbouring cells overlap and no seams show between them
        half = (grid[1] - grid[0]) * 0.52 if len(grid) > 1 else 0.5
        cells[f"{col}_lo"], cells[f"{col}_hi"] = cells[col] - half, cells[col] + half
    return cells[np.isfinite(cells["value"].to_numpy())]


def decision_chart(surface: pd.DataFrame | None, points: pd.DataFrame | None, tr: Tr) -> alt.Chart:
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
    points = points.iloc[:: max(1, -(-len(points) // MAX_POINTS))].copy()
    names = {"train": tr("charts.train"), "test": tr("charts.test")}
    points["split_name"] = points["split"].map(names)
    x_scale = alt.Scale(domain=[cells["x1_lo"].min(), cells["x1_hi"].max()], nice=False)
    y_scale = alt.Scale(domain=[cells["x2_lo"].min(), cells["x2_hi"].max()], nice=False)
    axis = {"grid": False}

    if classify and k == 2:
        title = tr("charts.prob_class1")
        tip = [alt.Tooltip("value:Q", title=title, format=".3g")]
        fill = alt.Color("value:Q", title=title, scale=_diverging((0, 0.5, 1), PALE))
        dot_fill = alt.Fill("label:N", scale=_classes(k), legend=None)
    elif classify:
        tip = [
            alt.Tooltip("klass:N", title=tr("charts.class")),
            alt.Tooltip("value:Q", title=tr("charts.confidence"), format=".3g"),
        ]
        cells["tint"] = _tint(cells["klass"].to_numpy(), cells["value"].to_numpy(), k)
        fill = alt.Color("tint:N", scale=None)
        dot_fill = alt.Fill("label:N", scale=_classes(k), title=tr("charts.class"))
    else:
        title = tr("charts.prediction")
        tip = [alt.Tooltip("value:Q", title=title, format=".3g")]
        m = float(np.nanmax(np.abs(np.concatenate([cells["value"], points["label"]])))) or 1.0
        fill = alt.Color("value:Q", title=title, scale=_diverging((-m, 0, m), PALE))
        dot_fill = alt.Fill("label:Q", scale=_diverging((-m, 0, m), STRONG), legend=None)
    area = (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("x1_lo:Q", title=tr("charts.x1"), scale=x_scale, axis=alt.Axis(**axis)),
            x2="x1_hi:Q",
            y=alt.Y("x2_lo:Q", title=tr("charts.x2"), scale=y_scale, axis=alt.Axis(**axis)),
            y2="x2_hi:Q",
            color=fill,
            tooltip=tip,
        )
    )
    label_tip = "charts.class" if classify else "charts.target"
    dots = (
        alt.Chart(points)
        .mark_point(
            filled=True,
            size=30,
            stroke="white" if classify else "#333",
            strokeWidth=0.6,
            opacity=0.95,
        )
        .encode(
            x=alt.X("x1:Q", scale=x_scale),
            y=alt.Y("x2:Q", scale=y_scale),
            fill=dot_fill,
            shape=alt.Shape(
                "split_name:N",
                title=tr("charts.split"),
                scale=alt.Scale(domain=list(names.values()), range=["circle", "diamond"]),
            ),
            tooltip=[
                alt.Tooltip("split_name:N", title=tr("charts.split")),
                alt.Tooltip("label:N" if classify else "label:Q", title=tr(label_tip), format=""),
            ],
        )
    )
    # the surface's colour legend must not merge with the points' (legend-less) fill
    chart = (
        alt.layer(area, dots)
        .resolve_scale(color="independent", fill="independent")
        .resolve_legend(color="independent", fill="independent")
        .properties(height=HEIGHT + 60)
    )
    title = tr("charts.surface_title_cls" if classify else "charts.surface_title_reg")
    return titled(chart, title)


def _diverging(domain: tuple[float, float, float], colors: tuple[str, str, str]) -> alt.Scale:
    return alt.Scale(domain=list(domain), range=list(colors), interpolate="rgb")


def _classes(k: int) -> alt.Scale:
    return alt.Scale(
        domain=list(range(k)), range=[CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(k)]
    )


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
) -> alt.Chart:
    """Overlaid histograms, one step-outline per layer (layer palette), of one quantity from
    sim.views.distributions: "activation" (post-activation values) or "gradient" (log10 |dL/dW|
    per weight entry). The y axis is the share of the layer's entries, so layers of different
    size compare. Bins are shared across layers: for gradients, a curve sliding left from the
    output layer to the input is vanishing, seen entry by entry. Exact zeros (no place on a log
    axis) are a red triangle left of the axis, their share in the tooltip.
    `layers`: which layers to overlay (a selector's choice); default pick_layers(all).
    Empty or None frame, or no such quantity: placeholder chart."""
    if dist is None or dist.empty:
        return placeholder(tr)
    rows = dist[dist["quantity"] == quantity]
    if rows.empty:
        return placeholder(tr)
    count = int(dist["layer"].max())  # gradient rows include the output layer
    chosen = list(layers) if layers is not None else pick_layers(rows["layer"].unique())
    rows = rows[rows["layer"].isin(chosen)].copy()
    if rows.empty:
        return placeholder(tr)
    rows["share"] = rows["count"] / rows["total"].clip(lower=1)
    # a closing point at each layer's last bin edge, so the last bin's step is drawn
    last = rows.sort_values("bin_lo").groupby("layer").tail(1).copy()
    last["bin_lo"] = last["bin_hi"]
    outline = pd.concat([rows, last], ignore_index=True)
    outline["layer_name"] = layer_names(tr, outline["layer"], count)
    zeros = rows.groupby("layer", as_index=False)[["zeros", "total"]].first()
    zeros = zeros[zeros["zeros"] > 0].copy()
    width = float(rows["bin_hi"].iloc[0] - rows["bin_lo"].iloc[0])
    lo, hi = float(rows["bin_lo"].min()), float(rows["bin_hi"].max())
    slot = lo - 1.5 * width  # where exact zeros are drawn, left of a dashed rule at lo
    x_scale = alt.Scale(domain=[slot - width if len(zeros) else lo, hi], nice=False, zero=False)
    color = layer_color(count, tr, shown=sorted(chosen))
    tip_layer = alt.Tooltip("layer_name:N", title=tr("charts.layer"))
    tip_share = alt.Tooltip("share:Q", title=tr("charts.share_entries"), format=".2%")
    y = alt.Y("share:Q", title=tr("charts.share_entries"), axis=alt.Axis(format="%"), stack=None)
    area = (
        alt.Chart(outline)
        .mark_area(interpolate="step-after", opacity=0.12, line={"strokeWidth": 1.5})
        .encode(
            x=alt.X(
                "bin_lo:Q",
                title=tr(f"charts.dist_axis_{quantity}"),
                scale=x_scale,
                # no number under the zeros' slot: it is not a position on the log axis
                axis=alt.Axis(labelExpr=f"datum.value < {lo} ? '' : datum.label"),
            ),
            y=y,
            color=color,
            detail="layer:N",
            tooltip=[
                tip_layer,
                alt.Tooltip("bin_lo:Q", title=tr("charts.bin_from"), format=".3g"),
                alt.Tooltip("bin_hi:Q", title=tr("charts.bin_to"), format=".3g"),
                tip_share,
            ],
        )
    )
    parts = [area]
    if len(zeros):
        zeros["share"] = zeros["zeros"] / zeros["total"]
        zeros["x"] = slot
        zeros["layer_name"] = layer_names(tr, zeros["layer"], count)
        zeros["note"] = tr("charts.zeros")
        marks = alt.Chart(zeros).encode(x=alt.X("x:Q", scale=x_scale))
        parts += [
            alt.Chart(pd.DataFrame({"x": [lo]}))
            .mark_rule(strokeDash=[3, 3], color="#888")
            .encode(x=alt.X("x:Q", scale=x_scale)),
            marks.mark_point(shape="diamond", filled=True, size=90, opacity=1).encode(
                y=y,
                color=color,
                tooltip=[tip_layer, alt.Tooltip("note:N", title=" "), tip_share],
            ),
            alt.Chart(pd.DataFrame({"x": [slot], "text": ["= 0"]}))
            .mark_text(baseline="bottom", dy=-3, color=UNDERFLOW_COLOR)
            .encode(
                x=alt.X("x:Q", scale=x_scale), y=alt.YValue(alt.ExprRef("height")), text="text:N"
            ),
        ]
    chart = alt.layer(*parts).properties(height=HEIGHT)
    return titled(chart, tr(f"charts.dist_title_{quantity}"), tr("charts.dist_subtitle"))
