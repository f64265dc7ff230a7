"""Activation registry: each entry carries its module, its derivative, a formula for display,
its flat region, and the init gain that suits it. Adding an activation is one entry.

The flat region is where f'(x) has fallen below roughly 7% of its peak (or is exactly zero):
a unit whose input sits there passes almost no gradient back. For sigmoid and tanh this is
saturation on both sides (Glorot & Bengio 2010, sec. 3); for ReLU it is the dead side x < 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

INF = math.inf
LEAKY_SLOPE = 0.01
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


HE = math.sqrt(2.0)  # Kaiming/He gain for ReLU-like units (He et al. 2015)


def below(t: float) -> tuple[tuple[float, float], ...]:
    """A flat region on one side: x < t."""
    return ((-INF, t),)


def beyond(t: float) -> tuple[tuple[float, float], ...]:
    """A flat region on both sides: |x| > t."""
    return ((-INF, -t), (t, INF))


@dataclass(frozen=True)
class Activation:
    name: str
    make: Callable[[], nn.Module]  # a fresh module, never in place
    derivative: Callable[[torch.Tensor], torch.Tensor]  # f'(x), elementwise
    formula: str  # LaTeX of f(x), for display
    flat: tuple[tuple[float, float], ...] = ()  # open intervals (lo, hi) of the flat region
    gain: float = 1.0  # std multiplier for Kaiming/Xavier init that keeps signal level
    bounded: bool = False  # |f(x)| bounded
    zero_centred: bool = False  # f(0) = 0 and outputs spread on both sides (not ReLU-like)
    dead: bool = False  # flat region has f' == 0 exactly: units there can die

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.make()(x)

    def in_flat(self, x: torch.Tensor) -> torch.Tensor:
        """Boolean mask, same shape as x: where x lies in the flat region."""
        mask = torch.zeros_like(x, dtype=torch.bool)
        for lo, hi in self.flat:
            mask |= (x > lo) & (x < hi)
        return mask


def _sigmoid_d(x: torch.Tensor) -> torch.Tensor:
    s = torch.sigmoid(x)
    return s * (1 - s)


def _normal_pdf(x: torch.Tensor) -> torch.Tensor:
    return torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _normal_cdf(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * (1 + torch.erf(x / math.sqrt(2)))


def _where_positive(x: torch.Tensor, negative: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, torch.ones_like(x), negative)


_ENTRIES = [
    Activation("identity", nn.Identity, torch.ones_like, r"f(x) = x", zero_centred=True),
    Activation(
        "sigmoid", nn.Sigmoid, _sigmoid_d, r"f(x) = \frac{1}{1 + e^{-x}}",
        flat=beyond(4.0), bounded=True,
    ),
    Activation(
        "tanh", nn.Tanh, lambda x: 1 - torch.tanh(x) ** 2, r"f(x) = \tanh x",
        flat=beyond(2.0), gain=5.0 / 3.0, bounded=True, zero_centred=True,
    ),
    Activation(
        "relu", nn.ReLU, lambda x: (x > 0).to(x.dtype),  # PyTorch takes f'(0) = 0
        r"f(x) = \max(0, x)", flat=below(0.0), gain=HE, dead=True,
    ),
    Activation(
        "leaky_relu", lambda: nn.LeakyReLU(LEAKY_SLOPE),
        lambda x: _where_positive(x, torch.full_like(x, LEAKY_SLOPE)),
        r"f(x) = \max(0.01x, x)", gain=math.sqrt(2.0 / (1 + LEAKY_SLOPE**2)),
    ),
    Activation(
        "elu", nn.ELU, lambda x: _where_positive(x, torch.exp(x)),
        r"f(x) = x \text{ if } x > 0 \text{ else } e^{x} - 1",
        flat=below(-3.0), gain=HE, zero_centred=True,
    ),
    Activation(
        "selu", nn.SELU, lambda x: SELU_SCALE * _where_positive(x, SELU_ALPHA * torch.exp(x)),
        r"f(x) = \lambda\,(x \text{ if } x > 0 \text{ else } \alpha(e^{x} - 1))",
        flat=below(-4.0), zero_centred=True,  # gain 1: LeCun normal (Klambauer et al. 2017)
    ),
    Activation(
        "gelu", nn.GELU, lambda x: _normal_cdf(x) + x * _normal_pdf(x),
        r"f(x) = x\,\Phi(x)", flat=below(-3.0), gain=HE,
    ),
    Activation(
        "silu", nn.SiLU, lambda x: torch.sigmoid(x) * (1 + x * (1 - torch.sigmoid(x))),
        r"f(x) = x\,\sigma(x)", flat=below(-4.5), gain=HE,
    ),
    Activation(
        "softplus", nn.Softplus, torch.sigmoid, r"f(x) = \ln(1 + e^{x})",
        flat=below(-3.0), gain=HE,
    ),
    Activation(
        "hardtanh", nn.Hardtanh, lambda x: ((x > -1) & (x < 1)).to(x.dtype),
        r"f(x) = \min(1, \max(-1, x))", flat=beyond(1.0), bounded=True, zero_centred=True,
        dead=True,
    ),
    Activation(
        "softsign", nn.Softsign, lambda x: 1 / (1 + x.abs()) ** 2, r"f(x) = \frac{x}{1 + |x|}",
        flat=beyond(3.0), bounded=True, zero_centred=True,
    ),
]  # fmt: skip

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in _ENTRIES}
