"""Simulation: data, model, optimiser and history for one RunConfig, trained in bursts.

    sim = Simulation(RunConfig(depth=10, activation="sigmoid"))
    result = sim.burst(200)          # trains 200 more steps; call again to continue
    sim.history                      # tidy DataFrame: step, layer, metric, value
    sim.findings()                   # language-free diagnosis

A recorded step leaves one flat device tensor (per-layer norms, test loss and correct count,
the probe's sums); these reach the host once per burst, or when `history` or `records` is read
during one (a progress callback drawing live charts), where `_decode` turns them into the
history's numbers (`_flush`). Every step costs one sync, the divergence check, which must happen
before the optimiser applies a non-finite gradient, and the step's scalars (loss, correct
predictions, total gradient norm) ride along in that one transfer.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from sim import diagnosis
from sim.activations import ACTIVATIONS
from sim.config import HOT_FIELDS, RunConfig, step_cost, test_size
from sim.data import make_data
from sim.device import DeviceChoice, resolve
from sim.history import LAYER_METRICS, History
from sim.nn.mlp import MLP, build_model
from sim.train.probe import ACT_METRICS, Probe

FLUSH_RECORDS = 1024  # recorded steps held on the device before a flush, callback or not
DEFAULT_STATS_EVERY = 10  # per-layer statistics every 10th step, and first and last of a burst


@dataclass(frozen=True)
class Progress:
    done: int  # steps run so far in this burst
    total: int  # steps asked for
    step: int  # the simulation's step counter
    seconds: float
    loss: float  # latest training loss (nan before the first step)


@dataclass(frozen=True)
class BurstResult:
    steps_run: int
    seconds: float
    diverged: bool = False
    diverged_step: int | None = None  # the step whose loss or gradient was non-finite
    diverged_layer: int | None = None  # history numbering; 0 if only the loss was non-finite
    diverged_where: str | None = None  # "forward" (activations) or "backward" (gradients)
    stopped: bool = False  # the progress callback asked to stop

    @property
    def steps_per_s(self) -> float:
        return self.steps_run / self.seconds if self.seconds > 0 else 0.0


# Devices with a fused Adam kernel: one call updates every parameter, where PyTorch's default on
# the CPU dispatches about ten small ops per parameter from Python. A training step on 2 CPU
# cores: 1.4-2.0x faster with it (`python benchmarks/bench_burst.py --optimizers`).
FUSED_DEVICES = ("cpu", "cuda")


def make_optimizer(cfg: RunConfig, params) -> torch.optim.Optimizer:
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
    return F.cross_entropy(out, y) if task == "classification" else F.mse_loss(out, y)


class Simulation:
    def __init__(
        self,
        cfg: RunConfig,
        stats_every: int = DEFAULT_STATS_EVERY,
        init_from: MLP | None = None,
    ):
        self.cfg = cfg.validated()
        self.stats_every = max(1, int(stats_every))
        self.device_choice: DeviceChoice = resolve(cfg.device, step_cost(cfg))
        self.device = self.device_choice.device
        data = make_data(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed, test_size(cfg))
        self.data = data
        self.task = data.task
        self.train_x, self.train_y = data.train_x.to(self.device), data.train_y.to(self.device)
        self.test_x, self.test_y = data.test_x.to(self.device), data.test_y.to(self.device)

        model = build_model(cfg, data.train_x.shape[1], data.n_out)
        if init_from is not None:
            copy_matching_linears(init_from, model)
        self.model = model.to(self.device)
        self._rng_dropout = torch.Generator(self.device).manual_seed(cfg.seed + 3)
        for block in self.model.blocks:
            block.drop.generator = self._rng_dropout
        self._rng_batch = torch.Generator().manual_seed(cfg.seed + 2)
        self._order = torch.zeros(0, dtype=torch.long)
        self._pos = 0

        self.optimizer = make_optimizer(cfg, self.model.parameters())
        # The model's structure never changes: walk its module tree once, not every step.
        self._params = list(self.model.parameters())
        self._weights = [lin.weight for lin in self.model.linears]
        at = {id(p): i for i, p in enumerate(self._params)}
        self._weight_at = [at[id(w)] for w in self._weights]  # in _params
        self._before: _Snapshot | None = None  # weights before a recorded step, in a burst
        self.activation = ACTIVATIONS[cfg.activation]
        self.probe = Probe(self.model, self.activation)
        self._history = History(len(self.model.linears))
        self.step = 0
        self.divergence: BurstResult | None = None
        self._nan = torch.full((), math.nan, device=self.device)
        self._pending: dict[str, list] = self._empty_pending()

    # ---------------------------------------------------------------------------------------
    # Public API

    @property
    def history(self):
        self._flush()  # what a burst still holds (called from a progress callback)
        return self._history.frame()

    @property
    def records(self) -> History:
        self._flush()
        return self._history

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    def findings(self) -> list[diagnosis.Finding]:
        return diagnosis.diagnose(self)

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
        if changed - {"batch_size"} != changed and old.batch_size != cfg.batch_size:
            self._order, self._pos = torch.zeros(0, dtype=torch.long), 0
        self.divergence = None  # a new setting deserves a new try
        return True

    def burst(
        self, n: int, on_progress: Callable[[Progress], bool | None] | None = None
    ) -> BurstResult:
        """Train n more steps. `on_progress` is called about every 5% (after a flush); it may
        return False to stop early. A non-finite loss or gradient ends the burst before the
        optimiser applies it: the weights stay those of the last finite step."""
        if self.divergence is not None:
            return BurstResult(0, 0.0, **_divergence_fields(self.divergence))
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
                if len(self._pending["rec_steps"]) >= FLUSH_RECORDS:  # bound device memory
                    self._flush()
                if on_progress is not None and (done % every == 0) and done < n:
                    # no flush here: the loss is already on the host, and a callback that
                    # reads `history` or `records` flushes then (most callbacks do not)
                    elapsed = time.perf_counter() - start
                    loss = self._last_loss()
                    if on_progress(Progress(done, n, self.step, elapsed, loss)) is False:
                        stopped = True
                        break
        finally:
            self._flush()  # also when a caller's exception (e.g. a rerun) cuts the burst short
            self._before = None  # a copy of every weight: held during a burst only
            self.probe.release()
        seconds = time.perf_counter() - start
        if fail is not None:
            self.divergence = BurstResult(done, seconds, True, **fail)
            return self.divergence
        return BurstResult(done, seconds, stopped=stopped)

    def _last_loss(self) -> float:
        pending = self._pending["step_values"]
        if pending:
            return float(pending[-1][0])
        values = self._history.step_values
        return float(values[-1, 0]) if len(values) else math.nan

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
        model = self.model
        x, y = self._next_batch()
        if not model.training:  # model.train() walks every module: only when needed
            model.train()
        self.optimizer.zero_grad(set_to_none=True)
        if record:
            out, loss, params, signal, act = self._forward_backward_recorded(x, y)
        else:
            out = model(x)
            loss = loss_fn(self.task, out, y)
            loss.backward()
            params = self._params
        if any(p.grad is None for p in params):  # a parameter the loss does not reach
            params = [p for p in params if p.grad is not None]
        grads = [p.grad for p in params]
        norms = torch._foreach_norm(grads)  # one fused call, on the device
        total = torch.linalg.vector_norm(torch.stack(norms))
        # Every per-step scalar in one small tensor, so the one sync below brings them all.
        scalars = [loss.detach(), total]
        if self.task == "classification":
            scalars.append((out.detach().argmax(1) == y).sum())  # correct predictions
        if self.cfg.clip == "value":
            scalars.append(torch.stack(torch._foreach_norm(grads, math.inf)).max())  # max |g|
        # note: a CPU-GPU sync point, once per step: a non-finite step must not be applied
        host = torch.stack(scalars).tolist()
        loss_value, total_value = host[0], host[1]
        if not (math.isfinite(loss_value) and math.isfinite(total_value)):
            return self._locate_divergence(x, loss)

        clipped = self._clip(grads, total, host[-1] if self.cfg.clip == "value" else total_value)
        acc = host[2] / len(y) if self.task == "classification" else math.nan
        self.step += 1
        self._pending["step_steps"].append(self.step)
        self._pending["step_values"].append((loss_value, acc, total_value, clipped))
        if not record:
            self.optimizer.step()
            return None

        weights = self._weights
        if params is self._params:
            grad_norm = [norms[i] for i in self._weight_at]  # before clipping
        else:
            ids = {id(p): i for i, p in enumerate(params)}
            grad_norm = [norms[ids[id(w)]] for w in weights]
        if self._before is None:
            self._before = _Snapshot(weights)
        weight_norm = self._before.take()  # (n_layers,)
        test = self._evaluate()
        self.optimizer.step()
        update = self._before.update_norms()  # ||W_after - W_before||, (n_layers,)
        # One device tensor per record; _flush turns it into the history's rows on the host.
        parts = [torch.stack(grad_norm), weight_norm, update, torch.stack([*signal, *test])]
        record_row = torch.cat(parts + act)
        self._pending["rec_steps"].append(self.step)
        self._pending["rec_batch"].append(len(y))
        self._pending["rec_rows"].append(record_row)
        return None

    def _forward_backward_recorded(self, x: torch.Tensor, y: torch.Tensor):
        """Forward and backward of a recorded step: the same graph and the same gradients as
        model(x) and loss.backward(), with the probe's statistics on the way, and ||dL/dz|| at
        every Linear output z. Narrow layers: torch.autograd.grad returns dL/dz with the
        parameters' gradients from the same backward pass, without a Python call per layer.
        Wide layers: a tensor hook on z reduces dL/dz to its norm as backprop passes, while it
        is in the cache, and lets it go (holding every layer's dL/dz to the end of the backward
        pass would raise the peak memory by one more float per (layer, sample, unit)).
        Returns (out, loss, the parameters, [||dL/dz||] per Linear layer, the probe's parts)."""
        probe = self.probe
        probe.begin(len(y))
        params = self._params
        if probe.wide(len(y)):
            signal = [self._nan] * len(self.model.linears)

            def hook(i: int, z: torch.Tensor) -> None:
                if z.requires_grad:
                    z.register_hook(functools.partial(_store_norm, signal, i))

            out = self.model.forward_trace(x, probe.visit, hook)
            loss = loss_fn(self.task, out, y)
            act = probe.finish()
            loss.backward()
            return out, loss, params, signal, act
        zs: list[torch.Tensor] = []
        out = self.model.forward_trace(x, probe.visit, lambda _i, z: zs.append(z))
        loss = loss_fn(self.task, out, y)
        act = probe.finish()  # before backward: the activations are still in memory
        n = len(params)
        grads = torch.autograd.grad(loss, params + zs, allow_unused=True)
        for p, g in zip(params, grads[:n], strict=True):
            if g is not None:  # as loss.backward() would store it (AccumulateGrad's layout)
                p.grad = g if g.is_contiguous() else g.contiguous()
        caught = [g for g in grads[n:] if g is not None]
        if len(caught) == len(zs):
            return out, loss, params, list(torch._foreach_norm(caught)), act
        # a Linear output the loss does not reach: no number
        signal = [self._nan if g is None else torch.linalg.vector_norm(g) for g in grads[n:]]
        return out, loss, params, signal, act

    def _clip(self, grads: list[torch.Tensor], total: torch.Tensor, measured: float) -> float:
        """Clip in place as torch.nn.utils does; return 1.0 where clipping changed a gradient.
        `measured` is the host copy of the total norm (clip="norm") or of max |g| ("value")."""
        cfg = self.cfg
        # The device compares in float32: so does the host, for the same verdict.
        limit = float(np.float32(cfg.clip_value))
        if cfg.clip == "norm":
            # Pascanu et al. 2013, Alg. 1; same coefficient as clip_grad_norm_
            coef = torch.clamp(cfg.clip_value / (total + 1e-6), max=1.0)
            torch._foreach_mul_(grads, coef)
            return float(measured > limit)
        if cfg.clip == "value":
            torch._foreach_clamp_min_(grads, -cfg.clip_value)
            torch._foreach_clamp_max_(grads, cfg.clip_value)
            return float(measured > limit)
        return 0.0

    @torch.no_grad()
    def _evaluate(self) -> list[torch.Tensor]:
        """[test_loss, correct test predictions] (0-dim) on the held-out set, eval mode, at the
        weights before the step; the accuracy is divided out on the host."""
        out = self.model.forward_eval(self.test_x)
        loss = loss_fn(self.task, out, self.test_y)
        if self.task == "classification":
            return [loss, (out.argmax(1) == self.test_y).sum(dtype=torch.float32)]
        return [loss, self._nan]

    @torch.no_grad()
    def _locate_divergence(self, x: torch.Tensor, loss: torch.Tensor) -> dict:
        """Name the first layer that went non-finite: in the forward pass, the first Linear
        output (from the input) that is not finite; else, in the backward pass, the layer
        nearest the output whose weight gradient is not finite (where backprop produced it)."""
        step = self.step + 1
        h = x
        for i, block in enumerate(self.model.blocks):
            h_next = block(h)
            if not bool(torch.isfinite(block.linear(h)).all() & torch.isfinite(h_next).all()):
                return {"diverged_step": step, "diverged_layer": i + 1, "diverged_where": "forward"}
            h = h_next
        if not bool(torch.isfinite(self.model.head(h)).all()) or not bool(torch.isfinite(loss)):
            where = len(self.model.linears)
            return {"diverged_step": step, "diverged_layer": where, "diverged_where": "forward"}
        # Backward: the layer nearest the output whose weight gradient is not finite, or whose
        # norm overflows float32; if none, the largest (the total norm overflowed).
        norms = [torch.linalg.vector_norm(lin.weight.grad) for lin in self.model.linears]
        for i in reversed(range(len(norms))):
            if not bool(torch.isfinite(norms[i])):
                return {
                    "diverged_step": step,
                    "diverged_layer": i + 1,
                    "diverged_where": "backward",
                }
        worst = int(torch.stack(norms).argmax()) + 1
        return {"diverged_step": step, "diverged_layer": worst, "diverged_where": "backward"}

    # ---------------------------------------------------------------------------------------
    # Device -> host, once per flush

    @staticmethod
    def _empty_pending() -> dict[str, list]:
        return {k: [] for k in ("step_steps", "step_values", "rec_steps", "rec_batch", "rec_rows")}

    def _decode(self, rows: np.ndarray, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Records (see _train_step: per layer grad, weight and update norms, ||dL/dz||; test
        loss and correct count; the probe's columns) -> rec_layers, rec_scalars."""
        n_rec, n_layers = len(rows), len(self.model.linears)
        layers = np.full((n_rec, len(LAYER_METRICS), n_layers), np.nan, np.float32)
        norms = rows[:, : 4 * n_layers].reshape(n_rec, 4, n_layers)
        layers[:, 0:2] = norms[:, 0:2]  # grad_norm, weight_norm
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero weight: no update_ratio
            layers[:, 2] = norms[:, 2] / norms[:, 1]  # ||W_after - W_before|| / ||W_before||
        layers[:, 3] = norms[:, 3]  # signal_norm
        test = rows[:, 4 * n_layers : 4 * n_layers + 2].copy()
        if self.task == "classification":
            test[:, 1] /= np.float32(len(self.test_y))
        depth = self.probe.depth
        act = self.probe.decode(rows[:, 4 * n_layers + 2 :], batch)
        layers[:, len(LAYER_METRICS) - len(ACT_METRICS) :, :depth] = act
        return layers, test

    def _flush(self) -> None:
        p = self._pending
        if not p["step_steps"]:
            return
        n_layers = len(self.model.linears)
        step_values = np.asarray(p["step_values"], np.float32)  # already on the host
        # note: a CPU-GPU sync point, once per flush, for every per-layer number flushed
        if p["rec_steps"]:
            rows = torch.stack(p["rec_rows"]).cpu().numpy()
            rec_layers, rec_scalars = self._decode(rows, np.asarray(p["rec_batch"]))
        else:
            rec_layers = np.zeros((0, len(LAYER_METRICS), n_layers), np.float32)
            rec_scalars = np.zeros((0, 2), np.float32)
        self._history.extend(
            np.asarray(p["step_steps"], np.int32),
            step_values,
            np.asarray(p["rec_steps"], np.int32),
            rec_layers,
            rec_scalars,
        )
        self._pending = self._empty_pending()


def _store_norm(into: list, i: int, grad: torch.Tensor) -> None:
    into[i] = torch.linalg.vector_norm(grad.detach())


CHUNK_BYTES = 1 << 20  # well inside a core's L2 cache


class _Snapshot:
    """The weights before a recorded step, for weight_norm and ||W_after - W_before||.

    Small models (all weights within CHUNK_BYTES): one flat copy, one kernel per copy and
    difference, one norm per run of equally sized layers (a few kernels instead of a few per
    layer). Large ones: fused per-layer calls over chunks of about CHUNK_BYTES, so that each norm
    reads what the copy or difference just wrote from the cache."""

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
            norms += torch._foreach_norm(copies)
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
            norms += torch._foreach_norm(copies)
        return torch.stack(norms)


def _divergence_fields(d: BurstResult) -> dict:
    return {
        "diverged": True,
        "diverged_step": d.diverged_step,
        "diverged_layer": d.diverged_layer,
        "diverged_where": d.diverged_where,
    }


@torch.no_grad()
def copy_matching_linears(source: MLP, target: MLP) -> None:
    """Start `target` from `source`'s weights wherever the Linear shapes match (Compare)."""
    for src, dst in zip(source.linears, target.linears, strict=False):
        if src.weight.shape == dst.weight.shape:
            dst.weight.copy_(src.weight)
            dst.bias.copy_(src.bias)
