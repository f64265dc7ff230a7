"""Same config, same history: across runs, across interleaved simulations and torch's global
random state, across burst boundaries, and whatever the statistics cadence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from sim.config import RunConfig
from sim.train.simulation import Simulation

# minibatches (random order), dropout (random masks) and Adam: every source of randomness
CFG = RunConfig(
    n_samples=300, depth=4, width=16, batch_size=32, dropout=0.2, optimizer="adam", device="cpu"
)


def run(cfg: RunConfig = CFG, bursts=(50,), stats_every: int = 10) -> Simulation:
    sim = Simulation(cfg, stats_every=stats_every)
    for n in bursts:
        sim.burst(n)
    return sim


def test_same_config_twice_same_history():
    a, b = run(), run()
    pd.testing.assert_frame_equal(a.history, b.history)
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_interleaved_simulations_and_global_rng_change_nothing():
    alone = run(bursts=(20, 20, 20))
    a = Simulation(CFG)
    b = Simulation(CFG.replace(seed=7, dropout=0.5, batch_size=16))
    for _ in range(3):
        torch.manual_seed(1234)
        a.burst(20)
        torch.rand(1000)
        b.burst(13)
        torch.manual_seed(99)
        torch.randn(50, 50)
    pd.testing.assert_frame_equal(a.history, alone.history)


def test_burst_boundaries_do_not_matter():
    whole = run(bursts=(100,), stats_every=1)
    split = run(bursts=(60, 40), stats_every=1)
    pd.testing.assert_frame_equal(whole.history, split.history)


def test_burst_boundaries_default_cadence():
    # Each burst records its first and last step, so 60 + 40 also records step 61; every row
    # the two share is identical, and the per-step scalars are identical throughout.
    whole, split = run(bursts=(100,)), run(bursts=(60, 40))
    np.testing.assert_array_equal(whole.records.step_values, split.records.step_values)
    assert set(whole.records.rec_steps) <= set(split.records.rec_steps)
    keys = ["step", "layer", "metric"]
    merged = whole.history.merge(split.history, on=keys, how="left", suffixes=("", "_split"))
    np.testing.assert_array_equal(merged["value"], merged["value_split"])


def test_statistics_cadence_does_not_perturb_training():
    every, sparse = run(stats_every=1), run(stats_every=25)
    np.testing.assert_array_equal(every.records.step_values, sparse.records.step_values)
    for p, q in zip(every.model.parameters(), sparse.model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_progress_callback_does_not_perturb_training():
    seen = []
    a = Simulation(CFG)
    a.burst(60, on_progress=seen.append)
    b = run(bursts=(60,))
    pd.testing.assert_frame_equal(a.history, b.history)
    assert [p.done for p in seen] == list(range(3, 60, 3))
    assert all(np.isfinite(p.loss) for p in seen)


def test_progress_callback_can_stop():
    sim = Simulation(CFG)
    result = sim.burst(100, on_progress=lambda p: p.done < 20)
    assert result.stopped and result.steps_run == 20 == sim.step
    assert sim.records.rec_steps[-1] == 20  # flushed


def test_seed_changes_the_run():
    a, b = run(bursts=(5,)), run(CFG.replace(seed=1), bursts=(5,))
    assert not np.array_equal(a.records.step_values, b.records.step_values)
