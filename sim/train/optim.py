"""Optimisers, the loss, and gradient clipping, through PyTorch's public API.

Clipping follows torch.nn.utils (Pascanu et al. 2013, Alg. 1 for the norm): the verdict
"clipped" is decided on the host from the number the step's one sync already brought.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.utils import clip_grad_value_, clip_grads_with_norm_, get_total_norm

from sim.config import RunConfig

# Devices with a fused Adam kernel: one call updates every parameter, where PyTorch's default on
# the CPU dispatches about ten small ops per parameter from Python
# (`python -m benchmarks.bench_burst --optimizers` measures the difference).
FUSED_DEVICES = ("cpu", "cuda")


def make_optimizer(cfg: RunConfig, params: Iterable[torch.Tensor]) -> torch.optim.Optimizer:
    params = list(params)
    kw = {"lr": cfg.lr, "weight_decay": cfg.weight_decay}
    fused = bool(params) and all(p.device.type in FUSED_DEVICES for p in params)
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, **kw)
    if cfg.optimizer == "momentum":
        return torch.optim.SGD(params, momentum=0.9, **kw)
    if cfg.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, **kw)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, fused=fused, **kw)
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(params, fused=fused, **kw)
    raise ValueError(f"unknown optimizer {cfg.optimizer!r}")


def loss_fn(task: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy or MSE, the mean over the batch; out (B, K, C) with y (B, K) (the copy
    task's K recalled symbols) is the mean over every answer."""
    if out.dim() == 3:
        out, y = out.flatten(0, 1), y.flatten()
    return F.cross_entropy(out, y) if task == "classification" else F.mse_loss(out, y)


def clip_measure(cfg: RunConfig, grads: list[torch.Tensor]) -> torch.Tensor | None:
    """The number the clipping verdict needs beyond the total norm: max |g| for clip="value"
    (0-dim, on the device), else None."""
    if cfg.clip == "value":
        return get_total_norm(grads, math.inf)
    return None


def clip(cfg: RunConfig, params: list[torch.Tensor], total: torch.Tensor, measured: float) -> float:
    """Clip the gradients of `params` in place as torch.nn.utils does; return 1.0 where clipping
    changed a gradient. `total` is the total norm (on the device), `measured` the host copy of
    the total norm (clip="norm") or of max |g| ("value")."""
    if cfg.clip == "none":
        return 0.0
    # The device compares in float32: so does the host, for the same verdict.
    limit = float(np.float32(cfg.clip_value))
    # foreach left to torch: fused on the CPU and CUDA; foreach=True would raise on MPS
    if cfg.clip == "norm":
        clip_grads_with_norm_(params, cfg.clip_value, total)
    else:
        clip_grad_value_(params, cfg.clip_value)
    return float(measured > limit)
