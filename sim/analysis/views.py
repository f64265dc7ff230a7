"""Views: small frames that show what a Simulation's network does right now, for charts.

    data_points(sim)         the 2-D data, train and test            (<= n_samples rows)
    decision_surface(sim)    the model's output over a grid           (resolution^2 rows)
    distributions(sim)       histograms of activations and gradients  (~ 2 x depth x bins rows)

They show an MLP on the 2-D toy data: a recurrent network (sequences, no plane to draw, no stack
of Linear layers) is refused with a ValueError that says so (`NOT_FOR_SEQUENCES`); the Through
time screen draws it from sim.history per time step, and neither it nor Compare calls these.

None of them changes the simulation: not its weights, gradients, optimiser state, step counter,
history, batch order or any random generator. So a page may call them between bursts and the
run's numbers stay exactly those of a run that never looked.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from sim.train.optim import loss_fn

if TYPE_CHECKING:
    from sim.nn.mlp import MLP
    from sim.train.simulation import Simulation

MARGIN = 0.1  # decision surface: the data's bounding box grown by 10% of its extent each side
MAX_RESOLUTION = 100  # decision surface: at most 100 x 100 grid points
MAX_BINS = 100
NOT_FOR_SEQUENCES = (
    "{view}: a recurrent network ({arch}) reads sequences, not 2-D points: there is no plane to "
    "draw and no stack of Linear layers; its per-time-step numbers are in sim.history"
)


def _points_only(sim: Simulation, view: str) -> None:
    if sim.cfg.recurrent:
        raise ValueError(NOT_FOR_SEQUENCES.format(view=view, arch=sim.cfg.arch))


# ---------------------------------------------------------------------------------------------
# Data and the model's output over it


def data_points(sim: Simulation) -> pd.DataFrame:
    """Columns x1, x2 (standardised inputs, as the model sees them), label, split.

    `label` is the class index for classification, the first target (standardised) for
    regression; `split` is "train" or "test"."""
    _points_only(sim, "data_points")
    d = sim.data
    parts = []
    for split, x, y in (("train", d.train_x, d.train_y), ("test", d.test_x, d.test_y)):
        y = y if y.ndim == 1 else y[:, 0]
        parts.append(
            pd.DataFrame(
                {
                    "x1": x[:, 0].numpy().astype(np.float64),
                    "x2": x[:, 1].numpy().astype(np.float64),
                    "label": y.numpy() if sim.task == "classification" else y.numpy() * 1.0,
                    "split": split,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _grid(sim: Simulation, resolution: int) -> tuple[torch.Tensor, np.ndarray, np.ndarray]:
    x = torch.cat([sim.data.train_x, sim.data.test_x])  # (n, 2), host copies
    lo, hi = x.min(0).values, x.max(0).values
    pad = (hi - lo).clamp_min(1e-3) * MARGIN
    lo, hi = (lo - pad).numpy(), (hi + pad).numpy()
    g1 = np.linspace(lo[0], hi[0], resolution)
    g2 = np.linspace(lo[1], hi[1], resolution)
    m1, m2 = np.meshgrid(g1, g2, indexing="xy")  # x1 varies fastest
    pts = torch.from_numpy(np.stack([m1.ravel(), m2.ravel()], 1).astype(np.float32))
    return pts, m1.ravel(), m2.ravel()


@torch.no_grad()
def decision_surface(sim: Simulation, resolution: int = 60) -> pd.DataFrame:
    """The model's output on a resolution x resolution grid over the data (+10% margin).

    Columns x1, x2 (grid point, standardised coordinates) and value:
    - classification, 2 classes: the probability of class 1;
    - classification, more classes: the probability of the predicted class, whose index is
      in column `klass` (present for every classification, 2 classes included; the number
      of classes is in `frame.attrs["n_classes"]`);
    - regression: the prediction of output 0 (standardised like the targets).
    Eval mode (dropout off, BatchNorm's running statistics), no gradients. Where the network
    gives a non-finite output (a diverging run) `value` is NaN."""
    _points_only(sim, "decision_surface")
    resolution = int(min(max(resolution, 2), MAX_RESOLUTION))
    pts, x1, x2 = _grid(sim, resolution)
    out = sim.model.trace(pts.to(sim.device), mode="eval")  # (resolution^2, n_out)
    frame = pd.DataFrame({"x1": x1, "x2": x2})
    if sim.task == "classification":
        prob = torch.softmax(out.float(), 1)
        top, klass = prob.max(1)
        value = prob[:, 1] if prob.shape[1] == 2 else top
        # note: a CPU-GPU sync point, once per call
        frame["value"] = value.cpu().numpy().astype(np.float64)
        frame["klass"] = klass.cpu().numpy()
        frame.attrs["n_classes"] = int(prob.shape[1])
    else:
        frame["value"] = out[:, 0].float().cpu().numpy().astype(np.float64)
    bad = ~np.isfinite(frame["value"].to_numpy())
    frame.loc[bad, "value"] = np.nan
    return frame


# ---------------------------------------------------------------------------------------------
# Distributions inside the network


def distributions(sim: Simulation, bins: int = 30) -> pd.DataFrame:
    """Histograms of what flows through the network on one training batch, at the current
    weights, in training mode (as a training step sees it: dropout on, BatchNorm on the batch's
    statistics).

    The batch is always the first `batch_size` rows of the (already shuffled) training set, so
    two calls differ only by the weights.

    Columns:
    - layer: history numbering (1..depth hidden, depth+1 output);
    - quantity: "activation" (post-activation values h = f(z) of each hidden layer, before
      dropout; every sample x unit of the batch) or "gradient" (entries of dL/dW of each Linear
      layer, output layer included, before any clipping);
    - scale: "value" for activations (bins over the value itself), "log10_abs" for gradients
      (bins over log10|g|, so that 1e-12 and 1e-2 both show);
    - bin_lo, bin_hi, count: one histogram bin. Bins are shared by every layer of a quantity,
      so layers can be compared bin for bin;
    - zeros: entries exactly 0, which log10|g| cannot place (gradients only; 0 for
      activations, where 0 is an ordinary value and lies in a bin). For a saturating network
      these are gradients below float32 resolution; for ReLU mostly dead units;
    - nonfinite: inf/NaN entries, left out of the bins (a diverging network);
    - total: entries in all (count summed + zeros + nonfinite).
    Repeated columns (zeros, nonfinite, total) hold the same number on every bin of a layer.
    """
    _points_only(sim, "distributions")
    bins = int(min(max(bins, 1), MAX_BINS))
    n = sim.train_x.shape[0]
    x = sim.train_x[: min(sim.cfg.batch_size, n)]
    y = sim.train_y[: min(sim.cfg.batch_size, n)]
    with torch.enable_grad():
        acts, out = activations(sim.model, x)
        loss = loss_fn(sim.task, out, y)
        # autograd.grad returns the gradients without touching p.grad
        grads = torch.autograd.grad(loss, [lin.weight for lin in sim.model.linears])
    with torch.no_grad():
        frames = [
            _histograms([a.detach().reshape(-1) for a in acts], bins, "activation", "value"),
            _histograms([g.reshape(-1) for g in grads], bins, "gradient", "log10_abs"),
        ]
    return pd.concat(frames, ignore_index=True)


def activations(model: MLP, x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
    """(each hidden block's post-activation output before dropout, (B, width); the output),
    through the model's traced forward in "look" mode: a training step's arithmetic that draws
    no mask from the run's generator and leaves BatchNorm's running statistics alone."""
    acts: list[torch.Tensor] = []
    out = model.trace(x, visit=lambda _i, _u, a: acts.append(a), mode="look")
    return acts, out


def _histograms(values: list[torch.Tensor], bins: int, quantity: str, scale: str) -> pd.DataFrame:
    """One histogram per tensor over shared bins; computed on the device, one copy to host."""
    finite = [torch.isfinite(v) for v in values]
    if scale == "log10_abs":
        nonzero = [f & (v != 0) for v, f in zip(values, finite, strict=True)]
        zeros = torch.stack([(f & (v == 0)).sum() for v, f in zip(values, finite, strict=True)])
        xs = [v.abs().clamp_min(1e-45).log10() for v in values]  # float32's smallest subnormal
        keep = nonzero
    else:
        zeros = torch.zeros(len(values), dtype=torch.long, device=values[0].device)
        xs, keep = values, finite
    xs = [x.float()[k] for x, k in zip(xs, keep, strict=True)]
    empty = torch.tensor([math.inf, -math.inf], device=values[0].device)
    ranges = torch.stack(
        [torch.stack(torch.aminmax(x)) if x.numel() else empty for x in xs]
    )  # (L, 2)
    lo = ranges[:, 0].min()
    hi = ranges[:, 1].max()
    # note: a CPU-GPU sync point, once per quantity, for the shared bin edges
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)):  # nothing to bin: every entry 0 or non-finite
        lo, hi = -1.0, 0.0
    if hi - lo < 1e-6:
        lo, hi = lo - 0.5, hi + 0.5
    counts = torch.stack([torch.histc(x, bins, lo, hi) for x in xs])  # (L, bins)
    nonfinite = torch.stack([(~f).sum() for f in finite])
    totals = torch.tensor([v.numel() for v in values])
    # note: a CPU-GPU sync point, once per quantity, for every layer's histogram
    counts = counts.cpu().numpy().astype(np.int64)
    zeros, nonfinite = zeros.cpu().numpy(), nonfinite.cpu().numpy()
    edges = np.linspace(lo, hi, bins + 1)
    n_layers = len(values)
    return pd.DataFrame(
        {
            "layer": np.repeat(np.arange(1, n_layers + 1), bins),
            "quantity": quantity,
            "scale": scale,
            "bin_lo": np.tile(edges[:-1], n_layers),
            "bin_hi": np.tile(edges[1:], n_layers),
            "count": counts.reshape(-1),
            "zeros": np.repeat(zeros, bins).astype(np.int64),
            "nonfinite": np.repeat(nonfinite, bins).astype(np.int64),
            "total": np.repeat(totals.numpy(), bins).astype(np.int64),
        }
    )
