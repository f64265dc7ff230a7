"""Locating a divergence: which layer of the failed step went non-finite first, and where.

It walks the network's one traced forward in "look" mode: the training step's arithmetic
(BatchNorm on the batch, dropout on), drawing no mask from the run's generator and leaving
BatchNorm's running statistics alone, so that a run continued after the diagnosis (a changed
setting, `Simulation.apply`) starts from the state the failed step left, not one the search made.
"""

from __future__ import annotations

import torch

from sim.nn.mlp import MLP
from sim.nn.recurrent import Recurrent


@torch.no_grad()
def locate(model: MLP | Recurrent, x: torch.Tensor, loss: torch.Tensor) -> tuple[int, str]:
    """(layer in the history's numbering, "forward" or "backward") of a step whose loss or
    gradient was not finite. Forward: the first hidden layer (from the input) whose Linear
    output or activation is not finite, else the output layer if its output or the loss is not.
    Backward: the layer nearest the output whose weight gradient is not finite (where backprop
    produced it), or whose norm overflows float32; if none, the largest (the total overflowed).
    A recurrent network (layers = weight matrices: 1 input, 2 recurrent, 3 head): forward at 2
    if a hidden state h_t went non-finite, else at 3; backward as for an MLP."""
    if isinstance(model, Recurrent):
        return _locate_recurrent(model, x, loss)
    finite: list[torch.Tensor] = []  # per hidden layer, then the output layer and the loss
    zs: list[torch.Tensor] = []
    model.trace(
        x,
        visit=lambda i, _u, a: finite.append(torch.isfinite(zs[i]).all() & torch.isfinite(a).all()),
        linear_out=lambda _i, z: zs.append(z),
        mode="look",
    )
    finite.append(torch.isfinite(zs[-1]).all() & torch.isfinite(loss).all())
    # note: this is a CPU-GPU sync point, once per divergence
    for i, ok in enumerate(torch.stack(finite).tolist()):
        if not ok:
            return i + 1, "forward"
    return _backward(model)


def _backward(model: MLP | Recurrent) -> tuple[int, str]:
    norms = torch.stack([torch.linalg.vector_norm(w.grad) for w in model.weights])
    # note: this is a CPU-GPU sync point, once per divergence
    finite_norms = torch.isfinite(norms).tolist()
    for i in reversed(range(len(finite_norms))):
        if not finite_norms[i]:
            return i + 1, "backward"
    return int(norms.argmax()) + 1, "backward"


def _locate_recurrent(model: Recurrent, x: torch.Tensor, loss: torch.Tensor) -> tuple[int, str]:
    finite: list[torch.Tensor] = []
    out = model.trace(x, linear_out=lambda _t, h: finite.append(torch.isfinite(h).all()))
    states_ok = torch.stack(finite).all()
    out_ok = torch.isfinite(out).all() & torch.isfinite(loss).all()
    # note: this is a CPU-GPU sync point, once per divergence
    states_ok, out_ok = torch.stack([states_ok, out_ok]).tolist()
    if not states_ok:
        return 2, "forward"
    if not out_ok:
        return 3, "forward"
    return _backward(model)
