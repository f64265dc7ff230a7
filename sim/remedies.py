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


def _irnn(cfg: RunConfig) -> bool:
    return cfg.activation == "relu" and cfg.rec_init == "identity"


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
    "clip": Remedy(lambda c: c.clip == "none", lambda c: {"clip": "norm", "clip_value": 1.0}),
    "adam": Remedy(
        lambda c: c.optimizer not in ("adam", "adamw"), lambda c: {"optimizer": "adam", "lr": 0.01}
    ),
    "train_longer": Remedy(lambda c: True, lambda c: {}),
    # Through time (sim.diagnosis_time): a gated cell, or a vanilla RNN's per-step factor
    # brought to one: identity init with ReLU (IRNN, Le, Jaitly & Hinton 2015) or orthogonal
    # W_hh; an LSTM's forget gate opened at the start (Gers et al. 2000; chrono: Tallec &
    # Ollivier 2018); full backprop instead of a window shorter than the sequence.
    "lstm": Remedy(
        lambda c: c.arch == "rnn",
        lambda c: {"arch": "lstm", "forget_bias": "one", "rec_init": "default"},
    ),
    "gru": Remedy(lambda c: c.arch == "rnn", lambda c: {"arch": "gru", "rec_init": "default"}),
    "irnn": Remedy(
        lambda c: c.arch == "rnn" and not _irnn(c),
        lambda c: {"activation": "relu", "rec_init": "identity"},
    ),
    "orthogonal": Remedy(
        lambda c: c.arch == "rnn" and c.rec_init == "default", lambda c: {"rec_init": "orthogonal"}
    ),
    "forget_bias_one": Remedy(
        lambda c: c.arch == "lstm" and c.forget_bias in ("default", "zero"),
        lambda c: {"forget_bias": "one"},
    ),
    "chrono": Remedy(
        lambda c: c.arch == "lstm" and c.forget_bias != "chrono",
        lambda c: {"forget_bias": "chrono"},
    ),
    "full_bptt": Remedy(lambda c: c.recurrent and c.tbptt > 0, lambda c: {"tbptt": 0}),
}

# Candidates per finding code, most direct first. Saturation gets no "matched init": Xavier's
# scale still loses about a factor 5 per sigmoid layer (the keep-the-activation exercise).
ADVICE: dict[str, tuple[str, ...]] = {
    "diverged": ("lower_lr", "clip"),
    "step_diverged": ("lower_lr", "clip"),
    "vanishing": ("relu_he", "he_init", "batchnorm", "residual", "fewer_layers"),
    "exploding": ("he_init", "residual", "clip"),
    "saturation": ("batchnorm", "relu_he"),
    "dead_units": ("leaky_relu", "batchnorm", "lower_lr", "he_init"),
    "update_small": ("raise_lr", "adam"),
    "update_large": ("lower_lr", "clip"),
    "float32_underflow": ("relu_he", "he_init", "batchnorm"),
    "not_learning": ("batchnorm", "residual", "relu_he", "adam", "train_longer"),
    "vanishing_time": ("lstm", "gru", "irnn", "orthogonal", "forget_bias_one", "chrono"),
    "exploding_time": ("clip", "orthogonal", "lower_lr"),
    "tbptt_cut": ("full_bptt",),
    "gates_saturated": ("lower_lr", "clip"),
    "not_learning_time": ("full_bptt", "lstm", "gru", "irnn", "forget_bias_one", "adam"),
}


def advice(code: str, cfg: RunConfig) -> tuple[str, ...]:
    """The remedies for finding `code` that apply to `cfg`, in order."""
    return tuple(r for r in ADVICE.get(code, ()) if REMEDIES[r].applies(cfg))


def apply(code: str, cfg: RunConfig) -> RunConfig:
    """`cfg` with remedy `code` applied."""
    return cfg.replace(**REMEDIES[code].change(cfg))
