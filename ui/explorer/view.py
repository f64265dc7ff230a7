"""Activation explorer helpers: the localised property table and formulas, the per-layer
comparison of theory and engine, the cached engine measurement behind the depth chart, and the
links that open each function's network in the Playground."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from sim.activations import ACTIVATIONS
from sim.analysis.sweep import depth_sweep
from sim.analysis.theory import backward_factor, properties
from sim.presets import BASE
from sim.slots import SLOTS
from ui.common.i18n import t
from ui.common.urlstate import with_lang
from ui.common.wording import choice_label
from ui.playground import state as playground_state

MEASURED_POINTS = 6  # depths the engine measures per activation


def measured_depths(depth: int) -> tuple[int, ...]:
    return tuple(int(d) for d in np.unique(np.linspace(2, max(2, depth), MEASURED_POINTS).round()))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def measured(activations: tuple[str, ...], init: str, depths: tuple[int, ...]) -> pd.DataFrame:
    """The engine at initialisation (step 1's gradients), one network per activation and depth.
    They train in a training slot, like any burst: a busy room queues instead of overloading."""
    with SLOTS.hold():
        return depth_sweep(activations, depths, init, 0, BASE, 0)


def _num(x: float) -> str:
    return "−∞" if x == -math.inf else "∞" if x == math.inf else f"{x:g}".replace("-", "−")


def interval(lo: float, hi: float, tr) -> str:
    """(−inf, 0) -> 'x < 0'; (0, inf) -> 'x > 0'; (−1, 1) -> '−1 < x < 1'."""
    if lo == -math.inf and hi == math.inf:
        return tr("explorer.everywhere")
    if lo == -math.inf:
        return f"x < {_num(hi)}"
    if hi == math.inf:
        return f"x > {_num(lo)}"
    return f"{_num(lo)} < x < {_num(hi)}"


def peak_where(lo: float, hi: float, tr) -> str:
    if lo == hi == math.inf:
        return tr("explorer.at_infinity")
    if lo == hi:
        return f"x = {_num(lo)}"
    return interval(lo, hi, tr)


def property_table(names: list[str], tr) -> pd.DataFrame:
    rows = []
    yes, no = tr("explorer.yes"), tr("explorer.no")
    for name in names:
        p = properties(name)
        flat = ", ".join(interval(a, b, tr) for a, b in p.flat) or tr("explorer.none")
        rows.append(
            {
                tr("explorer.activation"): choice_label("activation", name, tr),
                tr("explorer.col_peak"): f"{p.peak_derivative:.3g}",
                tr("explorer.col_where"): peak_where(p.peak_lo, p.peak_hi, tr),
                tr("explorer.col_zero_centred"): yes if p.zero_centred else no,
                tr("explorer.col_bounded"): yes if p.bounded else no,
                tr("explorer.col_dead"): flat if p.dead else tr("explorer.none"),
                tr("explorer.col_flat"): flat,
            }
        )
    return pd.DataFrame(rows)


def factors_now(names: list[str], init: str, depth: int, engine: pd.DataFrame, tr) -> str:
    """The caption's sentence for the settings chosen above: each activation's per-layer factor
    in mean-field theory and as measured, for `init` at `depth` (the table's numbers)."""
    parts = []
    for name in names:
        theory = backward_factor(BASE.replace(activation=name, init=init, depth=depth))
        mine = engine[(engine["activation"] == name) & (engine["depth"] == depth)]
        seen = float(mine["factor"].iloc[0]) if len(mine) else math.nan
        label = choice_label("activation", name, tr)
        measured = f"{seen:.3f}" if math.isfinite(seen) else "–"
        parts.append(tr("explorer.depth_now_one", act=label, theory=f"{theory:.3f}", seen=measured))
    init_name = choice_label("init", init, tr)
    factors = tr("charts.now_join").join(parts)
    return tr("explorer.depth_now", init=init_name, depth=depth, factors=factors)


def factor_table(names: list[str], init: str, depth: int, engine: pd.DataFrame, tr) -> pd.DataFrame:
    """Per-layer factor of the backward signal: the slope alone, mean field, and the engine."""
    rows = []
    for name in names:
        cfg = BASE.replace(activation=name, init=init, depth=depth)
        theory = backward_factor(cfg)
        mine = engine[(engine["activation"] == name) & (engine["depth"] == depth)]
        seen = float(mine["factor"].iloc[0]) if len(mine) else math.nan
        gap = abs(seen / theory - 1) if theory and math.isfinite(seen) else math.nan
        rows.append(
            {
                tr("explorer.activation"): choice_label("activation", name, tr),
                tr("explorer.col_best"): f"{properties(name).peak_derivative:.3g}",
                tr("explorer.col_mean_field"): f"{theory:.3f}",
                tr("explorer.col_measured", depth=depth): f"{seen:.3f}",
                tr("explorer.col_gap"): f"{gap:.1%}" if math.isfinite(gap) else "–",
            }
        )
    return pd.DataFrame(rows)


def formulas(names: list[str], labels: dict[str, str]) -> None:
    """Each function's formula under its name, side by side."""
    for col, name in zip(st.columns(len(names)), names, strict=True):
        col.caption(labels[name])
        col.latex(ACTIVATIONS[name].formula)


def playground_links(names: list[str], init: str, depth: int, labels: dict[str, str]) -> None:
    """One link per function (at most five): its network, this init and depth, in the Playground."""
    cols = st.columns(min(len(names), 5))
    for col, name in zip(cols, names, strict=False):
        cfg = BASE.replace(activation=name, init=init, depth=depth)
        col.page_link(
            "app_pages/playground.py",
            label=t("explorer.try", name=labels[name]),
            icon=":material/open_in_new:",
            query_params=with_lang(playground_state.query_of(cfg)),
        )
