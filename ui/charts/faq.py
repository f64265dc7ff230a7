"""The FAQ's one chart: the fixed example from content/faq, run live, loss and gradient norm per
step (lessons.faq runs it; `out` is what it returns)."""

from __future__ import annotations

import pandas as pd

from ui.charts.base import Tr, as_frame, num
from ui.charts.spec import QUANT, Spec, chart, field, mark, step_field, tip, view

# pixels of plot: a small picture under the code, taller than the loss axis's title beside it
# (a rotated title longer than the plot pushed the chart's title above its top edge)
HEIGHT = 200
# One colour and one dash per line whatever the language (a nominal scale would sort the names,
# and 损失/梯度范数 sort the other way round from Loss/Gradient norm); Okabe-Ito blue and a
# darkened vermilion (axis titles 5:1 on white) stay apart under deuteranopia and protanopia.
LINES = {"loss": ("#0072b2", [1, 0]), "grad_norm": ("#b84f00", [5, 3])}
NAMES = {"loss": "faq.example_loss", "grad_norm": "faq.example_grad"}


def example_chart(out: dict, tr: Tr) -> Spec:
    """Loss and gradient norm of the fixed example per step, each on its own y axis (their
    ranges differ tenfold), the axis titled in the line's colour."""
    n = len(out["loss"])
    frame = pd.DataFrame(
        {"step": range(1, n + 1), "loss": out["loss"], "grad_norm": out["grad_norm"]}
    )
    layers = []
    for i, (name, (color, dash)) in enumerate(LINES.items()):
        axis = {"orient": "left" if i == 0 else "right", "titleColor": color, "tickCount": 5}
        encoding = {
            "x": step_field(tr),
            "y": field(name, QUANT, axis=axis, scale={"zero": True}, title=tr(NAMES[name])),
            "tooltip": [
                tip("step", QUANT, tr("charts.step")),
                tip(name, QUANT, tr(NAMES[name]), ".4f"),
            ],
        }
        line = mark("line", color=color, strokeDash=dash, strokeWidth=2)
        layers.append(view("example", line, encoding))
    return chart(
        {"example": frame},
        layers,
        tr("faq.example_title"),
        tr("faq.example_subtitle"),
        height=HEIGHT,
        resolve={"scale": {"y": "independent"}},
    )


def example_words(spec: Spec, tr: Tr, facts: dict | None = None) -> str:
    """What the chart shows now, in a sentence (ui.charts.words)."""
    example = as_frame((spec.get("datasets") or {}).get("example"))
    if example.empty:
        return ""
    first, last = example.iloc[0], example.iloc[-1]
    return tr("charts.now_example").format(
        steps=len(example),
        loss_first=num(first["loss"], 3),
        loss_last=num(last["loss"], 3),
        grad_first=num(first["grad_norm"], 3),
        grad_last=num(last["grad_norm"], 3),
    )
