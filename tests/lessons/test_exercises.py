"""Workshop exercises: for EVERY exercise the starting experiment fails its check, every
reference solution passes it and every near miss fails it — so each check can fail and can
pass. Plus the content files' shape, the numbers behind a check (recomputed with autograd),
and reuse of the learner's own simulation."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons.content import LANGS
from lessons.exercises.checks import (
    _fresh,
    _rules,
    fresh_run,
    measure,
    run_check,
    seeded_run,
    session_matches,
)
from lessons.exercises.loading import EXERCISE_FILES, EXERCISES, load_file
from lessons.exercises.model import CHECK_METRICS, TEXT_KEYS
from sim import remedies
from sim.config import RunConfig, problems
from sim.data import make_data
from sim.nn.mlp import build_model
from sim.train.simulation import Simulation


def json_safe(value):
    """NaN and infinities become null, as the CLI writes them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


CASES = [
    pytest.param(ex.id, kind, i, id=f"{ex.id}-{kind}{i}")
    for ex in EXERCISES.values()
    for kind, changes in (
        ("solution", ex.solutions),
        ("near_miss", ex.near_misses),
        ("alternative", ex.alternatives),
        ("shortcut", ex.shortcuts),
    )
    for i in range(len(changes))
]

# ---------------------------------------------------------------------------------------------
# Content


def test_at_least_eight_exercises_in_order():
    assert len(EXERCISES) >= 8
    orders = [ex.order for ex in EXERCISES.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert [ex.level for ex in EXERCISES.values()] == sorted(ex.level for ex in EXERCISES.values())


@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_exercise_text_in_both_languages(ex_id):
    ex = EXERCISES[ex_id]
    for lang in LANGS:
        text = ex.text[lang]
        assert all(getattr(text, k) for k in TEXT_KEYS)
        assert len(text.hints) >= 3
    assert len(ex.text["en"].hints) == len(ex.text["zh"].hints)
    assert ex.text["en"].title != ex.text["zh"].title  # translated, not copied


@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_start_and_solutions_are_valid_configs(ex_id):
    ex = EXERCISES[ex_id]
    assert not problems(ex.start_config)
    assert ex.solutions, "every exercise needs a reference solution"
    for i in range(len(ex.solutions)):
        assert not problems(ex.solution_config(i))


def test_one_file_per_exercise():
    files = sorted(EXERCISE_FILES.glob("*.toml"))
    assert sorted(load_file(p).id for p in files) == sorted(EXERCISES)


# ---------------------------------------------------------------------------------------------
# Every check can fail and can pass


@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_starting_experiment_fails(ex_id):
    ex = EXERCISES[ex_id]
    result = run_check(ex, ex.start_config)
    assert not result.passed
    assert result.reason_codes


@pytest.mark.parametrize(("ex_id", "kind", "i"), CASES)
def test_reference_solutions_pass_and_near_misses_fail(ex_id, kind, i):
    ex = EXERCISES[ex_id]
    lists = {"solution": ex.solutions, "near_miss": ex.near_misses}
    lists |= {"alternative": ex.alternatives, "shortcut": ex.shortcuts}
    result = run_check(ex, ex.start_config.replace(**lists[kind][i]))
    should_pass = kind in ("solution", "alternative")
    assert result.passed is should_pass, [str(o) for o in result.outcomes]


# ---------------------------------------------------------------------------------------------
# How a check behaves


def test_a_broken_constraint_fails_without_training():
    ex = EXERCISES["fix_keep_activation"]
    result = run_check(ex, ex.start_config.replace(activation="relu", init="kaiming_normal"))
    assert not result.passed and result.runs == {}
    assert "constraint:activation" in result.reason_codes


def test_check_is_deterministic():
    ex = EXERCISES["see_vanishing"]
    cfg = ex.solution_config(0)
    a = run_check(ex, cfg)
    _fresh.cache_clear()  # train again rather than reuse the cached run
    b = run_check(ex, cfg)
    assert a.runs["yours"].numbers == pytest.approx(b.runs["yours"].numbers, nan_ok=True)
    assert [o.passed for o in a.outcomes] == [o.passed for o in b.outcomes]


def test_result_is_plain_json():
    ex = EXERCISES["explode_and_clip"]
    result = run_check(ex, ex.solution_config(0))
    doc = json.loads(json.dumps(json_safe(result.to_dict()), allow_nan=False))
    assert doc["passed"] is True and set(doc["runs"]) == {"yours", "without_clip"}
    assert set(doc["runs"]["yours"]["numbers"]) == set(CHECK_METRICS)
    # the twin without clipping blew up: a diverged run's largest gradient counts as infinite
    assert doc["runs"]["without_clip"]["numbers"]["grad_norm_max"] is None


def test_twin_that_cannot_exist_fails_cleanly():
    ex = EXERCISES["sigmoid_depth_limit"]
    result = run_check(ex, ex.start_config.replace(depth=1))  # depth 0 is not a network
    assert not result.passed
    assert result.runs["one_shallower"].source == "none"


def test_learners_own_simulation_stands_in_when_it_matches():
    ex = EXERCISES["see_vanishing"]
    cfg = ex.solution_config(0).replace(device="auto")
    sim = Simulation(cfg.replace(device="cpu"))
    sim.burst(ex.steps)
    assert session_matches(sim, cfg, ex.steps)
    result = run_check(ex, cfg, sim)
    assert result.passed and result.runs["yours"].source == "session"
    assert result.runs["yours"].numbers["steps"] == ex.steps


def test_an_untrained_or_different_simulation_is_not_used():
    ex = EXERCISES["see_vanishing"]
    cfg = ex.solution_config(0)
    short = Simulation(cfg)
    short.burst(5)
    assert not session_matches(short, cfg, ex.steps)
    other = Simulation(cfg.replace(depth=9))
    other.burst(ex.steps)
    assert not session_matches(other, cfg, ex.steps)
    assert run_check(ex, cfg, short).runs["yours"].source == "fresh"


def test_depth_limit_never_uses_the_session():
    ex = EXERCISES["sigmoid_depth_limit"]
    assert not ex.use_session


# ---------------------------------------------------------------------------------------------
# The numbers behind a check, recomputed independently


def test_first_signal_ratio_matches_autograd():
    """||dL/dz|| at hidden layers 1 and depth, for the first full batch, by plain autograd."""
    cfg = RunConfig(
        dataset="moons",
        n_samples=200,
        depth=5,
        width=16,
        activation="sigmoid",
        init="default",
        optimizer="sgd",
        lr=0.1,
        batch_size=4000,  # full batch, in order: no sampling to replicate
        device="cpu",
    )
    sim = Simulation(cfg, stats_every=10**9)
    sim.burst(3)
    got = measure(sim).numbers["first_signal_ratio"]

    data = make_data(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed, 40)
    model = build_model(cfg, 2, data.n_out)
    zs, h = [], data.train_x
    for block in model.blocks:
        z = block.linear(h)
        zs.append(z)
        h = block.act(z)
    loss = F.cross_entropy(model.head(h), data.train_y)
    grads = torch.autograd.grad(loss, zs)
    want = float(grads[0].norm() / grads[cfg.depth - 1].norm())
    assert got == pytest.approx(want, rel=1e-4)
    assert math.isfinite(got) and got < 0.1  # sigmoid: already shrinking over 4 layers


@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_suggested_locks_leave_the_exercise_solvable(ex_id):
    """A teacher who locks what the rules keep can still hand the exercise out: no reference
    solution touches those fields, and every field the start breaks is changed by one."""
    ex = EXERCISES[ex_id]
    for changes in ex.solutions:
        assert not set(changes) & set(ex.kept_fields), changes
    for name in ex.must_change:
        assert any(name in changes for changes in ex.solutions), name


# ---------------------------------------------------------------------------------------------
# Fair experiments, remedies the app recommends, numbers quoted in the texts


def test_a_change_outside_the_studied_factor_is_unfair_and_named():
    ex = EXERCISES["adam_vs_sgd"]
    result = run_check(ex, ex.start_config.replace(optimizer="adam", lr=0.01, width=128))
    assert not result.passed and result.runs == {}  # judged before any training
    assert result.reason_codes == ("fair:width",)
    (o,) = result.failed
    assert o.params["expected"] == ex.start_config.width and o.params["got"] == 128


# The exercises about fixing a finding: every remedy the diagnosis advises for the starting
# network, where it keeps the exercise's rules, must pass the check. Through time, the start
# is judged "vanishing" and "not learning" at once, and a near miss (a learner on the way) is
# advised as well: each change it gets must pass too (the same configs, so the same runs).
FIXES = [("fix_keep_activation", "vanishing"), ("fix_by_activation", "vanishing")]
FIXES += [("revive_dead_relu", "dead_units")]
TIME_FIXES = ("fix_time_keep_cell", "fix_time_by_cell")
FIXES += [(ex_id, code) for ex_id in TIME_FIXES for code in ("vanishing_time", "not_learning_time")]


def _advised(ex, code: str) -> list[RunConfig]:
    """The configs the advice for `code` leads to, from the start (and, through time, from
    each near miss), where they keep the exercise's rules."""
    starts = [ex.start_config]
    if ex.id in TIME_FIXES:
        starts += [ex.start_config.replace(**changes) for changes in ex.near_misses]
    out = []
    for start in starts:
        for r in remedies.advice(code, start):
            cfg = remedies.apply(r, start)
            if not any(o.passed is False for o in _rules(ex, cfg)) and cfg not in out:
                out.append(cfg)
    return out


@pytest.mark.parametrize(("ex_id", "code"), FIXES)
def test_advised_remedies_pass_the_exercise_about_them(ex_id, code):
    ex = EXERCISES[ex_id]
    kept = _advised(ex, code)
    assert kept, "the advice offers nothing this exercise allows"
    for cfg in kept:
        result = run_check(ex, cfg)
        assert result.passed, (cfg, [str(o) for o in result.outcomes])


def _at_init(ex_id, metric, **changes):
    return fresh_run(EXERCISES[ex_id].start_config.replace(**changes), 1, "yours").numbers[metric]


QUOTED = [  # (exercise, text field, as written, recomputed at initialisation from the engine)
    (
        "explode_and_clip",
        "hints",
        "1.41",
        lambda: _at_init("explode_and_clip", "first_signal_factor", init="normal", init_std=0.25),
        0.05,
    ),
    (
        "fix_keep_activation",
        "explanation",
        "1.30",
        lambda: _at_init("fix_keep_activation", "first_signal_factor", norm="batchnorm"),
        0.01,
    ),
    (
        "fix_by_activation",
        "explanation",
        "4e-3",
        lambda: _at_init("fix_by_activation", "first_signal_ratio", activation="tanh"),
        0.5e-3,
    ),
    (
        "dropout_no_fix",
        "explanation",
        "0.17",
        lambda: _at_init("dropout_no_fix", "signal_factor", dropout=0.3),
        0.005,
    ),
    (
        "dropout_no_fix",
        "explanation",
        "0.14",
        lambda: _at_init("dropout_no_fix", "signal_factor"),
        0.005,
    ),
]


@pytest.mark.parametrize(("ex_id", "part", "written", "measure_it", "tol"), QUOTED)
def test_numbers_in_exercise_texts_are_measured(ex_id, part, written, measure_it, tol):
    for lang in LANGS:
        text = getattr(EXERCISES[ex_id].text[lang], part)
        assert written in ("".join(text) if isinstance(text, tuple) else text), (lang, written)
    assert measure_it() == pytest.approx(float(written), abs=tol)


def test_linear_baseline_is_below_every_moons_learning_goal():
    """A linear network (identity activation) on the moons: the goals ask for more."""
    ex = EXERCISES["fix_by_activation"]
    linear = fresh_run(ex.start_config.replace(activation="identity"), ex.steps, "yours")
    acc = linear.numbers["test_acc"]
    assert 0.86 <= acc <= 0.90  # quoted as "about 88%"
    for ex_id in ("fix_by_activation", "adam_vs_sgd", "fix_keep_activation"):
        learns = next(c for c in EXERCISES[ex_id].goal if c.code == "learns")
        assert learns.value > acc
        for lang in LANGS:
            assert "88%" in EXERCISES[ex_id].text[lang].goal


def test_depth_limit_goal_is_about_chance_not_the_line():
    """No depth of its sigmoid network beats a line within the budget, on the mean over its
    seeds, so its goal is anchored to chance (50%) and says so."""
    ex = EXERCISES["sigmoid_depth_limit"]
    start = ex.start_config
    linear = seeded_run(start.replace(activation="identity"), ex.steps, "line", ex.seeds)
    line = linear.numbers["test_acc"]
    for depth in (1, 2):
        shallow = seeded_run(start.replace(depth=depth), ex.steps, "shallow", ex.seeds)
        assert shallow.numbers["test_acc"] < line
    learns = next(c for c in ex.goal if c.code == "shallower_learns")
    assert 0.5 < learns.value < line
    for lang in LANGS:
        assert "50%" in ex.text[lang].goal and "88%" in ex.text[lang].goal


# ---------------------------------------------------------------------------------------------
# Through time: the recurrent exercises' numbers


def test_time_metrics_read_the_signal_across_time_and_the_chance_loss():
    cfg = EXERCISES["see_vanishing_time"].start_config.replace(n_samples=200, device="cpu")
    sim = Simulation(cfg, stats_every=1)
    sim.burst(3)
    n, rec = measure(sim).numbers, sim.records
    first, last = rec.rec_times[0, 0].astype(float), rec.rec_times[-1, 0].astype(float)
    assert n["time_signal_ratio"] == pytest.approx(last[0] / last[-1])
    assert n["first_time_signal_ratio"] == pytest.approx(first[0] / first[-1])
    factor = n["time_signal_ratio"] ** (1 / (cfg.seq_len - 1))
    assert n["time_signal_factor"] == pytest.approx(factor)
    assert n["loss_to_chance"] == pytest.approx(float(rec.rec_scalars[-1, 0]) * 6, rel=1e-6)
    assert math.isnan(n["signal_ratio"])  # no hidden layers through depth in a recurrent net
    mlp = Simulation(RunConfig(depth=3, width=8, n_samples=100, device="cpu"), stats_every=1)
    mlp.burst(2)
    assert all(math.isnan(measure(mlp).numbers[k]) for k in ("time_signal_ratio", "loss_to_chance"))


def test_numbers_in_the_through_time_texts():
    from sim.presets import TIME_PRESETS
    from sim.sequences import SEQ_TASKS

    assert SEQ_TASKS["adding"].chance_loss == pytest.approx(1 / 6)
    assert TIME_PRESETS["irnn_adding"].steps == 1000
    lstm = EXERCISES["fix_time_by_cell"].start_config.replace(arch="lstm", n_samples=200)
    sim = Simulation(lstm.replace(device="cpu"), stats_every=1)
    sim.burst(1)
    assert float(np.nanmean(sim.records.rec_times[0, 1])) == pytest.approx(0.5, abs=0.03)
    assert f"{0.5 ** (lstm.seq_len - 1):.0e}" == "2e-15"
    one = Simulation(lstm.replace(device="cpu", forget_bias="one"), stats_every=1)
    one.burst(1)  # a forget bias of 1 opens the gate only to about 0.73
    assert float(np.nanmean(one.records.rec_times[0, 1])) == pytest.approx(0.73, abs=0.03)
    assert f"{0.73 ** (lstm.seq_len - 1):.0e}" == "2e-07"
    for lang in LANGS:
        assert "1/6" in EXERCISES["see_vanishing_time"].text[lang].story
        assert "1000" in EXERCISES["fix_time_keep_cell"].text[lang].explanation
        explanation = EXERCISES["fix_time_by_cell"].text[lang].explanation
        assert "0.5" in explanation and "2e-15" in explanation and "49" in explanation
        assert "0.73" in explanation and "2e-7" in explanation
