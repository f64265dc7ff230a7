"""Theory beside measurement: what an activation's shape and an init's scale predict for the
backward signal, to draw next to what the engine measures at initialisation.

Two predictions for the per-layer factor of the backward signal ||dL/dh|| in a plain MLP:

- best case: backprop multiplies by f'(z) at each layer, so no layer can pass on more than
  max f' of it (sigmoid: 1/4 per layer, Pascanu, Mikolov & Bengio 2013 sec. 2.1);
- mean field (Poole et al. 2016; Schoenholz et al. 2017): with sigma_w^2 = fan_in * Var[w] and
  pre-activations z ~ N(0, q), the squared signal shrinks or grows per layer by
  chi = sigma_w^2 * E[f'(z)^2], and q itself follows q' = sigma_w^2 * E[f(z)^2] + sigma_b^2.
  Inverted dropout with rate p scales both E[.] by 1 / (1 - p). The factor is sqrt(chi).

Theory covers plain stacks only (no normalisation, no residual): elsewhere it returns NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from sim.activations import ACTIVATIONS
from sim.config import RunConfig
from sim.presets import BASE

GRID = torch.linspace(-12.0, 12.0, 24001, dtype=torch.float64)  # where properties are read
# Standard-normal quadrature: midpoints of 16000 cells on [-8, 8] (none at 0, where ReLU's
# derivative jumps), weights normalised to sum to 1.
_U = torch.linspace(-8.0, 8.0, 16001, dtype=torch.float64)
_U = (_U[1:] + _U[:-1]) / 2
_PHI = torch.exp(-0.5 * _U * _U)
_PHI = _PHI / _PHI.sum()


# ---------------------------------------------------------------------------------------------
# Properties of one activation


@dataclass(frozen=True)
class Properties:
    name: str
    peak_derivative: float  # largest f'(x) on GRID
    peak_lo: float  # where it is reached: one point (lo == hi) or a plateau (lo, hi), which
    peak_hi: float  # runs to +-inf when it reaches the end of GRID (ReLU: 0, inf)
    zero_centred: bool
    bounded: bool
    dead: bool  # f' is exactly 0 on a half-line: units can die there
    flat: tuple[tuple[float, float], ...]  # intervals where f' is nearly 0
    formula: str


def properties(name: str) -> Properties:
    act = ACTIVATIONS[name]
    d = act.derivative(GRID)
    peak = float(d.max())
    lo, hi = _peak_region(d >= peak * (1 - 1e-9))
    return Properties(
        name, peak, lo, hi, act.zero_centred, act.bounded, act.dead, act.flat, act.formula
    )


def _peak_region(at_peak: torch.Tensor) -> tuple[float, float]:
    idx = torch.nonzero(at_peak).flatten()
    first, last, step = int(idx[0]), int(idx[-1]), float(GRID[1] - GRID[0])
    if first == last == len(GRID) - 1:  # still rising at the end (softplus): x -> +inf
        return math.inf, math.inf
    if first == last:
        return _tidy(GRID[first]), _tidy(GRID[first])
    # a plateau: its ends lie half-way to the neighbouring grid points, or at infinity
    lo = -math.inf if first == 0 else _tidy(GRID[first] - step / 2)
    hi = math.inf if last == len(GRID) - 1 else _tidy(GRID[last] + step / 2)
    return lo, hi


def _tidy(x) -> float:
    return round(float(x), 2) + 0.0  # grid resolution; + 0.0 turns -0.0 into 0.0


def properties_table(names: Iterable[str]) -> pd.DataFrame:
    rows = [properties(n).__dict__ for n in names]
    return pd.DataFrame(rows, columns=list(Properties.__dataclass_fields__))


def curves(names: Iterable[str], lo: float = -6.0, hi: float = 6.0, n: int = 401) -> pd.DataFrame:
    """Tidy f(x) and f'(x) for plotting: columns activation, x, f, df, flat."""
    x = torch.linspace(float(lo), float(hi), int(n), dtype=torch.float64)
    parts = []
    for name in names:
        act = ACTIVATIONS[name]
        with torch.no_grad():
            f = act(x)
        parts.append(
            pd.DataFrame(
                {
                    "activation": name,
                    "x": x.numpy(),
                    "f": f.numpy(),
                    "df": act.derivative(x).numpy(),
                    "flat": act.in_flat(x).numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def flat_regions(names: Iterable[str], lo: float, hi: float) -> pd.DataFrame:
    """Each activation's flat intervals clipped to [lo, hi]: columns activation, x0, x1."""
    rows = []
    for name in names:
        for a, b in ACTIVATIONS[name].flat:
            x0, x1 = max(a, lo), min(b, hi)
            if x0 < x1:
                rows.append({"activation": name, "x0": x0, "x1": x1})
    return pd.DataFrame(rows, columns=["activation", "x0", "x1"])


# ---------------------------------------------------------------------------------------------
# Weight scale of one layer, as sim.model.init_linear draws it


def weight_variance(cfg: RunConfig, fan_in: int, fan_out: int) -> tuple[float, float]:
    """(sigma_w^2 = fan_in * Var[w], sigma_b^2 = Var[b]) of one Linear under cfg's init."""
    gain2 = ACTIVATIONS[cfg.activation].gain ** 2
    scheme = cfg.init
    if scheme == "default":  # U(+-1/sqrt(fan_in)) for weights and biases: Var = 1 / (3 fan_in)
        return 1.0 / 3.0, 1.0 / (3.0 * fan_in)
    if scheme in ("xavier_uniform", "xavier_normal"):
        return gain2 * 2.0 * fan_in / (fan_in + fan_out), 0.0
    if scheme == "glorot_uniform":  # the same draw at gain 1
        return 2.0 * fan_in / (fan_in + fan_out), 0.0
    if scheme in ("kaiming_uniform", "kaiming_normal"):
        return gain2, 0.0
    if scheme == "orthogonal":  # rows (or columns) orthonormal: ||Wx|| ~ gain ||x|| on average
        return gain2 * fan_in / max(fan_in, fan_out), 0.0
    if scheme == "normal":
        return fan_in * cfg.init_std**2, 0.0
    return 0.0, 0.0  # zeros


def _gauss(fn, q: float) -> float:
    """E[fn(z)] for z ~ N(0, q), on a fixed grid (robust to kinks such as ReLU's)."""
    z = math.sqrt(max(q, 0.0)) * _U
    return float((fn(z) * _PHI).sum())


# ---------------------------------------------------------------------------------------------
# Mean field through depth


def mean_field(cfg: RunConfig, n_in: int = 2, input_second_moment: float = 1.0) -> pd.DataFrame:
    """Per hidden layer l = 1..depth: q (pre-activation variance), chi and the backward factor
    sqrt(chi) from layer l+1 to layer l. Inputs are standardised, so E[x^2] = 1 per coordinate.
    NaN factors where theory does not apply (normalisation, residual)."""
    act = ACTIVATIONS[cfg.activation]
    keep = 1.0 - cfg.dropout
    plain = cfg.norm == "none" and not cfg.residual
    rows, moment, fan_in = [], input_second_moment, n_in
    for layer in range(1, cfg.depth + 1):
        sw2, sb2 = weight_variance(cfg, fan_in, cfg.width)
        q = sw2 * moment + sb2  # Var of this layer's Linear output, over units and inputs
        d2 = _gauss(lambda z: act.derivative(z) ** 2, q) / keep
        moment = _gauss(lambda z: act(z) ** 2, q) / keep
        # chi links layer l to layer l + 1 through the next weight matrix (fan_in = width)
        next_sw2, _ = weight_variance(cfg, cfg.width, cfg.width)
        chi = next_sw2 * d2 if plain else math.nan
        rows.append({"layer": layer, "q": q, "chi": chi, "factor": math.sqrt(chi)})
        fan_in = cfg.width
    return pd.DataFrame(rows)


def backward_factor(cfg: RunConfig) -> float:
    """Geometric mean over hidden layers 1..depth-1 of the predicted per-layer signal factor:
    the same quantity as sim.analysis.sweep's `factor` (signal at layer 1 / at layer depth, per
    layer)."""
    if cfg.depth < 2:
        return math.nan
    factors = mean_field(cfg)["factor"].to_numpy()[: cfg.depth - 1]
    return float(np.exp(np.mean(np.log(factors))))


def best_case_factor(activation: str) -> float:
    """The slope alone: max f', what one layer passes on at weight gain 1. Not a bound: larger
    weights pass on more."""
    return properties(activation).peak_derivative


def through_depth(
    activations: Iterable[str],
    depths: Iterable[int],
    init: str = "default",
    base: RunConfig = BASE,
) -> pd.DataFrame:
    """Predicted signal ratio (layer 1 / layer L) against depth, two ways: the slope alone
    (max f')^(L-1) and the mean-field product. Columns activation, init, depth, best_case (the
    slope alone), mean_field, factor."""
    rows = []
    for name in activations:
        best = best_case_factor(name)
        for depth in depths:
            cfg = base.replace(activation=name, init=init, depth=int(depth))
            factor = backward_factor(cfg)
            rows.append(
                {
                    "activation": name,
                    "init": init,
                    "depth": int(depth),
                    "best_case": best ** (depth - 1),
                    "mean_field": factor ** (depth - 1),
                    "factor": factor,
                }
            )
    return pd.DataFrame(rows)
