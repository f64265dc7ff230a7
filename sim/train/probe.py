"""Probe: the activation statistics of one recorded step, reduced on the device without hooks.

A recorded step's forward runs through `MLP.trace`, which hands each hidden block's activation
input u and output a to `visit`; the backward signal ||dL/dz|| comes from the same backward pass
(the Recorder asks torch.autograd.grad for the Linear outputs with the parameters).
Nothing is registered on the model, so nothing is left to remove, and unrecorded steps pay
nothing.

Per hidden layer the Probe keeps three device numbers: the mean of a, the norm of a - mean (two
passes, as Tensor.std, whose own CPU kernel is several times slower), and, per unit, how many
samples of the batch sit in the activation's flat region. `finish()` returns them as flat
tensors, in layer order; the Recorder puts them into the step's one record and turns them into
act_mean, act_std, saturation and dead_fraction on the host, at a flush (see `decode`).

Narrow layers are stacked to (layers, B, width) so that each statistic takes one kernel for all
of them (on the CPU a small kernel costs more in dispatch than in arithmetic); wide layers are
reduced in `visit`, while they are in the cache (IMMEDIATE_MIN).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from sim.activations import Activation
from sim.nn.mlp import MLP

# rows of a record's per-layer block, in sim.history.LAYER_METRICS order from act_mean on
ACT_METRICS = ("act_mean", "act_std", "saturation", "dead_fraction")

# A layer's activation statistics are reduced in `visit` when it holds at least this many
# (sample, unit) values, and stacked with the other layers' in finish() below it: small layers
# are dispatch-bound, so one kernel for all layers wins; large ones are memory-bound, so reducing
# each layer while it is in the cache wins (benchmarks/bench_burst.py shows both shapes).
IMMEDIATE_MIN = 16_384

FlatSign = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def flat_sign(activation: Activation) -> FlatSign | None:
    """A function (z, out) -> out with out = +1 or -1 (one sign for all) exactly where z lies in
    the activation's flat region and 0 elsewhere, for the usual shapes (one half-line, or
    |z| > t); None for no flat region or another shape (Probe then falls back to
    `activation.in_flat`). Float arithmetic instead of boolean masks: on the CPU, comparisons
    and bool reductions cost several times more than a subtraction, a clamp and a sign. On
    finite inputs out != 0 is exactly in_flat (the difference of two distinct float32 values
    never rounds to 0, and the sign of -0.0 is 0)."""
    regions = activation.flat
    if len(regions) == 1:
        lo, hi = regions[0]
        if lo == -math.inf:  # z < hi: -1
            if hi == 0.0:
                return lambda z, out: torch.clamp_max(z, 0.0, out=out).sign_()
            return lambda z, out: torch.sub(z, hi, out=out).clamp_max_(0.0).sign_()
        if hi == math.inf:  # z > lo: +1
            if lo == 0.0:
                return lambda z, out: torch.clamp_min(z, 0.0, out=out).sign_()
            return lambda z, out: torch.sub(z, lo, out=out).clamp_min_(0.0).sign_()
    if len(regions) == 2:
        (lo1, hi1), (lo2, hi2) = regions
        if lo1 == -math.inf and hi2 == math.inf and hi1 == -lo2:  # |z| > lo2: +1
            return lambda z, out: torch.abs(z, out=out).sub_(lo2).clamp_min_(0.0).sign_()
    return None


class Probe:
    def __init__(self, model: MLP, activation: Activation):
        self.model = model
        self.activation = activation
        self.depth = len(model.blocks)
        self.width = model.blocks[0].linear.out_features if self.depth else 0
        self.has_flat = bool(activation.flat)
        self._sign = flat_sign(activation)
        self._kept: list[tuple[torch.Tensor, torch.Tensor]] = []  # narrow layers' (u, a)
        # Buffers reused from one recorded step to the next, so that the reductions write into
        # memory that is already in the cache (a fresh tensor costs several times more to write).
        self._buffers: dict[str, torch.Tensor] = {}
        self._batch = 0

    def _buffer(self, name: str, shape: tuple[int, ...], like: torch.Tensor) -> torch.Tensor:
        buf = self._buffers.get(name)
        if buf is None or buf.shape != shape or buf.device != like.device:
            buf = self._buffers[name] = torch.empty(shape, dtype=like.dtype, device=like.device)
        return buf

    def _flat_signs(self, u: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        """+-1 where u is in the flat region, else 0, into `out` (same shape as u)."""
        if self._sign is None:
            return out.copy_(self.activation.in_flat(u))
        return self._sign(u, out)

    # -- during the forward ---------------------------------------------------------------------
    def begin(self, batch: int) -> None:
        """A recorded step with `batch` samples starts."""
        self._batch = batch
        self._kept = []

    def wide(self, batch: int) -> bool:
        """Whether a hidden layer of `batch` samples is reduced in `visit` (else stacked)."""
        return batch * self.width >= IMMEDIATE_MIN

    def release(self) -> None:
        """Let the buffers go (between bursts)."""
        self._buffers.clear()

    def visit(self, i: int, u: torch.Tensor, a: torch.Tensor) -> None:
        """Hidden block i's activation input u and output a, (B, width), during the forward."""
        u, a = u.detach(), a.detach()
        if not self.wide(a.shape[0]):
            self._kept.append((u, a))
            return
        d, (b, w) = self.depth, a.shape
        mean, dev = self._buffer("mean", (d,), a), self._buffer("dev", (d,), a)
        scratch = self._buffer("scratch", (b, w), a)
        torch.mean(a, dtype=a.dtype, out=mean[i])
        torch.linalg.vector_norm(torch.sub(a, mean[i], out=scratch), out=dev[i])
        if self.has_flat:
            torch.sum(self._flat_signs(u, scratch), 0, out=self._buffer("flat", (d, w), a)[i])

    # -- after the forward ----------------------------------------------------------------------
    def finish(self) -> list[torch.Tensor]:
        """[mean, dev, flat, dead], each (depth,) on the device (flat and dead only where the
        activation has a flat region): the mean of a, ||a - mean||, how many (sample, unit)
        pairs lie in the flat region, how many units are flat for every sample of the batch.
        Valid until the next recorded step (they live in reused buffers)."""
        kept, self._kept = self._kept, []
        d, batch = self.depth, self._batch
        if kept:  # narrow layers: stacked, one kernel per statistic for all of them
            b, w = kept[0][1].shape
            like = kept[0][1]
            u = torch.stack([k[0] for k in kept], out=self._buffer("u", (d, b, w), like))
            a = torch.stack([k[1] for k in kept], out=self._buffer("a", (d, b, w), like))
            mean = torch.mean(a, (1, 2), out=self._buffer("mean", (d,), like))
            centred = a.sub_(mean[:, None, None])  # the stacks are the probe's own copies
            torch.linalg.vector_norm(centred, dim=(1, 2), out=self._buffer("dev", (d,), like))
            if self.has_flat:
                torch.sum(self._flat_signs(u, u), 1, out=self._buffer("flat", (d, w), like))
        mean, dev = self._buffers["mean"], self._buffers["dev"]
        if not self.has_flat:
            return [mean, dev]
        per_unit = self._buffers["flat"].abs_()  # (depth, width): flat samples per unit
        flat = per_unit.sum(1)
        # a unit is dead where all `batch` samples are flat: floor(count / batch) is 1 there
        dead = per_unit.div_(batch, rounding_mode="floor").sum(1)
        return [mean, dev, flat, dead]

    # -- on the host, at a flush -----------------------------------------------------------------
    def decode(self, raw: np.ndarray, batch: np.ndarray) -> np.ndarray:
        """(records, len(ACT_METRICS), depth) float32 from the records' probe columns `raw`
        (records, 2 or 4 x depth), as finish() returned them, and each record's batch size."""
        d, n_rec = self.depth, len(raw)
        out = np.zeros((n_rec, len(ACT_METRICS), d), np.float32)
        values = (batch.astype(np.int64) * self.width)[:, None]  # (sample, unit) pairs
        out[:, 0] = raw[:, :d]
        out[:, 1] = raw[:, d : 2 * d] / np.sqrt(np.maximum(values - 1, 1)).astype(np.float32)
        if self.has_flat:
            out[:, 2] = raw[:, 2 * d : 3 * d] / values.astype(np.float32)
            out[:, 3] = raw[:, 3 * d : 4 * d] / np.float32(self.width)
        return out
