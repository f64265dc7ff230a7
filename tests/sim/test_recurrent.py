"""Recurrent networks in the engine: the tasks, the config, the init, and the facts the "Through
time" screen shows (vanishing through time at init, IRNN's flat signal), through the same
Simulation and History as the MLP."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch

from sim.config import DEFAULT, RunConfig, max_burst_steps, memory_estimate, problems, step_cost
from sim.history import RECURRENT_SCALARS, TIME_METRICS
from sim.sequences import SEQ_TASKS, make_seq_data
from sim.train.simulation import Simulation, copy_matching_linears

SMALL = RunConfig(arch="lstm", n_samples=80, batch_size=32, width=8, seq_len=10)


def time_signal(sim: Simulation, step: int) -> np.ndarray:
    f = sim.history
    rows = f[(f["step"] == step) & (f["metric"] == "time_signal")].sort_values("layer")
    return rows["value"].to_numpy()


def signal_at_init(**changes) -> np.ndarray:
    sim = Simulation(RunConfig(**changes), stats_every=1)
    sim.burst(1)
    return time_signal(sim, 1)


# -- the facts ----------------------------------------------------------------------------------


def test_vanilla_tanh_rnn_vanishes_through_time_at_init():
    signal = signal_at_init(arch="rnn", activation="tanh", width=32, seq_len=50)
    assert len(signal) == 50
    assert signal[0] < 1e-4 * signal[-1]
    assert (np.diff(np.log(signal)) > 0).mean() > 0.9  # it grows towards the loss, step by step


def test_irnn_keeps_the_signal_within_a_factor_of_ten_over_100_steps():
    signal = signal_at_init(
        arch="rnn", activation="relu", rec_init="identity", width=32, seq_len=100
    )
    assert len(signal) == 100
    assert signal.max() < 10 * signal.min()


def test_same_seed_same_history_and_another_seed_another():
    def run(seed):
        sim = Simulation(SMALL.replace(seed=seed, arch="gru", seq_task="copy"))
        sim.burst(12)
        sim.burst(3)
        return sim.history

    pd.testing.assert_frame_equal(run(1), run(1))
    assert not run(1)["value"].equals(run(2)["value"])


def test_an_mlp_frame_has_no_recurrent_rows_and_default_is_an_mlp():
    assert DEFAULT.arch == "mlp" and not DEFAULT.recurrent
    sim = Simulation(RunConfig(depth=2, width=8, n_samples=100))
    sim.burst(3)
    metrics = set(sim.history["metric"].astype(str))
    assert not metrics & set(TIME_METRICS + RECURRENT_SCALARS)
    assert "signal_norm" in metrics


def test_a_gru_learns_majority_above_chance():
    sim = Simulation(SMALL.replace(arch="gru", seq_task="majority", seq_len=11, width=16))
    sim.burst(40)
    f = sim.history
    loss = f.loc[f["metric"] == "loss", "value"].to_numpy()
    assert loss[-5:].mean() < 0.8 * SEQ_TASKS["majority"].chance_loss
    assert f.loc[f["metric"] == "test_acc", "value"].iloc[-1] > 0.7


@pytest.mark.parametrize("task", ["adding", "majority"])
def test_the_test_loss_is_that_of_the_first_test_sequences(task):
    from sim.nn.recurrent import build_recurrent
    from sim.train.optim import loss_fn
    from sim.train.simulation import EVAL_SEQUENCES

    cfg = SMALL.replace(arch="gru", seq_task=task, n_samples=2000)  # 400 test sequences
    sim = Simulation(cfg, stats_every=1)
    sim.burst(1)  # step 1 is measured at the initial weights
    model, d = build_recurrent(cfg, sim.data.train_x.shape[-1], sim.data.n_out), sim.data
    with torch.no_grad():
        kept = loss_fn(d.task, model(d.test_x[:EVAL_SEQUENCES]), d.test_y[:EVAL_SEQUENCES])
        every = loss_fn(d.task, model(d.test_x), d.test_y)
    f = sim.history
    test_loss = f.loc[f["metric"] == "test_loss", "value"].iloc[-1]
    assert len(d.test_y) == 400 > EVAL_SEQUENCES
    assert test_loss == pytest.approx(float(kept), rel=1e-5)
    assert test_loss != pytest.approx(float(every), rel=1e-5)
    if task == "majority":  # correct predictions out of EVAL_SEQUENCES
        acc = f.loc[f["metric"] == "test_acc", "value"].iloc[-1] * EVAL_SEQUENCES
        assert acc == pytest.approx(round(acc), abs=1e-3)


def test_a_diverging_irnn_is_located_in_the_recurrent_weights():
    cfg = SMALL.replace(arch="rnn", activation="relu", rec_init="identity", width=16, seq_len=50)
    result = Simulation(cfg.replace(optimizer="sgd", lr=10.0)).burst(50)
    assert result.diverged and result.diverged_layer == 2 and result.diverged_where == "forward"


# -- tasks --------------------------------------------------------------------------------------


def test_adding_two_marks_one_in_each_half_and_the_mean_scores_one_sixth():
    data = make_seq_data("adding", 20_000, 30, seed=0, n_test=4000)
    x, y = data.train_x, data.train_y
    assert x.shape == (16_000, 30, 2) and y.shape == (16_000, 1)
    marks = x[:, :, 1]
    assert (marks.sum(1) == 2).all()
    assert (marks[:, :15].sum(1) == 1).all() and (marks[:, 15:].sum(1) == 1).all()
    torch.testing.assert_close((x[:, :, 0] * marks).sum(1, keepdim=True), y)
    assert ((y - 1.0) ** 2).mean().item() == pytest.approx(SEQ_TASKS["adding"].chance_loss, 0.03)


def test_copy_recalls_the_first_symbols_after_the_delay():
    data = make_seq_data("copy", 500, 20, seed=3, n_test=100)
    x, y = data.train_x, data.train_y
    assert x.shape == (400, 20, 6) and y.shape == (400, 3) and y.dtype == torch.long
    assert (x.sum(2) == 1).all()  # one-hot
    torch.testing.assert_close(x[:, :3, :4].argmax(2), y)
    assert (x[:, 3:17, 4] == 1).all() and (x[:, 17:, 5] == 1).all()  # blanks, then recall
    assert SEQ_TASKS["copy"].chance_loss == pytest.approx(math.log(4))
    assert make_seq_data("copy", 10, 5, seed=0, n_test=2).train_y.shape == (8, 2)


@pytest.mark.parametrize("seq_len", [10, 11])
def test_majority_classes_are_the_majority_and_balanced(seq_len):
    data = make_seq_data("majority", 8000, seq_len, seed=0, n_test=0)
    x, y = data.train_x, data.train_y
    ones = (x[:, :, 0] > 0).sum(1)
    assert (2 * ones != seq_len).all()
    assert torch.equal(y, (2 * ones > seq_len).long())
    assert y.float().mean().item() == pytest.approx(0.5, abs=0.03)


def test_tasks_come_from_the_seed():
    a, b = (make_seq_data("adding", 50, 8, seed=5, n_test=10) for _ in range(2))
    assert torch.equal(a.train_x, b.train_x) and torch.equal(a.test_y, b.test_y)
    c = make_seq_data("adding", 50, 8, seed=6, n_test=10)
    assert not torch.equal(a.train_x, c.train_x)


# -- config -------------------------------------------------------------------------------------


def test_a_vanilla_rnn_takes_tanh_relu_or_sigmoid_only():
    bad = problems(RunConfig(arch="rnn", activation="gelu"))
    assert [(p.field, p.code) for p in bad] == [("activation", "combination")]
    assert problems(RunConfig(arch="lstm", activation="gelu")) == []  # not used by a gated cell
    for act in ("tanh", "relu", "sigmoid"):
        assert problems(RunConfig(arch="rnn", activation=act)) == []


def test_mlp_fields_do_not_complain_for_a_recurrent_network():
    cfg = RunConfig(arch="gru", norm="batchnorm", batch_size=1, depth=64, dropout=0.5)
    assert problems(cfg) == []


@pytest.mark.parametrize(
    "field, value", [("seq_len", 4), ("seq_len", 201), ("tbptt", -1), ("arch", "transformer")]
)
def test_recurrent_fields_have_published_limits(field, value):
    found = problems(RunConfig(arch="lstm").replace(**{field: value}))
    assert [p.field for p in found] == [field]


def test_budgets_scale_with_length_gates_and_width():
    base = RunConfig(arch="rnn", width=128, seq_len=50, batch_size=64)
    assert step_cost(base.replace(seq_len=100)) == pytest.approx(2 * step_cost(base))
    assert step_cost(base.replace(arch="lstm")) == pytest.approx(4 * step_cost(base))
    assert step_cost(base.replace(width=256)) == pytest.approx(4 * step_cost(base))
    assert memory_estimate(base.replace(seq_len=200)) > memory_estimate(base)
    huge = RunConfig(arch="lstm", width=512, seq_len=200, batch_size=4000, n_samples=4000)
    assert {p.code for p in problems(huge)} >= {"budget", "memory"}
    assert max_burst_steps(RunConfig(arch="lstm", seq_len=50, width=32)) >= 500


def test_tbptt_is_hot_and_the_architecture_is_not():
    sim = Simulation(SMALL)
    assert sim.apply(SMALL.replace(tbptt=3)) and sim.model.tbptt == 3
    assert not sim.apply(SMALL.replace(tbptt=3, arch="gru"))


# -- init ---------------------------------------------------------------------------------------


def test_identity_and_orthogonal_recurrent_init():
    irnn = Simulation(SMALL.replace(arch="rnn", activation="relu", rec_init="identity")).model
    torch.testing.assert_close(irnn.cell.weight_hh, torch.eye(8))
    assert not irnn.cell.bias_hh.any() and not irnn.cell.bias_ih.any()
    gru = Simulation(SMALL.replace(arch="gru", rec_init="orthogonal")).model
    for block in gru.cell.weight_hh.detach().view(3, 8, 8):
        torch.testing.assert_close(block @ block.T, torch.eye(8), atol=1e-5, rtol=0)


@pytest.mark.parametrize("bias, want", [("zero", 0.0), ("one", 1.0)])
def test_forget_bias_sets_the_forget_gate(bias, want):
    cell = Simulation(SMALL.replace(forget_bias=bias)).model.cell
    total = (cell.bias_ih + cell.bias_hh).detach()
    assert torch.equal(total[8:16], torch.full((8,), want))


def test_chrono_init_draws_log_uniform_forget_biases_and_negates_the_input_gate():
    cell = Simulation(SMALL.replace(forget_bias="chrono", seq_len=100)).model.cell
    total = (cell.bias_ih + cell.bias_hh).detach()
    b_f, b_i = total[8:16], total[:8]
    assert (b_f >= 0).all() and (b_f <= math.log(99)).all() and b_f.std() > 0.1
    torch.testing.assert_close(b_i, -b_f)


def test_compare_copies_a_recurrent_network_of_the_same_cell_only():
    source = Simulation(SMALL.replace(seed=1)).model
    target = Simulation(SMALL.replace(seed=2)).model
    copy_matching_linears(source, target)
    for (name, a), (_, b) in zip(source.named_parameters(), target.named_parameters(), strict=True):
        assert torch.equal(a, b), name
    gru = Simulation(SMALL.replace(arch="gru", seed=2)).model
    before = gru.head.weight.detach().clone()
    copy_matching_linears(source, gru)
    assert torch.equal(gru.head.weight, before)


@pytest.mark.parametrize(
    "fields",
    [
        dict(arch="lstm", seq_len=100, width=64, batch_size=500, n_samples=1000),
        dict(arch="gru", seq_len=200, width=96, batch_size=200, n_samples=1000, seq_task="copy"),
        dict(arch="rnn", activation="tanh", seq_len=200, width=256, batch_size=128),
    ],
)
def test_memory_estimate_bounds_the_measured_peak(fields):
    from tests.sim.test_memory_budget import measured_peak

    cfg = RunConfig(device="cpu", **fields)
    assert problems(cfg) == []
    peak, estimate = measured_peak(cfg), memory_estimate(cfg)
    assert 0.3 * estimate <= peak <= estimate, (peak / 2**20, estimate / 2**20)
