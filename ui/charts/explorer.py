"""Activation explorer charts: f(x) and f'(x) with each function's flat region shaded, and the
backward signal through depth, theory beside measurement. Pure DataFrame -> alt.Chart; every
word from `tr`; activations named by `names` ({"relu": "ReLU"}), one colour each everywhere.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.base import HEIGHT, Tr, at_floor, log_axis, log_domain, placeholder, titled

SCHEME = "tableau10"


def _color(names: dict[str, str]) -> alt.Color:
    return alt.Color(
        "label:N",
        title=None,
        scale=alt.Scale(scheme=SCHEME, domain=list(names.values())),
        legend=alt.Legend(orient="top", direction="horizontal"),
    )


def function_chart(
    curves: pd.DataFrame, flat: pd.DataFrame, names: dict[str, str], column: str, tr: Tr
) -> alt.Chart:
    """`column` "f" or "df" of sim.analysis.theory.curves against x, one line per activation; the
    flat
    regions (sim.analysis.theory.flat_regions) shaded in the activation's colour."""
    if curves.empty:
        return placeholder(tr)
    rows = curves[curves["activation"].isin(list(names))].copy()
    rows["label"] = rows["activation"].map(names)
    x = alt.X("x:Q", title="x", scale=alt.Scale(nice=False))
    lines = (
        alt.Chart(rows)
        .mark_line(strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y(f"{column}:Q", title=tr(f"explorer.axis_{column}")),
            color=_color(names),
            tooltip=[
                alt.Tooltip("label:N", title=tr("explorer.activation")),
                alt.Tooltip("x:Q", format=".2f"),
                alt.Tooltip(f"{column}:Q", title=tr(f"explorer.axis_{column}"), format=".4g"),
            ],
        )
    )
    parts = []
    shade = flat[flat["activation"].isin(list(names))].copy()
    if column == "df" and len(shade):
        shade["label"] = shade["activation"].map(names)
        shade["note"] = tr("explorer.flat_note")
        parts.append(
            alt.Chart(shade)
            .mark_rect(opacity=0.12)
            .encode(
                x="x0:Q",
                x2="x1:Q",
                color=_color(names),
                tooltip=[
                    alt.Tooltip("label:N", title=tr("explorer.activation")),
                    alt.Tooltip("note:N", title=" "),
                ],
            )
        )
    chart = alt.layer(*parts, lines).properties(height=HEIGHT)
    subtitle = tr("explorer.df_subtitle") if column == "df" else None
    return titled(chart, tr(f"explorer.title_{column}"), subtitle)


def depth_chart(
    theory: pd.DataFrame, measured: pd.DataFrame, names: dict[str, str], tr: Tr
) -> alt.Chart:
    """Signal at layer 1 relative to layer L, against L, log axis. Lines: best case (max f')^(L-1)
    dashed, mean field solid (sim.analysis.theory.through_depth). Dots: the engine at initialisation
    (sim.analysis.sweep.depth_sweep's signal_ratio)."""
    if theory.empty:
        return placeholder(tr)
    kinds = {
        "best_case": tr("explorer.best_case"),
        "mean_field": tr("explorer.mean_field"),
        "measured": tr("explorer.measured"),
    }
    lines = theory.melt(
        id_vars=["activation", "depth"], value_vars=["best_case", "mean_field"], var_name="kind"
    )
    dots = measured.rename(columns={"signal_ratio": "value"})[["activation", "depth", "value"]]
    rows = pd.concat([lines, dots.assign(kind="measured")], ignore_index=True)
    rows = rows[rows["activation"].isin(list(names))]
    rows = rows[np.isfinite(rows["value"].to_numpy(np.float64))].copy()
    if rows.empty:
        return placeholder(tr)
    rows["label"], rows["kind_label"] = rows["activation"].map(names), rows["kind"].map(kinds)
    lo, hi = log_domain(rows["value"].to_numpy(), 1.0)
    rows = at_floor(rows, lo)
    y_scale = alt.Scale(type="log", domain=[lo, hi], clamp=True)
    base = alt.Chart(rows).encode(
        x=alt.X("depth:Q", title=tr("explorer.depth_axis"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("shown:Q", scale=y_scale, axis=log_axis(tr("explorer.ratio_axis"), lo, hi)),
        color=_color(names),
        tooltip=[
            alt.Tooltip("label:N", title=tr("explorer.activation")),
            alt.Tooltip("kind_label:N", title=" "),
            alt.Tooltip("depth:Q", title=tr("explorer.depth_axis")),
            alt.Tooltip("value:Q", title=tr("explorer.ratio"), format=".3e"),
        ],
    )
    dash = alt.StrokeDash(
        "kind_label:N",
        title=None,
        scale=alt.Scale(domain=[kinds["best_case"], kinds["mean_field"]], range=[[6, 4], [1, 0]]),
        legend=alt.Legend(orient="top", direction="horizontal"),
    )
    theory_lines = base.transform_filter("datum.kind != 'measured'").mark_line(strokeWidth=1.8)
    engine = base.transform_filter("datum.kind == 'measured'").mark_point(
        filled=True, size=70, shape="circle", opacity=0.9
    )
    chart = alt.layer(theory_lines.encode(strokeDash=dash), engine).properties(height=HEIGHT + 40)
    return titled(chart, tr("explorer.depth_title"), tr("explorer.depth_subtitle"))
