"""The command line through time: `run` with a recurrent cell and a sequence task, `sweep` over
sequence lengths, the recurrent presets (helpers of tests/sim/test_cli.py)."""

from __future__ import annotations

import io
import json

import pandas as pd

from sim.cli.sweep_time import COLUMNS
from sim.diagnosis_time import TIME_CODES
from sim.presets import TIME_PRESETS
from tests.sim.test_cli import assert_one_line_error, in_process, sim_cli

SMALL = ["--width", "8", "--n_samples", "200", "--device", "cpu"]


def test_run_a_recurrent_cell_subprocess():
    done = sim_cli("run", "--arch", "lstm", "--task", "adding", "--seq_len", "20", "--steps", "3",
                   "--format", "json", *SMALL)  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["config"]["arch"] == "lstm" and doc["config"]["seq_task"] == "adding"
    frame = pd.DataFrame(doc["history"])
    signal = frame[frame["metric"] == "time_signal"]
    assert sorted(signal["layer"].unique()) == list(range(1, 21))  # one row per time step
    assert (signal["value"] > 0).all()
    assert {f["code"] for f in doc["findings"]} <= set(TIME_CODES) | {"diverged", "step_diverged"}


def test_run_table_shows_weight_matrices_and_time_steps():
    code, out, _ = in_process("run", "--arch", "rnn", "--seq-task", "majority", "--seq_len", "30",
                              "--steps", "2", *SMALL)  # fmt: skip
    assert code == 0
    assert "per weight matrix at step 2" in out and "recurrent" in out
    times = out.split("through time at step 2")[1].split("findings:")[0]
    rows = [line.split() for line in times.strip().splitlines()[2:]]  # after the title, header
    assert [int(r[0]) for r in rows] == [1, 2, 7, 15, 22, 29, 30]
    assert "vanishing_time" in out.split("findings:")[1]  # a tanh RNN at init, length 30


def test_a_recurrent_preset_runs_and_takes_flags():
    code, out, _ = in_process("run", "--preset", "lstm_adding", "--seq_len", "10", "--steps", "2",
                              "--format", "json", *SMALL)  # fmt: skip
    assert code == 0
    cfg = json.loads(out)["config"]
    assert cfg["forget_bias"] == "chrono" and cfg["seq_len"] == 10 and cfg["width"] == 8


def test_bad_sequence_flags_are_one_line():
    code, _, err = in_process("run", "--arch", "lstm", "--task", "sorting")
    assert_one_line_error(code, err, "seq_task", "sorting")
    code, _, err = in_process("run", "--arch", "lstm", "--seq_len", "500")
    assert_one_line_error(code, err, "seq_len", "500")
    code, _, err = in_process("run", "--arch", "rnn", "--activation", "gelu", "--steps", "1")
    assert_one_line_error(code, err, "activation")
    code, _, err = in_process("sweep", "--archs", "mlp", "--seq_lens", "10")
    assert_one_line_error(code, err, "--archs", "mlp")
    code, _, err = in_process("sweep", "--seq_lens", "10", "3")
    assert_one_line_error(code, err, "--seq_lens", "3")


def test_sweep_over_sequence_lengths():
    lens, cells = ["--seq_lens", "5", "20"], ["--archs", "rnn", "gru"]
    acts = ["--activations", "tanh,sigmoid"]
    code, out, _ = in_process("sweep", *lens, *cells, *acts, "--format", "csv", *SMALL)
    assert code == 0
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns) == list(COLUMNS)
    cells = list(zip(frame["arch"], frame["activation"], frame["seq_len"], strict=True))
    assert cells == [("rnn", "tanh", 5), ("rnn", "tanh", 20), ("rnn", "sigmoid", 5),
                     ("rnn", "sigmoid", 20), ("gru", "-", 5), ("gru", "-", 20)]  # fmt: skip
    assert (frame["step"] == 1).all()  # at initialisation
    tanh = frame[frame["activation"] == "tanh"].set_index("seq_len")
    # the longer the sequence, the less of the signal reaches t = 1
    assert tanh.loc[20, "signal_ratio"] < 1e-2 * tanh.loc[5, "signal_ratio"]
    assert tanh.loc[20, "factor"] < 1


def test_presets_lists_the_recurrent_ones_from_their_base():
    code, out, _ = in_process("presets")
    assert code == 0
    for name in TIME_PRESETS:
        assert name in out
    line = next(row for row in out.splitlines() if row.split()[0] == "lstm_tbptt_cut")
    assert "tbptt=10" in line and "seq_task=copy" in line and "width=" not in line
