"""Divergence ends a burst cleanly: step and layer named, history finite, weights untouched."""

from __future__ import annotations

import numpy as np
import torch

from sim.config import RunConfig
from sim.presets import PRESETS
from sim.train.simulation import Simulation


def diverged_sim() -> tuple[Simulation, object, list[torch.Tensor]]:
    preset = PRESETS["relu_exploding_init"]
    sim = Simulation(preset.cfg.replace(device="cpu"))
    result = sim.burst(preset.steps)
    return sim, result, [p.detach().clone() for p in sim.model.parameters()]


def test_exploding_preset_diverges_and_says_where():
    sim, result, _ = diverged_sim()
    assert result.diverged
    assert result.diverged_step == sim.step + 1  # the step that was not applied
    assert 1 <= result.diverged_layer <= sim.cfg.depth + 1
    assert result.diverged_where in ("forward", "backward")
    assert result.steps_run == sim.step


def test_history_and_weights_stay_finite():
    sim, result, _ = diverged_sim()
    frame = sim.history
    assert len(frame) and np.isfinite(frame["value"]).all()
    assert frame["step"].max() == sim.step < result.diverged_step
    assert np.isfinite(sim.records.step_values).all()
    for p in sim.model.parameters():
        assert torch.isfinite(p).all()


def test_a_diverged_simulation_returns_at_once():
    sim, result, weights = diverged_sim()
    step = sim.step
    again = sim.burst(100)
    assert again.steps_run == 0 and again.diverged
    assert (again.diverged_step, again.diverged_layer) == (
        result.diverged_step,
        result.diverged_layer,
    )
    assert sim.step == step
    for p, before in zip(sim.model.parameters(), weights, strict=True):
        assert torch.equal(p, before)


def test_diagnosis_names_the_divergence():
    sim, result, _ = diverged_sim()
    codes = {f.code: f for f in sim.findings()}
    assert codes["diverged"].layer == result.diverged_layer
    assert codes["diverged"].values["step"] == result.diverged_step


def test_clipping_preset_does_not_diverge():
    preset = PRESETS["relu_exploding_clipped"]
    sim = Simulation(preset.cfg.replace(device="cpu"))
    result = sim.burst(60)
    assert not result.diverged
    assert sim.history.query("metric == 'clipped'")["value"].max() == 1.0


def test_non_finite_forward_is_located_in_the_forward_pass():
    # weights so large that the activations overflow float32 in the forward pass: each layer
    # multiplies the scale by ~ sqrt(64 / 2) * 10 = 57, and 57^22 > 3.4e38
    preset = PRESETS["relu_exploding_init"]
    sim = Simulation(preset.cfg.replace(device="cpu", depth=30, init_std=10.0))
    result = sim.burst(5)
    assert result.diverged and result.diverged_step == 1
    assert result.diverged_where == "forward"
    assert 1 <= result.diverged_layer <= sim.cfg.depth + 1
    assert sim.records.rec_steps.size == 0  # nothing finite to keep
    assert sim.history.empty
    assert sim.findings()[0].code == "diverged"


def test_apply_after_divergence_allows_a_new_try():
    sim, result, _ = diverged_sim()
    assert sim.apply(sim.cfg.replace(clip="norm", clip_value=1.0, lr=0.01))
    assert not sim.diverged
    # the weights are those before the bad step, so the same step fails again, deterministically
    again = sim.burst(5)
    assert again.diverged and again.diverged_step == result.diverged_step


def test_locating_a_divergence_leaves_the_run_as_the_failed_step_left_it():
    # Dropout draws from the run's generator and BatchNorm keeps running statistics: the search
    # for the bad layer must change neither, or a run continued after `apply` starts elsewhere.
    cfg = RunConfig(
        dataset="sine", n_samples=200, batch_size=256, depth=3, width=16, norm="batchnorm",
        dropout=0.3, optimizer="sgd", lr=10.0, device="cpu",
    )  # fmt: skip
    sim = Simulation(cfg, stats_every=1)
    result = sim.burst(200)
    assert result.diverged
    twin = Simulation(cfg, stats_every=1)
    twin.burst(result.diverged_step - 1)  # the steps that were applied
    with torch.no_grad():
        twin.model(twin.train_x)  # the failed step's own forward (full batch): masks, BN update
    assert torch.equal(sim._rng_dropout.get_state(), twin._rng_dropout.get_state())
    for b, c in zip(sim.model.buffers(), twin.model.buffers(), strict=True):
        torch.testing.assert_close(b, c, rtol=0, atol=0, equal_nan=True)
