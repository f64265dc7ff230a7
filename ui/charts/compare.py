"""Compare charts: several runs in one picture. Pure functions DataFrame -> alt.Chart; every
word from `tr` (catalog keys `compare.*`, `charts.*`).

`frame` is sim.analysis.compare.Comparison.frame(): the runs' tidy histories with a `run` column
(0..k-1);
`labels[run]` names each run in the legend. Runs keep one colour in every chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.base import (
    HEIGHT,
    MAX_ROWS,
    UNDERFLOW_COLOR,
    Tr,
    at_floor,
    log_axis,
    log_domain,
    placeholder,
    thin,
    titled,
)

RUN_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2")
HEATMAP_COLUMNS = 80  # steps per run's heatmap
FACET_WIDTH = 720  # pixels shared by the heatmaps side by side (facets do not stretch)


def _run_color(labels: Sequence[str], tr: Tr) -> alt.Color:
    """By run number; the legend is one short row (the run cards above carry the names)."""
    numbers = [str(i + 1) for i in range(len(labels))]
    return alt.Color(
        "run_no:N",
        scale=alt.Scale(domain=numbers, range=list(RUN_COLORS[: len(labels)])),
        legend=alt.Legend(title=tr("compare.run"), orient="top", direction="horizontal"),
    )


def _rows(frame: pd.DataFrame, name: str, labels: Sequence[str], layers: bool) -> pd.DataFrame:
    rows = frame[(frame["metric"] == name) & ((frame["layer"] > 0) if layers else True)]
    out = pd.DataFrame(
        {
            "run": rows["run"].to_numpy(np.int64),
            "step": rows["step"].to_numpy(np.int64),
            "layer": rows["layer"].to_numpy(np.int64),
            "value": rows["value"].to_numpy(np.float64),
        }
    )
    out = out[np.isfinite(out["value"].to_numpy()) & (out["run"] < len(labels))]
    out["run_label"] = [labels[r] for r in out["run"]]
    out["run_no"] = (out["run"] + 1).astype(str)
    return out.reset_index(drop=True)


def _thin_runs(rows: pd.DataFrame, max_points: int) -> pd.DataFrame:
    parts = [thin(part, max_points) for _, part in rows.groupby("run", sort=True)]
    return pd.concat(parts, ignore_index=True) if parts else rows


# ---------------------------------------------------------------------------------------------
# Loss and accuracy, overlaid


def loss_overlay(frame: pd.DataFrame, labels: Sequence[str], tr: Tr) -> alt.Chart:
    """Training loss of every run over steps, log axis."""
    rows = _rows(frame, "loss", labels, layers=False) if len(frame) else pd.DataFrame()
    if rows.empty:
        return placeholder(tr)
    rows = _thin_runs(rows, MAX_ROWS // (2 * max(1, len(labels))))
    lo, hi = log_domain(rows["value"].to_numpy())
    rows["value"] = rows["value"].clip(lower=lo)
    chart = (
        alt.Chart(rows)
        .mark_line(strokeWidth=1.6, clip=True)
        .encode(
            x=alt.X("step:Q", title=tr("charts.step")),
            y=alt.Y(
                "value:Q",
                scale=alt.Scale(type="log", domain=[lo, hi]),
                axis=log_axis(tr("charts.loss_axis"), lo, hi),
            ),
            color=_run_color(labels, tr),
            tooltip=[
                alt.Tooltip("run_label:N", title=tr("compare.run")),
                alt.Tooltip("step:Q", title=tr("charts.step")),
                alt.Tooltip("value:Q", title=tr("charts.loss"), format=".4g"),
            ],
        )
        .properties(height=HEIGHT)
    )
    return titled(chart, tr("compare.loss_title"))


def accuracy_overlay(frame: pd.DataFrame, labels: Sequence[str], tr: Tr) -> alt.Chart | None:
    """Test accuracy of every run over recorded steps; None when no run has an accuracy."""
    if frame.empty:
        return placeholder(tr)
    rows = _rows(frame, "test_acc", labels, layers=False)
    if rows.empty:
        return None
    rows = _thin_runs(rows, MAX_ROWS // (2 * max(1, len(labels))))
    chart = (
        alt.Chart(rows)
        .mark_line(strokeWidth=1.6, point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("step:Q", title=tr("charts.step")),
            y=alt.Y(
                "value:Q",
                title=tr("charts.accuracy"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=_run_color(labels, tr),
            tooltip=[
                alt.Tooltip("run_label:N", title=tr("compare.run")),
                alt.Tooltip("step:Q", title=tr("charts.step")),
                alt.Tooltip("value:Q", title=tr("charts.accuracy"), format=".1%"),
            ],
        )
        .properties(height=HEIGHT)
    )
    return titled(chart, tr("compare.accuracy_title"))


# ---------------------------------------------------------------------------------------------
# Gradient norm by layer, every run on one log axis


def grad_by_layer(frame: pd.DataFrame, labels: Sequence[str], tr: Tr) -> alt.Chart:
    """||dL/dW|| per layer at each run's latest recorded step; exact zeros at the floor."""
    rows = _rows(frame, "grad_norm", labels, layers=True) if len(frame) else pd.DataFrame()
    if rows.empty:
        return placeholder(tr)
    latest = rows.groupby("run")["step"].transform("max")
    rows = rows[rows["step"] == latest].reset_index(drop=True)
    lo, hi = log_domain(rows["value"].to_numpy())
    rows = at_floor(rows, lo)
    rows["note"] = np.where(rows["underflow"], tr("charts.underflow"), "")
    top = int(rows["layer"].max())
    y_scale = alt.Scale(type="log", domain=[lo, hi], clamp=True)
    base = alt.Chart(rows).encode(
        x=alt.X(
            "layer:Q",
            title=tr("compare.layer_axis"),
            scale=alt.Scale(domain=[1, max(top, 2)], nice=False),
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        y=alt.Y("shown:Q", scale=y_scale, axis=log_axis(tr("charts.norm_axis"), lo, hi)),
        color=_run_color(labels, tr),
        tooltip=[
            alt.Tooltip("run_label:N", title=tr("compare.run")),
            alt.Tooltip("layer:Q", title=tr("charts.layer")),
            alt.Tooltip("step:Q", title=tr("charts.step")),
            alt.Tooltip("value:Q", title=tr("charts.grad_norm"), format=".3e"),
            alt.Tooltip("note:N", title=" "),
        ],
    )
    zeros = base.transform_filter("datum.underflow").mark_point(
        shape="triangle-down", filled=True, size=90, color=UNDERFLOW_COLOR
    )
    chart = alt.layer(
        base.mark_line(strokeWidth=1.8), base.mark_point(filled=True, size=45), zeros
    ).properties(height=HEIGHT)
    return titled(chart, tr("compare.grad_title"), tr("compare.grad_subtitle"))


# ---------------------------------------------------------------------------------------------
# Heatmaps side by side, one colour scale


def heatmaps(
    frame: pd.DataFrame, labels: Sequence[str], tr: Tr, max_columns: int = HEATMAP_COLUMNS
) -> alt.Chart:
    """One layer x step heatmap of log10 ||dL/dW|| per run, side by side, sharing one colour
    scale, so the same colour means the same gradient size in every run. Zeros: dark cells."""
    rows = _rows(frame, "grad_norm", labels, layers=True) if len(frame) else pd.DataFrame()
    if rows.empty:
        return placeholder(tr)
    per_run = max(2, min(max_columns, MAX_ROWS // max(1, len(labels) * int(rows["layer"].max()))))
    rows = _thin_runs(rows, per_run)
    rows = pd.concat([_edges(part) for _, part in rows.groupby("run")], ignore_index=True)
    rows["underflow"] = rows["value"] <= 0
    rows["log10"] = np.log10(rows["value"].where(~rows["underflow"], 1.0))
    finite = rows.loc[~rows["underflow"], "log10"]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (-1.0, 1.0)
    if hi - lo < 1:
        lo, hi = lo - 0.5, hi + 0.5
    rows.loc[rows["underflow"], "log10"] = lo
    rows["note"] = np.where(rows["underflow"], tr("charts.underflow"), "")
    top = int(rows["layer"].max())
    color = alt.condition(
        "datum.underflow",
        alt.value("#333"),
        alt.Color(
            "log10:Q",
            title=tr("charts.log10_grad"),
            scale=alt.Scale(scheme="viridis", domain=[lo, hi]),
            legend=alt.Legend(orient="right"),
        ),
    )
    chart = (
        alt.Chart(rows)
        .mark_rect()
        .encode(
            x=alt.X("step_lo:Q", title=tr("charts.step"), scale=alt.Scale(nice=False, zero=False)),
            x2="step_hi:Q",
            y=alt.Y(
                "layer:O",
                title=tr("charts.layer"),
                sort="descending",
                scale=alt.Scale(domain=list(range(top, 0, -1))),
                axis=alt.Axis(labelOverlap=True),
            ),
            color=color,
            tooltip=[
                alt.Tooltip("run_label:N", title=tr("compare.run")),
                alt.Tooltip("layer:Q", title=tr("charts.layer")),
                alt.Tooltip("step:Q", title=tr("charts.step")),
                alt.Tooltip("value:Q", title=tr("charts.grad_norm"), format=".3e"),
                alt.Tooltip("note:N", title=" "),
            ],
        )
        .properties(width=FACET_WIDTH // len(labels), height=max(120, min(HEIGHT, 14 * top)))
        .facet(
            column=alt.Column(
                "run_label:N", title=None, sort=list(labels), header=alt.Header(labelLimit=260)
            )
        )
        .resolve_scale(x="independent")
    )
    return chart.properties(
        title=alt.TitleParams(
            tr("compare.heatmap_title"),
            subtitle=tr("compare.heatmap_subtitle"),
            anchor="start",
            subtitleColor="gray",
        )
    )


def _edges(part: pd.DataFrame) -> pd.DataFrame:
    """Cell edges half-way between a run's neighbouring shown steps."""
    steps = np.unique(part["step"].to_numpy()).astype(np.float64)
    if len(steps) == 1:
        lo, hi = steps - 0.5, steps + 0.5
    else:
        mid = (steps[1:] + steps[:-1]) / 2
        lo = np.concatenate([[max(steps[0] - (mid[0] - steps[0]), 0.0)], mid])
        hi = np.concatenate([mid, [steps[-1] + (steps[-1] - mid[-1])]])
    pos = np.searchsorted(steps, part["step"].to_numpy())
    return part.assign(step_lo=lo[pos], step_hi=hi[pos])


# ---------------------------------------------------------------------------------------------
# Depth sweep


SWEEP_QUANTITIES = ("first_grad", "ratio", "signal_ratio")


def sweep_chart(sweep: pd.DataFrame, quantity: str, tr: Tr) -> alt.Chart:
    """One quantity of sim.analysis.sweep.depth_sweep rows (plus `label` and `when` columns) against
    depth, log axis: a line per activation and init, dashed after training."""
    if sweep.empty or quantity not in sweep.columns:
        return placeholder(tr)
    rows = sweep[["label", "when", "depth", quantity]].rename(columns={quantity: "value"})
    rows = rows[np.isfinite(rows["value"].to_numpy(np.float64))].reset_index(drop=True)
    if rows.empty:
        return placeholder(tr)
    lo, hi = log_domain(rows["value"].to_numpy(), 1.0)
    rows = at_floor(rows, lo)
    rows["note"] = np.where(rows["underflow"], tr("charts.underflow"), "")
    whens = list(dict.fromkeys(rows["when"]))
    y_scale = alt.Scale(type="log", domain=[lo, hi], clamp=True)
    base = alt.Chart(rows).encode(
        x=alt.X("depth:Q", title=tr("compare.depth_axis"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("shown:Q", scale=y_scale, axis=log_axis(tr(f"compare.sweep_{quantity}"), lo, hi)),
        color=alt.Color(
            "label:N",
            title=None,
            scale=alt.Scale(scheme="tableau10"),
            legend=alt.Legend(orient="right", labelLimit=240),
        ),
        strokeDash=alt.StrokeDash(
            "when:N",
            title=None,
            scale=alt.Scale(domain=whens, range=[[1, 0], [5, 3]][: len(whens)]),
            legend=alt.Legend(orient="right") if len(whens) > 1 else None,
        ),
        tooltip=[
            alt.Tooltip("label:N", title=tr("compare.sweep_network")),
            alt.Tooltip("when:N", title=" "),
            alt.Tooltip("depth:Q", title=tr("compare.depth_axis")),
            alt.Tooltip("value:Q", title=tr(f"compare.sweep_{quantity}"), format=".3e"),
            alt.Tooltip("note:N", title=" "),
        ],
    )
    zeros = base.transform_filter("datum.underflow").mark_point(
        shape="triangle-down", filled=True, size=90, color=UNDERFLOW_COLOR
    )
    chart = alt.layer(
        base.mark_line(strokeWidth=1.8), base.mark_point(filled=True, size=40), zeros
    ).properties(height=HEIGHT)
    return titled(chart, tr(f"compare.sweep_{quantity}_title"))
