"""`python -m sim sweep --seq_lens ...`: the backward signal through time across cells and
sequence lengths (the through-time counterpart of sim.analysis.sweep's depth sweep).

    python -m sim sweep --seq_lens 10 25 50 100                 # rnn (each activation), lstm, gru
    python -m sim sweep --archs lstm --seq_lens 50 100 --forget_bias chrono --steps 200

One row per network, measured as the depth sweep measures: with steps 0 the numbers of step 1,
whose gradients are taken on the initial weights; else those of the latest recorded step.

Columns
    arch, activation (a vanilla RNN's nonlinearity; "-" for a gated cell), seq_len
    first_signal   ||dL/dh_1||, the backward signal at the first time step
    last_signal    ||dL/dh_T||, at the last
    signal_ratio   first_signal / last_signal
    factor         signal_ratio ** (1 / (T - 1)): what one step back in time multiplies it by
    radius         spectral radius of W_hh (a gated cell: of its candidate block)
    loss           training loss of the step measured
    step, diverged as in the depth sweep
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from sim.analysis.sweep import as_row, run_sweep, trained
from sim.config import RNN_ACTIVATIONS, RunConfig
from sim.history import RECURRENT_SCALARS, TIME_METRICS

COLUMNS = (
    "arch",
    "activation",
    "seq_len",
    "first_signal",
    "last_signal",
    "signal_ratio",
    "factor",
    "radius",
    "loss",
    "step",
    "diverged",
)
_SIGNAL = TIME_METRICS.index("time_signal")
_RADIUS = RECURRENT_SCALARS.index("spectral_radius")


def time_configs(
    archs: Iterable[str], activations: Iterable[str], seq_lens: Iterable[int], base: RunConfig
) -> list[RunConfig]:
    """The validated configs, cell-major: a vanilla RNN once per activation it takes (others
    are left out), a gated cell once. Raises ConfigError."""
    acts = [a for a in activations if a in RNN_ACTIVATIONS]
    cells = [(arch, a) for arch in archs for a in (acts if arch == "rnn" else [base.activation])]
    lens = list(seq_lens)
    return [
        base.replace(arch=arch, activation=a, seq_len=int(t)).validated()
        for arch, a in cells
        for t in lens
    ]


def time_sweep(
    configs: list[RunConfig], steps: int = 0, on_network: Callable[[int, int], None] | None = None
) -> pd.DataFrame:
    """Train each config for `steps` (0: measure at initialisation) and tabulate its signal
    through time. Raises ValueError when `steps` is over a config's compute budget."""
    return run_sweep(configs, steps, _measure, COLUMNS, "seq_len", on_network)


def _measure(cfg: RunConfig, steps: int) -> dict:
    records, at, diverged = trained(cfg, steps)
    activation = cfg.activation if cfg.arch == "rnn" else "-"
    row = {"arch": cfg.arch, "activation": activation, "seq_len": cfg.seq_len}
    row |= {"step": 0, "diverged": diverged}
    if at is None:  # diverged on the very first step: nothing measured
        return as_row(row, COLUMNS)
    step = int(records.rec_steps[at])
    signal = records.rec_times[at, _SIGNAL].astype(np.float64)  # (T,)
    first, last = signal[0], signal[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = first / last
        factor = np.power(ratio, 1.0 / (len(signal) - 1))
    loss = records.step_values[np.searchsorted(records.step_steps, step), 0]
    row |= {"step": step, "first_signal": first, "last_signal": last, "signal_ratio": ratio}
    row |= {"factor": factor, "radius": records.rec_model[at, _RADIUS], "loss": loss}
    return as_row(row, COLUMNS)
