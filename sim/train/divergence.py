"""Locating a divergence: which layer of the failed step went non-finite first, and where.

It walks the network's one traced forward in "look" mode: the training step's arithmetic
(BatchNorm on the batch, dropout on), drawing no mask from the run's generator and leaving
BatchNorm's running statistics alone, so that a run continued after the diagnosis (a changed
setting, `Simulation.apply`) starts from the state the failed step left, not one the search made.
"""

from __future__ import annotations

import torch

from sim.nn.mlp import MLP


@torch.no_grad()
def locate(model: MLP, x: torch.Tensor, loss: torch.Tensor) -> tuple[int, str]:
    """(layer in the history's numbering, "forward" or "backward") of a step whose loss or
    gradient was not finite. Forward: the first hidden layer (from the input) whose Linear
    output or activation is not finite, else the output layer if its output or the loss is not.
    Backward: the layer nearest the output whose weight gradient is not finite (where backprop
    produced it), or whose norm overflows float32; if none, the largest (the total overflowed)."""
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
    norms = torch.stack([torch.linalg.vector_norm(lin.weight.grad) for lin in model.linears])
    # note: this is a CPU-GPU sync point, once per divergence
    finite_norms = torch.isfinite(norms).tolist()
    for i in reversed(range(len(finite_norms))):
        if not finite_norms[i]:
            return i + 1, "backward"
    return int(norms.argmax()) + 1, "backward"
