"""`python -m lessons exercise list|show|check`: exit 0 on pass, 1 on fail, 2 on bad input, one
line on stderr and no traceback for a mistake; every verb in English and Chinese; a --preset
that replaces the exercise's start is said on stderr. In-process through lessons.cli.main
(fast), plus one real subprocess for the entry point."""

from __future__ import annotations

import io
import json
import os
import string
import subprocess
import sys
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from lessons import cli
from lessons.content import CONTENT, LANGS
from lessons.exercises.loading import EXERCISES

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
    assert "exercise" in [c.name for c in cli.COMMANDS]


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
        cmd = [sys.executable, "-m", "lessons", "exercise", *args]
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    failed = run("check", "see_vanishing")
    passed = run("check", "see_vanishing", "--depth", "10", "--format", "json")
    bad = run("check", "see_vanishing", "--lr", "-1")
    assert failed.returncode == 1, failed.stderr
    assert passed.returncode == 0 and json.loads(passed.stdout)["passed"] is True
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# ---------------------------------------------------------------------------------------------
# Both languages, and a preset that replaces the start


def test_cli_words_have_the_same_keys_and_placeholders_in_both_languages():
    doc = tomllib.loads((CONTENT / "cli.toml").read_text(encoding="utf-8"))
    assert set(doc) == set(LANGS)

    def names(text: str) -> set[str]:
        return {n for _, n, _, _ in string.Formatter().parse(text) if n}

    for key, en in doc["en"].items():
        assert en and doc["zh"].get(key), key
        assert names(en) == names(doc["zh"][key]), key
    assert set(doc["en"]) == set(doc["zh"])


def test_check_speaks_chinese():
    """Before --lang reached `check`, its verdict, marks and framing were English only."""
    code, out, _ = in_process("check", "fix_by_activation", "--lang", "zh")
    zh = cli.words("zh")
    assert code == 1 and zh["not_yet"] in out and zh["mark_fail"] in out
    assert "NOT YET" not in out and "FAIL" not in out and "yours is" not in out
    assert "activation" in out  # field names stay identifiers


def test_a_passed_check_explains_in_the_chosen_language():
    ex = EXERCISES["fix_keep_activation"]
    code, out, _ = in_process("check", ex.id, "--norm", "batchnorm", "--lang", "zh")
    assert code == 0, out
    assert cli.words("zh")["passed"] in out and "PASSED" not in out
    assert ex.text["zh"].explanation in out and ex.text["en"].explanation not in out


@pytest.mark.parametrize("lang", LANGS)
def test_a_preset_replacing_the_start_is_said_on_stderr(lang):
    """Before, `check ID --preset NAME` judged NAME instead of the exercise's start, silently."""
    args = ("check", "fix_by_activation", "--preset", "relu_he", "--lang", lang)
    code, out, err = in_process(*args)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert (
        "relu_he" in lines[0]
        and "fix_by_activation" in lines[0]
        and "sigmoid_vanishing" in lines[0]
    )
    assert lines[0] == cli.say(
        lang,
        "preset_replaces",
        preset="relu_he",
        id="fix_by_activation",
        start=cli.start_text(EXERCISES["fix_by_activation"]),
    )
    assert code in (0, 1) and out  # the preset is still judged, under the exercise's rules


def test_no_notice_without_a_preset():
    code, _, err = in_process("check", "fix_by_activation")
    assert code == 1 and err == ""


def test_show_names_the_starting_experiment():
    """Before, `show` printed "(PRESET with (the starting experiment))", never the changes."""
    ex = EXERCISES["explode_and_clip"]
    assert ex.start
    for lang in LANGS:
        code, out, _ = in_process("show", ex.id, "--lang", lang)
        assert code == 0 and ex.preset in out
        assert all(f"{k}={v}" in out for k, v in ex.start.items())
        assert f"python -m lessons exercise check {ex.id}" in out


def test_show_and_list_speak_chinese():
    ex = EXERCISES["see_vanishing"]
    code, out, _ = in_process("show", ex.id, "--lang", "zh")
    assert code == 0 and ex.text["zh"].title in out and cli.words("zh")["hints"] in out
    assert "hints" not in out and "goal:" not in out
    code, out, _ = in_process("list", "--lang", "zh")
    assert code == 0 and all(e.text["zh"].title in out for e in EXERCISES.values())


def test_an_unknown_exercise_is_said_in_the_chosen_language():
    code, _, err = in_process("check", "no_such_exercise", "--lang", "zh")
    assert_usage_error(code, err, "no_such_exercise")
    assert "没有练习" in err
