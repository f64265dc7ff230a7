"""What each chart shows now, in one sentence of the reader's language, read from the spec's own
datasets (the numbers drawn, nothing recomputed from the history):

    sentence("loss", spec, tr, chance=0.693)   # "Training loss 0.691 at step 200; ... 0.693."

The sentence is shown as caption text under its chart and changes with it; the spec keeps its
fixed description (the stability rule in ui.charts says why it cannot carry the sentence).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ui.charts.base import Tr, as_frame, num
from ui.charts.explorer import depth_words, df_words, f_words
from ui.charts.faq import example_words
from ui.charts.numbers import show_numbers
from ui.charts.spec import Spec, show

# Every catalog key the sentences use ([charts] in locales/*.toml), for a test.
WORD_KEYS: tuple[str, ...] = (
    "charts.now_layer",
    "charts.now_output",
    "charts.now_join",
    "charts.now_below",
    "charts.now_grad_norm",
    "charts.now_heatmap",
    "charts.now_loss",
    "charts.now_loss_train",
    "charts.now_accuracy",
    "charts.now_accuracy_train",
    "charts.now_decision_cls",
    "charts.now_decision_reg",
    "charts.now_activations",
    "charts.now_update",
    "charts.now_units",
    "charts.now_dist_gradient",
    "charts.now_dist_activation",
    "charts.now_f",
    "charts.now_f_one",
    "charts.now_df",
    "charts.now_df_one",
    "charts.now_depth",
    "charts.now_depth_one",
    "charts.now_example",
)


def rows(spec: Spec | None, name: str) -> pd.DataFrame:
    """One named dataset of the spec as a frame (empty when it has none of that name)."""
    return as_frame(((spec or {}).get("datasets") or {}).get(name))


def described(spec: Spec | None, tr: Tr) -> Spec | None:
    """The spec whose fixed description also says where its live sentence and numbers are."""
    if spec is None or "description" not in spec:
        return spec
    return {**spec, "description": f"{spec['description']} {tr('charts.now_below')}"}


def _layer(n: int, tr: Tr, output: bool = False) -> str:
    return tr("charts.now_output") if output else tr("charts.now_layer").format(n=int(n))


def latest(frame: pd.DataFrame, layer: int, column: str = "value") -> float:
    """The last value drawn at one layer (a time step on Through time); nan when none."""
    here = frame.loc[frame["layer"] == layer, column]
    return float(here.iloc[-1]) if len(here) else math.nan


def ends(frame: pd.DataFrame, first: int, last: int) -> dict[str, str]:
    """The words {first}, {last} and {ratio} (first / last) for the latest values at two layers."""
    a, b = latest(frame, first), latest(frame, last)
    return {"first": num(a), "last": num(b), "ratio": num(a / b if b > 0 else math.nan)}


def _last(frame: pd.DataFrame, split: str) -> tuple[int, float] | None:
    """(step, value) of a split's latest row of a curves dataset."""
    mine = frame[frame["split"] == split]
    if mine.empty:
        return None
    row = mine.loc[mine["step"].idxmax()]
    return int(row["step"]), float(row["value"])


def _grad_norm(spec: Spec, tr: Tr, facts: dict) -> str:
    bars = rows(spec, "bars")
    if bars.empty:
        return ""
    words = ends(bars, 1, int(bars["layer"].max()))
    return tr("charts.now_grad_norm").format(step=int(bars["step"].max()), **words)


def heatmap_words(key: str) -> Callable[[Spec, Tr, dict], str]:
    """The sentence of a step x layer heatmap (a step x time step one on Through time): the
    first and last rows' values at its first and last step, in the catalog sentence `key`."""

    def words(spec: Spec, tr: Tr, facts: dict) -> str:
        cells = rows(spec, "cells")
        if cells.empty:
            return ""
        count, start, end = (
            int(cells["layer"].max()),
            int(cells["step"].min()),
            int(cells["step"].max()),
        )
        at_start, at_end = cells[cells["step"] == start], cells[cells["step"] == end]
        return tr(key).format(
            start=start,
            end=end,
            count=count,
            first=num(latest(at_start, 1)),
            last=num(latest(at_end, 1)),
            out_first=num(latest(at_start, count)),
            out_last=num(latest(at_end, count)),
        )

    return words


def _curves(spec: Spec, tr: Tr, kind: str, fmt: Callable[[float], str], chance: str) -> str:
    curves = rows(spec, "curves")
    train = _last(curves, tr("charts.train")) if len(curves) else None
    if train is None:
        return ""
    test = _last(curves, tr("charts.test"))
    words = {"step": train[0], "train": fmt(train[1]), "chance": chance}
    if test is None:
        return tr(f"charts.now_{kind}_train").format(**words)
    return tr(f"charts.now_{kind}").format(**words, test_step=test[0], test=fmt(test[1]))


def _loss(spec: Spec, tr: Tr, facts: dict) -> str:
    chance = num(float(facts.get("chance", math.nan)), 3)
    return _curves(spec, tr, "loss", lambda x: num(x, 3), chance)


def _accuracy(spec: Spec, tr: Tr, facts: dict) -> str:
    return _curves(spec, tr, "accuracy", lambda x: f"{x:.1%}", "")


def columns(spec: Spec | None, name: str) -> dict[str, np.ndarray]:
    """One named dataset of the spec as numpy columns (none when it has no such dataset): for
    the few thousand rows of a surface, without building a frame."""
    data = ((spec or {}).get("datasets") or {}).get(name)
    if data is None or isinstance(data, list):
        data = as_frame(data)
    if isinstance(data, pa.Table):
        return {c: data.column(c).to_numpy() for c in data.column_names}
    return {c: data[c].to_numpy() for c in data.columns}


def _decision(spec: Spec, tr: Tr, facts: dict) -> str:
    cells, points = columns(spec, "cells"), columns(spec, "points")
    if not len(cells.get("value", ())):
        return ""
    n_points = len(points.get("split", ()))
    test = {c: v[points["split"] == "test"] for c, v in points.items()} if n_points else points
    test = test if len(test.get("split", ())) else points
    n = len(test.get("split", ()))
    if "klass" not in cells:
        return tr("charts.now_decision_reg").format(
            lo=num(cells["value"].min()),
            hi=num(cells["value"].max()),
            target_lo=num(test["label"].min() if n else math.nan),
            target_hi=num(test["label"].max() if n else math.nan),
        )
    gx, gy = np.unique(cells["x1"]), np.unique(cells["x2"])
    grid = np.full(len(gx) * len(gy), -1, dtype=np.int64)
    cell = np.searchsorted(gx, cells["x1"]) * len(gy)
    grid[cell + np.searchsorted(gy, cells["x2"])] = cells["klass"].astype(np.int64)
    if not n:
        return tr("charts.now_decision_cls").format(right=0, n=0)
    where = _nearest(gx, test["x1"]) * len(gy) + _nearest(gy, test["x2"])
    right = int((grid[where] == test["label"].astype(np.int64)).sum())
    return tr("charts.now_decision_cls").format(right=right, n=n)


def _nearest(grid: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of the grid value nearest each value (a sorted grid)."""
    i = np.clip(np.searchsorted(grid, values), 1, max(len(grid) - 1, 1))
    if len(grid) < 2:
        return np.zeros(len(values), dtype=np.int64)
    return np.where(np.abs(values - grid[i - 1]) <= np.abs(grid[i] - values), i - 1, i)


def _activations(spec: Spec, tr: Tr, facts: dict) -> str:
    stats = rows(spec, "layers")
    if stats.empty:
        return ""
    a, b = int(stats["layer"].min()), int(stats["layer"].max())
    return tr("charts.now_activations").format(
        first=num(latest(stats, a, "act_std")),
        first_layer=_layer(a, tr),
        last=num(latest(stats, b, "act_std")),
        last_layer=_layer(b, tr),
    )


def _update(spec: Spec, tr: Tr, facts: dict) -> str:
    ratios = rows(spec, "ratios")
    if ratios.empty:
        return ""
    count, step = int(ratios["layer"].max()), int(ratios["step"].max())
    now = ratios[ratios["step"] == step]
    lo, hi = now.loc[now["value"].idxmin()], now.loc[now["value"].idxmax()]
    return tr("charts.now_update").format(
        step=step,
        lo=num(lo["value"]),
        lo_layer=_layer(lo["layer"], tr, lo["layer"] == count),
        hi=num(hi["value"]),
        hi_layer=_layer(hi["layer"], tr, hi["layer"] == count),
    )


def _units(spec: Spec, tr: Tr, facts: dict) -> str:
    shares = rows(spec, "shares")
    if shares.empty:
        return ""
    top = {}
    for kind in ("saturation", "dead"):
        mine = shares[shares["kind"] == tr(f"charts.{kind}")]
        row = mine.loc[mine["value"].idxmax()] if len(mine) else None
        top[kind] = (
            (f"{row['value']:.0%}", _layer(row["layer"], tr)) if row is not None else ("—", "")
        )
    return tr("charts.now_units").format(
        problems=int((shares["mark"] == "!").sum()),
        bars=len(shares),
        sat=top["saturation"][0],
        sat_layer=top["saturation"][1],
        dead=top["dead"][0],
        dead_layer=top["dead"][1],
    )


def _peaks(outline: pd.DataFrame, tr: Tr, log10: bool) -> dict[str, str]:
    """The first and last layer shown, and where each one's histogram peaks (its bin's middle)."""
    out = {}
    for end, layer in (("first", outline["layer"].min()), ("last", outline["layer"].max())):
        mine = outline[outline["layer"] == layer]
        peak = mine.loc[mine["share"].idxmax()]
        middle = (float(peak["bin_lo"]) + float(peak["bin_hi"])) / 2
        out[end] = num(10.0**middle if log10 else middle)
        out[f"{end}_layer"] = _layer(layer, tr, peak["layer_name"] == tr("charts.output"))
    return out


def _dist(quantity: str) -> Callable[[Spec, Tr, dict], str]:
    def words(spec: Spec, tr: Tr, facts: dict) -> str:
        outline = rows(spec, "outline")
        if outline.empty:
            return ""
        peaks = _peaks(outline, tr, log10=quantity == "gradient")
        return tr(f"charts.now_dist_{quantity}").format(**peaks)

    return words


# One entry per chart: the Playground's cells by name, the Explorer's and the FAQ's charts.
SENTENCES: dict[str, Callable[[Spec, Tr, dict], str]] = {
    "grad_norm": _grad_norm,
    "heatmap": heatmap_words("charts.now_heatmap"),
    "loss": _loss,
    "accuracy": _accuracy,
    "decision": _decision,
    "activations": _activations,
    "update_ratio": _update,
    "units": _units,
    "dist_gradient": _dist("gradient"),
    "dist_activation": _dist("activation"),
    "explorer_f": f_words,
    "explorer_df": df_words,
    "explorer_depth": depth_words,
    "faq_example": example_words,
}


def sentence(name: str, spec: Spec | None, tr: Tr, **facts: Any) -> str:
    """What chart `name` (a SENTENCES key) shows now; "" for no chart or nothing drawn yet."""
    if spec is None:
        return ""
    return SENTENCES[name](spec, tr, facts)


def show_said(where: Any, name: str, spec: Spec | None, tr: Tr, **facts: Any) -> None:
    """A chart, its sentence under it and its numbers (collapsed): for a chart drawn once per
    rerun (the Explorer's, the FAQ's); the Playground's cells do the same in place (Board)."""
    show(where, described(spec, tr))
    text = sentence(name, spec, tr, **facts)
    if text:
        where.caption(text)
    show_numbers(where, spec, tr("common.chart_numbers"), latest=True)
