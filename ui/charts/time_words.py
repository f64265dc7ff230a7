"""What each Through time chart shows now, in one sentence, read from the spec's own datasets
(as ui.charts.words does for the Playground's; the loss and accuracy charts use its sentences).

    time_sentence("signal", spec, tr)     # "At the latest step, ||dL/dh_1|| is 1.3e-6 ..."
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ui.charts.base import Tr, num
from ui.charts.spec import Spec
from ui.charts.words import SENTENCES, ends, heatmap_words, rows

TIME_WORD_KEYS: tuple[str, ...] = (
    "time.now_signal",
    "time.now_signal_cut",
    "time.now_heatmap",
    "time.now_gates",
)


def _signal(spec: Spec, tr: Tr, facts: dict) -> str:
    curves = rows(spec, "curves")
    if curves.empty:
        return ""
    measured = curves[curves["series"] == tr("time.measured")]
    count, start = int(measured["layer"].max()), int(measured["layer"].min())
    key = "time.now_signal" if start == 1 else "time.now_signal_cut"  # truncated backprop
    return tr(key).format(**ends(measured, start, count), count=count, start=start)


def _gates(spec: Spec, tr: Tr, facts: dict) -> str:
    gates = rows(spec, "gates")
    if gates.empty:
        return ""
    arch = facts.get("arch", "lstm")
    mean = gates.loc[gates["series"] == tr(f"time.gate_{arch}"), "value"]
    saturated = gates.loc[gates["series"] == tr("time.gate_saturated"), "value"]
    if mean.empty:
        return ""
    most = float(saturated.max()) if len(saturated) else math.nan
    return tr("time.now_gates").format(
        lo=f"{mean.min():.2f}", hi=f"{mean.max():.2f}", saturated=num(most * 100, 2) + "%"
    )


# The Playground's table with Through time's own charts over it (loss and accuracy are shared).
TIME_SENTENCES: dict[str, Callable[[Spec, Tr, dict], str]] = {
    **SENTENCES,
    "signal": _signal,
    "heatmap": heatmap_words("time.now_heatmap"),
    "gates": _gates,
}


def time_sentence(name: str, spec: Spec | None, tr: Tr, **facts: Any) -> str:
    """What the Through time chart `name` shows now; "" for no chart or nothing drawn yet."""
    return "" if spec is None else TIME_SENTENCES[name](spec, tr, facts)
