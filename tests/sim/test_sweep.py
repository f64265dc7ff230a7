"""depth_sweep: one row per network, numbers that agree with each network's own history."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.analysis.sweep import COLUMNS, depth_sweep
from sim.config import ConfigError
from sim.presets import BASE
from sim.train.simulation import Simulation


@pytest.fixture(scope="module")
def at_init():
    return depth_sweep(["sigmoid", "tanh", "relu"], [1, 2, 5, 10])


def test_one_row_per_network(at_init):
    assert list(at_init.columns) == list(COLUMNS)
    assert len(at_init) == 12
    assert list(at_init["activation"]) == ["sigmoid"] * 4 + ["tanh"] * 4 + ["relu"] * 4
    assert list(at_init["depth"]) == [1, 2, 5, 10] * 3
    assert (at_init["step"] == 1).all() and not at_init["diverged"].any()
    assert (at_init["init"] == "default").all()


def test_nan_where_a_ratio_has_no_meaning(at_init):
    shallow = at_init[at_init["depth"] == 1]
    assert shallow["signal_ratio"].isna().all() and shallow["factor"].isna().all()
    assert at_init.loc[at_init["depth"] < 3, "hidden_ratio"].isna().all()
    deep = at_init[at_init["depth"] >= 5]
    assert deep[["ratio", "hidden_ratio", "signal_ratio", "factor"]].notna().all().all()


def test_numbers_are_those_of_step_1_of_the_history(at_init):
    row = at_init[(at_init["activation"] == "tanh") & (at_init["depth"] == 5)].iloc[0]
    sim = Simulation(BASE.replace(activation="tanh", depth=5))
    sim.burst(1)
    h = sim.history
    at = h[(h["step"] == 1)]

    def value(metric: str, layer: int) -> float:
        return float(at[(at["metric"] == metric) & (at["layer"] == layer)]["value"].iloc[0])

    assert row["first_grad"] == pytest.approx(value("grad_norm", 1))
    assert row["output_grad"] == pytest.approx(value("grad_norm", 6))
    assert row["ratio"] == pytest.approx(value("grad_norm", 1) / value("grad_norm", 6))
    assert row["hidden_ratio"] == pytest.approx(value("grad_norm", 2) / value("grad_norm", 5))
    signal_ratio = value("signal_norm", 1) / value("signal_norm", 5)
    assert row["signal_ratio"] == pytest.approx(signal_ratio)
    assert row["factor"] == pytest.approx(signal_ratio ** (1 / 4))


def test_factors_match_the_reference_measurements(at_init):
    # claims.md: per-layer backward factor, measured: sigmoid 0.138, tanh 0.55, ReLU 0.40
    deep = at_init[at_init["depth"] == 10].set_index("activation")["factor"]
    assert deep["sigmoid"] == pytest.approx(0.138, abs=0.03)
    assert deep["tanh"] == pytest.approx(0.55, abs=0.08)
    assert deep["relu"] == pytest.approx(0.40, abs=0.06)
    he = depth_sweep(["relu"], [10], init="kaiming_normal")
    assert he["factor"].iloc[0] == pytest.approx(1.0, abs=0.1)
    assert he["init"].iloc[0] == "kaiming_normal"


def test_after_training_reads_the_latest_step():
    frame = depth_sweep(["relu"], [3], init="kaiming_normal", steps=12)
    assert frame["step"].iloc[0] == 12
    assert np.isfinite(frame["first_grad"]).all()


def test_diverged_network_is_flagged():
    base = BASE.replace(init="normal", init_std=0.25, lr=0.05)
    frame = depth_sweep(["relu"], [20], init="normal", steps=10, base=base)
    assert frame["diverged"].iloc[0]


def test_over_budget_and_bad_values_raise_before_training():
    big = BASE.replace(width=256, batch_size=200)  # depth 64: 95 steps a burst
    with pytest.raises(ValueError, match="lower steps"):
        depth_sweep(["relu"], [2, 64], steps=500, base=big)
    with pytest.raises(ConfigError):
        depth_sweep(["swish"], [2])
    with pytest.raises(ConfigError):
        depth_sweep(["relu"], [65])


def test_progress_callback():
    seen = []
    depth_sweep(["relu", "tanh"], [2], on_network=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


def test_seed_is_used():
    a = depth_sweep(["relu"], [5], seed=0)["first_grad"].iloc[0]
    b = depth_sweep(["relu"], [5], seed=1)["first_grad"].iloc[0]
    assert a != b and math.isfinite(a)


def test_networks_train_on_one_thread_and_the_pool_is_restored(monkeypatch):
    import torch

    from sim.analysis import sweep

    seen, real = [], sweep._measure
    monkeypatch.setattr(
        sweep,
        "_measure",
        lambda cfg, steps: seen.append(torch.get_num_threads()) or real(cfg, steps),
    )
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        depth_sweep(["relu"], [2, 3])
        assert seen == [1, 1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
