"""What every chart's data shares: thinning, palettes, log-scale floors, step edges, subtitle
lines. Frames and numbers only; the spec's pieces are in ui.charts.spec.

A chart never receives more than MAX_ROWS rows: long histories are thinned in pandas first
(`thin`), because Vega-Lite redraws every row on every rerun.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

Tr = Callable[[str], str]  # catalog lookup: "charts.layer" -> "Layer" / "层"
Spec = dict[str, Any]  # a Vega-Lite spec as a plain dict (ui.charts.spec builds them)
QUANT, ORDINAL, NOMINAL = "quantitative", "ordinal", "nominal"  # Vega-Lite encoding types

MAX_ROWS = 5000  # rows one chart may send (a 60 x 60 decision surface and 1,000 points fit)
# A mark drawn once per step or cell (heatmap and surface cells, curves, update-ratio lines) gets
# no ARIA label per item: Vega builds each one with an interpreted expression on every redraw
# and writes it into the SVG, thousands a Step; the chart's name and its sentence (ui.charts.words)
# are what a screen reader reads.
UNLABELLED = {"aria": False}
HEIGHT = 200  # pixels of plot (spec.chart adds the title, legend and axes); width: the container's

# One palette for "which layer": input side dark violet, output side green-yellow, the same
# mapping in every chart (viridis cut short of its pale end, which vanishes on white).
LAYER_SCHEME = {"name": "viridis", "extent": [0.0, 0.85]}
SPLIT_COLORS = ("#4c78a8", "#f58518")  # train, test
UNDERFLOW_COLOR = "#d62728"  # a zero drawn at the floor of a log axis
# Chart text on the app's white background, at least 4.5:1 (WCAG AA): Streamlit's theme greys
# its axis labels with #808495, 3.72:1.
TEXT_COLOR, MUTED_COLOR = "#1f1b2d", "#5c5f6b"  # 16.8:1 and 6.4:1 on white

# A subtitle line of at most this many Latin characters (a CJK character counts as two) fits a
# chart in half the page's width: Vega cuts a longer title line with "…" instead of wrapping it.
SUBTITLE_WIDTH = 54
NARROW_SUBTITLE_WIDTH = 34  # the same in a third of the page's width (Home's two pictures)
TITLE_WIDTH = 36  # the same for a title line, in its larger font (a 390 px phone fits ~40)


def as_frame(data: pd.DataFrame | list[dict] | pa.Table | None) -> pd.DataFrame:
    """A spec's dataset (a frame, a few rows as dicts, or Arrow) as a frame; None: empty."""
    if data is None:
        return pd.DataFrame()
    if isinstance(data, pa.Table):
        return data.to_pandas()
    return data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)


def num(x: float | None, digits: int = 2) -> str:
    """A number as a sentence writes it: 1.7e-08 -> '1.7e-8', 0.6931 -> '0.69' (`digits`
    significant); '—' for none."""
    if x is None or not math.isfinite(x):
        return "—"
    text = f"{x:.{digits}g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], text)


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
    mask = (history["metric"] == name).to_numpy(copy=True)
    if layers is True:
        mask &= history["layer"].to_numpy() > 0
    value = history["value"].to_numpy()[mask].astype(np.float64)
    keep = np.isfinite(value)
    return pd.DataFrame(
        {
            "step": history["step"].to_numpy()[mask][keep].astype(np.int64),
            "layer": history["layer"].to_numpy()[mask][keep].astype(np.int64),
            "value": value[keep],
        }
    )


def run_metric(frame: pd.DataFrame, name: str, labels: Sequence[str], layers: bool) -> pd.DataFrame:
    """metric() for several runs (sim.analysis.compare.Comparison.frame(): a `run` column): run,
    step, layer, value, finite only, and each run's name (`run_label`) and number (`run_no`)."""
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


def n_layers(history: pd.DataFrame) -> int:
    """Linear layers in the network (depth + 1): the highest layer number in the history."""
    return int(history["layer"].max()) if len(history) else 0


def layer_names(tr: Tr, layers: pd.Series | np.ndarray, count: int) -> list[str]:
    """'3', or the output layer's name, for tooltips (a column's values, in order)."""
    out = tr("charts.output")
    return [out if v == count else str(v) for v in np.asarray(layers, dtype=np.int64).tolist()]


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


NICE_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(x: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is >= x (1 for
    x <= 0): a coarse grid, so a bound that drifts a little from burst to burst stays put."""
    if not (x > 0 and math.isfinite(x)):
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(s * power for s in NICE_STEPS if s * power >= x * (1 - 1e-12))


def decades(lo: float, hi: float) -> list[float]:
    """Tick values 10^k from lo to hi: a log axis without its 2..9 sub-ticks and grid lines."""
    a, b = round(math.log10(lo)), round(math.log10(hi))
    step = max(1, math.ceil((b - a) / 8))  # at most ~9 labels however wide the range
    return [10.0**k for k in range(a, b + 1, step)]


def at_floor(
    frame: pd.DataFrame, floor: float, tr: Tr | None = None, column: str = "value"
) -> pd.DataFrame:
    """For a log axis: add `underflow` (the value is exactly 0, float32 underflow) and `shown`
    (the value, or `floor` for a 0); with `tr`, a `note` on zeros for the tooltip."""
    value = frame[column].to_numpy()
    underflow = value <= 0
    out = frame.assign(underflow=underflow, shown=np.where(underflow, floor, value))
    if tr is not None:
        out["note"] = np.where(underflow, tr("charts.underflow"), "")
    return out


def step_edges(step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's heatmap cell edges, halfway between neighbouring shown steps, so the gaps that
    thinning leaves stay honest: (lo, hi), one of each per row of `step`."""
    steps = np.unique(step).astype(np.float64)
    if len(steps) == 1:
        lo, hi = steps - 0.5, steps + 0.5
    else:
        mid = (steps[1:] + steps[:-1]) / 2
        lo = np.concatenate([[max(steps[0] - (mid[0] - steps[0]), 0.0)], mid])
        hi = np.concatenate([mid, [steps[-1] + (steps[-1] - mid[-1])]])
    pos = np.searchsorted(steps, step)
    return lo[pos], hi[pos]


def _cells(text: str) -> int:  # a CJK character is about twice as wide as a Latin one
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Words with their trailing spaces, or one CJK character with the punctuation after it: the
# places a line may break. A word ends where CJK text begins ("‖∂L/∂W‖，同一条…" breaks after "，").
_ATOM = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff][\u3000-\u303f\uff00-\uffef]*\s*"
    r"|[^\s\u2e80-\u9fff\uf900-\ufaff]+[\u3000-\u303f\uff00-\uffef]*\s*|\s+"
)


def _greedy(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for atom in _ATOM.findall(text):
        if line and _cells((line + atom).rstrip()) > width:
            lines.append(line.rstrip())
            line = atom.lstrip()
        else:
            line += atom
    if line.strip():
        lines.append(line.rstrip())
    return lines or [text]


@functools.lru_cache(maxsize=256)
def wrap(text: str, width: int = SUBTITLE_WIDTH) -> tuple[str, ...]:
    """Line breaks at spaces (and between CJK characters), lines <= `width` cells: as few lines
    as that takes, as even as they come (no lone word on the last line)."""
    lines = _greedy(text, width)
    if len(lines) > 1:
        for narrower in range(math.ceil(_cells(text) / len(lines)), width):
            even = _greedy(text, narrower)
            if len(even) == len(lines):
                return tuple(even)
    return tuple(lines)


def subtitle_lines(subtitle: str | Sequence[str], width: int = SUBTITLE_WIDTH) -> list[str]:
    """Every subtitle sentence wrapped to `width`, as the list of lines Vega draws."""
    texts = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    return [line for text in texts for line in wrap(text, width)]
