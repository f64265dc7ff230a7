"""GateProbe: a recurrent network's statistics on a recorded step, reduced on the device.

The Probe's counterpart for sim.nn.recurrent (same calls: begin, wide, visit, finish, decode,
release). `visit(t, x_t, h_prev)` keeps each step's input and starting state (references, no
copy); `finish()` recomputes the cell's sigmoid gates from them in a few large matrix products
(the fused cells do not hand their gates out) and reduces them per time step: the forget
(LSTM) or update (GRU) gate's mean and the share of saturated gate values. It also measures the
spectral radius of the recurrent block (`spectral_radius`). A vanilla RNN has no gates: its
gate metrics are NaN (no rows).
"""

from __future__ import annotations

import numpy as np
import torch

from sim.nn.recurrent import Recurrent
from sim.train.probe import IMMEDIATE_MIN

SATURATED = 0.05  # a gate value below this, or above 1 - this, counts as saturated
CHUNK_VALUES = 1 << 20  # gate values computed at once (bounds the recorded step's peak memory)
SQUARINGS = 14  # spectral_radius: ||W^(2^14)||^(2^-14)


@torch.no_grad()
def spectral_radius(w: torch.Tensor, squarings: int = SQUARINGS) -> torch.Tensor:
    """max |eigenvalue| of the square matrix w (0-dim, on its device, no host sync), by
    Gelfand's formula rho = lim ||W^k||^(1/k) with k = 2^squarings, squaring a normalised
    copy: A_0 = W, A_(j+1) = (A_j / ||A_j||)^2, so that log rho ~ sum_j 2^-j log ||A_j||.
    The estimate is never below rho and above it by at most a factor (kappa sqrt(n))^(1/k),
    kappa the condition number of W's eigenvectors: well under 0.1% for the cells here.
    (torch.linalg.eigvals would be exact but waits for the host on CUDA.)"""
    a = w.detach().float()
    tiny = torch.finfo(a.dtype).tiny
    log_rho = a.new_zeros(())
    for j in range(squarings):
        s = torch.linalg.matrix_norm(a).clamp_min(tiny)
        log_rho = log_rho + torch.log(s) * 2.0**-j
        a = a / s
        a = a @ a
    log_rho = log_rho + torch.log(torch.linalg.matrix_norm(a).clamp_min(tiny)) * 2.0**-squarings
    return torch.exp(log_rho)


class GateProbe:
    def __init__(self, model: Recurrent):
        self.model = model
        self.depth = model.seq_len  # time steps
        self.width = model.width
        self.has_gates = model.gates > 1
        self._kept: list[tuple[torch.Tensor, torch.Tensor]] = []

    def begin(self, batch: int) -> None:
        self._kept = []

    def wide(self, batch: int) -> bool:
        """Whether the recorder reduces dL/dh_t in a hook (see Recorder.forward_backward)."""
        return batch * self.width >= IMMEDIATE_MIN

    def release(self) -> None:
        self._kept = []

    def visit(self, t: int, x: torch.Tensor, h_prev: torch.Tensor) -> None:
        if self.has_gates:
            self._kept.append((x, h_prev.detach()))

    def finish(self) -> list[torch.Tensor]:
        """[forget gate mean (T,), saturated share (T,), spectral radius (1,)] on the device;
        a vanilla RNN: only the spectral radius."""
        kept, self._kept = self._kept, []
        rho = spectral_radius(self.model.recurrent_block).reshape(1)
        if not kept:
            return [rho]
        model, b = self.model, kept[0][0].shape[0]
        per_step = b * model.gates * self.width
        chunk = max(1, CHUNK_VALUES // per_step)
        forget, saturated = [], []
        for start in range(0, len(kept), chunk):
            part = kept[start : start + chunk]
            x = torch.cat([k[0] for k in part])
            h = torch.cat([k[1] for k in part])
            g = model.gate_values(x, h).view(len(part), b, -1, self.width)  # (t, B, gates, w)
            forget.append(g[:, :, 1].mean((1, 2)))
            edge = torch.abs(g - 0.5) > 0.5 - SATURATED
            saturated.append(edge.float().mean((1, 2, 3)))
        return [torch.cat(forget), torch.cat(saturated), rho]

    def decode(self, raw: np.ndarray, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(gate metrics (records, 2, T): forget_gate, gate_saturation; spectral radius
        (records,)) from the records' probe columns, as finish() returned them."""
        n_rec, t_len = len(raw), self.depth
        gates = np.full((n_rec, 2, t_len), np.nan, np.float32)
        if self.has_gates:
            gates[:, 0] = raw[:, :t_len]
            gates[:, 1] = raw[:, t_len : 2 * t_len]
        return gates, raw[:, -1].astype(np.float32)
