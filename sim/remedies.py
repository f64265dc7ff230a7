"""Remedies the diagnosis may advise: each a code (worded in the app's catalogs), when it applies
to a config, and the change it makes to it.

A finding's advice is its list of remedy codes (ADVICE) kept only where they apply, so the app
never suggests what the network already has (He init to a He network) and never one that the
workshop's exercises reject: tests apply every change to the exercises' starting experiments and
run their checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.activations import ACTIVATIONS
from sim.config import SPECS, RunConfig


def saturating(cfg: RunConfig) -> bool:
    """Sigmoid-like: flat on both sides, so a matched weight scale alone does not save depth."""
    act = ACTIVATIONS[cfg.activation]
    return act.bounded and len(act.flat) == 2


def relu_like(cfg: RunConfig) -> bool:
    act = ACTIVATIONS[cfg.activation]
    return not act.bounded and act.gain > 1.0  # He's gain, sqrt 2 or near it


def _has_he(cfg: RunConfig) -> bool:
    return cfg.init.startswith("kaiming")


IRNN_LR = 1e-3  # an IRNN's largest step that stays stable (Adam or SGD)
CLIP = {"clip": "norm", "clip_value": 1.0}


def _relu_identity(cfg: RunConfig) -> bool:
    return cfg.activation == "relu" and cfg.rec_init == "identity"


def _irnn(cfg: RunConfig) -> bool:
    """A whole IRNN: ReLU, identity W_hh, a small step and clipping."""
    return _relu_identity(cfg) and cfg.lr <= IRNN_LR and cfg.clip != "none"


def _clipped(cfg: RunConfig) -> dict[str, Any]:
    """Clipping at norm 1 where the config has none (a clipped config keeps its own)."""
    return dict(CLIP) if cfg.clip == "none" else {}


@dataclass(frozen=True)
class Remedy:
    applies: Callable[[RunConfig], bool]
    change: Callable[[RunConfig], dict[str, Any]]  # {} where no setting changes (train longer)


REMEDIES: dict[str, Remedy] = {
    "relu_he": Remedy(saturating, lambda c: {"activation": "relu", "init": "kaiming_normal"}),
    "he_init": Remedy(
        lambda c: relu_like(c) and not _has_he(c), lambda c: {"init": "kaiming_normal"}
    ),
    "batchnorm": Remedy(lambda c: c.norm == "none", lambda c: {"norm": "batchnorm"}),
    # sigmoid-like skips add up all-positive outputs: plain SGD then learns no more than a line
    "residual": Remedy(
        lambda c: not c.residual and c.depth >= 3 and not (saturating(c) and c.optimizer == "sgd"),
        lambda c: {"residual": True},
    ),
    "fewer_layers": Remedy(lambda c: c.depth > 3, lambda c: {"depth": c.depth // 2}),
    "leaky_relu": Remedy(lambda c: c.activation == "relu", lambda c: {"activation": "leaky_relu"}),
    "lower_lr": Remedy(lambda c: c.lr > SPECS["lr"].lo * 10, lambda c: {"lr": c.lr / 10}),
    "raise_lr": Remedy(lambda c: c.lr < SPECS["lr"].hi / 10, lambda c: {"lr": c.lr * 10}),
    "clip": Remedy(lambda c: c.clip == "none", lambda c: dict(CLIP)),
    "adam": Remedy(  # an IRNN keeps its small step
        lambda c: c.optimizer not in ("adam", "adamw"),
        lambda c: {"optimizer": "adam", "lr": min(c.lr, IRNN_LR) if _relu_identity(c) else 0.01},
    ),
    "train_longer": Remedy(lambda c: True, lambda c: {}),
    # Through time (sim.diagnosis_time): each a whole change that learns the adding problem at
    # length 50 within the workshop's 300 steps (tests/lessons/test_exercises.py runs them):
    # a gated cell, or a vanilla RNN's per-step factor brought to one by ReLU with identity
    # W_hh (IRNN, Le, Jaitly & Hinton 2015), which sits at the edge of stability and needs a
    # small step and clipping (at Adam's lr 0.01 its signal at t = 1 falls to 0). An LSTM
    # needs its forget gate opened by the chrono init (Tallec & Ollivier 2018) and clipping: a
    # forget bias of 1 opens it to about 0.73, and 0.73 ** 49 still vanishes (0.98 of chance
    # after 300 steps, clipped or not); chrono unclipped ends at 0.55 of chance, clipped at
    # 0.09. Orthogonal W_hh is not advised: under tanh the signal at t = 1 ends at 3e-4 of the
    # last step's, still vanishing, and its gain of one is above the default's, so it cannot
    # tame a signal that grows.
    "lstm": Remedy(
        lambda c: c.arch == "rnn",
        lambda c: {"arch": "lstm", "forget_bias": "chrono", "rec_init": "default"} | _clipped(c),
    ),
    "gru": Remedy(lambda c: c.arch == "rnn", lambda c: {"arch": "gru", "rec_init": "default"}),
    "irnn": Remedy(
        lambda c: c.arch == "rnn" and not _irnn(c),
        lambda c: (
            {"activation": "relu", "rec_init": "identity", "lr": min(c.lr, IRNN_LR)} | _clipped(c)
        ),
    ),
    "chrono": Remedy(
        lambda c: c.arch == "lstm" and c.forget_bias != "chrono",
        lambda c: {"forget_bias": "chrono"} | _clipped(c),
    ),
    "full_bptt": Remedy(lambda c: c.recurrent and c.tbptt > 0, lambda c: {"tbptt": 0}),
}

# Candidates per finding code, most direct first; through time the surest first (a GRU learns
# the adding problem at 50 steps within 300 from seeds 0, 1 and 2, the chrono LSTM from 0 and
# 1). Saturation gets no "matched init": Xavier's scale still loses about a factor 5 per
# sigmoid layer (the keep-the-activation exercise).
ADVICE: dict[str, tuple[str, ...]] = {
    "diverged": ("lower_lr", "clip"),
    "step_diverged": ("lower_lr", "clip"),
    "diverged_time": ("lower_lr", "clip"),
    "step_diverged_time": ("lower_lr", "clip"),
    "vanishing": ("relu_he", "he_init", "batchnorm", "residual", "fewer_layers"),
    "exploding": ("he_init", "residual", "clip"),
    "saturation": ("batchnorm", "relu_he"),
    "dead_units": ("leaky_relu", "batchnorm", "lower_lr", "he_init"),
    "update_small": ("raise_lr", "adam"),
    "update_large": ("lower_lr", "clip"),
    "float32_underflow": ("relu_he", "he_init", "batchnorm"),
    "not_learning": ("batchnorm", "residual", "relu_he", "adam", "train_longer"),
    "vanishing_time": ("gru", "lstm", "irnn", "chrono"),
    "exploding_time": ("clip", "lower_lr"),
    "tbptt_cut": ("full_bptt",),
    "gates_saturated": ("lower_lr", "clip"),
    "not_learning_time": ("full_bptt", "gru", "lstm", "irnn", "chrono", "adam"),
}


def advice(code: str, cfg: RunConfig) -> tuple[str, ...]:
    """The remedies for finding `code` that apply to `cfg`, in order."""
    return tuple(r for r in ADVICE.get(code, ()) if REMEDIES[r].applies(cfg))


def apply(code: str, cfg: RunConfig) -> RunConfig:
    """`cfg` with remedy `code` applied."""
    return cfg.replace(**REMEDIES[code].change(cfg))
