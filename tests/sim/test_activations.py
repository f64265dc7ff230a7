"""The activation registry: every derivative against autograd, the flat regions, the gains."""

from __future__ import annotations

import math

import pytest
import torch

from sim.activations import ACTIVATIONS

NAMES = sorted(ACTIVATIONS)
GRID = torch.linspace(-12.0, 12.0, 4801, dtype=torch.float64)  # step 0.005; includes 0 and +-1
TORCH_GAINS = {  # torch.nn.init.calculate_gain where PyTorch has one and the registry agrees
    "identity": "linear",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
}


def autograd_derivative(name: str, x: torch.Tensor) -> torch.Tensor:
    x = x.clone().requires_grad_()
    (grad,) = torch.autograd.grad(ACTIVATIONS[name].make()(x).sum(), x)
    return grad


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_autograd(name):
    act = ACTIVATIONS[name]
    torch.testing.assert_close(act.derivative(GRID), autograd_derivative(name, GRID))


@pytest.mark.parametrize("name", NAMES)
def test_module_is_fresh_and_not_in_place(name):
    act = ACTIVATIONS[name]
    assert act.make() is not act.make()
    x = torch.randn(100, dtype=torch.float64)
    before = x.clone()
    y = act(x)
    torch.testing.assert_close(x, before)  # the input is untouched
    assert y.shape == x.shape


@pytest.mark.parametrize("name", NAMES)
def test_flat_region_passes_little_gradient(name):
    act = ACTIVATIONS[name]
    d = act.derivative(GRID).abs()
    peak = float(d.max())
    flat = act.in_flat(GRID)
    assert bool(flat.any()) == bool(act.flat)
    if not act.flat:
        return
    # "below roughly 7% of the peak": sigmoid (x = 4) and tanh (x = 2) sit at 7.07%
    assert float(d[flat].max()) < 0.075 * peak
    inside = d[flat]
    if act.dead:
        assert bool((inside == 0).all())  # exactly zero: units there can die
    else:
        assert bool((inside > 0).any())


@pytest.mark.parametrize("name", NAMES)
def test_in_flat_matches_intervals(name):
    act = ACTIVATIONS[name]
    x = torch.randn(50, 7) * 5
    mask = act.in_flat(x)
    assert mask.shape == x.shape and mask.dtype == torch.bool
    want = torch.zeros_like(mask)
    for lo, hi in act.flat:
        want |= (x > lo) & (x < hi)
    assert torch.equal(mask, want)


@pytest.mark.parametrize("name", NAMES)
def test_gain_positive_and_flags_consistent(name):
    act = ACTIVATIONS[name]
    assert math.isfinite(act.gain) and act.gain > 0
    assert act.formula.startswith("f(x)")
    big = torch.tensor([-1e3, 1e3], dtype=torch.float64)
    values = act(big).abs()
    if act.bounded:
        assert float(values.max()) <= 1.1
    else:
        assert float(values.max()) > 100
    if act.zero_centred:
        assert float(act(torch.zeros(1))) == 0.0
        assert float(act(torch.tensor([-1.0]))) < 0 < float(act(torch.tensor([1.0])))


@pytest.mark.parametrize("name,torch_name", sorted(TORCH_GAINS.items()))
def test_gain_agrees_with_torch(name, torch_name):
    assert ACTIVATIONS[name].gain == pytest.approx(torch.nn.init.calculate_gain(torch_name))


def test_leaky_relu_gain_is_he_prelu():
    slope = 0.01
    assert ACTIVATIONS["leaky_relu"].gain == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", slope)
    )


def test_at_least_ten_activations_and_the_article_facts():
    assert len(ACTIVATIONS) >= 10
    sig, tanh, relu = (ACTIVATIONS[n].derivative for n in ("sigmoid", "tanh", "relu"))
    zero = torch.zeros(1, dtype=torch.float64)
    assert float(sig(zero)) == pytest.approx(0.25)  # the peak is at 0, not the trough
    assert float(tanh(zero)) == pytest.approx(1.0)
    assert float(sig(torch.tensor([5.0], dtype=torch.float64))) == pytest.approx(0.0066, rel=0.01)
    assert float(tanh(torch.tensor([5.0], dtype=torch.float64))) == pytest.approx(1.8e-4, rel=0.01)
    assert float(relu(torch.tensor([-3.0]))) == 0.0  # zero, never infinite
