"""Before and after: the previous network's last run, drawn faintly on the gradient-norm and loss
charts of the new one, labelled with what changed.

    before = Trace(lab.before.history, label)         # label: "Before: Activation Sigmoid"
    grad_norm_chart(history, tr, before)               # and loss_chart(..., before=before)

The trace does not move during a burst (it is the old network's), and its label is data, so it
keeps to the stability rule (ui.charts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ui.charts.base import metric, thin
from ui.charts.spec import NOMINAL, Spec, field, mark, view

COLOR = "#8a8f98"  # faint grey: behind the current run's colours, readable on white
OPACITY = 0.7
MAX_TRACE_POINTS = 400


@dataclass(frozen=True)
class Trace:
    history: pd.DataFrame  # the previous network's history (its loss and gradient norms)
    label: str  # what changed, in the reader's language


def grad_norm_rows(trace: Trace, count: int, lo: float) -> pd.DataFrame:
    """The previous run's weight-gradient norm per layer at its last step, layers 1..count."""
    grad = metric(trace.history, "grad_norm", layers=True)
    if grad.empty:
        return grad
    grad = grad[(grad["step"] == grad["step"].max()) & (grad["layer"] <= count)]
    return _labelled(grad.sort_values("layer"), trace.label, lo)


def loss_rows(trace: Trace, lo: float) -> pd.DataFrame:
    """The previous run's training loss over its steps (thinned)."""
    loss = thin(metric(trace.history, "loss"), MAX_TRACE_POINTS)
    return _labelled(loss, trace.label, lo)


def _labelled(rows: pd.DataFrame, label: str, lo: float) -> pd.DataFrame:
    rows = rows[np.isfinite(rows["value"].to_numpy())]
    out = rows[["step", "layer", "value"]].reset_index(drop=True)
    out["shown"] = np.maximum(out["value"].to_numpy(), lo)  # a zero sits on the floor
    out["label"] = ""
    if len(out):
        out.loc[len(out) - 1, "label"] = label  # written once, at the trace's end
    return out


def layers(x: Spec, y: Spec) -> list[Spec]:
    """The faint dashed line, its points, and the label at its end (over dataset `before`)."""
    enc = {"x": x, "y": y}
    line = mark("line", color=COLOR, opacity=OPACITY, strokeDash=[5, 3], strokeWidth=1.5)
    text = mark("text", color=COLOR, align="right", baseline="bottom", dy=-6, fontSize=11)
    return [
        view("before", line, enc),
        view("before", mark("point", color=COLOR, opacity=OPACITY, size=18), enc),
        view("before", text, {**enc, "text": field("label", NOMINAL)}, where="datum.label"),
    ]
