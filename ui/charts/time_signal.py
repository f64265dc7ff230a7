"""Through time: the backward signal ||dL/dh_t|| of a recurrent network at every time step t.

    time_heatmap_chart(history, tr)            # time step (rows, t = T on top) x training step
    signal_chart(history, tr, factor)          # across time at the latest step, log axis

The rows are sim.history's `time_signal` metric, `layer` = time step t (1..T). The loss is taken
at the last step T, so ||dL/dh_T|| is where the signal starts and ||dL/dh_1|| is what is left of
it after T - 1 steps back (Bengio, Simard & Frasconi 1994; Pascanu, Mikolov & Bengio 2013). The
heatmap's colour scale diverges around the last time step's signal, as the layer heatmap's does
around the output layer's (ui.charts.heatmap): blue is the gradient fading on its way back.

With truncated backprop (`tbptt` = k < T) the loss reaches only the time steps after the last
cut, t > cut_at(T, k): before it ||dL/dh_t|| is exactly 0 by construction, not a gradient too
small for float32. Both charts leave those cells empty, draw the cut as a dashed rule and say so
in a caption (time.cut_note); a zero after the cut is still marked as an underflow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.charts.base import (
    MAX_ROWS,
    UNDERFLOW_COLOR,
    Tr,
    at_floor,
    log_domain,
    metric,
    step_edges,
)
from ui.charts.base import thin as thin_steps
from ui.charts.heatmap import color, reach
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    Spec,
    chart,
    field,
    log_axis,
    mark,
    placeholder,
    step_field,
    tip,
    underflow_marks,
    view,
)

SIGNAL = "time_signal"
MAX_COLUMNS = 150  # training steps shown
MAX_TIME_ROWS = 50  # time steps shown in the heatmap (every one up to 50, evenly spread beyond)
THEORY_COLOR, MEASURED_COLOR = "#e69f00", "#1f1b2d"
LEGEND = {"columns": 1, "labelLimit": 0, "orient": "top", "title": None}  # one entry a row
CUT_COLOR = "#6b6b6b"


def signal_rows(history: pd.DataFrame) -> pd.DataFrame:
    """step, layer (= time step t), value of every recorded ||dL/dh_t||."""
    return metric(history, SIGNAL, layers=True) if len(history) else pd.DataFrame()


def time_steps(history: pd.DataFrame) -> int:
    """T, the sequence length the history was recorded at (0 for none)."""
    rows = signal_rows(history)
    return int(rows["layer"].max()) if len(rows) else 0


def cut_at(count: int, tbptt: int) -> int:
    """The last time step the truncation cuts after (sim.nn.recurrent detaches the state after
    every k-th step but the last), 0 for none: the loss reaches only t > cut_at."""
    k = int(tbptt or 0)
    return 0 if k <= 0 or k >= count else k * ((count - 1) // k)


def drop_cut(rows: pd.DataFrame, cut: int) -> pd.DataFrame:
    """The rows without the exact zeros that the truncation makes (t <= cut)."""
    if not cut or rows.empty:
        return rows
    gone = (rows["layer"].to_numpy() <= cut) & (rows["value"].to_numpy() == 0)
    return rows[~gone]


def cut_parts(cut: int, tbptt: int, axis: str, tr: Tr) -> tuple[list[Spec], dict, list[str]]:
    """The dashed rule at the cut (on `axis`, x or y, between time steps cut and cut + 1), its
    dataset and the caption; nothing without a cut."""
    if not cut:
        return [], {}, []
    rule = view(
        "cut",
        mark("rule", strokeDash=[4, 3], color=CUT_COLOR),
        {axis: {"field": "at", "type": QUANT}},
    )
    data = {"cut": [{"at": cut + 0.5}]}
    return [rule], data, [tr("time.cut_note", cut=cut, window=int(tbptt))]


def latest(rows: pd.DataFrame) -> pd.DataFrame:
    steps = rows["step"].to_numpy()
    return rows[steps == steps.max()].reset_index(drop=True) if len(rows) else rows


# ---------------------------------------------------------------------------------------------
# The heatmap: time step x training step


def _pick_times(count: int) -> np.ndarray:
    """The time steps the heatmap shows: all of them up to MAX_TIME_ROWS, else evenly spread
    with the first and the last (where the signal starts and where it ends up) kept."""
    if count <= MAX_TIME_ROWS:
        return np.arange(1, count + 1)
    return np.unique(np.linspace(1, count, MAX_TIME_ROWS).round().astype(np.int64))


def time_heatmap_chart(history: pd.DataFrame, tr: Tr, tbptt: int = 0) -> Spec:
    """Rows: time steps (T on top); columns: recorded training steps; colour: log10 ||dL/dh_t||
    on the layer heatmap's red-blue scale. Exact zeros (float32 underflow) are dark grey; those
    that truncated backprop (window `tbptt`) makes are left empty below a dashed rule (in the
    data with `cut` true, value 0). No time signal in the history: placeholder chart."""
    rows = signal_rows(history)
    if rows.empty:
        return placeholder(tr)
    count = int(rows["layer"].max())
    cut = cut_at(count, tbptt)
    times = _pick_times(count)
    rows = rows[np.isin(rows["layer"].to_numpy(), times)]
    rows = thin_steps(rows, max(2, min(MAX_COLUMNS, MAX_ROWS // len(times))))
    value = rows["value"].to_numpy()
    cut_off = (rows["layer"].to_numpy() <= cut) & (value == 0)  # kept in the data, not drawn
    underflow = (value <= 0) & ~cut_off
    shown = ~(underflow | cut_off)
    log10 = np.log10(np.where(shown, value, 1.0))
    lo, hi = reach(log10[shown], rows["layer"].to_numpy()[shown], count)
    log10[~shown] = lo
    step_lo, step_hi = step_edges(rows["step"].to_numpy())
    t_lo, t_hi = step_edges(rows["layer"].to_numpy())
    cells = rows.assign(
        step_lo=step_lo,
        step_hi=step_hi,
        t_lo=np.maximum(t_lo, 0.5),
        t_hi=t_hi,
        underflow=underflow,
        cut=cut_off,
        log10=log10,
        note=np.where(underflow, tr("charts.underflow"), ""),
    )
    shade = {**color(tr), "title": tr("time.log10_signal")}
    encoding = {
        "x": step_field(tr, "step_lo", scale={"nice": False, "zero": False}),
        "x2": {"field": "step_hi"},
        "y": field(
            "t_lo",
            QUANT,
            axis={"format": "d", "tickMinStep": 1},
            scale={"domain": [0.5, count + 0.5], "nice": False, "zero": False},
            title=tr("time.time_step"),
        ),
        "y2": {"field": "t_hi"},
        "color": shade,
        "tooltip": [
            tip("layer", QUANT, tr("time.time_step")),
            tip("step", QUANT, tr("charts.step")),
            tip("value", QUANT, tr("time.signal"), ".3e"),
            tip("note", NOMINAL, " "),
        ],
    }
    layers = [  # the scale's ends as data (ui.charts rule 2), as the layer heatmap has them
        view("reach", mark("rect", opacity=0), {"color": shade}),
        view("cells", mark("rect"), encoding, where="!datum.cut"),
    ]
    data = {"cells": cells, "reach": [{"log10": lo}, {"log10": hi}]}
    rule, cut_data, caption = cut_parts(cut, tbptt, "y", tr)
    subtitle = [tr("time.heatmap_subtitle"), *caption]
    return chart({**data, **cut_data}, layers + rule, tr("time.heatmap_title"), subtitle)


# ---------------------------------------------------------------------------------------------
# Across time at the latest step, with the theory line


def theory_rows(signal: pd.DataFrame, factor: float) -> pd.DataFrame:
    """||dL/dh_T|| * factor^(T - t) for every t of the latest step's `signal` (step, layer,
    value): what a signal shrinking (or growing) by `factor` each step back would be."""
    count = int(signal["layer"].max())
    last = signal.loc[signal["layer"] == count, "value"]
    start = float(last.iloc[0]) if len(last) else np.nan
    t = signal["layer"].to_numpy()
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        value = start * np.power(float(factor), (count - t).astype(np.float64))
    out = signal.assign(value=value)
    return out[np.isfinite(out["value"].to_numpy()) & (out["value"].to_numpy() > 0)]


def time_axes(count: int, lo: float, hi: float, tr: Tr) -> tuple[Spec, Spec]:
    """The signal chart's x (time steps 1..count) and y (`shown`, a log axis from lo to hi,
    clamped: zeros sit on the floor), shared with Compare's chart of several runs."""
    x = field(
        "layer",
        QUANT,
        axis={"format": "d", "tickMinStep": 1},
        scale={"domain": [1, max(count, 2)], "nice": False},
        title=tr("time.time_step"),
    )
    y_scale = {"clamp": True, "domain": [lo, hi], "type": "log"}
    y = field("shown", QUANT, axis=log_axis(tr("time.signal_axis"), lo, hi), scale=y_scale)
    return x, y


def signal_chart(
    history: pd.DataFrame, tr: Tr, factor: float | None = None, arch: str = "rnn", tbptt: int = 0
) -> Spec:
    """||dL/dh_t|| against t at the latest recorded step, on a log axis whose decades hold every
    recorded step's signal (so it only widens). `factor`: the theory's per-step factor, drawn as
    a dashed line from the last step's signal (None where no theory applies: a gated `arch`).
    Zeros sit on the floor, marked, but for those truncated backprop (window `tbptt`) makes:
    the line starts after the cut, a dashed rule. No time signal: placeholder chart."""
    rows = signal_rows(history)
    if rows.empty:
        return placeholder(tr)
    count = int(rows["layer"].max())
    cut = cut_at(count, tbptt)
    rows = drop_cut(rows, cut)
    lo, hi = log_domain(rows["value"].to_numpy())
    now = latest(rows)
    names = [tr("time.measured"), tr("time.theory")][: 2 if arch == "rnn" else 1]
    parts_data = [now.assign(series=names[0])]
    if arch == "rnn" and factor is not None and np.isfinite(factor) and factor > 0:
        parts_data.append(theory_rows(latest(rows), factor).assign(series=names[1]))
    curves = at_floor(pd.concat(parts_data, ignore_index=True), lo, tr)
    if len(parts_data) > 1:  # the theory's rows say their factor in the tooltip's note
        theory = (curves["series"] == names[1]).to_numpy()
        curves.loc[theory, "note"] = f"{tr('time.factor')} {float(factor):.4g}"
    x, y = time_axes(count, lo, hi, tr)
    series = field(
        "series",
        NOMINAL,
        legend=LEGEND,
        scale={"domain": names, "range": [MEASURED_COLOR, THEORY_COLOR][: len(names)]},
    )
    dashes = [[1, 0], [6, 4]][: len(names)]
    dash = field("series", NOMINAL, legend=None, scale={"domain": names, "range": dashes})
    encoding = {
        "x": x,
        "y": y,
        "color": series,
        "strokeDash": dash,
        "tooltip": [
            tip("series", NOMINAL, " "),
            tip("layer", QUANT, tr("time.time_step")),
            tip("value", QUANT, tr("time.signal"), ".3e"),
            tip("note", NOMINAL, " "),
        ],
    }
    parts = [
        view("curves", mark("line", strokeWidth=2, clip=True), encoding),
        underflow_marks("curves", {"x": x, "y": y}, UNDERFLOW_COLOR),
    ]
    theory = tr("time.theory_note") if arch == "rnn" else tr("time.theory_gated")
    rule, cut_data, caption = cut_parts(cut, tbptt, "x", tr)
    subtitle = [tr("time.signal_subtitle"), theory, *caption]
    data = {"curves": curves, **cut_data}
    return chart(data, parts + rule, tr("time.signal_title"), subtitle, legend_rows=len(names))
