"""Simulation: data, model, optimiser and history for one RunConfig, trained in bursts.

    sim = Simulation(RunConfig(depth=10, activation="sigmoid"))
    result = sim.burst(200)          # trains 200 more steps; call again to continue
    sim.history                      # tidy DataFrame: step, layer, metric, value
    sim.findings()                   # language-free diagnosis

Per-layer numbers of recorded steps are stacked on the device and reach the host once per
burst or progress callback (`_flush`); every step costs one sync, the divergence check, which
must happen before the optimiser applies a non-finite gradient, and the step's scalars (loss,
correct predictions, total gradient norm) ride along in that one transfer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from sim import diagnosis
from sim.activations import ACTIVATIONS
from sim.config import HOT_FIELDS, RunConfig, step_cost, test_size
from sim.data import make_data
from sim.device import DeviceChoice, resolve
from sim.history import LAYER_METRICS, History
from sim.model import MLP, SeededDropout, build_model
from sim.probes import Probe

FLUSH_RECORDS = 1024  # recorded steps held on the device before a flush, callback or not
DEFAULT_STATS_EVERY = 10  # per-layer statistics every 10th step, and first and last of a burst
_MODE_DEPENDENT = (nn.modules.batchnorm._BatchNorm, nn.Dropout, SeededDropout)


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


def make_optimizer(cfg: RunConfig, params) -> torch.optim.Optimizer:
    kw = {"lr": cfg.lr, "weight_decay": cfg.weight_decay}
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, **kw)
    if cfg.optimizer == "momentum":
        return torch.optim.SGD(params, momentum=0.9, **kw)
    if cfg.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, **kw)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, **kw)
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(params, **kw)
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
        self._before: list[torch.Tensor] | None = None  # weights before a recorded step
        # Only BatchNorm and dropout act differently in eval mode: _evaluate flips just these,
        # sparing model.eval() and model.train() a walk over every module per recorded step.
        self._moded = [m for m in self.model.modules() if isinstance(m, _MODE_DEPENDENT)]
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
        return self._history.frame()

    @property
    def records(self) -> History:
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
                    self._flush()
                    elapsed = time.perf_counter() - start
                    loss = float(self._history.step_values[-1, 0]) if done else math.nan
                    if on_progress(Progress(done, n, self.step, elapsed, loss)) is False:
                        stopped = True
                        break
        finally:
            self._flush()  # also when a caller's exception (e.g. a rerun) cuts the burst short
            self._before = None  # a copy of every weight: held during a burst only
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
        model = self.model
        x, y = self._next_batch()
        if not model.training:  # model.train() walks every module: only when needed
            model.train()
        self.optimizer.zero_grad(set_to_none=True)
        if record:
            with self.probe.capture():
                out = model(x)
                loss = loss_fn(self.task, out, y)
                loss.backward()
        else:
            out = model(x)
            loss = loss_fn(self.task, out, y)
            loss.backward()

        params = [p for p in self._params if p.grad is not None]
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
        ids = {id(p): i for i, p in enumerate(params)}
        grad_norm = torch.stack([norms[ids[id(w)]] for w in weights])  # before clipping
        if self._before is None:
            self._before = [torch.empty_like(w) for w in weights]
        before = self._before
        with torch.no_grad():  # fused calls: one each for every layer's copy, norm, difference
            torch._foreach_copy_(before, weights)
            weight_norm = torch.stack(torch._foreach_norm(before))
        probe_stats = self.probe.layer_stats(self.device)
        test = self._evaluate()
        self.optimizer.step()
        with torch.no_grad():
            torch._foreach_sub_(before, weights)  # in place: now -(W_after - W_before)
            update_ratio = torch.stack(torch._foreach_norm(before)) / weight_norm
        layer = torch.cat([torch.stack([grad_norm, weight_norm, update_ratio]), probe_stats])
        self._pending["rec_steps"].append(self.step)
        self._pending["rec_layers"].append(layer)
        self._pending["rec_scalars"].append(test)
        return None

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
    def _evaluate(self) -> torch.Tensor:
        """(test_loss, test_acc) on the held-out set, eval mode, at the weights before the step."""
        for m in self._moded:
            m.training = False
        try:
            out = self.model(self.test_x)
        finally:
            for m in self._moded:
                m.training = True
        loss = loss_fn(self.task, out, self.test_y)
        if self.task == "classification":
            acc = (out.argmax(1) == self.test_y).float().mean()
        else:
            acc = self._nan
        return torch.stack([loss, acc])

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
        return {
            k: [] for k in ("step_steps", "step_values", "rec_steps", "rec_layers", "rec_scalars")
        }

    def _flush(self) -> None:
        p = self._pending
        if not p["step_steps"]:
            return
        n_layers = len(self.model.linears)
        step_values = np.asarray(p["step_values"], np.float32)  # already on the host
        # note: a CPU-GPU sync point, once per flush, for every per-layer number flushed
        if p["rec_steps"]:
            rec_layers = torch.stack(p["rec_layers"]).cpu().numpy()
            rec_scalars = torch.stack(p["rec_scalars"]).cpu().numpy()
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
