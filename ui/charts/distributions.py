"""Distributions inside the network right now: activations and gradients per layer, overlaid.
Input: sim.analysis.views.distributions (histogram rows per layer and quantity)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ui.charts.base import UNDERFLOW_COLOR, Tr, layer_names
from ui.charts.spec import (
    NOMINAL,
    QUANT,
    Spec,
    chart,
    field,
    layer_color,
    mark,
    placeholder,
    tip,
    view,
)

MAX_LAYERS_SHOWN = 6  # default number of layers overlaid
ZERO_MARGIN = 1 / 12  # room for exact zeros left of the bins, share of their range

# No number under the zeros' margin: it is no position on the log axis. The margin is the first
# ZERO_MARGIN / (1 + ZERO_MARGIN) of the axis (1/13), read off the scale in the browser, so the
# spec stays the same while the bins move (a hair less, so a tick right on the rule is labelled).
_MARGIN_WIDTH = (
    f"(domain('x')[1] - domain('x')[0]) * {0.9999 * ZERO_MARGIN / (1 + ZERO_MARGIN):.6f}"
)
_NO_LABEL_IN_MARGIN = f"datum.value < domain('x')[0] + {_MARGIN_WIDTH} ? '' : datum.label"
# No domain written out: the bins' range moves every burst (ui.charts, rule 2). The data spans
# it (the zeros' margin included), so the axis fits the bins as a written domain would.
X_SCALE = {"nice": False, "zero": False}


def pick_layers(available: Sequence[int], n: int = MAX_LAYERS_SHOWN) -> list[int]:
    """At most n layers evenly spread over `available`, first and last always included."""
    available = sorted(set(int(a) for a in available))
    if len(available) <= n:
        return available
    idx = np.unique(np.linspace(0, len(available) - 1, n).round().astype(int))
    return [available[i] for i in idx]


def _outline(picked: pd.DataFrame, tr: Tr, count: int) -> pd.DataFrame:
    """Each layer's bins as a step outline: layer, bin_lo, bin_hi, share of the layer's
    entries, and a closing point at each layer's last bin edge, so the last bin's step is
    drawn."""
    layer = picked["layer"].to_numpy(np.int64)
    bin_lo, bin_hi = picked["bin_lo"].to_numpy(), picked["bin_hi"].to_numpy()
    share = picked["count"].to_numpy() / np.clip(picked["total"].to_numpy(), 1, None)
    present = np.unique(layer)
    last = np.array([np.flatnonzero(layer == v)[np.argmax(bin_lo[layer == v])] for v in present])
    outline_layer = np.concatenate([layer, layer[last]])
    return pd.DataFrame(
        {
            "layer": outline_layer,
            "bin_lo": np.concatenate([bin_lo, bin_hi[last]]),
            "bin_hi": np.concatenate([bin_hi, bin_hi[last]]),
            "share": np.concatenate([share, share[last]]),
            "layer_name": layer_names(tr, outline_layer, count),
        }
    )


def _zeros(picked: pd.DataFrame, tr: Tr, count: int, encoding: Spec) -> tuple[dict, list[Spec]]:
    """(datasets, views) for exact zeros, which have no place on a log axis: a diamond per layer
    in a margin left of a dashed rule, marked "= 0", their share in the tooltip. None: ({}, [])."""
    layer = picked["layer"].to_numpy(np.int64)
    present, first = np.unique(layer, return_index=True)
    zeros, total = picked["zeros"].to_numpy()[first], picked["total"].to_numpy()[first]
    has = zeros > 0  # per layer, as the layer's first row says
    if not has.any():
        return {}, []
    lo, hi = float(picked["bin_lo"].min()), float(picked["bin_hi"].max())
    margin = ZERO_MARGIN * (hi - lo)  # room for exact zeros, left of a dashed rule at lo
    slot = lo - 0.6 * margin  # where they are drawn
    data = {
        "zeros": pd.DataFrame(
            {
                "layer": present[has],
                "zeros": zeros[has],
                "total": total[has],
                "share": zeros[has] / total[has],
                "x": slot,
                "layer_name": layer_names(tr, present[has], count),
                "note": tr("charts.zeros"),
            }
        ),
        "edge": [{"x": lo, "margin": lo - margin}],
        "zero_label": [{"x": slot, "text": "= 0"}],
    }
    x = field("x", QUANT, scale=X_SCALE)
    diamond = mark("point", filled=True, opacity=1, shape="diamond", size=90)
    # under the plot, in the axis labels' row (no number stands under the zeros' margin): above
    # the axis the label sat under the diamonds of layers with few zeros
    label = mark("text", baseline="top", color=UNDERFLOW_COLOR, dy=4)
    tips = [encoding["tooltip"][0], tip("note", NOMINAL, " "), encoding["tooltip"][-1]]
    stretch = {"x": field("margin", QUANT), "x2": {"field": "x"}}
    views = [
        view("edge", mark("rect", opacity=0), stretch),  # invisible: it widens the axis only
        view("edge", mark("rule", color="#888", strokeDash=[3, 3]), {"x": x}),
        view("zeros", diamond, {**encoding, "x": x, "tooltip": tips}),
        view(
            "zero_label",
            label,
            {"x": x, "y": {"value": {"expr": "height"}}, "text": field("text", NOMINAL)},
        ),
    ]
    return data, views


def distributions_chart(
    dist: pd.DataFrame | None,
    tr: Tr,
    quantity: str = "gradient",
    layers: Sequence[int] | None = None,
) -> Spec:
    """Overlaid histograms, one step-outline per layer (layer palette), of one quantity:
    "activation" (post-activation values) or "gradient" (log10 |dL/dW| per weight entry). The y
    axis is the share of the layer's entries, so layers of different size compare. Bins are
    shared across layers: for gradients, a curve sliding left from the output layer to the input
    is vanishing, seen entry by entry. Exact zeros: _zeros.
    `layers`: which layers to overlay (a selector's choice); default pick_layers(all).
    Empty or None frame, or no such quantity: placeholder chart."""
    picked = dist[dist["quantity"] == quantity] if dist is not None and len(dist) else None
    if picked is None or picked.empty:
        return placeholder(tr)
    count = int(dist["layer"].max())  # gradient rows include the output layer
    chosen = list(layers) if layers is not None else pick_layers(picked["layer"].unique())
    picked = picked[picked["layer"].isin(chosen).to_numpy()]
    if picked.empty:
        return placeholder(tr)
    tip_layer = tip("layer_name", NOMINAL, tr("charts.layer"))
    tip_share = tip("share", QUANT, tr("charts.share_entries"), ".2%")
    y = field("share", QUANT, axis={"format": "%"}, stack=None, title=tr("charts.share_entries"))
    color = layer_color(count, tr, shown=sorted(chosen))
    zero_data, zero_views = _zeros(
        picked, tr, count, {"y": y, "color": color, "tooltip": [tip_layer, tip_share]}
    )
    x_axis = {"labelExpr": _NO_LABEL_IN_MARGIN} if zero_views else {}
    area = {
        "x": field(
            "bin_lo", QUANT, axis=x_axis, scale=X_SCALE, title=tr(f"charts.dist_axis_{quantity}")
        ),
        "y": y,
        "color": color,
        "detail": field("layer", NOMINAL),
        "tooltip": [
            tip_layer,
            tip("bin_lo", QUANT, tr("charts.bin_from"), ".3g"),
            tip("bin_hi", QUANT, tr("charts.bin_to"), ".3g"),
            tip_share,
        ],
    }
    step_area = mark("area", interpolate="step-after", line={"strokeWidth": 1.5}, opacity=0.12)
    data = {"outline": _outline(picked, tr, count), **zero_data}
    parts = [view("outline", step_area, area), *zero_views]
    title = tr(f"charts.dist_title_{quantity}")
    return chart(data, parts, title, tr("charts.dist_subtitle"))
