"""The FAQ's one chart: the fixed example from content/faq, run live, loss and gradient norm per
step (lessons.faq runs it; `out` is what it returns)."""

from __future__ import annotations

import pandas as pd

from ui.charts.base import Tr
from ui.charts.spec import NOMINAL, QUANT, Spec, chart, field, mark, step_field, view

HEIGHT = 220  # pixels: a small picture under the code


def example_chart(out: dict, tr: Tr) -> Spec:
    """Loss and gradient norm of the fixed example per step, one line each."""
    n = len(out["loss"])
    frame = pd.DataFrame(
        {
            "step": list(range(1, n + 1)) * 2,
            "value": list(out["loss"]) + list(out["grad_norm"]),
            "series": [tr("faq.example_loss")] * n + [tr("faq.example_grad")] * n,
        }
    )
    encoding = {
        "x": step_field(tr),
        "y": field("value", QUANT, title=None),
        "color": field("series", NOMINAL, legend={"orient": "top"}, title=None),
        "tooltip": [
            {"field": "series", "type": NOMINAL},
            {"field": "step", "type": QUANT},
            {"field": "value", "format": ".4f", "type": QUANT},
        ],
    }
    lines = view("example", mark("line", strokeWidth=1.8), encoding)
    return chart({"example": frame}, [lines], tr("faq.example_title"), height=HEIGHT)
