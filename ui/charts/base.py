"""What every chart shares: thinning, the layer palette, log-scale floors, the placeholder.

A chart never receives more than MAX_ROWS rows: long histories are thinned in pandas first
(`thin`), because Vega-Lite redraws every row on every rerun.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence

import altair as alt
import numpy as np
import pandas as pd

Tr = Callable[[str], str]  # catalog lookup: "charts.layer" -> "Layer" / "层"

MAX_ROWS = 5000  # rows one chart may send (a 60 x 60 decision surface and 1,000 points fit)
HEIGHT = 260  # pixels; width is left to the container (st.altair_chart(width="stretch"))

# One palette for "which layer": input side dark violet, output side green-yellow, the same
# mapping in every chart (viridis cut short of its pale end, which vanishes on white).
LAYER_SCHEME = alt.SchemeParams(name="viridis", extent=[0.0, 0.85])
SPLIT_COLORS = ("#4c78a8", "#f58518")  # train, test
UNDERFLOW_COLOR = "#d62728"  # a zero drawn at the floor of a log axis


def thin(history: pd.DataFrame, max_points: int) -> pd.DataFrame:
    """Keep at most `max_points` steps of each metric, evenly spread over the steps that
    metric was recorded at; the first and the last step are always kept. Rows are picked, not
    averaged: every value shown was measured. Works on any frame with a `step` column (and
    thins per `metric` where there is one)."""
    if history.empty:
        return history
    max_points = max(2, int(max_points))
    steps = history["step"].to_numpy()
    keep = np.zeros(len(history), dtype=bool)
    if "metric" in history.columns:
        groups = history.groupby("metric", observed=True, sort=False).indices.values()
    else:
        groups = [np.arange(len(history))]
    for idx in groups:
        unique = np.unique(steps[idx])
        if len(unique) <= max_points:
            keep[idx] = True
            continue
        pick = np.unique(np.linspace(0, len(unique) - 1, max_points).round().astype(int))
        keep[idx] = np.isin(steps[idx], unique[pick])
    return history[keep].reset_index(drop=True)


def metric(history: pd.DataFrame, name: str, layers: bool | None = None) -> pd.DataFrame:
    """Rows of one metric as plain columns step, layer, value (float64, finite only)."""
    rows = history[history["metric"] == name]
    if layers is True:
        rows = rows[rows["layer"] > 0]
    frame = pd.DataFrame(
        {
            "step": rows["step"].to_numpy(np.int64),
            "layer": rows["layer"].to_numpy(np.int64),
            "value": rows["value"].to_numpy(np.float64),
        }
    )
    return frame[np.isfinite(frame["value"].to_numpy())].reset_index(drop=True)


def n_layers(history: pd.DataFrame) -> int:
    """Linear layers in the network (depth + 1): the highest layer number in the history."""
    return int(history["layer"].max()) if len(history) else 0


def layer_color(count: int, tr: Tr | None = None, shown: Sequence[int] | None = None) -> alt.Color:
    """Colour by layer number 1..count, the same mapping in every chart of the same network.
    With `tr`, a legend (listing `shown` layers where given); without, none."""
    legend = None
    if tr is not None:
        out = json.dumps(tr("charts.output"), ensure_ascii=False)  # a JS string literal
        extra = {"values": [int(v) for v in shown]} if shown is not None else {}
        legend = alt.Legend(
            title=tr("charts.layer"),
            format="d",
            labelExpr=f"datum.value == {count} ? {out} : datum.label",
            **extra,
        )
    return alt.Color(
        "layer:Q",
        scale=alt.Scale(scheme=LAYER_SCHEME, domain=[1, max(count, 2)]),
        legend=legend,
    )


def layer_axis(tr: Tr, count: int, **kw) -> alt.Axis:
    """Layer numbers, with the output layer (count) named in the user's language."""
    out = json.dumps(tr("charts.output"), ensure_ascii=False)  # a JS string literal
    expr = f"datum.value == {count} ? {out} : datum.label"
    return alt.Axis(title=tr("charts.layer"), labelExpr=expr, labelAngle=0, **kw)


def layer_names(tr: Tr, layers: pd.Series, count: int) -> pd.Series:
    """'3', or the output layer's name, for tooltips."""
    names = layers.astype(int).astype(str)
    return names.where(layers != count, tr("charts.output"))


def log_domain(values: np.ndarray, *extra: float) -> tuple[float, float]:
    """Whole decades around the positive finite values (and `extra`), for a log axis.

    The lower end is also the floor where exact zeros are drawn."""
    v = np.asarray([*np.ravel(values), *extra], dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return 1e-3, 1.0
    lo = 10.0 ** math.floor(math.log10(v.min()) - 0.5)
    hi = 10.0 ** math.ceil(math.log10(v.max()) + 0.01)
    return lo, max(hi, lo * 100)


def decades(lo: float, hi: float) -> list[float]:
    """Tick values 10^k from lo to hi: a log axis without its 2..9 sub-ticks and grid lines."""
    a, b = round(math.log10(lo)), round(math.log10(hi))
    step = max(1, math.ceil((b - a) / 8))  # at most ~9 labels however wide the range
    return [10.0**k for k in range(a, b + 1, step)]


def log_axis(title: str, lo: float, hi: float) -> alt.Axis:
    """Decade ticks; plain numbers (0.01, 100) over a few decades, 1e-12 style beyond."""
    plain = lo >= 1e-3 and hi <= 1e4
    return alt.Axis(title=title, values=decades(lo, hi), format="~g" if plain else "~e")


def at_floor(frame: pd.DataFrame, floor: float, column: str = "value") -> pd.DataFrame:
    """Add `shown` (the value, or the floor where it is 0) and `underflow` (it was 0)."""
    frame = frame.copy()
    frame["underflow"] = frame[column] <= 0
    frame["shown"] = frame[column].where(~frame["underflow"], floor)
    return frame


def placeholder(tr: Tr, height: int = HEIGHT) -> alt.Chart:
    """An empty chart saying there is nothing to show yet (every chart's empty-history answer)."""
    return (
        alt.Chart(pd.DataFrame({"text": [tr("charts.no_data")]}))
        .mark_text(fontSize=14, color="gray")
        .encode(text="text:N")
        .properties(height=height)
    )


def titled(chart: alt.Chart, title: str, subtitle: str | list[str] | None = None) -> alt.Chart:
    params = {"text": title, "anchor": "start"}
    if subtitle:
        params["subtitle"] = subtitle
        params["subtitleColor"] = "gray"
    return chart.properties(title=alt.TitleParams(**params))
