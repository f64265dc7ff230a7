"""Diagnosis findings on configs that show them, and advice that fits the config."""

from __future__ import annotations

import math

import pytest

from sim import remedies
from sim.config import RunConfig
from sim.diagnosis import chance_loss, diagnose
from sim.presets import PRESETS
from sim.train.simulation import Simulation

MOONS_SIGMOID = PRESETS["sigmoid_vanishing"].cfg.replace(dataset="moons", device="cpu")


def codes(cfg: RunConfig, steps: int) -> tuple[list[str], Simulation]:
    sim = Simulation(cfg)
    result = sim.burst(steps)
    found = diagnose(sim.records, cfg, result if result.diverged_step is not None else None)
    return [f.code for f in found], sim


def test_chance_loss():
    assert chance_loss(RunConfig(dataset="moons")) == pytest.approx(math.log(2))
    assert chance_loss(RunConfig(dataset="gaussians")) == pytest.approx(math.log(4))
    assert chance_loss(RunConfig(dataset="sine")) == 1.0


def test_a_network_stuck_at_chance_is_not_healthy():
    """Depth 3, seed 1: nothing vanishes below 1/100, yet the loss stays at ln 2."""
    found, _ = codes(MOONS_SIGMOID.replace(depth=3, seed=1), 300)
    assert "not_learning" in found and "healthy" not in found


def test_a_large_step_diverges_with_a_level_signal():
    """He init at depth 10 keeps the signal level; lr 1 still blows up: the step, not depth."""
    cfg = PRESETS["relu_he"].cfg.replace(dataset="moons", depth=10, lr=1.0, device="cpu")
    found, sim = codes(cfg, 300)
    assert sim.diverged
    assert "step_diverged" in found and "exploding" not in found


def test_a_deep_batchnorm_he_network_is_advised_residual_not_a_matched_init():
    """Deep BatchNorm grows the backward signal whatever the init: He is already there."""
    cfg = PRESETS["relu_batchnorm_deep"].cfg.replace(width=16, device="cpu")
    found, sim = codes(cfg, 10)
    assert not sim.diverged and "exploding" in found
    advice = next(f.advice for f in diagnose(sim.records, cfg) if f.code == "exploding")
    assert advice[0] == "residual" and "he_init" not in advice


def test_a_sigmoid_network_under_plain_sgd_is_not_advised_residual():
    """Its skip path sums all-positive outputs: under SGD it then learns no more than a line."""
    assert "residual" not in remedies.advice("vanishing", MOONS_SIGMOID)
    assert "residual" in remedies.advice("vanishing", MOONS_SIGMOID.replace(optimizer="adam"))


def test_advice_fits_the_config():
    deep_bn = PRESETS["relu_batchnorm_deep"].cfg
    assert "he_init" not in remedies.advice("exploding", deep_bn)  # it has He init already
    assert "residual" in remedies.advice("exploding", deep_bn)
    dead = PRESETS["relu_dead"].cfg
    assert "he_init" not in remedies.advice("dead_units", dead)
    assert remedies.advice("vanishing", MOONS_SIGMOID)[0] == "relu_he"
    # saturation: Xavier's scale fails the keep-the-activation exercise, so it is not advised
    assert all(
        "xavier" not in str(remedies.apply(r, MOONS_SIGMOID))
        for r in remedies.advice("saturation", MOONS_SIGMOID)
    )
