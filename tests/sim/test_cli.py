"""The command line: `python -m sim` in a subprocess for the real thing (exit codes, stderr,
no traceback), and `sim.cli.main` in-process for the rest (faster)."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from sim import cli
from sim.config import FIELDS
from sim.history import LAYER_METRICS, METRICS
from sim.presets import ALL_PRESETS, PRESETS

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--n_samples", "200", "--depth", "3", "--width", "8", "--device", "cpu"]


def sim_cli(*args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"OMP_NUM_THREADS": "1"}  # as tests/conftest.py: tiny nets, shared cores
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def in_process(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].startswith("python -m sim: error:")
    for word in words:
        assert word in lines[0]


# ---------------------------------------------------------------------------------------------
# Subprocess: the real entry point


def test_run_json_subprocess():
    done = sim_cli("run", "--preset", "sigmoid_vanishing", "--steps", "12", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert set(doc) == {"config", "result", "history", "findings"}
    assert doc["config"] == PRESETS["sigmoid_vanishing"].cfg.to_dict()
    assert doc["result"]["steps_run"] == 12 and doc["result"]["diverged"] is False
    assert doc["result"]["device"] == "cpu"
    record = doc["history"][0]
    assert set(record) == {"step", "layer", "metric", "value"}
    assert {r["metric"] for r in doc["history"]} <= set(METRICS)
    assert "vanishing" in {f["code"] for f in doc["findings"]}
    assert done.stderr == ""  # no progress bar when stderr is not a terminal


def test_sweep_csv_subprocess():
    done = sim_cli("sweep", "--activations", "tanh", "relu", "--depths", "3", "--format", "csv")
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(io.StringIO(done.stdout))
    assert list(frame["activation"]) == ["tanh", "relu"] and (frame["ratio"] > 0).all()


def test_sweep_table():
    code, out, _ = in_process("sweep", "--activations", "sigmoid", "relu", "--depths", "2", "6")
    assert code == 0 and "first_grad" in out.splitlines()[0] and len(out.splitlines()) == 5


def test_presets_subprocess():
    done = sim_cli("presets")
    assert done.returncode == 0
    for name in PRESETS:
        assert name in done.stdout


def test_bad_flag_subprocess():
    done = sim_cli("run", "--depht", "3")
    assert_one_line_error(done.returncode, done.stderr, "--depht")
    assert done.stdout == ""


def test_over_budget_subprocess():
    done = sim_cli(
        "run", "--depth", "30", "--width", "256", "--batch_size", "128", "--steps", "99999"
    )
    assert_one_line_error(done.returncode, done.stderr, "99999", "lower")


# ---------------------------------------------------------------------------------------------
# In process


def test_run_table():
    code, out, _ = in_process("run", *SMALL, "--steps", "15")
    assert code == 0
    assert "ran 15 steps" in out and "findings:" in out
    assert all(m in out for m in LAYER_METRICS)


def test_run_csv_is_the_history():
    code, out, _ = in_process("run", *SMALL, "--steps", "5", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(frame.columns) == ["step", "layer", "metric", "value"]
    assert frame["step"].max() == 5


def test_every_field_has_a_flag_and_dashes_work():
    code, out, _ = in_process(
        "run",
        *SMALL,
        "--residual",
        "true",
        "--init-std",
        "0.2",
        "--init",
        "normal",
        "--steps",
        "3",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert doc["config"]["residual"] is True and doc["config"]["init_std"] == 0.2
    parser = cli.build_parser(cli.commands())
    run_parser = parser._subparsers._group_actions[0].choices["run"]
    flags = {s for a in run_parser._actions for s in a.option_strings}
    assert {f"--{name}" for name in FIELDS} <= flags


def test_progress_bar_on_stderr_only_when_asked():
    code, out, err = in_process("run", *SMALL, "--steps", "40", "--progress", "always")
    assert code == 0 and "40/40" in err and "[" in err and "#" not in out.split("\n")[0]
    code, _, err = in_process("run", *SMALL, "--steps", "40", "--progress", "never")
    assert err == ""


@pytest.mark.parametrize(
    "args,words",
    [
        (["run", "--depth", "100"], ["--depth", "1..64"]),
        (["run", "--activation", "swish"], ["activation", "swish"]),
        (["run", "--residual", "maybe"], ["residual"]),
        (["run", "--lr", "nan"], ["lr"]),
        (["run", "--steps", "0"], ["--steps"]),
        (["run", "--steps", "ten"], ["--steps"]),
        (["run", "--preset", "nope"], ["--preset"]),
        (["run", "--format", "xml"], ["--format"]),
        (["run", "--dep", "3"], ["--dep"]),  # no abbreviations
        (["fly"], ["fly"]),
        ([], ["COMMAND"]),
        (["sweep", "--activations", "relu", "swish"], ["--activations", "swish"]),
        (["sweep", "--depths", "2", "x"], ["--depths"]),
        (["sweep", "--depth", "3"], ["--depth"]),  # sweep takes --depths
        (["run", "--norm", "batchnorm", "--batch_size", "1"], ["batchnorm"]),
        (
            [
                "run",
                "--depth",
                "64",
                "--width",
                "512",
                "--batch_size",
                "4000",
                "--n_samples",
                "4000",
            ],
            ["lower depth, width or batch_size"],
        ),
        (["run", "--preset", "relu_he", "--steps", "5000"], ["5000", "lower steps"]),
        (["sweep", "--width", "256", "--depths", "64", "--steps", "400"], ["lower steps"]),
        (["run", "--width", "512", "--depth", "64", "--batch_size", "8"], ["memory", "256 MB"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, words):
    code, out, err = in_process(*args)
    assert_one_line_error(code, err, *words)
    assert out == ""


def test_presets_json():
    code, out, _ = in_process("presets", "--format", "json")
    rows = json.loads(out)
    assert [r["name"] for r in rows] == list(ALL_PRESETS)  # the recurrent ones after the MLP's
    assert rows[0]["config"] == next(iter(PRESETS.values())).cfg.to_dict()


def test_sweep_json_and_nan_is_null():
    code, out, _ = in_process("sweep", "--activations", "relu", "--depths", "1", "--format", "json")
    (row,) = json.loads(out)
    assert code == 0 and row["depth"] == 1 and row["signal_ratio"] is None


def test_a_new_subcommand_plugs_in():
    def add(parser: argparse.ArgumentParser) -> None:
        cli.add_config_arguments(parser)
        parser.add_argument("--goal", type=float, required=True)

    def handle(args: argparse.Namespace) -> int:
        cfg = cli.config_from_args(args, cli.DEFAULT)
        if args.goal > 1:
            raise cli.UsageError("--goal: above 1")
        print(cfg.depth, args.goal)
        return 0

    extra = cli.Command("demo", "a subcommand from another module", add, handle)
    cmds = [*cli.commands(), extra]
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["demo", "--depth", "4", "--goal", "0.5"], cmds) == 0
    assert out.getvalue().split() == ["4", "0.5"]
    err = io.StringIO()
    with redirect_stderr(err):
        assert cli.main(["demo", "--goal", "2"], cmds) == 2
    assert err.getvalue().count("\n") == 1


# ---------------------------------------------------------------------------------------------
# Lists: comma- or space-separated


def test_sweep_takes_comma_separated_lists_subprocess():
    done = sim_cli("sweep", "--activations", "sigmoid,tanh,relu", "--depths", "2,3")
    assert done.returncode == 0, done.stderr
    spaced = sim_cli("sweep", "--activations", "sigmoid", "tanh", "relu", "--depths", "2", "3")
    assert done.stdout == spaced.stdout and len(done.stdout.splitlines()) == 7


def test_lists_mix_commas_and_spaces():
    code, mixed, _ = in_process("sweep", "--activations", "sigmoid,", "tanh", "--depths", "2, 4")
    _, spaced, _ = in_process("sweep", "--activations", "sigmoid", "tanh", "--depths", "2", "4")
    assert code == 0 and mixed == spaced
    assert cli.split_list("--depths", ["2,5", "10"]) == ["2", "5", "10"]
    with pytest.raises(cli.UsageError):
        cli.split_list("--depths", [","])
    code, _, err = in_process("sweep", "--activations", "relu,swish", "--depths", "2")
    assert_one_line_error(code, err, "--activations", "swish")


def test_help_lists_only_the_engine_commands():
    done = sim_cli("--help")
    assert done.returncode == 0
    for name in ("run", "sweep", "presets"):
        assert name in done.stdout
    assert "exercise" not in done.stdout
    assert [c.name for c in cli.commands()] == ["run", "sweep", "presets"]
