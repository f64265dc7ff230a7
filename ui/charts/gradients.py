"""Gradient charts: norm per layer now, update ratio over time (the heatmap: ui.charts.heatmap).

Bands (grad_norm_chart). Cut where the diagnosis judges, on the same quantity: the backward
signal ||dL/dh|| against the last hidden layer's (sim.diagnosis VANISH_RATIO, EXPLODE_RATIO).
Not against the output layer's weight gradient, and not on layer 1's weight gradient, whose
2-unit input makes even a balanced network look lopsided. Bars show magnitudes, not only ratios:
flat but tiny gradients stay visible as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.diagnosis import EXPLODE_RATIO, VANISH_RATIO
from ui.charts import trace
from ui.charts.base import (
    MAX_ROWS,
    MUTED_COLOR,
    SUBTITLE_WIDTH,
    UNDERFLOW_COLOR,
    UNLABELLED,
    Tr,
    at_floor,
    layer_names,
    log_domain,
    metric,
    n_layers,
    thin,
)
from ui.charts.spec import (
    NOMINAL,
    ORDINAL,
    QUANT,
    Spec,
    chart,
    field,
    layer_axis,
    layer_color,
    log_axis,
    mark,
    placeholder,
    step_field,
    tip,
    underflow_marks,
    view,
)
from ui.charts.trace import Trace

# vanishing, healthy, exploding: blue and orange stay apart under deuteranopia and protanopia
# (red against green would not), healthy a neutral grey; each band also carries its name
BAND_COLORS = ("#0072b2", "#bdbdbd", "#e69f00")
BAND_OPACITY = 0.3
LABEL_DECADES = 0.6  # a band thinner than this on the log axis is left unlabelled (no overlap)
UPDATE_GUIDE = 1e-3  # Karpathy's rule of thumb for ||dW|| / ||W|| per step
MAX_LINE_STEPS = 100  # points per update-ratio line: each is a row Vega encodes on every redraw


def _latest(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a metric frame at its latest step."""
    steps = frame["step"].to_numpy()
    return frame[steps == steps.max()].reset_index(drop=True) if len(frame) else frame


def _marked(frame: pd.DataFrame, floor: float, tr: Tr, count: int) -> pd.DataFrame:
    """A metric frame ready for a log axis (at_floor), with the layer's name for the tooltip."""
    return at_floor(frame, floor, tr).assign(layer_name=layer_names(tr, frame["layer"], count))


# ---------------------------------------------------------------------------------------------
# a. gradient norm per layer at the latest recorded step


def grad_norm_chart(
    history: pd.DataFrame,
    tr: Tr,
    before: Trace | None = None,
    subtitle_width: int = SUBTITLE_WIDTH,
) -> Spec:
    """Bars: ||dL/dW|| per layer at the latest recorded step, log axis, input -> output.
    Dots and line: the backward signal ||dL/dh|| at each layer's output, same axis.
    Background bands: vanishing / healthy / exploding, relative to the last hidden layer's
    backward signal (above).
    Exact zeros (float32 underflow) sit at the axis floor, marked and explained in the tooltip.
    `before`: the previous network's bars as a faint labelled line (ui.charts.trace).
    `subtitle_width`: base.NARROW_SUBTITLE_WIDTH in a chart a third of the page wide (Home).
    Empty history: placeholder chart."""
    if not len(history):
        return placeholder(tr)
    grad_all = metric(history, "grad_norm", layers=True)
    signal_all = metric(history, "signal_norm", layers=True)
    grad = _latest(grad_all)
    if grad.empty:
        return placeholder(tr)
    step, count = int(grad["step"].iloc[0]), n_layers(history)
    signal = _latest(signal_all)
    signal = signal[signal["step"] == step]
    last = signal.loc[signal["layer"] == count - 1, "value"]  # the last hidden layer's
    ref = float(last.iloc[0]) if len(last) and last.iloc[0] > 0 else None
    lo, hi = _norm_domain(grad_all, signal_all, count)
    grad, signal = _marked(grad, lo, tr, count), _marked(signal, lo, tr, count)

    layers = list(range(1, count + 1))
    x = field("layer", ORDINAL, axis=layer_axis(tr, count), scale={"domain": layers})
    y_scale = {"clamp": True, "domain": [lo, hi], "type": "log"}
    y = field("shown", QUANT, axis=log_axis(tr("charts.norm_axis"), lo, hi), scale=y_scale)

    data, parts, labels = {"bars": grad}, [], []
    if ref:
        data["bands"], band, label = _bands(ref, lo, hi, tr, y_scale)
        parts.append(band)
        labels.append(label)

    tips = [
        tip("layer_name", NOMINAL, tr("charts.layer")),
        tip("value", QUANT, tr("charts.grad_norm"), ".3e"),
        tip("note", NOMINAL, " "),
    ]
    bars = {"x": x, "y": y, "tooltip": tips}
    colored = {**bars, "color": layer_color(count), "y2": {"datum": lo}}
    parts.append(view("bars", mark("bar", opacity=0.9), colored))
    parts.append(underflow_marks("bars", bars, UNDERFLOW_COLOR))
    if len(signal):
        data["signal"] = signal
        tips_s = [tips[0], tip("value", QUANT, tr("charts.signal_norm"), ".3e"), tips[2]]
        line = {"x": x, "y": y, "tooltip": tips_s}
        parts.append(view("signal", mark("line", color="black", strokeWidth=1.5), line))
        parts.append(view("signal", mark("point", color="black", filled=True, size=40), line))
    if before is not None:
        data["before"] = trace.grad_norm_rows(before, count, lo)
        parts.extend(trace.layers(x, y))
    title, subtitle = tr("charts.grad_norm_title"), _grad_norm_subtitle(tr)
    return chart(data, parts + labels, title, subtitle, subtitle_width=subtitle_width)


def _grad_norm_subtitle(tr: Tr) -> list[str]:
    return [
        tr("charts.grad_norm_subtitle"),
        tr("charts.band_note").format(low=f"{VANISH_RATIO:g}", high=f"{EXPLODE_RATIO:g}"),
    ]


def _bands(ref: float, lo: float, hi: float, tr: Tr, y_scale: Spec) -> tuple[list, Spec, Spec]:
    """(rows, the bands' view, their labels' view): vanishing / healthy / exploding, cut at
    VANISH_RATIO and EXPLODE_RATIO times the last hidden layer's backward signal `ref`."""
    cuts = [lo, ref * VANISH_RATIO, ref * EXPLODE_RATIO, hi]
    names = ["charts.band_vanishing", "charts.band_healthy", "charts.band_exploding"]
    rows = [
        {"band": tr(k), "y": a, "y2": b, "color": c, **_label_at(a, b, lo, hi, tr(k))}
        for k, a, b, c in zip(names, cuts[:-1], cuts[1:], BAND_COLORS, strict=True)
    ]
    band = {
        "color": {"field": "color", "scale": None, "type": NOMINAL},
        "y": field("y", QUANT, scale=y_scale),
        "y2": {"field": "y2"},
    }
    text = {"align": "right", "baseline": "middle", "dx": -4, "fontStyle": "italic"}
    label = {
        "color": {"value": MUTED_COLOR},
        "text": field("label", NOMINAL),
        "x": {"value": {"expr": "width"}},
        "y": field("label_y", QUANT, scale=y_scale),
    }
    # a white halo under each name: it stands at the plot's right edge, over the output layer's
    # bar and the signal's last dot, where it was hard to read
    halo = mark("text", stroke="white", strokeWidth=3, strokeJoin="round", **text)
    labels = {"layer": [view("bands", halo, label), view("bands", mark("text", **text), label)]}
    return rows, view("bands", mark("rect", opacity=BAND_OPACITY), band), labels


def _label_at(a: float, b: float, lo: float, hi: float, name: str) -> dict:
    """A band's label in the middle of its visible part (log scale), or none where that part
    is too thin to hold it without touching its neighbour's."""
    a, b = max(a, lo), min(b, hi)
    thick = b > a and np.log10(b / a) >= LABEL_DECADES
    return {"label": name if thick else "", "label_y": float(np.sqrt(a * b)) if b > a else lo}


def _norm_domain(grad: pd.DataFrame, signal: pd.DataFrame, count: int) -> tuple[float, float]:
    """Whole decades around every norm recorded so far and every recorded step's bands (a
    decade beyond them, so every band shows).

    The whole history, not the latest step alone: the reference signal wanders by about a
    decade from burst to burst, and an axis following it would change the spec, so the browser
    would rebuild the chart instead of swapping its data. This axis only widens, when a norm
    goes where none went before, and the bars move against a still frame.
    `grad`, `signal`: every recorded step's rows of grad_norm and signal_norm (metric())."""
    out = signal.loc[signal["layer"] == count - 1, "value"].to_numpy()
    out = out[out > 0]
    marks = [out.min() * VANISH_RATIO / 10, out.max() * EXPLODE_RATIO * 10] if len(out) else []
    return log_domain(np.concatenate([grad["value"], signal["value"]]), *marks)


# ---------------------------------------------------------------------------------------------
# e. update ratio per layer over time


def update_ratio_chart(history: pd.DataFrame, tr: Tr) -> Spec:
    """||dW|| / ||W|| of each actual step per layer over recorded steps, log axis, one line per
    layer (layer palette), with the ~1e-3 guide line. Updates that were exactly 0 (float32
    underflow) sit on the floor, marked. Empty history: placeholder chart."""
    ratio = metric(history, "update_ratio", layers=True) if len(history) else pd.DataFrame()
    if ratio.empty:
        return placeholder(tr)
    count = n_layers(history)
    # the axis from every recorded step (it only widens), the lines from the thinned ones
    lo, hi = log_domain(ratio["value"].to_numpy(), UPDATE_GUIDE)
    per_layer = min(MAX_LINE_STEPS, (MAX_ROWS - 10) // count)  # 10 rows spare for the guide
    ratio = thin(ratio, max(2, per_layer))
    ratio = _marked(ratio, lo, tr, count)
    y_scale = {"clamp": True, "domain": [lo, hi], "type": "log"}
    base = {
        "x": step_field(tr),
        "y": field("shown", QUANT, axis=log_axis(tr("charts.update_axis"), lo, hi), scale=y_scale),
        "tooltip": [
            tip("layer_name", NOMINAL, tr("charts.layer")),
            tip("step", QUANT, tr("charts.step")),
            tip("value", QUANT, tr("charts.update_ratio"), ".3e"),
            tip("note", NOMINAL, " "),
        ],
    }
    lines = {**base, "color": layer_color(count, tr), "detail": field("layer", NOMINAL)}
    guide_y = {"y": field("y", QUANT, scale=y_scale)}
    text = mark("text", align="left", baseline="top", color="#333", dx=4, dy=3)
    parts = [
        view("guide", mark("rule", color="#555", strokeDash=[6, 4]), guide_y),
        view("guide", text, {**guide_y, "text": field("text", NOMINAL), "x": {"value": 0}}),
        view("ratios", mark("line", strokeWidth=1.5, **UNLABELLED), lines),
        underflow_marks("ratios", base, UNDERFLOW_COLOR),
    ]
    data = {
        "guide": [{"y": UPDATE_GUIDE, "text": tr("charts.update_guide")}],
        "ratios": ratio,
    }
    return chart(data, parts, tr("charts.update_title"), tr("charts.update_subtitle"))
