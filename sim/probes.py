"""Probe: owns every hook. Forward hooks keep detached per-layer summaries of activations, and a
tensor hook on each Linear output catches the backward signal dL/dh as it passes (never
register_full_backward_hook). Hooks exist only while `capture()` is open, so unrecorded steps
pay nothing for them. Summaries stay on the device as 0-d tensors until `layer_stats()` stacks
them into one (6, n_layers) tensor.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import torch

from sim.activations import Activation
from sim.model import MLP

# rows of layer_stats(), in sim.history.LAYER_METRICS order from signal_norm on
PROBE_METRICS = ("signal_norm", "act_mean", "act_std", "saturation", "dead_fraction")


class Probe:
    def __init__(self, model: MLP, activation: Activation):
        self.model = model
        self.activation = activation
        self.n_layers = len(model.linears)
        self._handles: list = []
        self._signal: list[torch.Tensor | None] = []
        self._acts: list[torch.Tensor | None] = []

    # -- hook lifecycle -----------------------------------------------------------------------
    @contextlib.contextmanager
    def capture(self) -> Iterator[None]:
        """Open for one training forward + backward; every handle is removed on exit."""
        self._signal = [None] * self.n_layers
        self._acts = [None] * self.n_layers
        try:
            for i, linear in enumerate(self.model.linears):
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

    def _on_linear(self, i: int):
        def hook(_module, _inputs, out: torch.Tensor) -> None:
            if out.requires_grad:

                def keep(grad: torch.Tensor) -> None:
                    self._signal[i] = torch.linalg.vector_norm(grad.detach())

                out.register_hook(keep)

        return hook

    def _on_act(self, i: int):
        act = self.activation

        def hook(_module, inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
            z, a = inputs[0].detach(), out.detach()  # (B, width) pre- and post-activation
            flat = act.in_flat(z)
            std = a.std() if a.numel() > 1 else torch.zeros((), device=a.device)
            self._acts[i] = torch.stack(
                [
                    a.mean(),
                    std,  # over every (sample, unit) of the batch
                    flat.float().mean(),  # share of (sample, unit) in the flat region
                    flat.all(0).float().mean(),  # units flat for the whole batch: dead
                ]
            )

        return hook

    # -- results ------------------------------------------------------------------------------
    def layer_stats(self, device: torch.device) -> torch.Tensor:
        """(len(PROBE_METRICS), n_layers) on the device; NaN where a layer has no such number."""
        nan = torch.full((), math.nan, device=device)
        signal = torch.stack([s if s is not None else nan for s in self._signal])
        missing = torch.full((4,), math.nan, device=device)
        acts = torch.stack([a if a is not None else missing for a in self._acts], 1)
        return torch.cat([signal[None], acts], 0)
