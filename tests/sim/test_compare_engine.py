"""sim.analysis.compare: runs trained together on the same data, seed and initial weights."""

import numpy as np
import pytest
import torch

from sim.analysis.compare import (
    CHUNKS,
    FACTORS,
    MAX_RUNS,
    Comparison,
    align,
    differences,
    from_query,
    to_query,
    vary,
)
from sim.config import RunConfig, problems
from sim.presets import PRESETS
from sim.train.simulation import Simulation

SMALL = RunConfig(n_samples=200, depth=3, width=16, batch_size=32)


def _weights(sim: Simulation) -> list[torch.Tensor]:
    return [lin.weight.detach().clone() for lin in sim.model.linears]


# ---------------------------------------------------------------------------------------------
# Which runs


@pytest.mark.parametrize("factor", list(FACTORS))
def test_vary_changes_one_factor_only(factor):
    runs = vary(SMALL, factor)
    assert runs[0] == SMALL
    assert 2 <= len(runs) <= MAX_RUNS
    for cfg, diff in zip(runs[1:], differences(runs)[1:], strict=True):
        assert set(diff) == {factor}
        assert not problems(cfg)
    assert len({getattr(c, factor) for c in runs}) == len(runs)


def test_vary_skips_invalid_values():
    one = SMALL.replace(batch_size=1)  # batchnorm needs a batch of two or more
    assert [c.norm for c in vary(one, "norm")] == ["none", "layernorm"]


def test_align_shares_data_seed_and_device():
    runs = align([SMALL, SMALL.replace(seed=5, dataset="moons", activation="tanh")] * 3)
    assert len(runs) == MAX_RUNS
    assert all(r.seed == 0 and r.dataset == "spiral" for r in runs)
    assert runs[1].activation == "tanh"


# ---------------------------------------------------------------------------------------------
# Same data, same initial weights


@pytest.mark.parametrize("factor", ["norm", "dropout", "optimizer", "clip", "residual"])
def test_runs_that_do_not_change_the_init_start_from_the_same_weights(factor):
    comparison = Comparison(vary(SMALL, factor))
    first = _weights(comparison.sims[0])
    for sim in comparison.sims[1:]:
        assert torch.equal(sim.train_x, comparison.sims[0].train_x)
        assert torch.equal(sim.train_y, comparison.sims[0].train_y)
        for a, b in zip(first, _weights(sim), strict=True):
            assert torch.equal(a, b)
    assert all(comparison.shared_init)


def test_activation_runs_share_weights_or_the_same_draws_scaled():
    same = Comparison(vary(SMALL.replace(init="default"), "activation"))
    for sim in same.sims[1:]:
        pairs = zip(_weights(same.sims[0]), _weights(sim), strict=True)
        assert all(torch.equal(a, b) for a, b in pairs)
    # Kaiming scales by the activation's gain: the same draws, scaled, not copied
    scaled = Comparison([SMALL, SMALL.replace(activation="sigmoid")])
    assert scaled.shared_init == [True, False]
    assert scaled.init_relations == ["same", "scaled"]
    relu, sig = _weights(scaled.sims[0]), _weights(scaled.sims[1])
    for a, b in zip(relu, sig, strict=True):
        torch.testing.assert_close(b, a / np.sqrt(2.0))


def test_a_different_init_is_kept_not_overwritten():
    comparison = Comparison(vary(SMALL, "init"))
    assert comparison.shared_init[1:] == [False] * (len(comparison.sims) - 1)
    assert set(comparison.init_relations[1:]) == {"own"}
    own = Simulation(comparison.cfgs[1])
    for a, b in zip(_weights(own), _weights(comparison.sims[1]), strict=True):
        assert torch.equal(a, b)


def test_weights_copied_where_shapes_match_across_depths():
    comparison = Comparison([SMALL, SMALL.replace(depth=5, seed=3)])
    short, deep = _weights(comparison.sims[0]), _weights(comparison.sims[1])
    for i in range(3):  # hidden layers 1..3 have the same shapes
        assert torch.equal(short[i], deep[i])


# ---------------------------------------------------------------------------------------------
# Training together


def test_one_burst_trains_every_run_with_one_progress_callback():
    comparison = Comparison(vary(SMALL, "activation", 3))
    seen = []
    results = comparison.burst(100, on_progress=lambda p: seen.append(p))
    assert [r.steps_run for r in results] == [100, 100, 100]
    assert [s.step for s in comparison.sims] == [100, 100, 100]
    assert len(seen) == CHUNKS - 1
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert all(len(p.losses) == 3 for p in seen)
    frame = comparison.frame()
    assert list(frame.columns)[0] == "run"
    assert set(frame["run"]) == {0, 1, 2}


def test_a_run_in_a_comparison_trains_as_it_would_alone():
    cfgs = vary(SMALL, "optimizer", 2)
    comparison = Comparison(cfgs)
    comparison.burst(60)
    alone = Simulation(cfgs[1])
    alone.burst(60)
    np.testing.assert_array_equal(
        comparison.sims[1].records.step_values[:, 0], alone.records.step_values[:, 0]
    )


def test_progress_can_stop_the_burst():
    comparison = Comparison(vary(SMALL, "clip", 2))
    results = comparison.burst(100, on_progress=lambda p: False)
    assert all(r.stopped for r in results)
    assert comparison.step == comparison.chunk_size(100) < 100


def test_one_diverging_run_does_not_stop_the_others():
    boom = PRESETS["relu_exploding_init"].cfg
    comparison = Comparison([boom, boom.replace(clip="norm", clip_value=1.0)])
    results = comparison.burst(30)
    assert results[0].diverged and not results[1].diverged
    assert results[1].steps_run == 30


# ---------------------------------------------------------------------------------------------
# Links


def test_query_round_trip():
    runs = vary(SMALL, "activation")
    query = to_query(runs)
    assert query["runs"] == str(len(runs))
    assert query["r2_activation"] == runs[1].activation
    assert "r2_depth" not in query  # only what differs
    decoded, found = from_query(query)
    assert decoded == runs and found == []


def test_bad_query_values_fall_back_and_are_reported():
    runs, found = from_query({"depth": "3", "runs": "9", "r2_activation": "bogus", "r3_lr": "x"})
    assert len(runs) == 3  # runs=9 rejected; the highest run prefix seen decides
    assert runs[1].activation == runs[0].activation
    assert {p.field for p in found} == {"runs", "r2_activation", "r3_lr"}
    single, _ = from_query({"runs": "1"})
    assert len(single) == 1


def test_runs_that_do_not_fit_the_memory_budget_together_are_left_out():
    from sim.analysis.compare import (
        COMPARE_MEMORY_BUDGET,
        align,
        from_query,
        memory_problem,
        to_query,
    )
    from sim.config import MEMORY_BUDGET, memory_estimate

    big = RunConfig(depth=48, width=384, batch_size=32)  # each alone fits, three do not
    assert problems(big) == [] and memory_estimate(big) <= MEMORY_BUDGET
    assert 2 * memory_estimate(big) <= COMPARE_MEMORY_BUDGET < 3 * memory_estimate(big)
    runs = [big, big.replace(activation="tanh"), big.replace(activation="gelu")]
    assert len(align(runs)) == 2
    problem = memory_problem(runs)
    assert problem is not None and problem.code == "memory_runs"
    assert problem.params["mb"] > problem.params["limit_mb"]
    cfgs, found = from_query(to_query(runs[:2]) | {"r3_activation": "gelu", "runs": "3"})
    assert len(cfgs) == 2 and [p.code for p in found] == ["memory_runs"]
    assert memory_problem(vary(RunConfig(), "activation")) is None  # small runs: all four
    assert len(align(vary(RunConfig(), "activation"))) == 4
