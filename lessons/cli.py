"""`python -m lessons exercise ...`: the workshop's exercises from a terminal or a notebook.

    python -m lessons exercise list
    python -m lessons exercise show fix_keep_activation --lang zh
    python -m lessons exercise check fix_keep_activation --norm batchnorm --lang zh
    python -m lessons exercise check explode_and_clip --init normal --init_std 0.25 --lr 0.05 \\
        --clip norm --format json

`check` starts from the exercise's starting experiment, applies every --FIELD VALUE, and judges
the result with the same check the app runs. `--preset NAME` starts from that preset instead,
and says so on stderr: a learner who names a preset means to try it, but must not believe the
exercise's own start is still in play. Exit status: 0 passed, 1 not yet, 2 bad input.

Every verb takes --lang en|zh: the exercise's texts come from content/exercises/, the framing
words from content/cli.toml. Field names, metric codes and JSON keys stay identifiers.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import pandas as pd

from lessons.content import CONTENT, LANGS, read_toml
from lessons.exercises.checks import CheckResult, Outcome, run_check
from lessons.exercises.loading import EXERCISES
from lessons.exercises.model import CHECK_METRICS, Exercise
from sim.cli import (
    FORMATS,
    Command,
    UsageError,
    add_config_arguments,
    config_from_args,
    emit,
    json_safe,
)
from sim.cli import main as cli_main
from sim.config import RunConfig

PROG = "python -m lessons"
SHOWN_METRICS = ("steps", "diverged", "loss", "test_acc", "signal_ratio", "grad_norm_max")
SYMBOLS = {"eq": "=", "start": "=", "ne": "!=", "ge": ">=", "le": "<=", "in": "in"}
SYMBOLS["not_in"] = "not in"
MARKS = {True: "mark_pass", False: "mark_fail", None: "mark_info"}


@functools.cache
def words(lang: str) -> dict[str, str]:
    """The CLI's framing words in `lang` (content/cli.toml), read on first use."""
    return read_toml(CONTENT / "cli.toml")[lang]


def say(lang: str, key: str, **params: Any) -> str:
    return words(lang)[key].format(**params)


def _exercise(ex_id: str, lang: str) -> Exercise:
    if ex_id not in EXERCISES:
        raise UsageError(say(lang, "no_exercise", id=ex_id))
    return EXERCISES[ex_id]


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (tuple, list)):
        return "|".join(str(v) for v in value)
    return str(value)


def start_text(ex: Exercise) -> str:
    """The starting experiment as its preset and changes, e.g. "relu_he dataset=moons depth=10"."""
    return " ".join([ex.preset, *(f"{k}={v}" for k, v in ex.start.items())])


def _changes(ex: Exercise, cfg: RunConfig, lang: str) -> str:
    start = ex.start_config
    changed = {k: v for k, v in cfg.to_dict().items() if getattr(start, k) != v}
    return " ".join(f"{k}={v}" for k, v in changed.items()) or say(lang, "unchanged")


def outcome_line(o: Outcome, lang: str) -> str:
    """One judged line, e.g. "FAIL  activation != sigmoid: yours is sigmoid"."""
    p = o.params
    if o.kind == "config":
        line = say(lang, "rule_config", problem=p["problem"])
    elif o.kind in ("constraint", "fair"):
        key = "rule_start" if p["op"] == "start" else "rule"
        params = {"field": p["field"], "op": SYMBOLS[p["op"]]}
        if o.kind == "fair":
            key, params["vary"] = "rule_fair", ", ".join(p["vary"])
        line = say(lang, key, want=_shown(p["expected"]), got=_shown(p["got"]), **params)
    else:
        params = {"code": o.code, "metric": p["metric"], "run": p["run"]}
        if o.passed is None:
            line = say(lang, "goal_info", value=_shown(p["value"]), **params)
        else:
            params |= {"op": SYMBOLS[p["op"]], "target": _shown(p["target"])}
            line = say(lang, "goal_line", value=_shown(p["value"]), **params)
    return f"{say(lang, MARKS[o.passed])}  {line}"


# ---------------------------------------------------------------------------------------------
# list, show


def _list(args: argparse.Namespace) -> int:
    rows = [
        {"id": ex.id, "level": ex.level, "title": ex.text[args.lang].title, "start": start_text(ex)}
        for ex in EXERCISES.values()
    ]
    emit(pd.DataFrame(rows), args.format, sys.stdout)
    return 0


def _show(args: argparse.Namespace) -> int:
    lang, ex = args.lang, _exercise(args.id, args.lang)
    text, out = ex.text[lang], sys.stdout
    if args.format == "json":
        doc = {"id": ex.id, "level": ex.level, "start": ex.start_config.to_dict()}
        doc |= {k: getattr(text, k) for k in ("title", "story", "goal", "constraints", "hints")}
        out.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        return 0
    out.write(say(lang, "show_head", title=text.title, id=ex.id, level=ex.level) + "\n\n")
    out.write(f"{text.story}\n\n")
    out.write(say(lang, "goal", goal=text.goal) + "\n\n")
    out.write(say(lang, "constraints", constraints=text.constraints) + "\n\n")
    out.write(say(lang, "start", id=ex.id) + "\n")
    out.write(say(lang, "start_from", start=start_text(ex)) + "\n")
    out.write("\n" + say(lang, "hints") + "\n")
    for i, hint in enumerate(text.hints, 1):
        out.write(f"  {i}. {hint}\n")
    return 0


# ---------------------------------------------------------------------------------------------
# check


def _check(args: argparse.Namespace) -> int:
    lang, ex = args.lang, _exercise(args.id, args.lang)
    cfg = config_from_args(args, ex.start_config)
    if args.preset:
        notice = say(lang, "preset_replaces", preset=args.preset, id=ex.id, start=start_text(ex))
        print(notice, file=sys.stderr)
    result = run_check(ex, cfg)
    if args.format == "json":
        sys.stdout.write(json.dumps(json_safe(result.to_dict()), indent=1) + "\n")
    else:
        write_table(ex, result, lang, sys.stdout)
    return 0 if result.passed else 1


def write_table(ex: Exercise, result: CheckResult, lang: str, out: TextIO) -> None:
    verdict = say(lang, "passed" if result.passed else "not_yet")
    out.write(say(lang, "check_head", id=ex.id, verdict=verdict, seconds=result.seconds) + "\n")
    out.write(say(lang, "config", changes=_changes(ex, result.cfg, lang)) + "\n\n")
    for outcome in result.outcomes:
        out.write(f"  {outcome_line(outcome, lang)}\n")
    if result.runs:
        rows = [
            {"run": name, "source": ev.source} | {m: ev.numbers[m] for m in SHOWN_METRICS}
            for name, ev in result.runs.items()
        ]
        out.write("\n")
        emit(pd.DataFrame(rows), "table", out)
    if result.passed:
        out.write("\n" + ex.text[lang].explanation + "\n")


# ---------------------------------------------------------------------------------------------
# Wiring


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="exercise_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="the exercises, easy to hard")
    listing.add_argument("--format", choices=FORMATS, default="table", help="default: table")
    listing.set_defaults(exercise_handler=_list)
    show = sub.add_parser("show", help="story, goal, constraints and hints of one exercise")
    show.add_argument("id", help="an exercise id from `list`")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(exercise_handler=_show)
    checking = sub.add_parser(
        "check",
        help="judge a config (the exercise's start plus --FIELD VALUE changes)",
        description="Exit status 0 passed, 1 not yet, 2 bad input. "
        f"Metrics: {', '.join(CHECK_METRICS)}",
    )
    checking.add_argument("id", help="an exercise id from `list`")
    add_config_arguments(checking)
    checking.add_argument("--format", choices=("table", "json"), default="table")
    checking.set_defaults(exercise_handler=_check)
    for verb in (listing, show, checking):
        verb.add_argument("--lang", choices=LANGS, default="en", help="default: en")


def _handler(args: argparse.Namespace) -> int:
    return args.exercise_handler(args)


EXERCISE = Command("exercise", "workshop exercises: list, show, check", _add_arguments, _handler)
COMMANDS = (EXERCISE,)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command with sim's CLI frame: a mistake is one line on stderr and exit status 2."""
    return cli_main(argv, COMMANDS, PROG, __doc__.split("\n")[0])
