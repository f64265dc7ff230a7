"""The source article's claims, each settled by an experiment on the engine.

One function per claim (letters as in shared/reference/claims.md, plus `unpredictable` for the
article's opening thesis). Each runs its experiment (lessons.experiments measures) and returns
ClaimEvidence: the numbers and the verdict they imply by the function's rule. `supports(evidence,
verdict)` says whether they back a verdict, so a test fails if the engine ever disagreed with
the FAQ's verdicts (content/faq/).

    ev = claim_a()                 # ClaimEvidence(claim="a", numbers={...}, implied="wrong")
    supports(ev, "wrong")          # True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from lessons.code_check import tf1_calls, undefined_names
from lessons.experiments import (
    SEEDS,
    at_init,
    derivative_at,
    first_update_ratio,
    run_preset,
    saturation_at_init,
    train,
)
from sim.activations import ACTIVATIONS
from sim.analysis.theory import backward_factor, properties
from sim.presets import BASE, PRESETS

VERDICTS = ("holds", "partly", "wrong")
LEVEL = (0.8, 1.25)  # a per-layer factor in here keeps the signal level over ~20 layers
VANISHED = 1e-3  # signal at layer 1 below 0.1% of the last hidden layer's: vanished


@dataclass(frozen=True)
class ClaimEvidence:
    claim: str
    implied: str  # the verdict the numbers imply: one of VERDICTS
    numbers: dict[str, float] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # language-free extras (names, code)


def supports(evidence: ClaimEvidence, verdict: str) -> bool:
    """Does the measurement back this verdict?"""
    return verdict in VERDICTS and evidence.implied == verdict


def level(factor: float) -> bool:
    return LEVEL[0] <= factor <= LEVEL[1]


# ---------------------------------------------------------------------------------------------
# The claims


def claim_unpredictable() -> ClaimEvidence:
    """'Activations make gradients complex and unpredictable.' Mean-field theory predicts the
    per-layer factor of the backward signal; compare it with the engine at depth 10."""
    numbers, errors, factors = {}, [], []
    for act, init in (("sigmoid", "default"), ("tanh", "default"), ("relu", "default")):
        measured = at_init(act, init, 10)["factor"]
        theory = backward_factor(BASE.replace(activation=act, init=init, depth=10))
        numbers[f"{act}_measured"], numbers[f"{act}_theory"] = measured, theory
        errors.append(abs(measured / theory - 1))
        factors.append(measured)
    numbers["worst_error"] = max(errors)
    numbers["spread"] = max(factors) / min(factors)
    predictable, matters = max(errors) < 0.1, numbers["spread"] > 2
    implied = "partly" if predictable and matters else ("holds" if matters else "wrong")
    return ClaimEvidence("unpredictable", implied, numbers)


def claim_a() -> ClaimEvidence:
    """'Sigmoid/tanh gradients vanish because near 0 their derivative is near 0.'"""
    sig, tanh = properties("sigmoid"), properties("tanh")
    numbers = {
        "sigmoid_peak": sig.peak_derivative,
        "sigmoid_peak_at": sig.peak_lo,
        "sigmoid_d5": derivative_at("sigmoid", 5.0),
        "tanh_peak": tanh.peak_derivative,
        "tanh_peak_at": tanh.peak_lo,
        "tanh_d5": derivative_at("tanh", 5.0),
    }
    deep = at_init("sigmoid", "default", 10)
    numbers |= {"sigmoid_factor": deep["factor"], "sigmoid_signal_ratio": deep["signal_ratio"]}
    numbers["sigmoid_ratio"] = deep["ratio"]
    numbers["sigmoid_saturation"] = saturation_at_init(BASE.replace(activation="sigmoid", depth=10))
    steepest_at_zero = sig.peak_lo == 0.0 and tanh.peak_lo == 0.0
    flat_far_out = numbers["sigmoid_d5"] < 0.05 * sig.peak_derivative
    vanishes = deep["signal_ratio"] < VANISHED
    implied = "holds" if vanishes else "partly"
    if steepest_at_zero and flat_far_out:  # the mechanism is backwards, vanishing or not
        implied = "wrong"
    return ClaimEvidence("a", implied, numbers)


def claim_b() -> ClaimEvidence:
    """'ReLU explodes because its derivative is infinite for negative inputs.'"""
    x = torch.linspace(-10, 10, 20001, dtype=torch.float64)
    d = ACTIVATIONS["relu"].derivative(x)
    numbers = {
        "relu_max_derivative": float(d.max()),
        "relu_negative_derivative": float(d[x < 0].abs().max()),
    }
    preset = PRESETS["relu_exploding_init"]
    _, result = run_preset(preset.name)
    big = at_init("relu", "normal", 20, preset.cfg)
    he = at_init("relu", "kaiming_normal", 20)
    numbers |= {
        "explode_std": preset.cfg.init_std,
        "explode_var_n": preset.cfg.init_std**2 * preset.cfg.width,
        "explode_factor": big["factor"],
        "explode_theory": backward_factor(preset.cfg),
        "explode_step": float(result.diverged_step or math.nan),
        "he_factor": he["factor"],
    }
    finite = math.isfinite(numbers["relu_max_derivative"]) and numbers["relu_max_derivative"] <= 1
    zero_left = numbers["relu_negative_derivative"] == 0.0
    scale_decides = result.diverged and level(he["factor"])
    implied = "wrong" if finite and zero_left and scale_decides else "partly"
    return ClaimEvidence("b", implied, numbers)


def claim_c() -> ClaimEvidence:
    """'Switching to ReLU avoids both vanishing and exploding gradients.'"""
    default = at_init("relu", "default", 20)
    he = at_init("relu", "kaiming_normal", 20)
    numbers = {
        "default_factor": default["factor"],
        "default_signal_ratio": default["signal_ratio"],
        "default_ratio": default["ratio"],
        "default_theory": backward_factor(BASE.replace(activation="relu", depth=20)),
        "he_factor": he["factor"],
        "he_signal_ratio": he["signal_ratio"],
        "he_ratio": he["ratio"],
        "he_signal_ratio_min": he["signal_ratio_min"],  # the average is level, one draw is not
        "he_signal_ratio_max": he["signal_ratio_max"],
        "seeds": float(len(SEEDS)),
    }
    default_ok, he_ok = default["signal_ratio"] >= VANISHED, level(he["factor"])
    implied = "holds" if default_ok and he_ok else ("partly" if he_ok else "wrong")
    return ClaimEvidence("c", implied, numbers)


def claim_d() -> ClaimEvidence:
    """'BatchNorm makes gradients more stable.' It lifts sigmoid's vanishing signal into mild
    growth, and a deep plain (no residual) ReLU net with BN explodes at initialisation."""
    plain = at_init("sigmoid", "default", 10)
    bn = at_init("sigmoid", "default", 10, BASE.replace(norm="batchnorm"))
    deep = PRESETS["relu_batchnorm_deep"].cfg
    deep_bn = at_init("relu", "kaiming_normal", deep.depth, deep)
    numbers = {
        "sigmoid_signal_ratio": plain["signal_ratio"],
        "sigmoid_bn_signal_ratio": bn["signal_ratio"],
        "sigmoid_bn_factor": bn["factor"],  # above one: BatchNorm overshoots into growth
        "deep_depth": float(deep.depth),
        "deep_bn_factor": deep_bn["factor"],
        "deep_bn_signal_ratio": deep_bn["signal_ratio"],
    }
    helps = bn["signal_ratio"] > 1e3 * plain["signal_ratio"] and bn["signal_ratio"] > VANISHED
    explodes = deep_bn["factor"] > LEVEL[1] * 0.9 and deep_bn["signal_ratio"] > 10
    overshoots = bn["factor"] > LEVEL[1]  # sigmoid's signal now grows instead of vanishing
    implied = ("partly" if explodes or overshoots else "holds") if helps else "wrong"
    return ClaimEvidence("d", implied, numbers)


def claim_e() -> ClaimEvidence:
    """'Dropout helps against vanishing and exploding gradients.'"""
    p = PRESETS["sigmoid_dropout"].cfg.dropout
    plain = at_init("sigmoid", "default", 10)
    drop = at_init("sigmoid", "default", 10, BASE.replace(dropout=p))
    he = at_init("relu", "kaiming_normal", 20)
    he_drop = at_init("relu", "kaiming_normal", 20, BASE.replace(dropout=p))
    numbers = {
        "p": p,
        "sigmoid_signal_ratio": plain["signal_ratio"],
        "dropout_signal_ratio": drop["signal_ratio"],
        "gain_measured": drop["factor"] / plain["factor"],
        "gain_theory": (1 - p) ** -0.5,
        "he_factor": he["factor"],
        "he_dropout_factor": he_drop["factor"],
        "he_dropout_signal_ratio": he_drop["signal_ratio"],
    }
    repairs = drop["signal_ratio"] >= 1e-2
    implied = "holds" if repairs else "wrong"
    return ClaimEvidence("e", implied, numbers)


F_STEPS = 1000  # enough for Adam at depth 5 to pull clearly away from chance (measured)


def claim_f(steps: int = F_STEPS) -> ClaimEvidence:
    """'Adam solves vanishing/exploding by adapting the learning rate.' Slow: three trainings."""
    sgd5 = PRESETS["sigmoid_sgd_depth5"].cfg
    adam5 = PRESETS["sigmoid_adam_depth5"].cfg
    adam10 = PRESETS["sigmoid_adam_depth10"].cfg
    numbers = {
        "steps": float(steps),
        "sgd_update": first_update_ratio(sgd5),
        "adam_update": first_update_ratio(adam5),
    }
    runs = {name: train(cfg, steps) for name, cfg in (("sgd5", sgd5), ("adam5", adam5))}
    runs["adam10"] = train(adam10, steps)
    for name, r in runs.items():
        numbers[f"{name}_acc"] = r["test_acc"]
    chance = 0.6  # two balanced classes
    adam_trains = runs["adam5"]["test_acc"] >= 0.75 and runs["sgd5"]["test_acc"] <= chance
    deeper_fails = runs["adam10"]["test_acc"] <= chance
    implied = ("partly" if deeper_fails else "holds") if adam_trains else "wrong"
    return ClaimEvidence("f", implied, numbers)


def claim_g() -> ClaimEvidence:
    """'To avoid ReLU's explosion, use sigmoid or tanh.' Bounded derivatives do not bound the
    product of weight matrices, and sigmoid brings vanishing back."""
    chaotic = PRESETS["tanh_chaotic"].cfg
    tanh = at_init("tanh", chaotic.init, chaotic.depth, chaotic)
    sig = at_init("sigmoid", "default", 10)
    xavier, glorot = (at_init("tanh", init, 10) for init in ("xavier_uniform", "glorot_uniform"))
    numbers = {
        "tanh_max_derivative": properties("tanh").peak_derivative,
        "tanh_std": chaotic.init_std,
        "tanh_var_n": chaotic.init_std**2 * chaotic.width,
        "tanh_depth": float(chaotic.depth),
        "tanh_factor": tanh["factor"],
        "tanh_theory": backward_factor(chaotic),
        "tanh_signal_ratio": tanh["signal_ratio"],
        "sigmoid_signal_ratio": sig["signal_ratio"],
        "xavier_factor": xavier["factor"],  # PyTorch's tanh gain 5/3: chaotic
        "xavier_signal_ratio": xavier["signal_ratio"],
        "glorot_factor": glorot["factor"],  # gain 1: level
        "glorot_signal_ratio": glorot["signal_ratio"],
    }
    explodes = tanh["signal_ratio"] > 10
    vanishes = sig["signal_ratio"] < VANISHED
    implied = "wrong" if explodes or vanishes else "holds"
    return ClaimEvidence("g", implied, numbers)


def claim_h() -> ClaimEvidence:
    """'Leaky ReLU gives stable gradients.' It revives dead units but does not fix scale."""
    default = at_init("leaky_relu", "default", 20)
    he = at_init("leaky_relu", "kaiming_normal", 20)
    numbers = {
        "slope": derivative_at("leaky_relu", -1.0),
        "default_factor": default["factor"],
        "default_signal_ratio": default["signal_ratio"],
        "he_factor": he["factor"],
        "he_signal_ratio": he["signal_ratio"],
    }
    default_ok, he_ok = default["signal_ratio"] >= VANISHED, level(he["factor"])
    revives = numbers["slope"] > 0
    implied = "holds" if default_ok and he_ok else ("partly" if he_ok and revives else "wrong")
    return ClaimEvidence("h", implied, numbers)


def claim_i(code: str | None = None) -> ClaimEvidence:
    """'The TensorFlow example' is broken: it mixes TF1 graph calls into TF2 eager code and feeds
    names it never defines. The engine runs the same experiment (preset `article_example`):
    its gradients stay finite, so the example's 'ReLU explodes' story does not happen either."""
    sim, result = run_preset("article_example")
    df = sim.history
    loss = df[df["metric"] == "loss"]["value"].to_numpy()
    grads = df[df["metric"] == "grad_norm_total"]["value"].to_numpy()
    numbers = {
        "steps": float(result.steps_run),
        "loss_first": float(loss[0]),
        "loss_last": float(loss[-1]),
        "grad_max": float(grads.max()),
        "diverged": float(result.diverged),
    }
    texts: dict[str, str] = {}
    broken = False
    if code is not None:
        undefined, tf1 = undefined_names(code), tf1_calls(code)
        texts = {"undefined": ", ".join(undefined), "tf1": ", ".join(tf1)}
        broken = bool(undefined or tf1)
    runs_fine = not result.diverged and math.isfinite(numbers["grad_max"])
    implied = "wrong" if broken and runs_fine else "partly"
    return ClaimEvidence("i", implied, numbers, texts)


CLAIMS: dict[str, Callable[[], ClaimEvidence]] = {
    "unpredictable": claim_unpredictable,
    "a": claim_a,
    "b": claim_b,
    "c": claim_c,
    "d": claim_d,
    "e": claim_e,
    "f": claim_f,
    "g": claim_g,
    "h": claim_h,
    "i": claim_i,
}
SLOW = frozenset({"f"})  # seconds of training: the FAQ runs these on request
