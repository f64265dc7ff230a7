"""Compare: two to four Simulations trained together, so that what differs is the factor alone.

    runs = vary(RunConfig(), "activation")          # the base, then one run per other value
    comparison = Comparison(runs)
    comparison.burst(200, on_progress=print)        # one burst for all, one progress callback
    comparison.frame()                              # every run's history, with a `run` column

- Same data and seed: SHARED fields are taken from the first run, and only runs of its kind of
  network are kept (sim.analysis.compare_data: an MLP's points are no recurrent cell's sequences).
- Same initial weights: a run whose init draws from the same distribution as the first run's
  starts from a copy of its weights wherever the Linear shapes match
  (sim.train.simulation.copy_matching_linears). A run whose factor *is* the init (or the gain its
  activation asks of a scaled init) keeps its own scheme: copying would erase the factor. It is
  still drawn from the same seeded generator, so e.g. two Kaiming runs differ only in scale.
  Recurrent runs of one cell share every weight; another cell has weights of other shapes, drawn
  from the same seeded generator ("cell").
- One burst, in chunks: every run trains one chunk in turn, so all runs advance together and a
  rerun that interrupts the burst leaves them at most one chunk apart.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim import codec
from sim.activations import ACTIVATIONS
from sim.analysis.compare_data import SHARED, mix_problem, same_kind
from sim.config import (
    DEFAULT,
    FIELDS,
    MEMORY_BUDGET,
    Problem,
    RunConfig,
    memory_estimate,
    memory_params,
    problems,
)
from sim.train.result import BurstResult
from sim.train.simulation import DEFAULT_STATS_EVERY, Simulation

MAX_RUNS = 4
CHUNKS = 5  # progress updates per burst; each chunk costs every run one extra recorded step
# All the runs of one comparison together (each is also within MEMORY_BUDGET on its own).
COMPARE_MEMORY_BUDGET = 2 * MEMORY_BUDGET

# The one-click variations: the values tried after the base's own, in this order.
FACTORS: dict[str, tuple[Any, ...]] = {
    "activation": ("relu", "sigmoid", "tanh", "leaky_relu", "gelu"),
    "init": ("default", "kaiming_normal", "xavier_normal", "orthogonal"),
    "norm": ("none", "batchnorm", "layernorm"),
    "dropout": (0.0, 0.2, 0.5),
    "optimizer": ("sgd", "momentum", "adam", "rmsprop"),
    "clip": ("none", "norm", "value"),
    "residual": (False, True),
}
_GAINED = ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal")


# ---------------------------------------------------------------------------------------------
# Which runs


def vary(base: RunConfig, factor: str, n: int = MAX_RUNS) -> list[RunConfig]:
    """`base`, then up to n - 1 valid configs that differ from it in `factor` only."""
    own = getattr(base, factor)
    out = [base]
    for value in FACTORS[factor]:
        if len(out) >= n:
            break
        cfg = base.replace(**{factor: value})
        if value != own and not problems(cfg):
            out.append(cfg)
    return out


def align(cfgs: Sequence[RunConfig]) -> list[RunConfig]:
    """At most MAX_RUNS configs of the first one's kind (see mix_problem), each with its data,
    seed and device, and no more of them than fit COMPARE_MEMORY_BUDGET together."""
    cfgs = same_kind(list(cfgs)[:MAX_RUNS])
    if not cfgs:
        return []
    shared = {name: getattr(cfgs[0], name) for name in SHARED}
    return _within_memory([cfgs[0]] + [cfg.replace(**shared) for cfg in cfgs[1:]])


def _within_memory(cfgs: list[RunConfig]) -> list[RunConfig]:
    """The leading runs whose memory estimates fit COMPARE_MEMORY_BUDGET together (>= 1)."""
    total = 0
    for i, cfg in enumerate(cfgs):
        total += memory_estimate(cfg)
        if i and total > COMPARE_MEMORY_BUDGET:
            return cfgs[:i]
    return cfgs


def memory_problem(cfgs: Sequence[RunConfig]) -> Problem | None:
    """Why align() leaves runs out for memory, or None when every run (up to MAX_RUNS) fits."""
    cfgs = same_kind(list(cfgs)[:MAX_RUNS])
    total = sum(memory_estimate(cfg) for cfg in cfgs)
    if len(cfgs) < 2 or total <= COMPARE_MEMORY_BUDGET:
        return None
    params = memory_params(total)
    params["limit_mb"] = COMPARE_MEMORY_BUDGET / 2**20
    return Problem("runs", "memory_runs", params)


def differences(cfgs: Sequence[RunConfig]) -> list[dict[str, Any]]:
    """For each run, the fields (and values) where it differs from the first run."""
    if not cfgs:
        return []
    first = cfgs[0]
    return [{n: getattr(c, n) for n in FIELDS if getattr(c, n) != getattr(first, n)} for c in cfgs]


def init_signature(cfg: RunConfig) -> tuple:
    """Runs with equal signatures draw their initial weights from the same distribution."""
    if cfg.recurrent:  # sim.nn.recurrent.init_recurrent: the same draws, then these fields
        return cfg.arch, cfg.rec_init, cfg.forget_bias if cfg.arch == "lstm" else None
    gain = ACTIVATIONS[cfg.activation].gain if cfg.init in _GAINED else None
    std = cfg.init_std if cfg.init == "normal" else None
    return cfg.init, std, gain


def init_relation(cfg: RunConfig, first: RunConfig) -> str:
    """How a run's initial weights relate to the first run's: "same" (copied), "scaled" (the
    same draws times another gain: a scaled init under another activation), "cell" (another
    recurrent cell: weights of other shapes), or "own"."""
    mine, theirs = init_signature(cfg), init_signature(first)
    if mine == theirs:
        return "same"
    if cfg.recurrent:
        return "cell" if cfg.arch != first.arch else "own"
    return "scaled" if mine[:2] == theirs[:2] else "own"


# ---------------------------------------------------------------------------------------------
# Training together


@dataclass(frozen=True)
class CompareProgress:
    done: int  # steps every run has trained so far in this burst
    total: int
    seconds: float
    losses: tuple[float, ...]  # latest training loss per run (nan before its first step)


class Comparison:
    def __init__(self, cfgs: Sequence[RunConfig], stats_every: int = DEFAULT_STATS_EVERY):
        cfgs = align(cfgs)
        if not cfgs:
            raise ValueError("a comparison needs at least one run")
        self.stats_every = max(1, int(stats_every))
        first = Simulation(cfgs[0], self.stats_every)
        self.sims: list[Simulation] = [first]
        for cfg in cfgs[1:]:
            same = init_signature(cfg) == init_signature(cfgs[0])
            self.sims.append(Simulation(cfg, self.stats_every, first.model if same else None))
        self.shared_init = [init_relation(c, cfgs[0]) == "same" for c in cfgs]
        self.init_relations = [init_relation(c, cfgs[0]) for c in cfgs]

    @property
    def cfgs(self) -> list[RunConfig]:
        return [s.cfg for s in self.sims]

    @property
    def step(self) -> int:
        return min(s.step for s in self.sims)

    def chunk_size(self, n: int) -> int:
        """Steps per chunk: about n / CHUNKS, a multiple of stats_every when n allows, so each
        chunk's last step is a regularly recorded one and only its first step is extra."""
        size = max(1, math.ceil(n / CHUNKS))
        if size >= self.stats_every:
            size = math.ceil(size / self.stats_every) * self.stats_every
        return size

    def burst(
        self, n: int, on_progress: Callable[[CompareProgress], bool | None] | None = None
    ) -> list[BurstResult]:
        """Train every run n more steps, chunk by chunk. `on_progress` is called after each
        chunk but the last and may return False to stop. Returns one result per run; a run that
        diverges stops there while the others go on."""
        n = max(0, int(n))
        size = self.chunk_size(n) if n else 1
        ran = [0] * len(self.sims)
        spent = [0.0] * len(self.sims)
        last: list[BurstResult | None] = [None] * len(self.sims)
        start, done, stopped = time.perf_counter(), 0, False
        while done < n and not stopped:
            chunk = min(size, n - done)
            for i, sim in enumerate(self.sims):
                result = sim.burst(chunk)
                ran[i] += result.steps_run
                spent[i] += result.seconds
                last[i] = result
            done += chunk
            if on_progress is not None and done < n:
                progress = CompareProgress(done, n, time.perf_counter() - start, self.losses())
                stopped = on_progress(progress) is False
        return [_combine(r, ran[i], spent[i], stopped) for i, r in enumerate(last)]

    def losses(self) -> tuple[float, ...]:
        out = []
        for sim in self.sims:
            values = sim.records.step_values
            out.append(float(values[-1, 0]) if len(values) else math.nan)
        return tuple(out)

    def frame(self) -> pd.DataFrame:
        """Every run's tidy history stacked, with `run` (0-based) as the first column."""
        parts = [s.history.assign(run=i) for i, s in enumerate(self.sims)]
        df = pd.concat(parts, ignore_index=True)
        return df[["run", *[c for c in df.columns if c != "run"]]]


def _combine(last: BurstResult | None, ran: int, spent: float, stopped: bool) -> BurstResult:
    if last is None:  # n == 0
        return BurstResult(0, 0.0)
    return BurstResult(
        ran,
        spent,
        last.diverged,
        last.diverged_step,
        last.diverged_layer,
        last.diverged_where,
        stopped,
    )


# ---------------------------------------------------------------------------------------------
# Links: the first run in full (as sim.codec writes it), the others as differences from it


def run_prefix(i: int) -> str:
    """Query-key prefix of run i (0-based); the first run has none."""
    return f"r{i + 1}_" if i else ""


def to_query(cfgs: Sequence[RunConfig]) -> dict[str, str]:
    cfgs = align(cfgs)
    if not cfgs:
        return {}
    out = codec.to_query(cfgs[0])
    out["runs"] = str(len(cfgs))
    first = out.copy()
    for i, cfg in enumerate(cfgs[1:], start=1):
        for name, value in codec.to_query(cfg).items():
            if value != first[name]:
                out[run_prefix(i) + name] = value
    return out


def from_query(
    params: dict[str, Any], base: RunConfig | None = None
) -> tuple[list[RunConfig], list[Problem]]:
    """Runs from a query; never raises. Run k's problems carry the field name `r{k}_<field>`."""
    first, found = codec.from_mapping(params, base or DEFAULT)
    count, count_problem = _run_count(params)
    if count_problem is not None:
        found.append(count_problem)
    cfgs = [first]
    for i in range(1, count):
        prefix = run_prefix(i)
        own = {k[len(prefix) :]: v for k, v in params.items() if k.startswith(prefix)}
        cfg, rejected = codec.from_mapping(own, first)
        found += [Problem(prefix + p.field, p.code, p.params) for p in rejected]
        cfgs.append(cfg)
    for problem in (mix_problem(cfgs), memory_problem(cfgs)):
        if problem is not None:
            found.append(problem)
    return align(cfgs), found


def _run_count(params: dict[str, Any]) -> tuple[int, Problem | None]:
    seen = [i for i in range(1, MAX_RUNS) if any(k.startswith(run_prefix(i)) for k in params)]
    fallback = max([2, *[i + 1 for i in seen]])
    raw = params.get("runs")
    if raw is None:
        return fallback, None
    raw = raw[-1] if isinstance(raw, list | tuple) and raw else raw
    try:
        count = int(str(raw))
    except ValueError:
        count = -1
    if 1 <= count <= MAX_RUNS:
        return count, None
    problem = Problem("runs", "range", {"value": codec.shown(raw), "lo": 1, "hi": MAX_RUNS})
    return fallback, problem
