"""sim.analysis.theory: activation properties, and mean-field predictions checked against an
independent
plain-torch network (autograd, no engine) and against the engine's own measurement."""

import math

import pytest
import torch
from torch import nn

from sim.activations import ACTIVATIONS
from sim.analysis.sweep import depth_sweep
from sim.analysis.theory import (
    backward_factor,
    best_case_factor,
    curves,
    mean_field,
    properties,
    properties_table,
    through_depth,
    weight_variance,
)
from sim.nn.mlp import build_model
from sim.presets import BASE

# ---------------------------------------------------------------------------------------------
# Properties


def test_sigmoid_and_tanh_are_steepest_at_zero():
    sig, tanh = properties("sigmoid"), properties("tanh")
    assert sig.peak_derivative == pytest.approx(0.25)
    assert tanh.peak_derivative == pytest.approx(1.0)
    assert sig.peak_lo == sig.peak_hi == 0.0
    assert tanh.peak_lo == tanh.peak_hi == 0.0
    assert sig.bounded and not sig.zero_centred and tanh.zero_centred


def test_plateaus_and_limits():
    relu = properties("relu")
    assert relu.peak_derivative == 1.0
    assert (relu.peak_lo, relu.peak_hi) == (0.0, math.inf)
    assert relu.dead and not properties("leaky_relu").dead
    hard = properties("hardtanh")
    assert (hard.peak_lo, hard.peak_hi) == (-1.0, 1.0)
    assert properties("softplus").peak_lo == math.inf  # approaches 1 only as x -> inf
    assert properties("gelu").peak_derivative == pytest.approx(1.129, abs=1e-3)


def test_properties_table_and_curves():
    table = properties_table(ACTIVATIONS)
    assert list(table["name"]) == list(ACTIVATIONS)
    df = curves(["sigmoid", "relu"], -3, 3, 61)
    assert set(df.columns) == {"activation", "x", "f", "df", "flat"}
    assert len(df) == 122
    relu = df[df.activation == "relu"]
    assert relu[relu.x < 0].flat.all() and not relu[relu.x > 0].flat.any()
    sig = df[df.activation == "sigmoid"]
    assert sig.df.max() == pytest.approx(0.25)


# ---------------------------------------------------------------------------------------------
# Weight scale: what init_linear draws, measured on the weights themselves


@pytest.mark.parametrize(
    "init,activation",
    [
        ("default", "relu"),
        ("kaiming_normal", "relu"),
        ("xavier_normal", "tanh"),
        ("normal", "relu"),
    ],
)
def test_weight_variance_matches_drawn_weights(init, activation):
    cfg = BASE.replace(init=init, activation=activation, width=256, depth=3, init_std=0.05)
    model = build_model(cfg, 2, 2)
    w = model.linears[1].weight.detach()  # hidden-to-hidden, 256 x 256
    sw2, _ = weight_variance(cfg, 256, 256)
    assert 256 * float(w.var()) == pytest.approx(sw2, rel=0.03)


# ---------------------------------------------------------------------------------------------
# Mean field vs measurement


def _plain_torch_factor(activation: str, init: str, depth: int, seeds=range(4)) -> float:
    """Per-layer factor of ||dL/dz|| from layer 1 to layer depth, in a hand-built net."""
    logs = []
    for seed in seeds:
        g = torch.Generator().manual_seed(100 + seed)
        x = torch.randn(256, 2, generator=g)
        y = torch.randint(0, 2, (256,), generator=g)
        sizes = [2] + [64] * depth
        linears = [nn.Linear(a, b) for a, b in zip(sizes, sizes[1:], strict=False)]
        for lin in linears:
            with torch.no_grad():
                n = lin.in_features
                if init == "default":
                    lin.weight.uniform_(-(n**-0.5), n**-0.5, generator=g)
                    lin.bias.uniform_(-(n**-0.5), n**-0.5, generator=g)
                else:  # He: Var = 2 / n
                    lin.weight.normal_(0, math.sqrt(2 / n), generator=g)
                    lin.bias.zero_()
        head = nn.Linear(64, 2)
        h, zs = x, []
        for lin in linears:
            z = lin(h)
            z.retain_grad()
            zs.append(z)
            h = ACTIVATIONS[activation].make()(z)
        nn.functional.cross_entropy(head(h), y).backward()
        ratio = zs[0].grad.norm() / zs[-1].grad.norm()
        logs.append(math.log(float(ratio)) / (depth - 1))
    return math.exp(sum(logs) / len(logs))


@pytest.mark.parametrize(
    "activation,init,expected",
    [
        ("sigmoid", "default", 0.14),  # claims.md: 0.141 theory
        ("tanh", "default", 0.55),
        ("relu", "default", 0.41),
        ("relu", "kaiming_normal", 1.0),
    ],
)
def test_mean_field_factor_agrees_with_autograd_and_engine(activation, init, expected):
    cfg = BASE.replace(activation=activation, init=init, depth=12)
    theory = backward_factor(cfg)
    assert theory == pytest.approx(expected, rel=0.03)
    assert _plain_torch_factor(activation, init, 12) == pytest.approx(theory, rel=0.1)
    engine = depth_sweep([activation], [12], init, 0, BASE, 0)["factor"].iloc[0]
    assert engine == pytest.approx(theory, rel=0.1)


def test_dropout_amplifies_the_backward_factor():
    plain = backward_factor(BASE.replace(activation="relu", init="kaiming_normal", depth=8))
    dropped = backward_factor(
        BASE.replace(activation="relu", init="kaiming_normal", depth=8, dropout=0.3)
    )
    assert dropped / plain == pytest.approx(0.7**-0.5, rel=1e-6)


def test_theory_is_silent_where_it_does_not_apply():
    assert math.isnan(backward_factor(BASE.replace(norm="batchnorm")))
    assert math.isnan(backward_factor(BASE.replace(residual=True)))
    assert math.isnan(backward_factor(BASE.replace(depth=1)))
    assert len(mean_field(BASE.replace(depth=5))) == 5


def test_through_depth():
    df = through_depth(["sigmoid", "relu"], [2, 5, 10], "default")
    sig = df[df.activation == "sigmoid"].set_index("depth")
    assert sig.loc[10, "best_case"] == pytest.approx(0.25**9)
    assert (sig["mean_field"] < sig["best_case"]).all()  # the weights shrink it further
    assert best_case_factor("relu") == 1.0
    he = through_depth(["relu"], [20], "kaiming_normal")
    assert he["mean_field"].iloc[0] == pytest.approx(1.0, rel=1e-3)
