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
    spec = loss_chart(history, tr, diverged_step)
    if chance is None or "layer" not in spec:  # a placeholder chart: nothing to lay it over
        return spec
    y = {k: v for k, v in spec["layer"][0]["encoding"]["y"].items() if k != "axis"}
    on_y = {"y": y}
    rule = mark("rule", clip=True, color=CHANCE_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
    text = mark("text", align="right", baseline="bottom", color=CHANCE_COLOR, dx=-4, dy=-3)
    label = {**on_y, "text": field("text", NOMINAL), "x": {"value": {"expr": "width"}}}
    title, note = tr("charts.loss_title"), tr("time.chance_note")
    params = title_params(title, note)
    return {
        **spec,
        "layer": [*spec["layer"], view("chance", rule, on_y), view("chance", text, label)],
        "datasets": {
            **spec["datasets"],
            "chance": [{"value": float(chance), "text": tr("time.chance")}],
        },
        "title": params,
        "height": spec["height"] + SUBTITLE_LINE * (len(params["subtitle"]) - 1),
        "description": describe(title, note),
    }
