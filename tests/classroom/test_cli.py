"""`python -m classroom create|show|close|delete`: exit 0, or one line on stderr and exit 2.
In-process through classroom.cli.main (fast), plus one real subprocess for the entry point."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from classroom.store import open_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADLAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GRADLAB_DATABASE_URL", raising=False)
    return tmp_path


def cli(*args: str) -> tuple[int, str, str]:
    from classroom import cli as module

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = module.main(list(args))
    return code, out.getvalue(), err.getvalue()


def one_line_error(result, word: str) -> None:
    code, out, err = result
    assert code == 2 and out == "", result
    assert len(err.strip().splitlines()) == 1 and word in err and "Traceback" not in err, err


def created(*extra: str) -> dict:
    code, out, err = cli("create", "--title", "Tue", *extra, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_create_then_show_close_delete():
    room = created("--exercises", "see_vanishing,fix_keep_activation", "adam_vs_sgd")
    assert room["exercises"] == ["see_vanishing", "fix_keep_activation", "adam_vs_sgd"]
    code, key = room["room"], room["teacher_key"]
    store = open_store()
    ann = store.join(code, "Ann")
    store.record_check(code, ann.token, "see_vanishing", {}, {}, True)
    store.dispose()
    status, table, _ = cli("show", code, "--key", key)
    assert status == 0 and "pass/1" in table and "Ann" in table
    shown = json.loads(cli("show", code, "--key", key, "--format", "json")[1])
    assert shown["learners"][0]["exercises"]["see_vanishing"] == {
        "passed": True,
        "attempts": 1,
        "last_try": shown["learners"][0]["exercises"]["see_vanishing"]["last_try"],
    }
    grid = list(csv.reader(io.StringIO(cli("show", code, "--key", key, "--format", "csv")[1])))
    assert grid[1][:2] == ["1", "Ann"] and len(grid) == 2
    assert "checks" in json.loads(
        cli("show", code, "--key", key, "--format", "json", "--checks")[1]
    )
    assert cli("close", code, "--key", key)[0] == 0
    assert json.loads(cli("show", code, "--key", key, "--format", "json")[1])["closed"]
    assert cli("delete", code, "--key", key)[0] == 0
    one_line_error(cli("show", code, "--key", key), "no room")


def test_all_exercises_by_default_and_a_text_format():
    code, out, _ = cli("create", "--title", "All")
    assert code == 0 and out.startswith("room ") and "teacher key " in out
    assert len(created()["exercises"]) >= 8


@pytest.mark.parametrize(
    "args, word",
    [
        (("show", "K7Q-M3X-P9W", "--key", "k"), "no room"),
        (("close", "nonsense", "--key", "k"), "no room"),
        (("create", "--title", "T", "--exercises", "nope"), "nope"),
        (("create", "--title", "\x00"), "title"),
        (("create", "--title", "T", "--bogus"), "--bogus"),
        (("show", "K7Q-M3X-P9W"), "--key"),
        (("show", "K7Q-M3X-P9W", "--key", "k", "--format", "xml"), "xml"),
        (("explode",), "explode"),
        ((), "command"),
    ],
)
def test_a_mistake_is_one_line_and_exit_2(args, word):
    one_line_error(cli(*args), word)


def test_a_wrong_key_is_one_line_and_exit_2():
    room = created()
    for cmd in ("show", "close", "delete"):
        one_line_error(cli(cmd, room["room"], "--key", room["teacher_key"][:-1]), "teacher key")
    assert cli("show", room["room"], "--key", room["teacher_key"])[0] == 0  # nothing changed


def test_the_entry_point_in_a_subprocess(data_dir):
    env = {**os.environ, "GRADLAB_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "classroom"]
    done = subprocess.run(
        [*run, "create", "--title", "T", "--exercises", "see_vanishing", "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    room = json.loads(done.stdout)
    wrong = subprocess.run(
        [*run, "show", room["room"], "--key", "wrong"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1
    assert (data_dir / "classroom.sqlite3").exists()
