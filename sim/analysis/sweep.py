"""Depth sweep: how the gradient at the input side shrinks or grows with depth, per activation.

    depth_sweep(["sigmoid", "tanh", "relu"], [5, 10, 20])   # at initialisation
    depth_sweep(["relu"], [10, 20], init="kaiming_normal", steps=100)

One row per network. "At initialisation" means one `Simulation.burst(1)` and step 1 of its
history: step 1's gradients are measured on the initial weights, before the update. With
steps > 0 the numbers are those of the latest recorded step after `burst(steps)`.

Columns
    activation, init, depth
    first_grad    ||dL/dW|| of layer 1 (the 2-input first layer)
    output_grad   ||dL/dW|| of the output layer (depth + 1)
    ratio         first_grad / output_grad, the number the source article's question is about
    hidden_ratio  ||dL/dW|| of layer 2 / layer depth: hidden-to-hidden, free of the first layer's
                  odd shape (NaN when depth < 3)
    signal_ratio  ||dL/dh|| at layer 1 / at layer depth: the backward signal (NaN when depth < 2)
    factor        signal_ratio ** (1 / (depth - 1)): the per-layer backward factor that
                  mean-field theory predicts (shared reference, claims.md)
    step          the step the numbers come from
    diverged      the burst ended on a non-finite loss or gradient (numbers are then from the
                  last finite recorded step, or NaN)

Judge vanishing on hidden_ratio or signal_ratio, not on ratio: the first layer's 2-unit input
makes even a balanced He network show ratio ~ 0.1 ("Measuring pitfalls" in claims.md).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import torch

from sim.config import RunConfig, max_burst_steps
from sim.history import LAYER_METRICS, History
from sim.presets import BASE
from sim.train.simulation import Simulation

COLUMNS = (
    "activation",
    "init",
    "depth",
    "first_grad",
    "output_grad",
    "ratio",
    "hidden_ratio",
    "signal_ratio",
    "factor",
    "step",
    "diverged",
)
_GRAD, _SIGNAL = LAYER_METRICS.index("grad_norm"), LAYER_METRICS.index("signal_norm")


def sweep_configs(
    activations: Iterable[str],
    depths: Iterable[int],
    init: str = "default",
    base: RunConfig = BASE,
    seed: int = 0,
) -> list[RunConfig]:
    """The validated configs a sweep trains, activation-major. Raises ConfigError."""
    depths = list(depths)
    return [
        base.replace(activation=a, depth=int(d), init=init, seed=seed).validated()
        for a in activations
        for d in depths
    ]


def steps_over_budget(cfg: RunConfig, steps: int) -> str | None:
    """A one-line reason when `steps` in one burst exceed the compute budget, else None."""
    most = max_burst_steps(cfg)
    if steps <= most:
        return None
    return (
        f"{steps} steps are over the compute budget: depth {cfg.depth} x width {cfg.width}^2 "
        f"x batch {cfg.batch_size} allows at most {most} steps per burst; "
        "lower steps, depth, width or batch_size"
    )


def depth_sweep(
    activations: Iterable[str],
    depths: Iterable[int],
    init: str = "default",
    steps: int = 0,
    base: RunConfig = BASE,
    seed: int = 0,
    on_network: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Train one network per (activation, depth) and tabulate its gradient ratios.

    `base` supplies every other field (width, dataset, optimiser, ...); `init` and `seed`
    override it. `on_network(done, total)` is called after each network, for a progress bar.
    Raises ConfigError for an invalid config and ValueError when `steps` is over the compute
    budget, before training anything.
    """
    configs = sweep_configs(activations, depths, init, base, seed)
    return run_sweep(configs, steps, _measure, COLUMNS, "depth", on_network)


# ---------------------------------------------------------------------------------------------
# The loop every sweep runs (this depth sweep, and sim.cli.sweep_time's through time)


def run_sweep(
    configs: list[RunConfig],
    steps: int,
    measure: Callable[[RunConfig, int], dict],
    columns: tuple[str, ...],
    size: str,
    on_network: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row per config, `measure(cfg, steps)`, trained one after another on one torch thread;
    the frame has `columns`, with `size` (the column that grows: depth, seq_len) and step as
    int64. Raises ValueError when `steps` is over a config's compute budget, before training."""
    for cfg in configs:
        if (why := steps_over_budget(cfg, max(1, steps))) is not None:
            raise ValueError(why)
    rows = []
    with one_thread():
        for cfg in configs:
            rows.append(measure(cfg, steps))
            if on_network is not None:
                on_network(len(rows), len(configs))
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype({size: "int64", "step": "int64", "diverged": "bool"})


def trained(cfg: RunConfig, steps: int) -> tuple[History, int | None, bool]:
    """A sweep's network after `steps` (0: one step, measured on the initial weights): its
    records, which record to read (step 1's, or the latest; None when the very first step
    diverged and nothing was recorded) and whether the burst diverged."""
    sim = Simulation(cfg)
    result = sim.burst(max(1, steps))
    records = sim.records
    if not len(records.rec_steps):
        return records, None, result.diverged
    return records, 0 if steps <= 0 else -1, result.diverged


def as_row(row: dict, columns: tuple[str, ...]) -> dict:
    """The row with every missing column NaN and numpy floats as Python floats."""
    row = {c: math.nan for c in columns} | row
    return {k: float(v) if isinstance(v, np.floating) else v for k, v in row.items()}


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Torch's intra-op pool at one thread for the body, restored after. A sweep's networks are
    small: a second thread only adds its wake-up and, on a busy machine, waits for a core
    (benchmarks/bench_sweep.py prints the difference)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _measure(cfg: RunConfig, steps: int) -> dict:
    records, at, diverged = trained(cfg, steps)
    d = cfg.depth
    row = {"activation": cfg.activation, "init": cfg.init, "depth": d}
    row |= {"step": 0, "diverged": diverged}
    if at is None:  # diverged on the very first step: nothing measured
        return as_row(row, COLUMNS)
    grad = records.rec_layers[at, _GRAD].astype(np.float64)  # (depth + 1,)
    signal = records.rec_layers[at, _SIGNAL].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        signal_ratio = signal[0] / signal[d - 1] if d >= 2 else math.nan
        row |= {
            "step": int(records.rec_steps[at]),
            "first_grad": grad[0],
            "output_grad": grad[d],
            "ratio": grad[0] / grad[d],
            "hidden_ratio": grad[1] / grad[d - 1] if d >= 3 else math.nan,
            "signal_ratio": signal_ratio,
            "factor": np.power(signal_ratio, 1.0 / (d - 1)) if d >= 2 else math.nan,
        }
    return as_row(row, COLUMNS)
