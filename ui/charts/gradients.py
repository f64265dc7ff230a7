"""Gradient charts: norm per layer now, norm per layer over time, update ratio over time.

Bands (grad_norm_chart). Each layer's weight-gradient norm is judged against the output
layer's, the layer next to the loss where nothing has vanished yet: below 1/100 of it is
"vanishing", above 100x "exploding", the same factors the diagnosis uses (sim.diagnosis
VANISH_RATIO, EXPLODE_RATIO). The diagnosis itself judges the backward signal between hidden
layers, because layer 1 has only 2 inputs and sits near 0.1x the output even in a balanced
network; 0.1x lies inside the healthy band, so the bands and the diagnosis agree there. Bars show
magnitudes, not only ratios: flat but tiny gradients stay visible as such.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from sim.diagnosis import EXPLODE_RATIO, VANISH_RATIO
from ui.charts.base import (
    HEIGHT,
    MAX_ROWS,
    UNDERFLOW_COLOR,
    Tr,
    at_floor,
    layer_axis,
    layer_color,
    layer_names,
    log_axis,
    log_domain,
    metric,
    n_layers,
    placeholder,
    thin,
    titled,
)

BAND_COLORS = ("#9ecae1", "#a1d99b", "#fc9272")  # vanishing, healthy, exploding
UPDATE_GUIDE = 1e-3  # Karpathy's rule of thumb for ||dW|| / ||W|| per step
MAX_COLUMNS = 200  # heatmap steps
HEATMAP_MIN_SPREAD = 2.5  # decades either side of the output layer's norm, at least


def _latest(history: pd.DataFrame, name: str) -> pd.DataFrame:
    rows = metric(history, name, layers=True)
    return rows[rows["step"] == rows["step"].max()].reset_index(drop=True)


def _notes(tr: Tr, frame: pd.DataFrame, count: int) -> pd.DataFrame:
    frame["layer_name"] = layer_names(tr, frame["layer"], count)
    frame["note"] = np.where(frame["underflow"], tr("charts.underflow"), "")
    return frame


def _underflow_marks(base: alt.Chart) -> alt.Chart:
    """Zeros drawn at the floor of a log axis: a red triangle pointing down."""
    return base.transform_filter("datum.underflow").mark_point(
        shape="triangle-down", filled=True, size=90, color=UNDERFLOW_COLOR
    )


# ---------------------------------------------------------------------------------------------
# a. gradient norm per layer at the latest recorded step


def grad_norm_chart(history: pd.DataFrame, tr: Tr) -> alt.Chart:
    """Bars: ||dL/dW|| per layer at the latest recorded step, log axis, input -> output.
    Dots and line: the backward signal ||dL/dh|| at each layer's output, same axis.
    Background bands: vanishing / healthy / exploding, relative to the output layer (above).
    Exact zeros (float32 underflow) sit at the axis floor, marked and explained in the tooltip.
    Empty history: placeholder chart."""
    grad = _latest(history, "grad_norm") if len(history) else pd.DataFrame()
    if grad.empty:
        return placeholder(tr)
    step, count = int(grad["step"].iloc[0]), n_layers(history)
    signal = _latest(history, "signal_norm")
    signal = signal[signal["step"] == step]
    out = grad.loc[grad["layer"] == count, "value"]
    ref = float(out.iloc[0]) if len(out) and out.iloc[0] > 0 else None
    marks = [ref * VANISH_RATIO / 10, ref * EXPLODE_RATIO * 10] if ref else []  # every band shows
    lo, hi = log_domain(np.concatenate([grad["value"], signal["value"]]), *marks)
    grad = _notes(tr, at_floor(grad, lo), count)
    signal = _notes(tr, at_floor(signal, lo), count)

    layers = list(range(1, count + 1))
    x = alt.X("layer:O", scale=alt.Scale(domain=layers), axis=layer_axis(tr, count))
    y_scale = alt.Scale(type="log", domain=[lo, hi], clamp=True)
    y = alt.Y("shown:Q", scale=y_scale, axis=log_axis(tr("charts.norm_axis"), lo, hi))

    parts, labels = [], []
    if ref:
        cuts = [lo, ref * VANISH_RATIO, ref * EXPLODE_RATIO, hi]
        names = ["charts.band_vanishing", "charts.band_healthy", "charts.band_exploding"]
        bands = pd.DataFrame(
            {
                "band": [tr(k) for k in names],
                "y": cuts[:-1],
                "y2": cuts[1:],
                "color": BAND_COLORS,
            }
        )
        band = alt.Chart(bands).encode(
            y=alt.Y("y:Q", scale=y_scale), y2="y2:Q", color=alt.Color("color:N", scale=None)
        )
        parts.append(band.mark_rect(opacity=0.25))
        labels.append(
            alt.Chart(bands)
            .mark_text(align="right", baseline="top", dx=-4, dy=3, fontStyle="italic")
            .encode(
                x=alt.XValue(alt.ExprRef("width")),
                y=alt.Y("y2:Q", scale=y_scale),
                text="band:N",
                color=alt.value("#555"),
            )
        )

    tip = [
        alt.Tooltip("layer_name:N", title=tr("charts.layer")),
        alt.Tooltip("value:Q", title=tr("charts.grad_norm"), format=".3e"),
        alt.Tooltip("note:N", title=" "),
    ]
    bars = alt.Chart(grad).encode(x=x, y=y, tooltip=tip)
    parts.append(bars.mark_bar(opacity=0.9).encode(y2=alt.Y2Datum(lo), color=layer_color(count)))
    parts.append(_underflow_marks(bars))
    if len(signal):
        tip_s = [
            tip[0],
            alt.Tooltip("value:Q", title=tr("charts.signal_norm"), format=".3e"),
            tip[2],
        ]
        line = alt.Chart(signal).encode(x=x, y=y, tooltip=tip_s)
        parts.append(line.mark_line(color="black", strokeWidth=1.5))
        parts.append(line.mark_point(color="black", filled=True, size=40))
    chart = alt.layer(*parts, *labels).properties(height=HEIGHT)
    subtitle = [
        tr("charts.grad_norm_subtitle"),
        tr("charts.band_note").format(low=f"{VANISH_RATIO:g}", high=f"{EXPLODE_RATIO:g}"),
    ]
    return titled(chart, tr("charts.grad_norm_title").format(step=step), subtitle)


# ---------------------------------------------------------------------------------------------
# b. layer x step heatmap of log10 gradient norm


def _step_edges(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell edges halfway between neighbouring shown steps, so thinned-out gaps stay honest."""
    if len(steps) == 1:
        return steps - 0.5, steps + 0.5
    mid = (steps[1:] + steps[:-1]) / 2
    lo = np.concatenate([[max(steps[0] - (mid[0] - steps[0]), 0.0)], mid])
    hi = np.concatenate([mid, [steps[-1] + (steps[-1] - mid[-1])]])
    return lo, hi


def grad_heatmap_chart(history: pd.DataFrame, tr: Tr, max_columns: int = MAX_COLUMNS) -> alt.Chart:
    """Layer (rows, output on top) x step (columns) coloured by log10 ||dL/dW||. At most
    `max_columns` recorded steps, fewer for deep networks so that cells <= MAX_ROWS. Colours
    diverge around the output layer's typical norm: blue is smaller (vanishing side), red
    larger. Zeros (float32 underflow) are dark grey cells. Empty history: placeholder chart."""
    grad = metric(history, "grad_norm", layers=True) if len(history) else pd.DataFrame()
    if grad.empty:
        return placeholder(tr)
    count = n_layers(history)
    grad = thin(grad, max(2, min(max_columns, MAX_ROWS // count)))
    steps = np.unique(grad["step"].to_numpy())
    lo, hi = _step_edges(steps.astype(np.float64))
    pos = np.searchsorted(steps, grad["step"].to_numpy())
    grad["step_lo"], grad["step_hi"] = lo[pos], hi[pos]
    grad["underflow"] = grad["value"] <= 0
    grad["log10"] = np.log10(grad["value"].where(~grad["underflow"], 1.0))
    finite = grad.loc[~grad["underflow"], "log10"]
    grad.loc[grad["underflow"], "log10"] = (finite.min() - 1) if len(finite) else -45.0
    grad = _notes(tr, grad, count)
    out = grad.loc[(grad["layer"] == count) & ~grad["underflow"], "log10"]
    mid = float(out.median()) if len(out) else float(finite.median()) if len(finite) else 0.0
    # symmetric around the output layer, and never narrower than the bands of grad_norm_chart
    # (+-2 decades), so a healthy network looks pale instead of every small wobble glowing
    spread = max(HEATMAP_MIN_SPREAD, float((finite - mid).abs().max()) if len(finite) else 0.0)

    base = alt.Chart(grad).encode(
        x=alt.X("step_lo:Q", title=tr("charts.step"), scale=alt.Scale(nice=False, zero=False)),
        x2="step_hi:Q",
        y=alt.Y(
            "layer:O",
            sort="descending",
            scale=alt.Scale(domain=list(range(count, 0, -1))),
            axis=layer_axis(tr, count, labelOverlap=True),
        ),
        tooltip=[
            alt.Tooltip("layer_name:N", title=tr("charts.layer")),
            alt.Tooltip("step:Q", title=tr("charts.step")),
            alt.Tooltip("value:Q", title=tr("charts.grad_norm"), format=".3e"),
            alt.Tooltip("note:N", title=" "),
        ],
    )
    color = alt.Color(
        "log10:Q",
        title=tr("charts.log10_grad"),
        scale=alt.Scale(scheme="redblue", reverse=True, domain=[mid - spread, mid + spread]),
    )
    cells = base.transform_filter("!datum.underflow").mark_rect().encode(color=color)
    zeros = base.transform_filter("datum.underflow").mark_rect(color="#333")
    chart = alt.layer(cells, zeros).properties(height=HEIGHT)
    return titled(chart, tr("charts.heatmap_title"), tr("charts.heatmap_subtitle"))


# ---------------------------------------------------------------------------------------------
# e. update ratio per layer over time


def update_ratio_chart(history: pd.DataFrame, tr: Tr) -> alt.Chart:
    """||dW|| / ||W|| of each actual step per layer over recorded steps, log axis, one line per
    layer (layer palette), with the ~1e-3 guide line. Updates that were exactly 0 (float32
    underflow) sit on the floor, marked. Empty history: placeholder chart."""
    ratio = metric(history, "update_ratio", layers=True) if len(history) else pd.DataFrame()
    if ratio.empty:
        return placeholder(tr)
    count = n_layers(history)
    ratio = thin(ratio, max(2, (MAX_ROWS - 10) // count))  # 10 rows spare for the guide
    lo, hi = log_domain(ratio["value"].to_numpy(), UPDATE_GUIDE)
    ratio = _notes(tr, at_floor(ratio, lo), count)
    y_scale = alt.Scale(type="log", domain=[lo, hi], clamp=True)
    base = alt.Chart(ratio).encode(
        x=alt.X("step:Q", title=tr("charts.step")),
        y=alt.Y("shown:Q", scale=y_scale, axis=log_axis(tr("charts.update_axis"), lo, hi)),
        tooltip=[
            alt.Tooltip("layer_name:N", title=tr("charts.layer")),
            alt.Tooltip("step:Q", title=tr("charts.step")),
            alt.Tooltip("value:Q", title=tr("charts.update_ratio"), format=".3e"),
            alt.Tooltip("note:N", title=" "),
        ],
    )
    lines = base.mark_line(strokeWidth=1.5).encode(color=layer_color(count, tr), detail="layer:N")
    guide_frame = pd.DataFrame({"y": [UPDATE_GUIDE], "text": [tr("charts.update_guide")]})
    guide = alt.Chart(guide_frame).encode(y=alt.Y("y:Q", scale=y_scale))
    parts = [
        guide.mark_rule(strokeDash=[6, 4], color="#555"),
        guide.mark_text(align="left", baseline="top", dx=4, dy=3, color="#333").encode(
            x=alt.XValue(0), text="text:N"
        ),
        lines,
        _underflow_marks(base),
    ]
    chart = alt.layer(*parts).properties(height=HEIGHT)
    return titled(chart, tr("charts.update_title"), tr("charts.update_subtitle"))
