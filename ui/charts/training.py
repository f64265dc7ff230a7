"""Training charts: loss and accuracy over steps; activation statistics per layer now."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.activations import ACTIVATIONS
from sim.diagnosis import unit_trouble
from ui.charts import trace
from ui.charts.base import (
    MAX_ROWS,
    SPLIT_COLORS,
    UNLABELLED,
    Tr,
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
    share_field,
    step_field,
    tip,
    view,
)
from ui.charts.trace import Trace

MAX_CURVE_POINTS = MAX_ROWS // 4  # per split: train is recorded every step, test every 10th
# A curve of at most this many points also gets a dot per point: one or two steps (a run that
# diverged at once) draw no visible line.
DOTTED_POINTS = 30


# ---------------------------------------------------------------------------------------------
# c. loss and accuracy, train and test, over steps


def _curves(history: pd.DataFrame, tr: Tr, train: str, test: str) -> pd.DataFrame:
    """step, value, split (the split's name) of two metrics, each thinned on its own."""
    parts = [thin(metric(history, name), MAX_CURVE_POINTS) for name in (train, test)]
    names = [tr("charts.train"), tr("charts.test")]
    sizes = [len(part) for part in parts]
    return pd.DataFrame(
        {
            "step": np.concatenate([part["step"].to_numpy() for part in parts]),
            "value": np.concatenate([part["value"].to_numpy() for part in parts]),
            "split": np.repeat(names, sizes),
            "dot": np.repeat([n <= DOTTED_POINTS for n in sizes], sizes),  # data, not spec
        }
    )


def _curve_layers(encoding: Spec, **line: object) -> list[Spec]:
    """The curves as lines, and dots on the short ones (which rows are dotted is data)."""
    dots = view("curves", mark("point", filled=True, size=30), encoding, where="datum.dot")
    return [view("curves", mark("line", strokeWidth=1.5, **UNLABELLED, **line), encoding), dots]


def _split_color(tr: Tr) -> Spec:
    scale = {"domain": [tr("charts.train"), tr("charts.test")], "range": list(SPLIT_COLORS)}
    legend = {"orient": "top", "title": None}
    return field("split", NOMINAL, legend=legend, scale=scale, title=tr("charts.split"))


def _diverged_rule(step: int | None, tr: Tr) -> tuple[dict, list[Spec]]:
    if step is None:
        return {}, []
    data = {"diverged": [{"step": int(step), "text": tr("charts.diverged")}]}
    x = {"x": field("step", QUANT)}
    text = mark("text", align="right", baseline="top", color="#d62728", dx=-3, y=4)
    return data, [
        view("diverged", mark("rule", color="#d62728", strokeDash=[4, 3]), x),
        view("diverged", text, {**x, "text": field("text", NOMINAL)}),
    ]


def loss_chart(
    history: pd.DataFrame, tr: Tr, diverged_step: int | None = None, before: Trace | None = None
) -> Spec:
    """Training loss (every step, thinned) and test loss (recorded steps) on a log axis.
    `diverged_step` (BurstResult.diverged_step) draws a red rule where the run blew up.
    `before`: the previous network's training loss as a faint labelled line (ui.charts.trace).
    Empty history: placeholder chart."""
    curves = _curves(history, tr, "loss", "test_loss") if len(history) else pd.DataFrame()
    if curves.empty:
        return placeholder(tr)
    old = trace.loss_rows(before, 0.0) if before is not None else None
    lo, hi = log_domain(curves["value"].to_numpy(), *(old["value"] if old is not None else ()))
    curves["value"] = np.maximum(curves["value"].to_numpy(), lo)  # a loss of 0 sits on the floor
    encoding = {
        "x": step_field(tr),
        "y": field(
            "value",
            QUANT,
            axis=log_axis(tr("charts.loss_axis"), lo, hi),
            scale={"domain": [lo, hi], "type": "log"},
        ),
        "color": _split_color(tr),
        "tooltip": [
            tip("split", NOMINAL, tr("charts.split")),
            tip("step", QUANT, tr("charts.step")),
            tip("value", QUANT, tr("charts.loss"), ".4g"),
        ],
    }
    rule_data, rules = _diverged_rule(diverged_step, tr)
    data = {"curves": curves, **rule_data}
    if old is not None:
        data["before"] = old.assign(value=np.maximum(old["value"].to_numpy(), lo))
        rules += trace.layers(encoding["x"], encoding["y"])
    return chart(
        data, [*_curve_layers(encoding, clip=True), *rules], tr("charts.loss_title"), legend_rows=1
    )


def accuracy_chart(history: pd.DataFrame, tr: Tr) -> Spec | None:
    """Training accuracy (per batch, every step, thinned) and test accuracy, 0-100%.
    None when the history has rows but no accuracy (a regression task: nothing to draw);
    placeholder chart on an empty history."""
    if history.empty:
        return placeholder(tr)
    curves = _curves(history, tr, "train_acc", "test_acc")
    if curves.empty:
        return None
    encoding = {
        "x": step_field(tr),
        "y": share_field(tr("charts.accuracy")),
        "color": _split_color(tr),
        "tooltip": [
            tip("split", NOMINAL, tr("charts.split")),
            tip("step", QUANT, tr("charts.step")),
            tip("value", QUANT, tr("charts.accuracy"), ".1%"),
        ],
    }
    return chart(
        {"curves": curves}, _curve_layers(encoding), tr("charts.accuracy_title"), legend_rows=1
    )


# ---------------------------------------------------------------------------------------------
# d. activation statistics per layer at the latest recorded step


def _latest_wide(history: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per hidden layer at the latest step of any of `names`, one column per metric that
    has rows there (rows missing one of those dropped)."""
    picked = history[history["metric"].isin(names) & (history["layer"] > 0)]
    if picked.empty:
        return pd.DataFrame()
    steps = picked["step"].to_numpy()
    picked = picked[steps == steps.max()]
    layer = picked["layer"].to_numpy(np.int64)
    metric, value = picked["metric"].to_numpy(), picked["value"].to_numpy(np.float64)
    layers = np.unique(layer)
    wide = {"layer": layers}
    for name in names:
        here = metric == name
        if here.any():
            column = np.full(len(layers), np.nan)
            column[np.searchsorted(layers, layer[here])] = value[here]
            wide[name] = column
    frame = pd.DataFrame(wide)
    return frame[frame.notna().all(axis=1).to_numpy()].reset_index(drop=True)


def activation_chart(history: pd.DataFrame, tr: Tr) -> Spec:
    """Mean (dot) +- one standard deviation (bar) of each hidden layer's post-activation
    values over the batch at the latest recorded step, coloured by layer. A collapsing std
    toward the input or output is the forward-pass face of vanishing. Empty history:
    placeholder chart."""
    wide = _latest_wide(history, ("act_mean", "act_std")) if len(history) else pd.DataFrame()
    if wide.empty or "act_std" not in wide.columns:
        return placeholder(tr)
    count = n_layers(history)
    mean, std = wide["act_mean"].to_numpy(), wide["act_std"].to_numpy()
    stats = pd.DataFrame(
        {
            "layer": wide["layer"].to_numpy(),
            "act_mean": mean,
            "act_std": std,
            "lo": mean - std,
            "hi": mean + std,
            "layer_name": layer_names(tr, wide["layer"], count),
        }
    )
    base = {
        "x": field(
            "layer", ORDINAL, axis=layer_axis(tr, count), scale={"domain": list(range(1, count))}
        ),
        "color": layer_color(count),
        "tooltip": [
            tip("layer_name", NOMINAL, tr("charts.layer")),
            tip("act_mean", QUANT, tr("charts.act_mean"), ".3g"),
            tip("act_std", QUANT, tr("charts.act_std"), ".3g"),
        ],
    }
    spread = {**base, "y": field("lo", QUANT, title=tr("charts.act_axis")), "y2": {"field": "hi"}}
    mean = {**base, "y": field("act_mean", QUANT)}
    parts = [
        view("layers", mark("rule", opacity=0.6, strokeWidth=3), spread),
        view("layers", mark("point", filled=True, opacity=1, size=70), mean),
    ]
    title, subtitle = tr("charts.act_title"), tr("charts.act_subtitle")
    return chart({"layers": stats}, parts, title, subtitle)


UNIT_COLORS = ("#56b4e9", "#8c8c8c", "#c2410c")  # flat region, dead, a problem (Okabe-Ito-like)


def unit_health_chart(history: pd.DataFrame, tr: Tr, activation: str | None = None) -> Spec:
    """Per hidden layer at the latest recorded step: the share of (sample, unit) inputs in the
    activation's flat region (saturation; for ReLU the negative side) and the share of units
    silent for the whole batch (dead), side by side, 0-100%. Empty history: placeholder.
    A bar is in the warning colour, marked "!", only where sim.diagnosis.unit_trouble calls it a
    problem for `activation` (a name in sim.activations; none: nothing is judged). One legend
    entry a line, so none is cut off."""
    names = ("saturation", "dead_fraction")
    wide = _latest_wide(history, names) if len(history) else pd.DataFrame()
    if wide.empty or not set(names) <= set(wide.columns):
        return placeholder(tr)
    count = n_layers(history)
    kinds = [tr("charts.saturation"), tr("charts.dead")]
    act = ACTIVATIONS.get(activation or "")
    sat, dead = (wide[name].to_numpy(np.float64) for name in names)
    hot, silent = unit_trouble(sat, dead, act) if act else (sat < 0, dead < 0)
    layer = np.tile(wide["layer"].to_numpy(), len(names))
    trouble = np.concatenate([hot, silent])
    shades = [*kinds, tr("charts.unit_problem")]
    shares = pd.DataFrame(
        {
            "layer": layer,
            "kind": np.repeat(kinds, len(wide)),
            "value": np.concatenate([sat, dead]),
            "layer_name": layer_names(tr, layer, count),
            "shade": np.where(trouble, shades[2], np.repeat(kinds, len(wide))),
            "mark": np.where(trouble, "!", ""),  # a second cue beside the colour
        }
    )
    encoding = _unit_encoding(tr, count, kinds, shades)
    label = {k: v for k, v in encoding.items() if k in ("x", "xOffset", "y")}
    label["text"] = field("mark", NOMINAL)
    text = mark("text", baseline="bottom", dy=-2, fontWeight="bold", color=UNIT_COLORS[2])
    layers = [view("shares", mark("bar"), encoding), view("shares", text, label)]
    subtitle = tr("charts.units_relu_note") if act is not None and act.dead else None
    title, legend = tr("charts.units_title"), len(shades)  # the legend: one shade a row, on top
    return chart({"shares": shares}, layers, title, subtitle, legend_rows=legend)


def _unit_encoding(tr: Tr, count: int, kinds: list[str], shades: list[str]) -> Spec:
    return {
        "x": field(
            "layer", ORDINAL, axis=layer_axis(tr, count), scale={"domain": list(range(1, count))}
        ),
        "xOffset": field("kind", NOMINAL, sort=kinds),
        "y": share_field(tr("charts.share")),
        "color": field(
            "shade",
            NOMINAL,
            legend={"columns": 1, "labelLimit": 0, "orient": "top"},
            scale={"domain": shades, "range": list(UNIT_COLORS)},
            title=None,
        ),
        "tooltip": [
            tip("layer_name", NOMINAL, tr("charts.layer")),
            tip("kind", NOMINAL, tr("charts.unit_kind")),
            tip("value", QUANT, tr("charts.share"), ".1%"),
        ],
    }
