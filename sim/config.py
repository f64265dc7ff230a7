"""RunConfig: the whole experiment in one frozen dataclass, with its published limits.

Every field has a default and a limit in SPECS. `problems(cfg)` lists what is wrong with a
config (language-free codes); `RunConfig.validated()` raises ConfigError with that list.
The codec (sim.codec) never raises: it falls back to defaults and reports instead.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------------------------------------
# The experiment


@dataclass(frozen=True)
class RunConfig:
    # data
    dataset: str = "spiral"  # which 2-D toy problem (sim.data.DATASETS)
    n_samples: int = 600  # points generated in all; 80% train, 20% test
    noise: float = 0.1  # noise added by the generator, in data units
    seed: int = 0  # one seed drives data, init, batches and dropout: a link reproduces a run
    # network
    depth: int = 6  # hidden layers; depth + 1 Linear layers in all
    width: int = 32  # units per hidden layer
    activation: str = "relu"  # sim.activations.ACTIVATIONS
    init: str = "kaiming_normal"  # weight initialisation scheme (INITS below)
    init_std: float = 0.1  # standard deviation for init="normal" only
    norm: str = "none"  # normalisation before the activation
    dropout: float = 0.0  # inverted dropout after each hidden activation (train mode only)
    residual: bool = False  # h <- h + block(h) on hidden-to-hidden layers
    # training
    optimizer: str = "adam"
    lr: float = 0.005
    weight_decay: float = 0.0
    batch_size: int = 64  # >= training-set size means full batch, in order
    clip: str = "none"  # gradient clipping before the step
    clip_value: float = 1.0  # max total norm (clip="norm") or max |g| (clip="value")
    device: str = "auto"
    # recurrent (arch != "mlp", sim.sequences): hidden size = width, a vanilla RNN's nonlinearity
    # = activation; depth, norm, residual, dropout, init(_std), dataset, noise do not apply
    arch: str = "mlp"  # mlp | rnn | lstm | gru
    seq_task: str = "adding"  # sim.sequences.SEQ_TASKS
    seq_len: int = 50  # time steps T of every sequence
    rec_init: str = "default"  # recurrent weights: PyTorch's default, orthogonal, identity (IRNN)
    forget_bias: str = "default"  # LSTM forget-gate bias: default, zero, one, chrono
    tbptt: int = 0  # 0: full backprop through time; k: detach the hidden state every k steps

    # -- derived ------------------------------------------------------------------------------
    @property
    def recurrent(self) -> bool:
        return self.arch != "mlp"

    @property
    def task(self) -> str:
        from sim.data import DATASETS
        from sim.sequences import SEQ_TASKS

        return (SEQ_TASKS[self.seq_task] if self.recurrent else DATASETS[self.dataset]).task

    def replace(self, **changes: Any) -> RunConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validated(self) -> RunConfig:
        found = problems(self)
        if found:
            raise ConfigError(found)
        return self


FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(RunConfig))
DEFAULT = RunConfig()

# Fields that can change on a live simulation without rebuilding data or weights.
HOT_FIELDS = frozenset(
    {"optimizer", "lr", "weight_decay", "clip", "clip_value", "dropout", "batch_size", "tbptt"}
)

# ---------------------------------------------------------------------------------------------
# Published limits

ARCHS: tuple[str, ...] = ("mlp", "rnn", "lstm", "gru")
RNN_ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid")  # a vanilla RNN's nonlinearity
# Weight initialisation schemes (applied in sim.model.init_linear).
INITS: tuple[str, ...] = (
    "default",  # PyTorch's nn.Linear: U(+-1/sqrt(fan_in)) for weights and biases
    "xavier_uniform",  # Glorot & Bengio 2010, eq. 16, times the activation's gain
    "xavier_normal",
    "glorot_uniform",  # Glorot & Bengio 2010, eq. 16 as published: gain 1 whatever the activation
    "kaiming_uniform",  # He et al. 2015: Var[w] = gain^2 / fan_in
    "kaiming_normal",
    "orthogonal",  # Saxe et al. 2014, times the gain
    "normal",  # N(0, init_std^2): the knob for making a network explode or vanish
    "zeros",  # every unit identical: a lesson in symmetry
)


@dataclass(frozen=True)
class Spec:
    kind: type
    choices: tuple[str, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    log: bool = False  # a slider on a log scale suits it


def _choices(name: str) -> tuple[str, ...]:
    # Imported lazily: the registries import nothing from here but live in their own modules.
    if name == "dataset":
        from sim.data import DATASETS

        return tuple(DATASETS)
    if name == "activation":
        from sim.activations import ACTIVATIONS

        return tuple(ACTIVATIONS)
    if name == "init":
        return INITS
    if name == "seq_task":
        from sim.sequences import SEQ_TASKS

        return tuple(SEQ_TASKS)
    raise KeyError(name)


SPECS: dict[str, Spec] = {
    "dataset": Spec(str, choices=_choices("dataset")),
    "n_samples": Spec(int, lo=20, hi=4000),
    "noise": Spec(float, lo=0.0, hi=1.0),
    "seed": Spec(int, lo=0, hi=2**31 - 1),
    "depth": Spec(int, lo=1, hi=64),
    "width": Spec(int, lo=2, hi=512),
    "activation": Spec(str, choices=_choices("activation")),
    "init": Spec(str, choices=_choices("init")),
    "init_std": Spec(float, lo=1e-4, hi=10.0, log=True),
    "norm": Spec(str, choices=("none", "batchnorm", "layernorm")),
    "dropout": Spec(float, lo=0.0, hi=0.9),
    "residual": Spec(bool),
    "optimizer": Spec(str, choices=("sgd", "momentum", "rmsprop", "adam", "adamw")),
    "lr": Spec(float, lo=1e-6, hi=10.0, log=True),
    "weight_decay": Spec(float, lo=0.0, hi=1.0),
    "batch_size": Spec(int, lo=1, hi=4000),
    "clip": Spec(str, choices=("none", "norm", "value")),
    "clip_value": Spec(float, lo=1e-4, hi=1e4, log=True),
    "device": Spec(str, choices=("auto", "cpu", "cuda", "mps")),
    "arch": Spec(str, choices=ARCHS),
    "seq_task": Spec(str, choices=_choices("seq_task")),
    "seq_len": Spec(int, lo=5, hi=200),
    "rec_init": Spec(str, choices=("default", "orthogonal", "identity")),
    "forget_bias": Spec(str, choices=("default", "zero", "one", "chrono")),
    "tbptt": Spec(int, lo=0, hi=200),
}

# ---------------------------------------------------------------------------------------------
# Compute budget: depth x width^2 x batch x steps, sized so that one burst stays within about
# 15 s on a 2-core CPU (benchmarks/bench_burst.py measures it; the README has the figures).

BUDGET = 8.0e10  # depth * width^2 * batch * steps in one burst
MIN_BURST = 10  # a config must afford at least this many steps in one burst

# Each layer also costs a fixed time a step (kernel launches, Python, statistics) whatever its
# size: a floor on the per-layer term keeps, say, depth 64 x width 8 x batch 1 from being
# granted millions of steps.
LAYER_FLOOR = 3.0e5

# Memory budget: what one simulation may hold while it trains, so that a shared server (or
# Community Cloud's smallest tier, ~690 MB with ~450 MB taken by the libraries) serves a room.
# The estimate errs high against measured peaks (benchmarks/rss_startup.py and
# tests/sim/test_memory_budget.py measure them).
MEMORY_BUDGET = 256 * 2**20  # bytes
BYTES_PER_PARAM = 28  # weight, gradient, two Adam moments, the recorded step's copy, slack
BYTES_PER_VALUE = 16  # per (layer, sample, unit) of a batch: saved for backward, grads, stats
EXTRA_BYTES_PER_VALUE = 8  # each of a norm layer and dropout saves another two such tensors
# What does not grow with the network: the autograd graph's own records, the probe's buffers, the
# burst's pending history, the allocator's rounding (deep narrow networks show it most).
FIXED_BYTES = 16 * 2**20


def memory_estimate(cfg: RunConfig) -> int:
    """Bytes one Simulation of `cfg` holds at its peak (an upper estimate, see above)."""
    batch = min(int(cfg.batch_size), train_size(cfg))
    if cfg.recurrent:
        from sim.sequences import recurrent_sizes

        params, saved = recurrent_sizes(cfg, batch)  # saved: bytes
        return FIXED_BYTES + params * BYTES_PER_PARAM + saved
    width, depth = int(cfg.width), int(cfg.depth)
    params = depth * width * (width + 3) + 16 * (width + 1)  # hidden layers, input, head
    per_value = BYTES_PER_VALUE
    per_value += EXTRA_BYTES_PER_VALUE * ((cfg.norm != "none") + (cfg.dropout > 0))
    return FIXED_BYTES + params * BYTES_PER_PARAM + depth * width * batch * per_value


def step_cost(cfg: RunConfig) -> float:
    batch = min(cfg.batch_size, train_size(cfg))
    if cfg.recurrent:  # seq_len cells in a row (sim.sequences)
        from sim.sequences import recurrent_step_cost

        return recurrent_step_cost(cfg, batch)
    return float(cfg.depth) * max(float(max(cfg.width, 8)) ** 2 * float(batch), LAYER_FLOOR)


def max_burst_steps(cfg: RunConfig) -> int:
    return int(BUDGET // step_cost(cfg))


def train_size(cfg: RunConfig) -> int:
    return cfg.n_samples - test_size(cfg)


def test_size(cfg: RunConfig) -> int:
    return max(4, cfg.n_samples // 5)


# ---------------------------------------------------------------------------------------------
# Validation


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config. `code` is language-free; `params` fill a message."""

    field: str
    code: str  # type | choice | range | budget | memory | combination
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:  # English, for the CLI and logs; the app words it itself
        p = self.params
        if self.code == "choice":
            return f"{self.field}: {p.get('value')!r} is not one of {', '.join(p['choices'])}"
        if self.code == "range":
            return f"{self.field}: {p.get('value')!r} is outside {p['lo']:g}..{p['hi']:g}"
        rec = p.get("recurrent", False)  # budget, memory: what a recurrent network can lower
        lower = "lower " + ("seq_len" if rec else "depth") + ", width or batch_size"
        if self.code == "budget":
            cost = "seq_len x gates x width^2 x batch" if rec else "depth x width^2 x batch"
            return (
                f"too much compute: {cost} = {p['cost']:.3g} per step allows only {p['steps']} "
                f"steps per burst (need {MIN_BURST}); {lower}"
            )
        if self.code == "memory":
            return (
                f"too much memory: about {p['mb']:.0f} MB while training, over the "
                f"{p['limit_mb']:.0f} MB a network may hold; {lower}"
            )
        if self.code == "combination":
            return f"{self.field}: {p['why']}"
        return f"{self.field}: {p.get('value')!r} is not a valid {p.get('type', 'value')}"


class ConfigError(ValueError):
    def __init__(self, found: list[Problem]):
        self.problems = found
        super().__init__("; ".join(str(p) for p in found))


def field_problem(name: str, value: Any) -> Problem | None:
    """Check one already-typed value against its spec."""
    spec = SPECS[name]
    if spec.kind is bool:
        return None if isinstance(value, bool) else Problem(name, "type", {"value": value})
    if spec.kind is str:
        if value in spec.choices:
            return None
        return Problem(name, "choice", {"value": value, "choices": spec.choices})
    ok_type = isinstance(value, (int, float)) and not isinstance(value, bool)
    if spec.kind is int:
        ok_type = ok_type and float(value).is_integer()
    if not ok_type or not math.isfinite(value):
        return Problem(name, "type", {"value": value, "type": spec.kind.__name__})
    if not spec.lo <= value <= spec.hi:
        return Problem(name, "range", {"value": value, "lo": spec.lo, "hi": spec.hi})
    return None


def problems(cfg: RunConfig) -> list[Problem]:
    found = [p for n in FIELDS if (p := field_problem(n, getattr(cfg, n))) is not None]
    if found:
        return found
    if cfg.arch == "rnn" and cfg.activation not in RNN_ACTIVATIONS:
        why = f"a vanilla RNN takes {', '.join(RNN_ACTIVATIONS)}"
        found.append(Problem("activation", "combination", {"why": why}))
    if not cfg.recurrent and cfg.norm == "batchnorm" and min(cfg.batch_size, train_size(cfg)) < 2:
        found.append(Problem("batch_size", "combination", {"why": "batchnorm needs >= 2"}))
    if (steps := max_burst_steps(cfg)) < MIN_BURST:
        cost = {"cost": step_cost(cfg), "steps": steps, "recurrent": cfg.recurrent}
        found.append(Problem("compute", "budget", cost))
    if (need := memory_estimate(cfg)) > MEMORY_BUDGET:
        found.append(Problem("memory", "memory", memory_params(need, cfg.recurrent)))
    return found


def memory_params(need: int, recurrent: bool = False) -> dict[str, Any]:
    return {"mb": need / 2**20, "limit_mb": MEMORY_BUDGET / 2**20, "recurrent": recurrent}
