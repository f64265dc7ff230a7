"""sim.analysis.compare_data: the runs of a comparison share their data, sequences included, and
an MLP never sits among recurrent runs (or the reverse)."""

import pytest
import torch

from sim.analysis import compare
from sim.analysis.compare_data import SHARED, data_fields, mix_problem, same_kind
from sim.config import RunConfig

RNN = RunConfig(arch="rnn", activation="tanh", seq_len=12, width=8, n_samples=120, batch_size=16)
CELLS = [RNN.replace(arch=arch) for arch in ("rnn", "lstm", "gru")]
MLP = RunConfig(n_samples=200, depth=3, width=16, batch_size=32)


def test_shared_fields_hold_the_sequences():
    assert {"seq_task", "seq_len", "n_samples", "seed", "dataset", "noise"} <= set(SHARED)
    assert compare.SHARED is SHARED  # one table, read by compare.align


def test_runs_changed_by_hand_get_the_first_runs_sequences():
    other = CELLS[1].replace(seq_task="copy", seq_len=30, n_samples=300, seed=7)
    runs = compare.align([CELLS[0], other, CELLS[2].replace(seq_task="majority")])
    assert [r.arch for r in runs] == ["rnn", "lstm", "gru"]
    assert {tuple(data_fields(r).items()) for r in runs} == {tuple(data_fields(RNN).items())}


def test_the_cells_train_on_the_same_sequences_from_one_seed():
    comparison = compare.Comparison(CELLS)
    first = comparison.sims[0]
    for sim in comparison.sims[1:]:
        assert torch.equal(sim.train_x, first.train_x) and torch.equal(sim.train_y, first.train_y)
        assert torch.equal(sim.test_x, first.test_x)
    assert comparison.init_relations == ["same", "cell", "cell"]


def test_one_cell_twice_starts_from_the_same_weights_unless_its_init_differs():
    lstm = CELLS[1]
    comparison = compare.Comparison([lstm, lstm.replace(optimizer="sgd")])
    a, b = (dict(s.model.named_parameters()) for s in comparison.sims)
    assert all(torch.equal(a[name], b[name]) for name in a)
    chrono = compare.Comparison([lstm, lstm.replace(forget_bias="chrono")])
    assert chrono.init_relations == ["same", "own"]


@pytest.mark.parametrize(
    "runs, code, left",
    [
        ([MLP, CELLS[1], MLP.replace(activation="tanh")], "mixed_mlp", "2"),
        ([CELLS[0], MLP, CELLS[2], MLP], "mixed_recurrent", "2, 4"),
    ],
)
def test_an_mlp_among_recurrent_runs_is_left_out_and_named(runs, code, left):
    problem = mix_problem(runs)
    assert problem is not None and problem.code == code and problem.params["runs"] == left
    kept = compare.align(runs)
    assert kept == same_kind(runs) and len({r.recurrent for r in kept}) == 1
    assert mix_problem(kept) is None and mix_problem(CELLS) is None


def test_a_link_that_mixes_kinds_says_so_and_keeps_the_first_kind():
    query = compare.to_query(CELLS)
    query.update(r2_arch="mlp")
    cfgs, found = compare.from_query(query)
    assert [c.arch for c in cfgs] == ["rnn", "gru"]
    assert [p.code for p in found] == ["mixed_recurrent"]
