"""Recorder: what a burst measures, held on the device and decoded on the host.

Every step adds its scalars (loss, accuracy, total gradient norm, clipped), already on the host
from the step's one sync. A recorded step also leaves one flat device tensor: per layer the
gradient, weight and update norms and ||dL/dz||, then the test loss and correct count, then the
probe's sums. These reach the host once per burst, or when the history is read during one (a
progress callback drawing live charts), where `decode` turns them into the history's numbers.

A new per-layer metric is one more part of that row here, one line in `decode`, and its name in
sim.history.LAYER_METRICS.

A recurrent network (sim.nn.recurrent) goes through the same calls: its trace hands out every
hidden state h_t where an MLP's hands out its Linear outputs z, so the signal part of the row
holds ||dL/dh_t|| per time step; its probe is sim.train.gates.GateProbe (gate statistics per
time step and the spectral radius) instead of sim.train.probe.Probe.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from sim.activations import Activation
from sim.history import LAYER_METRICS, RECORD_COLUMNS, TIME_METRICS, History
from sim.nn.mlp import MLP
from sim.nn.recurrent import Recurrent
from sim.train.gates import GateProbe
from sim.train.optim import loss_fn
from sim.train.probe import ACT_METRICS, Probe

FLUSH_RECORDS = 1024  # recorded steps held on the device before a flush, callback or not
CHUNK_BYTES = 1 << 20  # _Snapshot: well inside a core's L2 cache
PENDING = ("step_steps", "step_values", "rec_steps", "rec_batch", "rec_rows")


class Recorder:
    def __init__(self, model: MLP | Recurrent, activation: Activation, task: str, n_test: int):
        """n_test: the test set's predictions (samples, times recalled symbols for copy)."""
        self.model, self.task, self.n_test = model, task, n_test
        self.weights = model.weights
        self._nan = torch.full((), math.nan, device=self.weights[0].device)
        self.recurrent = isinstance(model, Recurrent)
        if self.recurrent:  # a signal per time step h_t; zero behind a truncation (tbptt)
            self.probe: Probe | GateProbe = GateProbe(model)
            self.n_signals, self._unreached = model.seq_len, torch.zeros_like(self._nan)
        else:  # a signal per Linear output z; none where the loss does not reach it
            self.probe = Probe(model, activation)
            self.n_signals, self._unreached = len(self.weights), self._nan
        n_times = self.n_signals if self.recurrent else 0
        self.history = History(len(self.weights), n_times)
        self.pending: dict[str, list] = {k: [] for k in PENDING}
        self._snapshot: _Snapshot | None = None  # weights before a recorded step, in a burst

    # -- during a burst -------------------------------------------------------------------------
    def add_step(self, step: int, loss: float, acc: float, total: float, clipped: float) -> None:
        self.pending["step_steps"].append(step)
        self.pending["step_values"].append((loss, acc, total, clipped))

    def forward_backward(self, x: torch.Tensor, y: torch.Tensor, params: list[torch.Tensor]):
        """Forward and backward of a recorded step: the same graph and gradients as model(x)
        and loss.backward(), with the probe's statistics on the way and ||dL/dz|| at every
        Linear output z. Narrow layers: torch.autograd.grad returns dL/dz with the parameters'
        gradients from the same backward pass, without a Python call per layer. Wide layers: a
        tensor hook reduces dL/dz to its norm as backprop passes, while it is in the cache
        (holding every dL/dz to the end of the pass would raise the peak memory).
        Returns (out, loss, [||dL/dz||] per Linear layer, the probe's parts)."""
        probe = self.probe
        probe.begin(len(y))
        if probe.wide(len(y)):
            signal = [self._unreached] * self.n_signals

            def hook(i: int, z: torch.Tensor) -> None:
                if z.requires_grad:
                    z.register_hook(functools.partial(_store_norm, signal, i))

            out = self.model.trace(x, probe.visit, hook)
            loss = loss_fn(self.task, out, y)
            act = probe.finish()
            loss.backward()
            return out, loss, signal, act
        zs: list[torch.Tensor] = []
        out = self.model.trace(x, probe.visit, lambda _i, z: zs.append(z))
        loss = loss_fn(self.task, out, y)
        act = probe.finish()  # before backward: the activations are still in memory
        n = len(params)
        grads = torch.autograd.grad(loss, params + zs, allow_unused=True)
        for p, g in zip(params, grads[:n], strict=True):
            if g is not None:  # as loss.backward() would store it (AccumulateGrad's layout)
                p.grad = g if g.is_contiguous() else g.contiguous()
        caught = [g for g in grads[n:] if g is not None]
        if len(caught) == len(zs):
            return out, loss, _norms(caught), act
        # a Linear output the loss does not reach: no number (a state h_t: zero)
        signal = [self._unreached if g is None else torch.linalg.vector_norm(g) for g in grads[n:]]
        return out, loss, signal, act

    def grad_norms(self) -> torch.Tensor:
        """||dL/dW|| per layer (before clipping), (layers,)."""
        grads = [w.grad for w in self.weights]
        if any(g is None for g in grads):  # a layer the loss does not reach: no number
            return torch.stack([self._nan if g is None else g.norm() for g in grads])
        return torch.stack(_norms(grads))

    def weights_before(self) -> torch.Tensor:
        """Copy the weights before the optimiser step; their norms, (layers,)."""
        if self._snapshot is None:
            self._snapshot = _Snapshot(self.weights)
        return self._snapshot.take()

    def updates(self) -> torch.Tensor:
        """||W_after - W_before|| per layer after the optimiser step, (layers,)."""
        return self._snapshot.update_norms()

    def add_record(self, step: int, batch: int, parts: list[torch.Tensor]) -> None:
        """One recorded step's row: [grad_norm, weight_norm, update, signal + test] (each
        (layers,) or so) and the probe's parts, concatenated on the device."""
        self.pending["rec_steps"].append(step)
        self.pending["rec_batch"].append(batch)
        self.pending["rec_rows"].append(torch.cat(parts))
        if len(self.pending["rec_steps"]) >= FLUSH_RECORDS:  # bound device memory
            self.flush()

    def last_loss(self) -> float:
        pending = self.pending["step_values"]
        if pending:
            return float(pending[-1][0])
        values = self.history.step_values
        return float(values[-1, 0]) if len(values) else math.nan

    def end_burst(self) -> None:
        self.flush()
        self._snapshot = None  # a copy of every weight: held during a burst only
        self.probe.release()

    # -- device -> host, once per flush ---------------------------------------------------------
    def flush(self) -> None:
        p = self.pending
        if not p["step_steps"]:
            return
        step_values = np.asarray(p["step_values"], np.float32)  # already on the host
        if p["rec_steps"]:
            # note: this is a CPU-GPU sync point, once per flush, for every per-layer number
            rows = torch.stack(p["rec_rows"]).cpu().numpy()
            decoded = self.decode(rows, np.asarray(p["rec_batch"]))
        else:
            h = self.history
            decoded = (
                np.zeros((0, len(LAYER_METRICS), h.n_layers), np.float32),
                np.zeros((0, len(RECORD_COLUMNS)), np.float32),
                np.zeros((0, len(TIME_METRICS), h.n_times), np.float32),
            )
        steps = np.asarray(p["step_steps"], np.int32)
        self.history.extend(steps, step_values, np.asarray(p["rec_steps"], np.int32), *decoded)
        self.pending = {k: [] for k in PENDING}

    def decode(self, rows: np.ndarray, batch: np.ndarray) -> tuple[np.ndarray, ...]:
        """Records (see add_record: per weight matrix 3 norms, the signals, the test loss and
        correct count, the probe's parts) -> rec_layers (records, metrics, layers),
        rec_scalars (records, RECORD_COLUMNS), rec_times (records, TIME_METRICS, times)."""
        n_rec, n_layers, n_sig = len(rows), len(self.weights), self.n_signals
        layers = np.full((n_rec, len(LAYER_METRICS), n_layers), np.nan, np.float32)
        norms = rows[:, : 3 * n_layers].reshape(n_rec, 3, n_layers)
        layers[:, 0:2] = norms[:, 0:2]  # grad_norm, weight_norm
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero weight: no update_ratio
            layers[:, 2] = norms[:, 2] / norms[:, 1]  # ||W_after - W_before|| / ||W_before||
        signal = rows[:, 3 * n_layers : 3 * n_layers + n_sig]
        at = 3 * n_layers + n_sig
        scalars = np.full((n_rec, len(RECORD_COLUMNS)), np.nan, np.float32)
        scalars[:, :2] = rows[:, at : at + 2]
        if self.task == "classification":
            scalars[:, 1] /= np.float32(self.n_test)
        raw = rows[:, at + 2 :]
        times = np.full((n_rec, len(TIME_METRICS), self.history.n_times), np.nan, np.float32)
        if self.recurrent:
            times[:, 0] = signal  # time_signal
            times[:, 1:], scalars[:, 2] = self.probe.decode(raw, batch)
            return layers, scalars, times
        layers[:, 3] = signal  # signal_norm
        act = self.probe.decode(raw, batch)
        layers[:, len(LAYER_METRICS) - len(ACT_METRICS) :, : self.probe.depth] = act
        return layers, scalars, times


def _norms(tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    """Each tensor's 2-norm in one fused call, on the device. torch has no public per-tensor
    form (get_total_norm makes this same call inside and keeps only the total)."""
    return list(torch._foreach_norm(tensors))


def _store_norm(into: list, i: int, grad: torch.Tensor) -> None:
    into[i] = torch.linalg.vector_norm(grad.detach())


class _Snapshot:
    """The weights before a recorded step, for weight_norm and ||W_after - W_before||.

    Small models (all weights within CHUNK_BYTES): one flat copy, one kernel per copy and
    difference, one norm per run of equally sized layers (a few kernels instead of a few per
    layer). Large ones: fused per-layer calls over chunks of about CHUNK_BYTES, so that each norm
    reads what the copy or difference just wrote from the cache (torch has no public fused copy
    or subtract over a list of tensors, hence torch._foreach_*)."""

    def __init__(self, weights: list[torch.Tensor]):
        self.weights = weights
        sizes = [w.numel() for w in weights]
        self.flat = sum(sizes) * weights[0].element_size() <= CHUNK_BYTES
        if self.flat:
            self.before = weights[0].new_empty(sum(sizes))
            self.after = torch.empty_like(self.before)
            self.runs: list[tuple[int, int, int]] = []  # (offset, layers, values per layer)
            offset = 0
            for n in sizes:
                if self.runs and self.runs[-1][2] == n:
                    o, k, _ = self.runs[-1]
                    self.runs[-1] = (o, k + 1, n)
                else:
                    self.runs.append((offset, 1, n))
                offset += n
            return
        self.chunks: list[tuple[list[torch.Tensor], list[torch.Tensor]]] = [([], [])]
        size = 0
        for w in weights:
            nbytes = w.numel() * w.element_size()
            if self.chunks[-1][0] and size + nbytes > CHUNK_BYTES:
                self.chunks.append(([], []))
                size = 0
            self.chunks[-1][0].append(w)
            self.chunks[-1][1].append(torch.empty_like(w))
            size += nbytes

    def _run_norms(self, flat: torch.Tensor) -> torch.Tensor:
        parts = [
            torch.linalg.vector_norm(flat[o : o + k * n].view(k, n), dim=1) for o, k, n in self.runs
        ]
        return torch.cat(parts) if len(parts) > 1 else parts[0]

    @torch.no_grad()
    def take(self) -> torch.Tensor:
        """Copy the weights; return each one's norm, (layers,)."""
        if self.flat:
            torch.cat([w.view(-1) for w in self.weights], out=self.before)
            return self._run_norms(self.before)
        norms = []
        for ws, copies in self.chunks:
            torch._foreach_copy_(copies, ws)
            norms += _norms(copies)
        return torch.stack(norms)

    @torch.no_grad()
    def update_norms(self) -> torch.Tensor:
        """||W_now - W_taken|| per layer, (layers,)."""
        if self.flat:
            now = torch.cat([w.view(-1) for w in self.weights], out=self.after)
            return self._run_norms(now.sub_(self.before))
        norms = []
        for ws, copies in self.chunks:
            torch._foreach_sub_(copies, ws)  # in place: now -(W_after - W_before)
            norms += _norms(copies)
        return torch.stack(norms)
