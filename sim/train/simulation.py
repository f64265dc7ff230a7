"""Simulation: data, model, optimiser and records for one RunConfig, trained in bursts.

    sim = Simulation(RunConfig(depth=10, activation="sigmoid"))
    result = sim.burst(200)          # trains 200 more steps; call again to continue
    sim.history                      # tidy DataFrame: step, layer, metric, value
    sim.findings()                   # language-free diagnosis
    Simulation(RunConfig(arch="lstm", seq_task="adding", seq_len=50))  # a recurrent network

Every step costs one host sync, the divergence check, which must happen before the optimiser
applies a non-finite gradient; the step's scalars (loss, correct predictions, total gradient
norm) ride along in that one transfer. What a recorded step measures stays on the device in
the Recorder until a flush (sim.train.recorder).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable

import torch
from torch.nn.utils import get_total_norm

from sim import diagnosis
from sim.activations import ACTIVATIONS
from sim.config import HOT_FIELDS, RunConfig, step_cost, test_size
from sim.data import make_data
from sim.device import DeviceChoice, resolve
from sim.history import History
from sim.nn.mlp import MLP, build_model
from sim.nn.recurrent import Recurrent, build_recurrent
from sim.sequences import make_seq_data
from sim.train import divergence, optim
from sim.train.optim import loss_fn, make_optimizer
from sim.train.recorder import Recorder
from sim.train.result import BurstResult, Progress

DEFAULT_STATS_EVERY = 10  # per-layer statistics every 10th step, and first and last of a burst
# A recurrent network's test loss and accuracy are those of its first EVAL_SEQUENCES test
# sequences (all of them up to 1280 samples): a forward over 800 sequences cost about half a
# training step on every recorded step, and 256 estimate the loss to a few per cent.
EVAL_SEQUENCES = 256


class Simulation:
    def __init__(
        self,
        cfg: RunConfig,
        stats_every: int = DEFAULT_STATS_EVERY,
        init_from: MLP | Recurrent | None = None,
    ):
        self.cfg = cfg.validated()
        self.stats_every = max(1, int(stats_every))
        self.device_choice: DeviceChoice = resolve(cfg.device, step_cost(cfg))
        self.device = self.device_choice.device
        if cfg.recurrent:
            data = make_seq_data(cfg.seq_task, cfg.n_samples, cfg.seq_len, cfg.seed, test_size(cfg))
        else:
            data = make_data(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed, test_size(cfg))
        self.data = data
        self.task = data.task
        self.train_x, self.train_y = data.train_x.to(self.device), data.train_y.to(self.device)
        self.test_x, self.test_y = data.test_x.to(self.device), data.test_y.to(self.device)
        keep = EVAL_SEQUENCES if cfg.recurrent else len(self.test_y)  # the evaluated slice
        self.eval_x, self.eval_y = self.test_x[:keep], self.test_y[:keep]

        build = build_recurrent if cfg.recurrent else build_model
        model = build(cfg, data.train_x.shape[-1], data.n_out)
        if init_from is not None:
            copy_matching_linears(init_from, model)
        self.model = model.to(self.device)
        self._rng_dropout = torch.Generator(self.device).manual_seed(cfg.seed + 3)
        for block in getattr(self.model, "blocks", ()):  # a recurrent network has no dropout
            block.drop.generator = self._rng_dropout
        self._rng_batch = torch.Generator().manual_seed(cfg.seed + 2)
        self._order = torch.zeros(0, dtype=torch.long)
        self._pos = 0

        self.optimizer = make_optimizer(cfg, self.model.parameters())
        # The model's structure never changes: walk its module tree once, not every step.
        self._params = list(self.model.parameters())
        self.activation = ACTIVATIONS[cfg.activation]
        n_test = self.eval_y.numel()  # predictions: the copy task has K a sequence
        self.recorder = Recorder(self.model, self.activation, self.task, n_test)
        self.step = 0
        self.divergence: BurstResult | None = None
        self._nan = torch.full((), math.nan, device=self.device)

    # ---------------------------------------------------------------------------------------
    # Public API

    @property
    def history(self):
        return self.records.frame()

    @property
    def records(self) -> History:
        self.recorder.flush()  # what a burst still holds (called from a progress callback)
        return self.recorder.history

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    def findings(self) -> list[diagnosis.Finding]:
        return diagnosis.diagnose(self.records, self.cfg, self.divergence)

    def apply(self, cfg: RunConfig) -> bool:
        """Apply a changed config in place if only HOT_FIELDS differ; False means rebuild."""
        cfg = cfg.validated()
        changed = {k for k, v in cfg.to_dict().items() if getattr(self.cfg, k) != v}
        if not changed <= HOT_FIELDS:
            return False
        old, self.cfg = self.cfg, cfg
        if "optimizer" in changed:  # a new optimiser's state starts empty; the weights stay
            self.optimizer = make_optimizer(cfg, self.model.parameters())
        else:
            for group in self.optimizer.param_groups:
                group["lr"], group["weight_decay"] = cfg.lr, cfg.weight_decay
        if "dropout" in changed:
            self.model.set_dropout(cfg.dropout)
        if "tbptt" in changed and cfg.recurrent:
            self.model.tbptt = cfg.tbptt
        if "batch_size" in changed and old.batch_size != cfg.batch_size:
            self._order, self._pos = torch.zeros(0, dtype=torch.long), 0
        self.divergence = None  # a new setting deserves a new try
        return True

    def burst(
        self, n: int, on_progress: Callable[[Progress], bool | None] | None = None
    ) -> BurstResult:
        """Train n more steps. `on_progress` is called about every 5%; it may return False to
        stop early. A non-finite loss or gradient ends the burst before the optimiser applies
        it: the weights stay those of the last finite step."""
        if self.divergence is not None:
            return dataclasses.replace(self.divergence, steps_run=0, seconds=0.0)
        n = max(0, int(n))
        every = max(1, n // 20)
        start, done, stopped = time.perf_counter(), 0, False
        fail: dict | None = None
        try:
            while done < n:
                record = (self.step + 1) % self.stats_every == 0 or done in (0, n - 1)
                fail = self._train_step(record)
                if fail is not None:
                    break
                done += 1
                if on_progress is not None and (done % every == 0) and done < n:
                    # no flush here: the loss is already on the host, and a callback that
                    # reads `history` or `records` flushes then (most callbacks do not)
                    elapsed = time.perf_counter() - start
                    loss = self.recorder.last_loss()
                    if on_progress(Progress(done, n, self.step, elapsed, loss)) is False:
                        stopped = True
                        break
        finally:
            self.recorder.end_burst()  # also when a caller's exception cuts the burst short
        seconds = time.perf_counter() - start
        if fail is not None:
            self.divergence = BurstResult(done, seconds, True, **fail)
            return self.divergence
        return BurstResult(done, seconds, stopped=stopped)

    # ---------------------------------------------------------------------------------------
    # One step

    def _next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        n = self.train_x.shape[0]
        b = self.cfg.batch_size
        if b >= n:
            return self.train_x, self.train_y  # full batch, in order: deterministic
        if self._pos + b > len(self._order):
            self._order, self._pos = torch.randperm(n, generator=self._rng_batch), 0
        idx = self._order[self._pos : self._pos + b].to(self.device)
        self._pos += b
        return self.train_x[idx], self.train_y[idx]

    def _train_step(self, record: bool) -> dict | None:
        """One optimiser step; the divergence's BurstResult fields if it was not finite."""
        model, rec, cfg = self.model, self.recorder, self.cfg
        x, y = self._next_batch()
        if not model.training:  # model.train() walks every module: only when needed
            model.train()
        self.optimizer.zero_grad(set_to_none=True)
        if record:
            out, loss, signal, act = rec.forward_backward(x, y, self._params)
        else:
            out = model.trace(x)
            loss = loss_fn(self.task, out, y)
            loss.backward()
        params = self._params
        if any(p.grad is None for p in params):  # a parameter the loss does not reach
            params = [p for p in params if p.grad is not None]
        grads = [p.grad for p in params]
        total = get_total_norm(grads)
        # Every per-step scalar in one small tensor, so the one sync below brings them all.
        scalars = [loss.detach(), total]
        if self.task == "classification":
            scalars.append((out.detach().argmax(-1) == y).sum())  # correct predictions
        if (measure := optim.clip_measure(cfg, grads)) is not None:
            scalars.append(measure)  # max |g|
        # note: this is a CPU-GPU sync point, once per step: a non-finite step must not be applied
        host = torch.stack(scalars).tolist()
        loss_value, total_value = host[0], host[1]
        if not (math.isfinite(loss_value) and math.isfinite(total_value)):
            layer, where = divergence.locate(model, x, loss)
            return {
                "diverged_step": self.step + 1,
                "diverged_layer": layer,
                "diverged_where": where,
            }
        grad_norm = rec.grad_norms() if record else None  # before clipping
        clipped = optim.clip(cfg, params, total, host[-1] if measure is not None else total_value)
        acc = host[2] / y.numel() if self.task == "classification" else math.nan
        self.step += 1
        rec.add_step(self.step, loss_value, acc, total_value, clipped)
        if not record:
            self.optimizer.step()
            return None
        weight_norm = rec.weights_before()  # (n_layers,)
        test = self._evaluate()
        self.optimizer.step()
        parts = [grad_norm, weight_norm, rec.updates(), torch.stack([*signal, *test]), *act]
        rec.add_record(self.step, len(y), parts)
        return None

    @torch.no_grad()
    def _evaluate(self) -> list[torch.Tensor]:
        """[test_loss, correct test predictions] (0-dim) on the held-out set (a recurrent
        network's: its first EVAL_SEQUENCES sequences), eval mode, at the weights before the
        step; the accuracy is divided out on the host."""
        out = self.model.trace(self.eval_x, mode="eval")
        loss = loss_fn(self.task, out, self.eval_y)
        if self.task == "classification":
            return [loss, (out.argmax(-1) == self.eval_y).sum(dtype=torch.float32)]
        return [loss, self._nan]


@torch.no_grad()
def copy_matching_linears(source: MLP | Recurrent, target: MLP | Recurrent) -> None:
    """Start `target` from `source`'s weights wherever the Linear shapes match (Compare); two
    recurrent networks share every parameter of the same name and shape (an RNN and an LSTM
    only their heads, whose inputs differ in meaning: nothing across kinds of cell)."""
    if isinstance(source, Recurrent) or isinstance(target, Recurrent):
        same = isinstance(source, Recurrent) and source.arch == getattr(target, "arch", None)
        theirs = dict(source.named_parameters()) if same else {}
        for name, p in target.named_parameters():
            if name in theirs and theirs[name].shape == p.shape:
                p.copy_(theirs[name])
        return
    for src, dst in zip(source.linears, target.linears, strict=False):
        if src.weight.shape == dst.weight.shape:
            dst.weight.copy_(src.weight)
            dst.bias.copy_(src.bias)
