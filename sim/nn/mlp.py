"""The network: an MLP of `depth` hidden blocks, Linear -> norm -> activation -> dropout, with an
optional residual connection on hidden-to-hidden blocks, and a Linear head.

All randomness (init, dropout) comes from explicit generators, never from torch's global state,
so that many simulations can share one process and each still reproduces its own numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from sim.activations import ACTIVATIONS, Activation
from sim.config import INITS, RunConfig  # noqa: F401  (INITS re-exported)

# ---------------------------------------------------------------------------------------------
# Modules


class SeededDropout(nn.Module):
    """Inverted dropout drawing its mask from its own generator (nn.Dropout uses the global one)."""

    def __init__(self, p: float):
        super().__init__()
        self.p = p
        self.generator: torch.Generator | None = None  # set by the Simulation on its device

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        return self.masked(x, self.generator)

    def masked(self, x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        if self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = torch.rand(x.shape, generator=generator, device=x.device) < keep
        return x * mask / keep


class Block(nn.Module):
    """Linear -> norm -> activation -> dropout (+ h if residual); MLP.trace walks it."""

    def __init__(self, n_in: int, n_out: int, cfg: RunConfig, residual: bool):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        if cfg.norm == "batchnorm":
            self.norm = nn.BatchNorm1d(n_out)
        elif cfg.norm == "layernorm":
            self.norm = nn.LayerNorm(n_out)
        else:
            self.norm = nn.Identity()
        self.act = ACTIVATIONS[cfg.activation].make()
        self.drop = SeededDropout(cfg.dropout)
        self.residual = residual


Visit = Callable[[int, torch.Tensor, torch.Tensor], None]  # (block i, u, a), each (B, width)
LinearOut = Callable[[int, torch.Tensor], None]  # (layer i, the head last; Linear output z)
MODES = ("train", "eval", "look")


class MLP(nn.Module):
    def __init__(self, cfg: RunConfig, n_in: int, n_out: int):
        super().__init__()
        widths = [n_in] + [cfg.width] * cfg.depth
        self.blocks = nn.ModuleList(
            Block(widths[i], widths[i + 1], cfg, cfg.residual and widths[i] == widths[i + 1])
            for i in range(cfg.depth)
        )
        self.head = nn.Linear(cfg.width, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 2) -> (B, n_out)
        return self.trace(x, mode="train" if self.training else "eval")

    def trace(
        self,
        x: torch.Tensor,
        visit: Visit | None = None,
        linear_out: LinearOut | None = None,
        mode: str = "train",
    ) -> torch.Tensor:
        """The network's one forward pass, (B, 2) -> (B, n_out), without hooks. Calls
        visit(i, u, a) with hidden block i's activation input u and output a, and
        linear_out(i, z) with each Linear output z (so that a caller can ask autograd for dL/dz).

        mode "train": as a training step (dropout masks from the run's generator, BatchNorm on
        the batch, its running statistics updated). "eval": no dropout, BatchNorm's running
        statistics. "look": the training arithmetic without its side effects (masks from a copy
        of the generator, BatchNorm on the batch, running statistics untouched), for views and
        for locating a divergence, which must leave the run as it was."""
        norm_of, drop_of = self._mode(mode)
        parts = self._parts()
        for i, (linear, norm, act, drop, residual) in enumerate(parts):
            z = linear(x)
            if linear_out is not None:
                linear_out(i, z)
            u = norm_of(norm, z)
            a = act(u)
            if visit is not None:
                visit(i, u, a)
            out = drop_of(drop, a)
            x = x + out if residual else out
        out = self.head(x)
        if linear_out is not None:
            linear_out(len(parts), out)
        return out

    def _mode(self, mode: str) -> tuple[Callable, Callable]:
        """(norm_of(norm, z), drop_of(drop, a)) for a trace in `mode`."""
        if mode == "train":
            return _call, _call
        if mode == "eval":
            return _norm_eval, _skip
        if mode == "look":
            g = self.blocks[0].drop.generator if len(self.blocks) else None
            copy = None if g is None else torch.Generator(g.device).set_state(g.get_state())
            return _norm_batch, lambda drop, a: drop.masked(a, copy)
        raise ValueError(f"unknown mode {mode!r}; one of {MODES}")

    def _parts(self) -> list[tuple[nn.Module, ...]]:
        """Each block's (linear, norm, act, drop, residual), walked once (the structure never
        changes; Module attribute lookups cost more than the small layers' arithmetic)."""
        parts = self.__dict__.get("_parts_cache")
        if parts is None:
            parts = [(b.linear, b.norm, b.act, b.drop, b.residual) for b in self.blocks]
            self.__dict__["_parts_cache"] = parts
        return parts

    @property
    def linears(self) -> list[nn.Linear]:
        """Layers 1..depth+1 in the history's numbering, input side first."""
        return [b.linear for b in self.blocks] + [self.head]

    @property
    def weights(self) -> list[torch.Tensor]:
        """The weight matrices of layers 1..depth+1."""
        return [lin.weight for lin in self.linears]

    def set_dropout(self, p: float) -> None:
        for b in self.blocks:
            b.drop.p = p


def _call(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return module(x)


def _skip(_module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return x


def _norm_eval(norm: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """The norm as in eval mode, without switching modes: BatchNorm on its running statistics
    (the call its eval-mode forward makes); LayerNorm is the same in both modes."""
    if isinstance(norm, nn.BatchNorm1d) and norm.running_mean is not None:
        return F.batch_norm(
            z, norm.running_mean, norm.running_var, norm.weight, norm.bias, False, 0.0, norm.eps
        )
    return norm(z)


def _norm_batch(norm: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """BatchNorm on the batch's statistics (as in training) without updating running ones."""
    if isinstance(norm, nn.BatchNorm1d):
        return F.batch_norm(z, None, None, norm.weight, norm.bias, True, 0.0, norm.eps)
    return norm(z)


# ---------------------------------------------------------------------------------------------
# Initialisation


@torch.no_grad()
def init_linear(layer: nn.Linear, scheme: str, gain: float, std: float, g: torch.Generator):
    w, b = layer.weight, layer.bias
    fan_out, fan_in = w.shape
    if scheme == "default":
        bound = 1.0 / math.sqrt(fan_in)
        w.uniform_(-bound, bound, generator=g)
        b.uniform_(-bound, bound, generator=g)
        return
    b.zero_()
    if scheme in ("xavier_uniform", "glorot_uniform"):
        gain = 1.0 if scheme == "glorot_uniform" else gain  # the paper's own scale
        bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
        w.uniform_(-bound, bound, generator=g)
    elif scheme == "xavier_normal":
        w.normal_(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=g)
    elif scheme == "kaiming_uniform":
        bound = gain * math.sqrt(3.0 / fan_in)
        w.uniform_(-bound, bound, generator=g)
    elif scheme == "kaiming_normal":
        w.normal_(0.0, gain / math.sqrt(fan_in), generator=g)
    elif scheme == "orthogonal":
        nn.init.orthogonal_(w, gain=gain, generator=g)
    elif scheme == "normal":
        w.normal_(0.0, std, generator=g)
    elif scheme == "zeros":
        w.zero_()
    else:
        raise ValueError(f"unknown init {scheme!r}")


def build_model(cfg: RunConfig, n_in: int, n_out: int) -> MLP:
    """Build on the CPU with a seeded generator, so every device starts from the same weights."""
    model = MLP(cfg, n_in, n_out)
    act: Activation = ACTIVATIONS[cfg.activation]
    g = torch.Generator().manual_seed(cfg.seed + 1)
    for layer in model.linears:
        init_linear(layer, cfg.init, act.gain, cfg.init_std, g)
    return model
