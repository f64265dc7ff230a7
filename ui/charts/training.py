"""Training charts: loss and accuracy over steps; activation statistics per layer now."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.base import (
    HEIGHT,
    MAX_ROWS,
    SPLIT_COLORS,
    Tr,
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

MAX_CURVE_POINTS = MAX_ROWS // 4  # per split: train is recorded every step, test every 10th


# ---------------------------------------------------------------------------------------------
# c. loss and accuracy, train and test, over steps


def _curves(history: pd.DataFrame, tr: Tr, train: str, test: str) -> pd.DataFrame:
    parts = []
    for name, split in ((train, "charts.train"), (test, "charts.test")):
        rows = thin(metric(history, name), MAX_CURVE_POINTS)
        parts.append(rows.assign(split=tr(split)))
    return pd.concat(parts, ignore_index=True)


def _split_color(tr: Tr) -> alt.Color:
    return alt.Color(
        "split:N",
        title=tr("charts.split"),
        scale=alt.Scale(domain=[tr("charts.train"), tr("charts.test")], range=SPLIT_COLORS),
        legend=alt.Legend(orient="top", title=None),
    )


def _diverged_rule(step: int | None, tr: Tr) -> list[alt.Chart]:
    if step is None:
        return []
    rule = alt.Chart(pd.DataFrame({"step": [step], "text": [tr("charts.diverged")]}))
    return [
        rule.mark_rule(color="#d62728", strokeDash=[4, 3]).encode(x="step:Q"),
        rule.mark_text(color="#d62728", align="right", baseline="top", dx=-3, y=4).encode(
            x="step:Q", text="text:N"
        ),
    ]


def loss_chart(history: pd.DataFrame, tr: Tr, diverged_step: int | None = None) -> alt.Chart:
    """Training loss (every step, thinned) and test loss (recorded steps) on a log axis.
    `diverged_step` (BurstResult.diverged_step) draws a red rule where the run blew up.
    Empty history: placeholder chart."""
    curves = _curves(history, tr, "loss", "test_loss") if len(history) else pd.DataFrame()
    if curves.empty:
        return placeholder(tr)
    lo, hi = log_domain(curves["value"].to_numpy())
    curves["value"] = curves["value"].clip(lower=lo)  # a loss of exactly 0 sits on the floor
    lines = (
        alt.Chart(curves)
        .mark_line(strokeWidth=1.5, clip=True)
        .encode(
            x=alt.X("step:Q", title=tr("charts.step")),
            y=alt.Y(
                "value:Q",
                scale=alt.Scale(type="log", domain=[lo, hi]),
                axis=log_axis(tr("charts.loss_axis"), lo, hi),
            ),
            color=_split_color(tr),
            tooltip=[
                alt.Tooltip("split:N", title=tr("charts.split")),
                alt.Tooltip("step:Q", title=tr("charts.step")),
                alt.Tooltip("value:Q", title=tr("charts.loss"), format=".4g"),
            ],
        )
    )
    chart = alt.layer(lines, *_diverged_rule(diverged_step, tr)).properties(height=HEIGHT)
    return titled(chart, tr("charts.loss_title"))


def accuracy_chart(history: pd.DataFrame, tr: Tr) -> alt.Chart | None:
    """Training accuracy (per batch, every step, thinned) and test accuracy, 0-100%.
    None when the history has rows but no accuracy (a regression task: nothing to draw);
    placeholder chart on an empty history."""
    if history.empty:
        return placeholder(tr)
    curves = _curves(history, tr, "train_acc", "test_acc")
    if curves.empty:
        return None
    lines = (
        alt.Chart(curves)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X("step:Q", title=tr("charts.step")),
            y=alt.Y(
                "value:Q",
                title=tr("charts.accuracy"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=_split_color(tr),
            tooltip=[
                alt.Tooltip("split:N", title=tr("charts.split")),
                alt.Tooltip("step:Q", title=tr("charts.step")),
                alt.Tooltip("value:Q", title=tr("charts.accuracy"), format=".1%"),
            ],
        )
    )
    return titled(lines.properties(height=HEIGHT), tr("charts.accuracy_title"))


# ---------------------------------------------------------------------------------------------
# d. activation statistics per layer at the latest recorded step


def _latest_wide(history: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per hidden layer at the latest step that has `names[0]`, one column per metric."""
    rows = history[history["metric"].isin(names) & (history["layer"] > 0)]
    if rows.empty:
        return pd.DataFrame()
    rows = rows[rows["step"] == rows["step"].max()]
    wide = rows.pivot_table(index="layer", columns="metric", values="value", observed=True)
    wide = wide.reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.dropna(subset=[n for n in names if n in wide.columns])
    wide["step"] = int(rows["step"].iloc[0])
    return wide.astype({"layer": np.int64})


def activation_chart(history: pd.DataFrame, tr: Tr) -> alt.Chart:
    """Mean (dot) +- one standard deviation (bar) of each hidden layer's post-activation
    values over the batch at the latest recorded step, coloured by layer. A collapsing std
    toward the input or output is the forward-pass face of vanishing. Empty history:
    placeholder chart."""
    wide = _latest_wide(history, ("act_mean", "act_std")) if len(history) else pd.DataFrame()
    if wide.empty or "act_std" not in wide.columns:
        return placeholder(tr)
    count = n_layers(history)
    wide["lo"] = wide["act_mean"] - wide["act_std"]
    wide["hi"] = wide["act_mean"] + wide["act_std"]
    wide["layer_name"] = layer_names(tr, wide["layer"], count)
    x = alt.X("layer:O", axis=layer_axis(tr, count), scale=alt.Scale(domain=list(range(1, count))))
    base = alt.Chart(wide).encode(
        x=x,
        color=layer_color(count),
        tooltip=[
            alt.Tooltip("layer_name:N", title=tr("charts.layer")),
            alt.Tooltip("act_mean:Q", title=tr("charts.act_mean"), format=".3g"),
            alt.Tooltip("act_std:Q", title=tr("charts.act_std"), format=".3g"),
        ],
    )
    spread = base.mark_rule(strokeWidth=3, opacity=0.6).encode(
        y=alt.Y("lo:Q", title=tr("charts.act_axis")), y2="hi:Q"
    )
    mean = base.mark_point(filled=True, size=70, opacity=1).encode(y="act_mean:Q")
    chart = alt.layer(spread, mean).properties(height=HEIGHT)
    step = int(wide["step"].iloc[0])
    return titled(chart, tr("charts.act_title").format(step=step), tr("charts.act_subtitle"))


def unit_health_chart(history: pd.DataFrame, tr: Tr) -> alt.Chart:
    """Per hidden layer at the latest recorded step: the share of (sample, unit) inputs in the
    activation's flat region (saturation; for ReLU the negative side) and the share of units
    silent for the whole batch (dead), side by side, 0-100%. Empty history: placeholder."""
    names = ("saturation", "dead_fraction")
    wide = _latest_wide(history, names) if len(history) else pd.DataFrame()
    if wide.empty or not set(names) <= set(wide.columns):
        return placeholder(tr)
    count = n_layers(history)
    labels = {"saturation": tr("charts.saturation"), "dead_fraction": tr("charts.dead")}
    long = wide.melt(id_vars=["layer", "step"], value_vars=list(names), var_name="kind")
    long["kind"] = long["kind"].map(labels)
    long["layer_name"] = layer_names(tr, long["layer"], count)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "layer:O", axis=layer_axis(tr, count), scale=alt.Scale(domain=list(range(1, count)))
            ),
            xOffset=alt.XOffset("kind:N", sort=list(labels.values())),
            y=alt.Y(
                "value:Q",
                title=tr("charts.share"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=list(labels.values()), range=["#e6a23c", "#6b6b6b"]),
                legend=alt.Legend(orient="top", labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("layer_name:N", title=tr("charts.layer")),
                alt.Tooltip("kind:N", title=" "),
                alt.Tooltip("value:Q", title=tr("charts.share"), format=".1%"),
            ],
        )
        .properties(height=HEIGHT)
    )
    step = int(wide["step"].iloc[0])
    return titled(chart, tr("charts.units_title").format(step=step))
