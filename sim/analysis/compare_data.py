"""Which runs may be compared: the fields that make their data, and the kind of network.

Compare's runs train on the same data from the same seed, so what differs is the factor alone.
The data is made by SHARED: points (sim.data: dataset, noise) for an MLP, sequences
(sim.sequences: seq_task, seq_len) for a recurrent cell, and for both the sample count, the
seed and the device. An MLP and a recurrent network cannot share data at all (points against
sequences), so a comparison keeps the runs of the first run's kind and says which it left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.config import Problem, RunConfig

# The fields that make the data (and where it is computed), taken from the first run.
POINTS: tuple[str, ...] = ("dataset", "noise")  # sim.data.make_data
SEQUENCES: tuple[str, ...] = ("seq_task", "seq_len")  # sim.sequences.make_seq_data
SHARED: tuple[str, ...] = (*POINTS, *SEQUENCES, "n_samples", "seed", "device")


def kind(cfg: RunConfig) -> str:
    """'recurrent' (any cell: their data is the same sequences) or 'mlp' (points)."""
    return "recurrent" if cfg.recurrent else "mlp"


def same_kind(cfgs: Sequence[RunConfig]) -> list[RunConfig]:
    """The runs of the first run's kind, in order."""
    if not cfgs:
        return []
    first = kind(cfgs[0])
    return [cfg for cfg in cfgs if kind(cfg) == first]


def mix_problem(cfgs: Sequence[RunConfig]) -> Problem | None:
    """Why a comparison leaves runs out for their kind of network (an MLP among recurrent runs,
    or the reverse), naming them 1-based; None when every run is of the first run's kind."""
    if not cfgs:
        return None
    first = kind(cfgs[0])
    left = [i + 1 for i, cfg in enumerate(cfgs) if kind(cfg) != first]
    if not left:
        return None
    return Problem("runs", f"mixed_{first}", {"runs": ", ".join(map(str, left))})


def data_fields(cfg: RunConfig) -> dict[str, object]:
    """The fields that make this run's data, by name (what every run of its comparison shares)."""
    own = SEQUENCES if cfg.recurrent else POINTS
    return {name: getattr(cfg, name) for name in (*own, "n_samples", "seed")}
