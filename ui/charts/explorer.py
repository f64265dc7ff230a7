"""Activation explorer charts: f(x) and f'(x) with each function's flat region shaded, and the
backward signal through depth, theory beside measurement. Activations are named by `names`
({"relu": "ReLU"}), one colour each everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from ui.charts.base import Tr, as_frame, at_floor, log_domain, num
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    Spec,
    chart,
    field,
    log_axis,
    mark,
    placeholder,
    tip,
    view,
)

SCHEME = "tableau10"
DASHES = ([6, 4], [1, 0])  # best case, mean field
# f(x) zoomed: every bounded activation's whole shape, the unbounded ones leaving the frame
# (ReLU's 0..4 on the default range would flatten sigmoid's 0..1 to a quarter of the height)
ZOOM = (-1.5, 1.5)


def _color(names: dict[str, str]) -> Spec:
    return field(
        "label",
        NOMINAL,
        legend={"direction": "horizontal", "orient": "top"},
        scale={"domain": list(names.values()), "scheme": SCHEME},
        title=None,
    )


def function_chart(
    curves: pd.DataFrame,
    flat: pd.DataFrame,
    names: dict[str, str],
    column: str,
    tr: Tr,
    zoom: bool = False,
) -> Spec:
    """`column` "f" or "df" of sim.analysis.theory.curves against x, one line per activation;
    on "df" the flat regions (sim.analysis.theory.flat_regions) shaded in each one's colour.
    `zoom`: the y axis fixed to ZOOM, lines clipped at its edges (said in the subtitle)."""
    if curves.empty:
        return placeholder(tr)
    rows = curves[curves["activation"].isin(list(names))]
    rows = rows.assign(label=rows["activation"].map(names))
    axis_title = tr(f"explorer.axis_{column}")
    values = rows[column].to_numpy(np.float64)
    zoom = bool(zoom and len(values) and (values.min() < ZOOM[0] or values.max() > ZOOM[1]))
    y_scale = {"domain": list(ZOOM)} if zoom else {}
    line = {
        "x": field("x", QUANT, scale={"nice": False}, title="x"),
        "y": field(column, QUANT, scale=y_scale, title=axis_title),
        "color": _color(names),
        "tooltip": [
            tip("label", NOMINAL, tr("explorer.activation")),
            {"field": "x", "format": ".2f", "type": QUANT},
            tip(column, QUANT, axis_title, ".4g"),
        ],
    }
    curve = mark("line", clip=zoom, strokeWidth=2)
    data, layers = {"curves": rows}, [view("curves", curve, line)]
    shade = flat[flat["activation"].isin(list(names))]
    if column == "df" and len(shade):
        data["flat"] = shade.assign(
            label=shade["activation"].map(names), note=tr("explorer.flat_note")
        )
        region = {
            "x": field("x0", QUANT),
            "x2": {"field": "x1"},
            "color": _color(names),
            "tooltip": [
                tip("label", NOMINAL, tr("explorer.activation")),
                tip("note", NOMINAL, " "),
            ],
        }
        layers.insert(0, view("flat", mark("rect", opacity=0.12), region))
    subtitle = [tr("explorer.df_subtitle")] if column == "df" else []
    if zoom:
        subtitle.append(tr("explorer.zoom_note", lo=ZOOM[0], hi=ZOOM[1]))
    title = tr(f"explorer.title_{column}")
    return chart(data, layers, title, subtitle or None, legend_rows=1)  # the colours, on top


def _depth_rows(theory: pd.DataFrame, measured: pd.DataFrame, names, kinds) -> pd.DataFrame:
    """Theory's two lines and the engine's dots as rows of activation, depth, value, kind."""
    lines = theory.melt(
        id_vars=["activation", "depth"], value_vars=["best_case", "mean_field"], var_name="kind"
    )
    dots = measured.rename(columns={"signal_ratio": "value"})[["activation", "depth", "value"]]
    rows = pd.concat([lines, dots.assign(kind="measured")], ignore_index=True)
    rows = rows[rows["activation"].isin(list(names))]
    rows = rows[np.isfinite(rows["value"].to_numpy(np.float64))]
    return rows.assign(label=rows["activation"].map(names), kind_label=rows["kind"].map(kinds))


def depth_chart(
    theory: pd.DataFrame, measured: pd.DataFrame, names: dict[str, str], tr: Tr
) -> Spec:
    """Signal at layer 1 relative to layer L, against L, log axis. Lines: best case
    (max f')^(L-1) dashed, mean field solid (sim.analysis.theory.through_depth). Dots: the
    engine at initialisation (sim.analysis.sweep.depth_sweep's signal_ratio)."""
    if theory.empty:
        return placeholder(tr)
    kinds = {k: tr(f"explorer.{k}") for k in ("best_case", "mean_field", "measured")}
    rows = _depth_rows(theory, measured, names, kinds)
    if rows.empty:
        return placeholder(tr)
    lo, hi = log_domain(rows["value"].to_numpy(), 1.0)
    rows = at_floor(rows.reset_index(drop=True), lo)
    y_scale = {"clamp": True, "domain": [lo, hi], "type": "log"}
    base = {
        "x": field("depth", QUANT, axis={"tickMinStep": 1}, title=tr("explorer.depth_axis")),
        "y": field("shown", QUANT, axis=log_axis(tr("explorer.ratio_axis"), lo, hi), scale=y_scale),
        "color": _color(names),
        "tooltip": [
            tip("label", NOMINAL, tr("explorer.activation")),
            tip("kind_label", NOMINAL, " "),
            tip("depth", QUANT, tr("explorer.depth_axis")),
            tip("value", QUANT, tr("explorer.ratio"), ".3e"),
        ],
    }
    # labelLimit 0: whole names (Vega cut "Slope alone (max f′, weight gain 1)" at 160 px); below
    # the plot, one a row: beside the colours' legend on top it ran past a phone's right edge
    dash = field(
        "kind_label",
        NOMINAL,
        legend={"columns": 1, "labelLimit": 0, "orient": "bottom"},
        scale={"domain": [kinds["best_case"], kinds["mean_field"]], "range": list(DASHES)},
        title=None,
    )
    dot = mark("point", filled=True, opacity=0.9, shape="circle", size=70)
    layers = [
        view(
            "depth",
            mark("line", strokeWidth=1.8),
            {**base, "strokeDash": dash},
            "datum.kind != 'measured'",
        ),
        view("depth", dot, base, where="datum.kind == 'measured'"),
    ]
    title, subtitle = tr("explorer.depth_title"), tr("explorer.depth_subtitle")
    # the colours' row on top, the two line styles one a row below
    return chart({"depth": rows}, layers, title, subtitle, legend_rows=3)


# ---------------------------------------------------------------------------------------------
# What each chart shows now, in a sentence (ui.charts.words), from the spec's own rows


def _dataset(spec: Spec, name: str) -> pd.DataFrame:
    return as_frame((spec.get("datasets") or {}).get(name))


def _per_activation(frame: pd.DataFrame, tr: Tr, key: str, one: Callable[[pd.DataFrame], dict]):
    parts = [
        tr(f"{key}_one").format(act=label, **one(mine))
        for label, mine in frame.groupby("label", sort=False)
    ]
    return tr("charts.now_join").join(parts)


def f_words(spec: Spec, tr: Tr, facts: dict | None = None) -> str:
    """What the chart shows now, in a sentence (ui.charts.words)."""
    curves = _dataset(spec, "curves")
    if curves.empty or "f" not in curves.columns:
        return ""
    parts = _per_activation(
        curves,
        tr,
        "charts.now_f",
        lambda m: {"lo": num(m["f"].min(), 3), "hi": num(m["f"].max(), 3)},
    )
    lo, hi = num(curves["x"].min(), 3), num(curves["x"].max(), 3)
    return tr("charts.now_f").format(lo=lo, hi=hi, parts=parts)


def df_words(spec: Spec, tr: Tr, facts: dict | None = None) -> str:
    """What the chart shows now, in a sentence (ui.charts.words)."""
    curves = _dataset(spec, "curves")
    if curves.empty or "df" not in curves.columns:
        return ""
    parts = _per_activation(curves, tr, "charts.now_df", lambda m: {"peak": num(m["df"].max(), 3)})
    return tr("charts.now_df").format(parts=parts)


def depth_words(spec: Spec, tr: Tr, facts: dict | None = None) -> str:
    """What the chart shows now, in a sentence (ui.charts.words)."""
    depth = _dataset(spec, "depth")
    if depth.empty:
        return ""
    deepest = int(depth["depth"].max())
    here = depth[depth["depth"] == deepest]

    def one(mine: pd.DataFrame) -> dict:
        theory = mine.loc[mine["kind"] == "mean_field", "value"]
        seen = mine.loc[mine["kind"] == "measured", "value"]
        return {
            "theory": num(theory.iloc[0] if len(theory) else math.nan),
            "seen": num(seen.iloc[0] if len(seen) else math.nan),
        }

    return tr("charts.now_depth").format(
        depth=deepest, parts=_per_activation(here, tr, "charts.now_depth", one)
    )
