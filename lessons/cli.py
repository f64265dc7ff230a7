"""`python -m sim exercise ...`: the workshop's exercises from a terminal or a notebook.

    python -m sim exercise list
    python -m sim exercise show fix_keep_activation --lang zh
    python -m sim exercise check fix_keep_activation --norm batchnorm
    python -m sim exercise check explode_and_clip --init normal --init_std 0.25 --lr 0.05 \\
        --clip norm --format json

`check` starts from the exercise's starting experiment, applies every --FIELD VALUE, and judges
the result with the same check the app runs. Exit status: 0 passed, 1 not yet, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

import pandas as pd

from lessons.exercises.checks import METRICS, CheckResult
from lessons.exercises.loading import EXERCISES, LANGS, Exercise, check
from sim.cli import (
    FORMATS,
    Command,
    UsageError,
    add_config_arguments,
    config_from_args,
    emit,
    json_safe,
)

SHOWN_METRICS = ("steps", "diverged", "loss", "test_acc", "signal_ratio", "grad_norm_max")


def _exercise(ex_id: str) -> Exercise:
    if ex_id not in EXERCISES:
        raise UsageError(f"no exercise {ex_id!r}; `python -m sim exercise list` lists them")
    return EXERCISES[ex_id]


def _changes(ex: Exercise, cfg) -> str:
    start = ex.start_config
    changed = {k: v for k, v in cfg.to_dict().items() if getattr(start, k) != v}
    return " ".join(f"{k}={v}" for k, v in changed.items()) or "(the starting experiment)"


# ---------------------------------------------------------------------------------------------
# list, show


def _list(args: argparse.Namespace) -> int:
    rows = []
    for ex in EXERCISES.values():
        row = {"id": ex.id, "level": ex.level, "title": ex.text[args.lang].title}
        row["start"] = f"{ex.preset} " + " ".join(f"{k}={v}" for k, v in ex.start.items())
        rows.append(row)
    emit(pd.DataFrame(rows), args.format, sys.stdout)
    return 0


def _show(args: argparse.Namespace) -> int:
    ex = _exercise(args.id)
    text = ex.text[args.lang]
    out = sys.stdout
    if args.format == "json":
        doc = {"id": ex.id, "level": ex.level, "start": ex.start_config.to_dict()}
        doc |= {k: getattr(text, k) for k in ("title", "story", "goal", "constraints", "hints")}
        out.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        return 0
    out.write(f"{text.title}  [{ex.id}, level {ex.level}]\n\n{text.story}\n\n")
    out.write(f"goal: {text.goal}\n\nconstraints: {text.constraints}\n\n")
    out.write(f"start: python -m sim exercise check {ex.id} [--FIELD VALUE ...]\n")
    out.write(f"       ({ex.preset} with {_changes(ex, ex.start_config)})\n")
    out.write("\nhints (read one at a time):\n")
    for i, hint in enumerate(text.hints, 1):
        out.write(f"  {i}. {hint}\n")
    return 0


# ---------------------------------------------------------------------------------------------
# check


def _check(args: argparse.Namespace) -> int:
    ex = _exercise(args.id)
    cfg = config_from_args(args, ex.start_config)
    result = check(ex, cfg)
    if args.format == "json":
        sys.stdout.write(json.dumps(json_safe(result.to_dict()), indent=1) + "\n")
    else:
        write_table(ex, result, sys.stdout)
    return 0 if result.passed else 1


def write_table(ex: Exercise, result: CheckResult, out: TextIO) -> None:
    verdict = "PASSED" if result.passed else "NOT YET"
    out.write(f"{ex.id}: {verdict} ({result.seconds:.1f} s)\n")
    out.write(f"config: {_changes(ex, result.cfg)}\n\n")
    for outcome in result.outcomes:
        out.write(f"  {outcome}\n")
    if result.runs:
        rows = [
            {"run": name, "source": ev.source} | {m: ev.numbers[m] for m in SHOWN_METRICS}
            for name, ev in result.runs.items()
        ]
        out.write("\n")
        emit(pd.DataFrame(rows), "table", out)
    if result.passed:
        out.write("\n" + ex.text["en"].explanation + "\n")


# ---------------------------------------------------------------------------------------------
# Wiring


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="exercise_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="the exercises, easy to hard")
    listing.add_argument("--format", choices=FORMATS, default="table", help="default: table")
    listing.add_argument("--lang", choices=LANGS, default="en")
    listing.set_defaults(exercise_handler=_list)
    show = sub.add_parser("show", help="story, goal, constraints and hints of one exercise")
    show.add_argument("id", help="an exercise id from `list`")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.add_argument("--lang", choices=LANGS, default="en")
    show.set_defaults(exercise_handler=_show)
    checking = sub.add_parser(
        "check",
        help="judge a config (the exercise's start plus --FIELD VALUE changes)",
        description=f"Exit status 0 passed, 1 not yet, 2 bad input. Metrics: {', '.join(METRICS)}",
    )
    checking.add_argument("id", help="an exercise id from `list`")
    add_config_arguments(checking)
    checking.add_argument("--format", choices=("table", "json"), default="table")
    checking.set_defaults(exercise_handler=_check)


def _handler(args: argparse.Namespace) -> int:
    return args.exercise_handler(args)


EXERCISE = Command("exercise", "workshop exercises: list, show, check", _add_arguments, _handler)
