"""How much does instrumentation cost? Time per training step, in one run, of

  (a) bare   a plain PyTorch loop: the same model (sim.nn.mlp.build_model), optimiser, batches;
             zero_grad / forward / backward / step, nothing measured
  (b) burst  Simulation.burst with the default statistics cadence (every 10th step, and the
             first and last of each burst)
  (c) every  Simulation(stats_every=1): every statistic every step
  (d) plain  (a) with PyTorch's default Adam instead of the engine's fused one (what
             `torch.optim.Adam(model.parameters())` gives on a CPU): not the target's baseline,
             shown so that the ratios are read with the absolute speed in mind
  (e) floor  (a) plus the two things every recorded step cannot do without, at their cheapest:
             the test set's loss (a no-grad forward) and each weight's change in the step (one
             fused copy before it, one fused subtract and norm after); no per-layer gradient,
             signal or activation statistics. e/a is a floor under c/a on this machine

for depth 10 x width 64 and depth 30 x width 256, batch 128. Repetitions are interleaved
(a, b, c, d, a, b, c, d, ...) in a fresh order each round, and the median per-step time of each is
reported, so that a noisy machine hits them all alike: wall-clock time, and the process's CPU
time (steadier when other processes compete for the cores; with several threads it also counts
their spinning). Targets: b/a <= 1.10, c/a <= 1.35.
Then the depth sweep: 3 activations x 6 depths at initialisation, after import (< 2 s).

    python -m benchmarks.bench_burst                # torch's default thread count
    python -m benchmarks.bench_burst --threads 1 --optimizer sgd --rounds 15
    python -m benchmarks.bench_burst --optimizers   # fused Adam vs PyTorch's default loop only
"""

from __future__ import annotations

import argparse
import time

import torch

from benchmarks.measure import interleaved_bursts
from sim.analysis.sweep import depth_sweep
from sim.config import RunConfig, test_size
from sim.data import make_data
from sim.nn.mlp import build_model
from sim.train.optim import loss_fn, make_optimizer
from sim.train.simulation import Simulation

CONFIGS = {
    "depth10 x width64": dict(depth=10, width=64),
    "depth30 x width256": dict(depth=30, width=256),
}
BATCH = 128
STEPS = {"depth10 x width64": 100, "depth30 x width256": 100}  # steps per timed burst


class BareLoop:
    """What a person would write: same weights, optimiser and batch order, no instruments."""

    def __init__(self, cfg: RunConfig):
        data = make_data(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed, test_size(cfg))
        self.x, self.y, self.task = data.train_x, data.train_y, data.task
        self.test_x, self.test_y = data.test_x, data.test_y
        self.model = build_model(cfg, 2, data.n_out)
        self.optimizer = make_optimizer(cfg, self.model.parameters())
        self.g = torch.Generator().manual_seed(cfg.seed + 2)
        self.order, self.pos, self.batch = torch.zeros(0, dtype=torch.long), 0, cfg.batch_size

    def burst(self, n: int) -> None:
        model, opt = self.model, self.optimizer
        model.train()
        for _ in range(n):
            if self.pos + self.batch > len(self.order):
                self.order, self.pos = torch.randperm(len(self.x), generator=self.g), 0
            idx = self.order[self.pos : self.pos + self.batch]
            self.pos += self.batch
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(self.task, model(self.x[idx]), self.y[idx])
            loss.backward()
            self.step(opt)
        float(loss.detach())  # like the engine, end with the last loss on the host

    def step(self, opt: torch.optim.Optimizer) -> None:
        opt.step()


class FloorLoop(BareLoop):
    """The bare loop plus, every step, only the test loss and each weight's change, at their
    cheapest: what 'every statistic every step' costs before any per-layer statistic."""

    def __init__(self, cfg: RunConfig):
        super().__init__(cfg)
        self.weights = [lin.weight for lin in self.model.linears]
        self.before = [torch.empty_like(w) for w in self.weights]

    @torch.no_grad()
    def step(self, opt: torch.optim.Optimizer) -> None:
        loss_fn(self.task, self.model(self.test_x), self.test_y)  # dropout-free configs here
        torch._foreach_copy_(self.before, self.weights)
        opt.step()
        torch._foreach_sub_(self.before, self.weights)
        torch._foreach_norm(self.before)


def time_config(name: str, optimizer: str, rounds: int) -> dict[str, dict[str, float]]:
    cfg = RunConfig(
        n_samples=600,  # the default: 480 training points, 120 test points
        batch_size=BATCH,
        optimizer=optimizer,
        lr=0.005 if optimizer != "sgd" else 0.05,
        device="cpu",
        activation="relu",
        init="kaiming_normal",
        **CONFIGS[name],
    )
    runners = {
        "bare": BareLoop(cfg),
        "burst": Simulation(cfg),
        "every": Simulation(cfg, stats_every=1),
        "floor": FloorLoop(cfg),
    }
    if optimizer == "adam":
        runners["plain"] = plain_loop(cfg)
    return interleaved_bursts(runners, STEPS[name], rounds, warmup=5)


def plain_loop(cfg: RunConfig) -> BareLoop:
    """The bare loop with PyTorch's default (single-tensor) Adam instead of the engine's."""
    loop = BareLoop(cfg)
    loop.optimizer = torch.optim.Adam(loop.model.parameters(), lr=cfg.lr, foreach=False)
    return loop


def optimizer_speed(rounds: int) -> None:
    """The bare loop's time per step with the engine's Adam (fused where the device has it) and
    with PyTorch's default (single-tensor) Adam, interleaved: what the fused kernel saves."""
    print(f"{'config':24} {'default ms':>10} {'fused ms':>9} {'default/fused':>14}")
    for name, shape in {"default config": {}, **CONFIGS}.items():
        cfg = RunConfig(device="cpu", **shape)
        loops = {"default": plain_loop(cfg), "fused": BareLoop(cfg)}
        assert loops["fused"].optimizer.defaults.get("fused"), "the engine's Adam is not fused"
        times = interleaved_bursts(loops, STEPS.get(name, 200), rounds, warmup=5)["wall"]
        d, f = times["default"], times["fused"]
        print(f"{name:24} {d:10.3f} {f:9.3f} {d / f:14.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--optimizer", default="adam", choices=("sgd", "adam"))
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--optimizers", action="store_true", help="only fused vs default Adam")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.optimizers:
        optimizer_speed(args.rounds)
        return
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, optimizer "
        f"{args.optimizer}, batch {BATCH}, relu/kaiming_normal, {args.rounds} interleaved rounds"
    )
    plain = args.optimizer == "adam"
    print(
        f"{'config':20} {'clock':5} {'bare ms':>8} {'burst ms':>9} {'every ms':>9} "
        f"{'b/a':>6} {'c/a':>6} {'e/a':>6}"
        + (f" {'plain ms':>9} {'b/d':>6} {'c/d':>6}" if plain else "")
    )
    for name in CONFIGS:
        times = time_config(name, args.optimizer, args.rounds)
        for clock, t in times.items():
            line = (
                f"{name:20} {clock:5} {t['bare']:8.3f} {t['burst']:9.3f} {t['every']:9.3f} "
                f"{t['burst'] / t['bare']:6.3f} {t['every'] / t['bare']:6.3f}"
                f" {t['floor'] / t['bare']:6.3f}"
            )
            if plain:
                line += (
                    f" {t['plain']:9.3f} {t['burst'] / t['plain']:6.3f}"
                    f" {t['every'] / t['plain']:6.3f}"
                )
            print(line)
    print("targets: b/a <= 1.10, c/a <= 1.35 (d: PyTorch's default Adam, for reference)")
    print("e/a: the floor under c/a (test loss and weight changes only, at their cheapest)")

    depths = [2, 5, 10, 20, 30, 50]
    for label in ("first call", "second call"):
        start = time.perf_counter()
        depth_sweep(["sigmoid", "tanh", "relu"], depths)
        print(f"depth_sweep 3 activations x {depths}, {label}: {time.perf_counter() - start:.2f} s")
    print("target: < 2 s after import")


if __name__ == "__main__":
    main()
