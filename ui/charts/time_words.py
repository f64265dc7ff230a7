"""What each Through time chart shows now, in one sentence, read from the spec's own datasets
(as ui.charts.words does for the Playground's; the loss and accuracy charts use its sentences).

    time_sentence("signal", spec, tr)     # "At the latest step, ||dL/dh_1|| is 1.3e-6 ..."
"""

from __future__ import annotations

import math
from typing import Any

from ui.charts.base import Tr, num
from ui.charts.spec import Spec
from ui.charts.words import rows, sentence

TIME_WORD_KEYS: tuple[str, ...] = (
    "time.now_signal",
    "time.now_signal_cut",
    "time.now_heatmap",
    "time.now_gates",
)


def _at(frame, t: int) -> float:
    here = frame.loc[frame["layer"] == t, "value"]
    return float(here.iloc[-1]) if len(here) else math.nan


def _signal(spec: Spec, tr: Tr) -> str:
    curves = rows(spec, "curves")
    if curves.empty:
        return ""
    measured = curves[curves["series"] == tr("time.measured")]
    count, start = int(measured["layer"].max()), int(measured["layer"].min())
    first, last = _at(measured, start), _at(measured, count)
    ratio = first / last if last > 0 else math.nan
    key = "time.now_signal" if start == 1 else "time.now_signal_cut"  # truncated backprop
    return tr(key).format(
        first=num(first), last=num(last), count=count, ratio=num(ratio), start=start
    )


def _heatmap(spec: Spec, tr: Tr) -> str:
    cells = rows(spec, "cells")
    if cells.empty:
        return ""
    count, start, end = (
        int(cells["layer"].max()),
        int(cells["step"].min()),
        int(cells["step"].max()),
    )
    at_start, at_end = cells[cells["step"] == start], cells[cells["step"] == end]
    return tr("time.now_heatmap").format(
        start=start,
        end=end,
        count=count,
        first=num(_at(at_start, 1)),
        last=num(_at(at_end, 1)),
        out_first=num(_at(at_start, count)),
        out_last=num(_at(at_end, count)),
    )


def _gates(spec: Spec, tr: Tr, arch: str) -> str:
    gates = rows(spec, "gates")
    if gates.empty:
        return ""
    mean = gates.loc[gates["series"] == tr(f"time.gate_{arch}"), "value"]
    saturated = gates.loc[gates["series"] == tr("time.gate_saturated"), "value"]
    if mean.empty:
        return ""
    most = float(saturated.max()) if len(saturated) else math.nan
    return tr("time.now_gates").format(
        lo=f"{mean.min():.2f}", hi=f"{mean.max():.2f}", saturated=num(most * 100, 2) + "%"
    )


def time_sentence(name: str, spec: Spec | None, tr: Tr, **facts: Any) -> str:
    """What the Through time chart `name` shows now; "" for no chart or nothing drawn yet."""
    if spec is None:
        return ""
    if name == "signal":
        return _signal(spec, tr)
    if name == "heatmap":
        return _heatmap(spec, tr)
    if name == "gates":
        return _gates(spec, tr, facts.get("arch", "lstm"))
    return sentence(name, spec, tr, **facts)  # loss, accuracy: the Playground's sentences
