"""How much does the engine cost on a recurrent network? Time per training step, in one run, of

  (a) bare   a plain PyTorch loop over the same cell and head (the engine's initial weights,
             sim.nn.recurrent.build_recurrent), unrolled in Python step by step, on the same
             batches, with the same optimiser: zero_grad / forward / backward / step, nothing
             measured
  (b) burst  Simulation.burst at the default statistics cadence (every 10th step, and the
             first and last of each burst): per-time-step ||dL/dh_t||, gates, spectral radius
  (c) fused  for context only: nn.RNN / nn.LSTM / nn.GRU over the whole sequence in one call
             (cuDNN-style fused kernels; the engine cannot use them, since it must hand out
             every h_t to ask autograd for dL/dh_t), same batches and optimiser

for a vanilla tanh RNN, an LSTM and a GRU on the adding problem at length 50, 32 hidden units,
batch 64, Adam, on one torch thread, with the default data size (600 sequences, 120 of them the
test set) and the presets' (4000: 800 test sequences). A recorded step also takes the test
loss, a no-grad forward over the first 256 test sequences (sim.train.simulation.EVAL_SEQUENCES),
so the presets' size costs a little more.
Repetitions are interleaved (a, b, c, a, b, c, ...) in a fresh order each round and the median
per step is reported: wall clock and the process's CPU time. Target: b/a <= 1.25.

One run (after the evaluated slice, the cells' own kernels and the gate probe's smaller
products), load average 11 to 12 on the shared 2-core machine, ms per step, b/a:

    cell  samples   wall: bare  burst   b/a    cpu: bare  burst   b/a
    rnn       600        17.75  13.51  0.761        6.05   5.89  0.973
    lstm      600        42.87  39.59  0.924       15.16  14.25  0.940
    gru       600        82.91  74.83  0.903       15.70  14.99  0.955
    rnn      4000        59.67  59.74  1.001        7.14   7.93  1.110
    lstm     4000        96.60  92.41  0.957       18.09  18.56  1.026
    gru      4000        71.58  56.48  0.789       17.22  15.74  0.914

(before these changes: RNN 1.28-1.32, LSTM 1.16-1.33, GRU 1.10-1.19). A recorded step still costs
0.6 to 0.8 of a bare step (the backward's dL/dh_t, the test loss, the gates), an unrecorded one
no more than a bare step: the bare loop calls nn.*Cell, whose per-call checks the engine skips.

With --budget, the engine's step time for the largest configs the compute budget allows
(sim.config.max_burst_steps) and what a burst of that many steps takes.

    python -m benchmarks.bench_recurrent
    python -m benchmarks.bench_recurrent --rounds 9 --n_samples 600
    python -m benchmarks.bench_recurrent --budget
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn

from benchmarks.measure import interleaved_bursts
from sim.config import RunConfig, max_burst_steps, test_size
from sim.nn.recurrent import build_recurrent
from sim.presets import TIME_BASE
from sim.sequences import make_seq_data
from sim.train.optim import loss_fn, make_optimizer
from sim.train.simulation import Simulation

ARCHS = ("rnn", "lstm", "gru")
FUSED = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class BareLoop:
    """What a person would write: the engine's cell and head, unrolled, no instruments."""

    def __init__(self, cfg: RunConfig):
        data = make_seq_data(cfg.seq_task, cfg.n_samples, cfg.seq_len, cfg.seed, test_size(cfg))
        self.x, self.y, self.task = data.train_x, data.train_y, data.task
        model = build_recurrent(cfg, data.train_x.shape[2], data.n_out)
        self.cell, self.head, self.lstm = model.cell, model.head, cfg.arch == "lstm"
        self.params = list(self.cell.parameters()) + list(self.head.parameters())
        self.optimizer = make_optimizer(cfg, self.params)
        self.g = torch.Generator().manual_seed(cfg.seed + 2)
        self.order, self.pos, self.batch = torch.zeros(0, dtype=torch.long), 0, cfg.batch_size

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self.pos + self.batch > len(self.order):
            self.order, self.pos = torch.randperm(len(self.x), generator=self.g), 0
        idx = self.order[self.pos : self.pos + self.batch]
        self.pos += self.batch
        return self.x[idx], self.y[idx]

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, n_in) -> (B, n_out)
        h = x.new_zeros(x.shape[0], self.cell.hidden_size)
        state = (h, h) if self.lstm else h
        for x_t in x.unbind(1):
            state = self.cell(x_t, state)
        return self.head(state[0] if self.lstm else state)

    def burst(self, n: int) -> None:
        for _ in range(n):
            x, y = self.next_batch()
            self.optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(self.task, self.forward(x), y)
            loss.backward()
            self.optimizer.step()
        float(loss.detach())  # like the engine, end with the last loss on the host


class FusedLoop(BareLoop):
    """The bare loop with the whole-sequence module (nn.LSTM, ...) instead of the cell."""

    def __init__(self, cfg: RunConfig):
        super().__init__(cfg)
        self.rnn = FUSED[cfg.arch](self.x.shape[2], cfg.width, batch_first=True)
        self.params = list(self.rnn.parameters()) + list(self.head.parameters())
        self.optimizer = make_optimizer(cfg, self.params)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (B, T, width)
        return self.head(out[:, -1])


def compare(rounds: int, steps: int, sizes: list[int]) -> None:
    head = f"{'cell':5} {'samples':>7} {'clock':5} {'bare ms':>8} {'burst ms':>9} {'fused ms':>9}"
    print(head + f" {'b/a':>6}")
    for n_samples in sizes:
        for arch in ARCHS:
            cfg = TIME_BASE.replace(arch=arch, n_samples=n_samples, device="cpu")
            runners = {"bare": BareLoop(cfg), "burst": Simulation(cfg), "fused": FusedLoop(cfg)}
            for clock, t in interleaved_bursts(runners, steps, rounds, warmup=3).items():
                print(
                    f"{arch:5} {n_samples:7d} {clock:5} {t['bare']:8.2f} {t['burst']:9.2f} "
                    f"{t['fused']:9.2f} {t['burst'] / t['bare']:6.3f}"
                )
    print("target: b/a <= 1.25 (c, PyTorch's fused whole-sequence module, for context)")


def budget(steps: int) -> None:
    """The engine at the edge of the compute budget: seconds for a burst of the most steps."""
    print(f"{'config':34} {'ms/step':>8} {'max steps':>9} {'burst s':>8}")
    for arch, seq_len, width, batch in (("lstm", 200, 128, 256), ("gru", 200, 128, 256),
                                        ("rnn", 200, 128, 256), ("lstm", 50, 32, 64)):  # fmt: skip
        cfg = TIME_BASE.replace(arch=arch, seq_len=seq_len, width=width, batch_size=batch,
                                n_samples=2000, device="cpu")  # fmt: skip
        most = max_burst_steps(cfg)
        sim = Simulation(cfg)
        sim.burst(2)
        start = time.perf_counter()
        sim.burst(min(steps, most))
        ms = (time.perf_counter() - start) / min(steps, most) * 1e3
        name = f"{arch} T={seq_len} width={width} batch={batch}"
        print(f"{name:34} {ms:8.1f} {most:9d} {ms * most / 1e3:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100, help="steps per timed burst")
    parser.add_argument(
        "--n_samples", type=int, nargs="+", default=[600, TIME_BASE.n_samples], help="data sizes"
    )
    parser.add_argument("--budget", action="store_true", help="the budget's largest configs")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), adding problem, "
        f"T={TIME_BASE.seq_len}, width {TIME_BASE.width}, batch {TIME_BASE.batch_size}, "
        f"{TIME_BASE.optimizer} lr {TIME_BASE.lr}, {args.rounds} interleaved rounds of "
        f"{args.steps} steps"
    )
    if args.budget:
        budget(args.steps)
    else:
        compare(args.rounds, args.steps, args.n_samples)


if __name__ == "__main__":
    main()
