"""Probe: owns every hook. A forward hook on each activation summarises its input and output,
and a tensor hook on each Linear output reduces the backward signal dL/dh to its norm as it
passes (never register_full_backward_hook). Hooks exist only while `capture()` is open, so
unrecorded steps pay nothing for them.

Everything stays on the device until `layer_stats()` gathers it into one (5, n_layers) tensor.
Narrow layers' activations are only referenced by their hook, then stacked to (layers, B,
width) so that each statistic takes one kernel for all of them, instead of ~10 small kernels
per layer (on the CPU each costs more in dispatch than in arithmetic); wide layers are reduced
in their hook, while in the cache (IMMEDIATE_MIN).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator

import torch
from torch import nn

from sim.activations import Activation
from sim.model import MLP

# rows of layer_stats(), in sim.history.LAYER_METRICS order from signal_norm on
PROBE_METRICS = ("signal_norm", "act_mean", "act_std", "saturation", "dead_fraction")

# A layer's activation statistics are reduced in its forward hook when it holds at least this
# many (sample, unit) values, and stacked with the other layers' in layer_stats() below it.
# Measured on a 2-core CPU: batch 128 x width 64 (8k values) is dispatch-bound, so one kernel
# for all layers wins; 128 x 256 (32k) is memory-bound, so reducing each layer while it is in
# the cache, and not holding it past backward (which makes the allocator fetch fresh pages for
# the gradients), wins by ~1.7x.
IMMEDIATE_MIN = 16_384

FlatMargin = Callable[[torch.Tensor], torch.Tensor]


def flat_margin(activation: Activation) -> FlatMargin | None:
    """A function z -> u (a new tensor), elementwise, with u > 0 exactly where z lies in the
    activation's flat region, for the usual shapes (one half-line, or |z| > t); None for no flat
    region or another shape (Probe then falls back to `activation.in_flat`). Float arithmetic
    instead of boolean masks: on the CPU, comparisons and bool reductions cost several times
    more than a subtraction, a relu and a sign. On finite inputs u > 0 is exactly in_flat (the
    difference of two distinct float32 values never rounds to 0)."""
    regions = activation.flat
    if len(regions) == 1:
        lo, hi = regions[0]
        if lo == -math.inf:
            return lambda z: hi - z
        if hi == math.inf:
            return lambda z: z - lo
    if len(regions) == 2:
        (lo1, hi1), (lo2, hi2) = regions
        if lo1 == -math.inf and hi2 == math.inf and hi1 == -lo2:
            return lambda z: z.abs().sub_(lo2)
    return None


class Probe:
    def __init__(self, model: MLP, activation: Activation):
        self.model = model
        self.activation = activation
        self.n_layers = len(model.linears)
        self._margin = flat_margin(activation)
        # Without a norm layer the activation's input *is* the Linear output z, so one hook on
        # the activation serves both (half the hooks to register and remove per recorded step).
        self._z_is_act_input = all(isinstance(b.norm, nn.Identity) for b in model.blocks)
        self._handles: list = []
        self._signal: list[torch.Tensor | None] = []  # ||dL/dz|| at each Linear output
        # per hidden layer: its (4,) statistics, or (z, f(z)) (B, width) to reduce later
        self._acts: list[torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None] = []

    # -- hook lifecycle -----------------------------------------------------------------------
    @contextlib.contextmanager
    def capture(self) -> Iterator[None]:
        """Open for one training forward + backward; every handle is removed on exit."""
        self._signal = [None] * self.n_layers
        self._acts = [None] * len(self.model.blocks)
        try:
            linears = list(enumerate(self.model.linears))
            if self._z_is_act_input:
                linears = linears[-1:]  # the output layer only
            for i, linear in linears:
                self._handles.append(linear.register_forward_hook(self._on_linear(i)))
            for i, block in enumerate(self.model.blocks):
                self._handles.append(block.act.register_forward_hook(self._on_act(i)))
            yield
        finally:
            self.unhook_all()

    def unhook_all(self) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()

    def _keep_grad(self, i: int, z: torch.Tensor) -> None:
        """Catch ||dL/dz|| as backprop passes z: reduced at once, while the gradient is in the
        cache (retain_grad would copy it, and cost more on wide layers than it saves)."""
        if z.requires_grad:

            def keep(grad: torch.Tensor) -> None:
                self._signal[i] = torch.linalg.vector_norm(grad.detach())

            z.register_hook(keep)

    def _on_linear(self, i: int):
        def hook(_module, _inputs, out: torch.Tensor) -> None:
            self._keep_grad(i, out)

        return hook

    def _on_act(self, i: int):
        def hook(_module, inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
            z = inputs[0]
            if self._z_is_act_input:
                self._keep_grad(i, z)
            z, a = z.detach(), out.detach()  # (B, width) pre- and post-activation
            if z.numel() >= IMMEDIATE_MIN:
                self._acts[i] = self._act_stats(z[None], a[None])[:, 0]
            else:
                self._acts[i] = (z, a)

        return hook

    # -- results ------------------------------------------------------------------------------
    def layer_stats(self, device: torch.device) -> torch.Tensor:
        """(len(PROBE_METRICS), n_layers) on the device; NaN where a layer has no such number."""
        out = torch.full((len(PROBE_METRICS), self.n_layers), math.nan, device=device)
        caught = [i for i, g in enumerate(self._signal) if g is not None]
        if caught:
            out[0, caught] = torch.stack([self._signal[i] for i in caught])
        kept = [i for i, x in enumerate(self._acts) if isinstance(x, tuple)]
        if kept:  # narrow layers: stacked, one kernel per statistic for all of them
            z = torch.stack([self._acts[i][0] for i in kept])
            a = torch.stack([self._acts[i][1] for i in kept])
            out[1:, kept] = self._act_stats(z, a)
        done = [i for i, x in enumerate(self._acts) if isinstance(x, torch.Tensor)]
        if done:
            out[1:, done] = torch.stack([self._acts[i] for i in done], 1)
        self._acts = []  # let the activations go
        return out

    def _act_stats(self, z: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        """(4, layers): act_mean, act_std, saturation, dead_fraction, from (layers, B, width)
        pre-activations z and activations a. Mean and std are over every (sample, unit) of the
        batch; std is two-pass and unbiased like Tensor.std (whose per-dimension CPU kernel is
        ~10x slower than this)."""
        a = a.flatten(1)
        mean = a.mean(1)
        std = torch.linalg.vector_norm(a - mean[:, None], dim=1) / math.sqrt(max(a.shape[1] - 1, 1))
        if not self.activation.flat:
            saturation = dead = torch.zeros_like(mean)
        elif self._margin is None:
            flat = self.activation.in_flat(z)
            saturation, dead = flat.float().mean((1, 2)), flat.all(1).float().mean(1)
        else:
            u = self._margin(z)  # > 0 where flat; a new tensor
            dead = (u.amin(1) > 0).float().mean(1)  # flat for every sample of the batch
            saturation = u.relu_().sign_().mean((1, 2))  # 1 where flat, else 0
        return torch.stack([mean, std, saturation, dead])
