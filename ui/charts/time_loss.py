"""Through time: the loss against the task's chance line.

A network that learnt only the targets' average (the adding problem: MSE 1/6) or guesses a
class (cross-entropy ln K) sits on the chance line; learning through time is getting below it.
"""

from __future__ import annotations

import pandas as pd

from ui.charts.base import Tr
from ui.charts.spec import NOMINAL, SUBTITLE_LINE, Spec, describe, field, mark, title_params, view
from ui.charts.training import loss_chart

CHANCE_COLOR = "#d62728"


def chance_loss_chart(
    history: pd.DataFrame, tr: Tr, chance: float | None, diverged_step: int | None = None
) -> Spec:
    """The Playground's loss chart (train and test, log axis, the divergence rule) with the
    task's chance loss as a dashed red line on the same axis. Empty history: placeholder."""
    return with_chance(loss_chart(history, tr, diverged_step), tr, chance)


def with_chance(spec: Spec | None, tr: Tr, chance: float | None) -> Spec | None:
    """A loss chart (one view or a layer of them, its loss on y) with the task's chance loss laid
    over it as a dashed red line on the same axis, and a note that says so (Compare's chart of
    every run's loss takes it too). A placeholder, None or no chance: the spec as it is."""
    if spec is None or chance is None or "y" not in _views(spec)[0].get("encoding", {}):
        return spec
    views = _views(spec)
    y = {k: v for k, v in views[0]["encoding"]["y"].items() if k != "axis"}
    on_y = {"y": y}
    rule = mark("rule", clip=True, color=CHANCE_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
    text = mark("text", align="right", baseline="bottom", color=CHANCE_COLOR, dx=-4, dy=-3)
    label = {**on_y, "text": field("text", NOMINAL), "x": {"value": {"expr": "width"}}}
    title, before = _title(spec, tr)
    params = title_params(title, [*before, tr("time.chance_note")])
    added = len(params["subtitle"]) - len(before) - 1  # the note's further lines
    top = {k: v for k, v in spec.items() if k not in VIEW_KEYS}
    return {
        **top,
        "layer": [*views, view("chance", rule, on_y), view("chance", text, label)],
        "datasets": {
            **spec["datasets"],
            "chance": [{"value": float(chance), "text": tr("time.chance")}],
        },
        "title": params,
        "height": spec["height"] + SUBTITLE_LINE * added,
        "description": describe(title, tr("time.chance_note")),
    }


def _title(spec: Spec, tr: Tr) -> tuple[str, list[str]]:
    """The chart's title as one string and its subtitle's lines (the loss chart's by default)."""
    params = spec.get("title") if isinstance(spec.get("title"), dict) else {}
    text = params.get("text", tr("charts.loss_title"))
    subtitle = params.get("subtitle", [])
    return " ".join(text) if isinstance(text, list) else text, list(subtitle)


VIEW_KEYS = ("data", "mark", "encoding", "transform")  # what one view holds (ui.charts.spec.view)


def _views(spec: Spec) -> list[Spec]:
    """A chart's views: its layers, or the one view it is made of."""
    if "layer" in spec:
        return list(spec["layer"])
    return [{k: spec[k] for k in VIEW_KEYS if k in spec}]
