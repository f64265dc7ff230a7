"""Deterministic 2-D datasets, torch only. Every generator takes (n, noise, generator) and
returns x (n, 2) float32 and y: class indices (n,) int64, or targets (n, k) float32.
`make_data(cfg)` shuffles, splits 80/20, and standardises with the training set's statistics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

Gen = torch.Generator


def _labels(n: int, k: int) -> torch.Tensor:
    return torch.arange(n) % k  # balanced classes, interleaved


def spiral(n: int, noise: float, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    y = _labels(n, 2)
    t = torch.rand(n, generator=g) * 3 * math.pi + 0.5  # two arms, 1.5 turns each
    angle = t + y * math.pi
    x = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], 1) / (3 * math.pi)
    return x + noise * torch.randn(n, 2, generator=g), y


def moons(n: int, noise: float, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    y = _labels(n, 2)
    t = torch.rand(n, generator=g) * math.pi
    upper = torch.stack([torch.cos(t), torch.sin(t)], 1)
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], 1)
    x = torch.where(y[:, None] == 0, upper, lower)
    return x + noise * torch.randn(n, 2, generator=g), y


def circles(n: int, noise: float, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    y = _labels(n, 2)
    t = torch.rand(n, generator=g) * 2 * math.pi
    radius = torch.where(y == 0, 1.0, 0.5)
    x = radius[:, None] * torch.stack([torch.cos(t), torch.sin(t)], 1)
    return x + noise * torch.randn(n, 2, generator=g), y


def xor(n: int, noise: float, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.rand(n, 2, generator=g) * 2 - 1
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).long()
    return x + noise * torch.randn(n, 2, generator=g), y


def gaussians(n: int, noise: float, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    y = _labels(n, 4)
    centres = torch.tensor([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    spread = 0.35 + noise
    return centres[y] + spread * torch.randn(n, 2, generator=g), y


def sine(n: int, noise: float, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.rand(n, 2, generator=g) * 2 - 1
    y = torch.sin(math.pi * x[:, 0]) * torch.cos(math.pi * x[:, 1])
    return x, (y + noise * torch.randn(n, generator=g))[:, None]


def random_targets(n: int, noise: float, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    # The source article's example: x ~ N(0, I) in 2-D, targets y ~ N(0, I) in 2-D, no relation
    # between them. Only memorisation can lower the loss. `noise` is unused.
    return torch.randn(n, 2, generator=g), torch.randn(n, 2, generator=g)


@dataclass(frozen=True)
class DatasetInfo:
    make: Callable[[int, float, Gen], tuple[torch.Tensor, torch.Tensor]]
    task: str  # "classification" | "regression"
    n_out: int  # classes, or target dimensions


DATASETS: dict[str, DatasetInfo] = {
    "spiral": DatasetInfo(spiral, "classification", 2),
    "moons": DatasetInfo(moons, "classification", 2),
    "circles": DatasetInfo(circles, "classification", 2),
    "xor": DatasetInfo(xor, "classification", 2),
    "gaussians": DatasetInfo(gaussians, "classification", 4),
    "sine": DatasetInfo(sine, "regression", 1),
    "random": DatasetInfo(random_targets, "regression", 2),
}


@dataclass(frozen=True)
class Data:
    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    task: str
    n_out: int


def make_data(dataset: str, n_samples: int, noise: float, seed: int, n_test: int) -> Data:
    info = DATASETS[dataset]
    g = torch.Generator().manual_seed(seed)
    x, y = info.make(n_samples, noise, g)
    order = torch.randperm(n_samples, generator=g)
    x, y = x[order].float(), y[order]
    test_x, train_x = x[:n_test], x[n_test:]
    test_y, train_y = y[:n_test], y[n_test:]
    mean, std = train_x.mean(0), train_x.std(0).clamp_min(1e-6)
    if info.task == "regression":
        y_mean, y_std = train_y.mean(0), train_y.std(0).clamp_min(1e-6)
        train_y, test_y = (train_y - y_mean) / y_std, (test_y - y_mean) / y_std
    return Data(
        (train_x - mean) / std,
        train_y,
        (test_x - mean) / std,
        test_y,
        info.task,
        info.n_out,
    )
