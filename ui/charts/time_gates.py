"""Through time: the gates of a gated cell at every time step.

    gate_chart(history, tr, arch)        # LSTM forget gate / GRU update gate; None for a plain RNN

An LSTM's forget gate f_t near 1 carries the cell state (and its gradient) through step t
unchanged (Hochreiter & Schmidhuber 1997; Gers, Schmidhuber & Cummins 2000); a GRU's update gate
z_t near 1 keeps the previous hidden state (Cho et al. 2014). A gate stuck near 0 or 1 also has
a slope near 0: the share saturated says how much of it no longer learns. Rows: sim.history's
`forget_gate` and `gate_saturation`, `layer` = time step t.
"""

from __future__ import annotations

import pandas as pd

from ui.charts.base import HEIGHT, Tr, metric
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    Spec,
    chart,
    field,
    mark,
    placeholder,
    share_field,
    tip,
    view,
)

GATED = ("lstm", "gru")
GATE_METRICS = ("forget_gate", "gate_saturation")
GATE_COLORS = ("#0072b2", "#e69f00")
# One entry a row: a 390 px phone cut the second of two side by side; the plot keeps its height.
LEGEND = {"columns": 1, "labelLimit": 0, "orient": "top", "title": None}
EXTRA_PLOT = 60  # pixels: a full-width chart, its plot as tall as the half-width ones look


def _latest_of(history: pd.DataFrame, name: str) -> pd.DataFrame:
    rows = metric(history, name, layers=True)
    if rows.empty:
        return rows
    return rows[rows["step"] == rows["step"].max()].reset_index(drop=True)


def gate_chart(history: pd.DataFrame, tr: Tr, arch: str) -> Spec | None:
    """The mean gate and the share of gate values saturated (< 0.05 or > 0.95) against t at the
    latest recorded step, both 0-100%. None for a cell without gates; placeholder chart while
    nothing is recorded."""
    if arch not in GATED:
        return None
    names = [tr(f"time.gate_{arch}"), tr("time.gate_saturated")]
    parts = [
        _latest_of(history, m).assign(series=n) for m, n in zip(GATE_METRICS, names, strict=True)
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return placeholder(tr)
    rows = pd.concat(parts, ignore_index=True)
    count = int(rows["layer"].max())
    encoding = {
        "x": field(
            "layer",
            QUANT,
            axis={"format": "d", "tickMinStep": 1},
            scale={"domain": [1, max(count, 2)], "nice": False},
            title=tr("time.time_step"),
        ),
        "y": share_field(tr("time.gate_axis")),
        "color": field(
            "series",
            NOMINAL,
            legend=LEGEND,
            scale={"domain": names, "range": list(GATE_COLORS)},
        ),
        "tooltip": [
            tip("series", NOMINAL, " "),
            tip("layer", QUANT, tr("time.time_step")),
            tip("value", QUANT, tr("time.gate_value"), ".1%"),
        ],
    }
    layers = [view("gates", mark("line", strokeWidth=2, point=True), encoding)]
    subtitle = tr(f"time.gate_subtitle_{arch}")
    title, height = tr(f"time.gate_title_{arch}"), HEIGHT + EXTRA_PLOT
    return chart({"gates": rows}, layers, title, subtitle, height=height, legend_rows=1)
