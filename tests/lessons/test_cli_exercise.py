"""`python -m sim exercise list|show|check`: exit 0 on pass, 1 on fail, 2 on bad input, one
line on stderr and no traceback for a mistake. In-process through sim.cli.main (fast), plus one
real subprocess for the entry point."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from lessons.exercises.loading import EXERCISES
from sim import cli

ROOT = Path(__file__).resolve().parents[2]


def in_process(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["exercise", *args])
    return code, out.getvalue(), err.getvalue()


def assert_usage_error(code: int, err: str, word: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert word in lines[0]


def test_exercise_is_a_subcommand():
    assert "exercise" in [c.name for c in cli.commands()]


def test_list_table_and_json():
    code, out, _ = in_process("list")
    assert code == 0
    for ex_id in EXERCISES:
        assert ex_id in out
    code, out, _ = in_process("list", "--format", "json", "--lang", "zh")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == list(EXERCISES)
    assert rows[0]["title"] == EXERCISES[rows[0]["id"]].text["zh"].title


def test_show_prints_story_and_hints():
    ex = next(iter(EXERCISES.values()))
    code, out, _ = in_process("show", ex.id)
    assert code == 0 and ex.text["en"].story.split()[0] in out and ex.text["en"].hints[-1] in out
    code, out, _ = in_process("show", ex.id, "--format", "json", "--lang", "zh")
    assert code == 0 and json.loads(out)["title"] == ex.text["zh"].title


def test_check_start_fails_with_status_1():
    code, out, _ = in_process("check", "fix_by_activation")
    assert code == 1
    assert "NOT YET" in out and "FAIL" in out and "activation" in out


def test_check_solution_passes_with_status_0_table():
    code, out, _ = in_process("check", "fix_keep_activation", "--norm", "batchnorm")
    assert code == 0, out
    assert "PASSED" in out and "norm=batchnorm" in out
    assert EXERCISES["fix_keep_activation"].text["en"].explanation.split()[0] in out


def test_check_json_numbers():
    code, out, _ = in_process(
        "check", "fix_by_activation", "--activation", "relu", "--format", "json"
    )
    doc = json.loads(out)
    assert code == 1 and doc["passed"] is False
    assert "goal:no_vanishing" in doc["reasons"]  # ReLU with the default init still vanishes
    assert doc["runs"]["yours"]["numbers"]["signal_ratio"] < 0.01
    assert doc["config"]["activation"] == "relu"


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (("check", "no_such_exercise"), "no_such_exercise"),
        (("check", "see_vanishing", "--depth", "deep"), "depth"),
        (("check", "see_vanishing", "--depth", "1000"), "depth"),
        (("check", "see_vanishing", "--colour", "red"), "--colour"),
        (("check",), "id"),
        (("frobnicate",), "frobnicate"),
    ],
)
def test_bad_input_is_status_2(args, word):
    code, _, err = in_process(*args)
    assert_usage_error(code, err, word)


def test_subprocess_entry_point_exit_codes():
    env = os.environ | {"OMP_NUM_THREADS": "1"}

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "sim", "exercise", *args]
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    failed = run("check", "see_vanishing")
    passed = run("check", "see_vanishing", "--depth", "10", "--format", "json")
    bad = run("check", "see_vanishing", "--lr", "-1")
    assert failed.returncode == 1, failed.stderr
    assert passed.returncode == 0 and json.loads(passed.stdout)["passed"] is True
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
