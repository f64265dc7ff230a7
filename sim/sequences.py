"""Sequence tasks for the recurrent networks, generated deterministically with torch only.

Every generator takes (n, seq_len, generator) and returns x (n, T, n_in) float32 and y: targets
(n, 1) float32 (adding), class indices (n,) int64 (majority), or one class index per recalled
symbol (n, K) int64 (copy). Each task states the loss of the best constant prediction
(`chance_loss`), the line a network must get below to have learned anything.

- adding (Hochreiter & Schmidhuber 1997, section 5.4; the form of Le et al. 2015): channel 0
  holds values U(0, 1), channel 1 marks exactly two of them, one in each half; the target is
  the sum of the two marked values. The mean (1) gives MSE = Var = 2 / 12 = 1/6.
- copy (a memory task, after Hochreiter & Schmidhuber 1997 and Arjovsky et al. 2016): K = 3
  symbols from an alphabet of 4 at the first steps, blanks, then K steps that carry the recall
  marker, at which the network must name the symbols in order. Cross-entropy per recalled
  symbol; chance = ln 4. (K = 2 at T = 5, where 3 + 3 steps do not fit.)
- majority: T random bits (fed as -1/+1); the class is 1 when ones outnumber zeros. An even T
  has no ties: a tied sequence has its last bit flipped, which keeps the classes balanced
  (complementing every bit maps one class onto the other). Chance = ln 2.

The split is as for the 2-D datasets: 20% test (sim.config.test_size), the rest training; the
inputs are not standardised (their scales are part of the task).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from sim.data import Data

Gen = torch.Generator
ALPHABET = 4  # copy: symbols to choose from
COPY_SYMBOLS = 3  # copy: symbols to remember


def copy_symbols(seq_len: int) -> int:
    """K, the symbols a copy sequence of `seq_len` steps asks to recall."""
    return min(COPY_SYMBOLS, seq_len // 2)


def adding(n: int, seq_len: int, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    values = torch.rand(n, seq_len, generator=g)
    half = seq_len // 2
    first = torch.randint(0, half, (n,), generator=g)
    second = torch.randint(half, seq_len, (n,), generator=g)
    marks = torch.zeros(n, seq_len)
    rows = torch.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    y = values[rows, first] + values[rows, second]
    return torch.stack([values, marks], 2), y[:, None]


def copy(n: int, seq_len: int, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    k = copy_symbols(seq_len)
    symbols = torch.randint(0, ALPHABET, (n, k), generator=g)
    # channels: the alphabet's one-hot, then blank, then the recall marker
    codes = torch.full((n, seq_len), ALPHABET, dtype=torch.long)  # blank
    codes[:, :k] = symbols
    codes[:, seq_len - k :] = ALPHABET + 1  # recall here
    x = torch.nn.functional.one_hot(codes, ALPHABET + 2).float()
    return x, symbols


def majority(n: int, seq_len: int, g: Gen) -> tuple[torch.Tensor, torch.Tensor]:
    bits = torch.randint(0, 2, (n, seq_len), generator=g)
    ones = bits.sum(1)
    tie = 2 * ones == seq_len
    bits[tie, -1] = 1 - bits[tie, -1]
    y = (2 * bits.sum(1) > seq_len).long()
    return (2.0 * bits.float() - 1.0)[:, :, None], y


@dataclass(frozen=True)
class SeqTask:
    make: Callable[[int, int, Gen], tuple[torch.Tensor, torch.Tensor]]
    task: str  # "classification" | "regression"
    n_in: int  # input channels
    n_out: int  # classes (per recalled symbol), or target dimensions
    chance_loss: float  # the best constant prediction's loss
    readout: str  # "last": the head reads h_T; "tail": the last K states (one answer each)


SEQ_TASKS: dict[str, SeqTask] = {
    "adding": SeqTask(adding, "regression", 2, 1, 1.0 / 6.0, "last"),
    "copy": SeqTask(copy, "classification", ALPHABET + 2, ALPHABET, math.log(ALPHABET), "tail"),
    "majority": SeqTask(majority, "classification", 1, 2, math.log(2.0), "last"),
}


def make_seq_data(task: str, n_samples: int, seq_len: int, seed: int, n_test: int) -> Data:
    info = SEQ_TASKS[task]
    g = torch.Generator().manual_seed(seed)
    x, y = info.make(n_samples, seq_len, g)
    x = x.float()
    return Data(x[n_test:], y[n_test:], x[:n_test], y[:n_test], info.task, info.n_out)


# ---------------------------------------------------------------------------------------------
# Budgets (sim.config.step_cost and memory_estimate call these for arch != "mlp")

GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # width x width blocks in the recurrent weight matrix
# Per time step and gate: 1.6 x width^2 x batch (a cell's step costs more than an MLP layer's
# matrix product of the same size: its elementwise gates, its backward) and at least
# TIME_FLOOR whatever its size (a Python iteration, small kernels). Measured on one thread
# against the MLP's 6 x 512 x batch 256 step, as seconds per unit of cost: 15 s a burst of
# BUDGET (LSTM T=50 w=128 b=128 133 ms, w=32 b=64 15.5 ms; GRU w=128 56 ms; RNN w=256 95 ms,
# w=32 b=64 4.0 ms, on a busy 2-core machine).
WORK = 1.6
TIME_FLOOR = 4.0e5
# float32 values a Simulation holds at its peak per (time step, sample, unit), 4 a gate + 2:
# saved for backward, the recorder's dL/dh_t, the allocator's rounding (measured peaks: LSTM
# 13 to 14, GRU 10 to 12.5, a vanilla RNN 2 to 2.5; tests/sim/test_recurrent.py)
BYTES_PER_VALUE = 4


def recurrent_step_cost(cfg, batch: int) -> float:
    """seq_len x gates x width^2 x batch (x WORK), the MLP's depth x width^2 x batch unrolled
    in time."""
    per_gate = WORK * float(max(cfg.width, 8)) ** 2 * float(batch)
    return float(cfg.seq_len) * float(GATES[cfg.arch]) * max(per_gate, TIME_FLOOR)


def recurrent_sizes(cfg, batch: int) -> tuple[int, int]:
    """(parameters, bytes of the batch's values) for sim.config.memory_estimate: per time
    step, sample and unit 4 x gates + 2 float32 values (see BYTES_PER_VALUE)."""
    width, gates = int(cfg.width), GATES[cfg.arch]
    params = gates * width * (width + 8) + 8 * (width + 1)  # input (<= 6 wide), head
    return params, int(cfg.seq_len) * batch * width * (4 * gates + 2) * BYTES_PER_VALUE
