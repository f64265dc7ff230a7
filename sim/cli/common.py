"""What every subcommand shares: config flags, list values, output formats, the progress bar,
and the one kind of error a caller can make (UsageError: one line on stderr, exit status 2)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import pandas as pd

from sim.codec import parse_value
from sim.config import FIELDS, SPECS, RunConfig, problems
from sim.presets import ALL_PRESETS
from sim.train.result import Progress

FORMATS = ("table", "csv", "json")
ALIASES = {"seq_task": ("--task",)}  # python -m sim run --arch lstm --task adding


class UsageError(Exception):
    """A mistake of the caller's: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage + message over two lines
        raise UsageError(message)


@dataclass(frozen=True)
class Command:
    name: str
    help: str  # one line in `--help`
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]  # returns the exit status


# ---------------------------------------------------------------------------------------------
# Arguments


def add_config_arguments(parser: argparse.ArgumentParser, skip: Sequence[str] = ()) -> None:
    """--preset NAME and one --FIELD VALUE per RunConfig field (also spelled --field-name)."""
    parser.add_argument("--preset", choices=list(ALL_PRESETS), help="start from a named experiment")
    group = parser.add_argument_group("config fields (checked against sim.config.SPECS)")
    for name in FIELDS:
        if name in skip:
            continue
        spec = SPECS[name]
        if spec.choices:
            hint = "|".join(spec.choices)
        elif spec.kind is bool:
            hint = "true|false"
        else:
            hint = f"{spec.kind.__name__} in {spec.lo:g}..{spec.hi:g}"
        flags = [f"--{name}"] + ([f"--{name.replace('_', '-')}"] if "_" in name else [])
        flags += ALIASES.get(name, ())
        group.add_argument(*flags, dest=f"cfg_{name}", metavar="VALUE", help=hint)


def config_from_args(args: argparse.Namespace, base: RunConfig) -> RunConfig:
    """The preset (or `base`) with every --FIELD applied; UsageError if anything is off."""
    if getattr(args, "preset", None):
        base = ALL_PRESETS[args.preset].cfg
    values = {}
    for name in FIELDS:
        raw = getattr(args, f"cfg_{name}", None)
        if raw is None:
            continue
        value, problem = parse_value(name, raw)
        if problem is not None:
            raise UsageError(f"--{problem}")
        values[name] = value
    cfg = base.replace(**values)
    found = problems(cfg)
    if found:
        raise UsageError("; ".join(str(p) for p in found))
    return cfg


def add_list_argument(parser: argparse.ArgumentParser, flag: str, default: str) -> None:
    """A flag taking a list, space- or comma-separated (`a b`, `a,b`, `a, b`); see split_list."""
    help = f"space- or comma-separated (default: {default})"
    parser.add_argument(flag, nargs="+", default=[default], metavar="VALUE", help=help)


def split_list(flag: str, raw: Sequence[str]) -> list[str]:
    """The items of a list flag's raw values, split on commas as well as spaces."""
    items = [item.strip() for text in raw for item in text.split(",") if item.strip()]
    if not items:
        raise UsageError(f"{flag}: expected at least one value")
    return items


def count(low: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= low."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}")
        return value

    return parse


def add_format_argument(parser: argparse.ArgumentParser, progress: bool = True) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="default: table")
    if progress:
        parser.add_argument(
            "--progress",
            choices=("auto", "always", "never"),
            default="auto",
            help="progress bar on stderr; auto: only when stderr is a terminal",
        )


# ---------------------------------------------------------------------------------------------
# Output


def json_safe(value: Any) -> Any:
    """Plain JSON: non-finite floats become null (JSON has no NaN or Infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def emit(frame: pd.DataFrame, fmt: str, out: TextIO) -> None:
    """A frame as an aligned table, CSV, or a JSON list of records."""
    if fmt == "csv":
        frame.to_csv(out, index=False)
    elif fmt == "json":
        out.write(json.dumps(json_safe(frame.to_dict(orient="records")), indent=1) + "\n")
    else:
        out.write(frame.to_string(index=False, float_format=short) + "\n")


def short(value: float) -> str:
    return f"{value:.4g}"


class ProgressBar:
    """A one-line bar redrawn on stderr; a bar on no stream draws nothing (a null object)."""

    def __init__(self, stream: TextIO | None, width: int = 30):
        self.stream, self.width, self._shown = stream, width, 0

    @classmethod
    def for_args(cls, args: argparse.Namespace) -> ProgressBar:
        show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
        return cls(sys.stderr if show else None)

    def draw(self, done: int, total: int, note: str = "") -> None:
        if self.stream is None:
            return
        filled = round(self.width * done / max(total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        text = f"[{bar}] {done}/{total} {note}"
        self.stream.write("\r" + text.ljust(self._shown))  # pad over a longer previous line
        self.stream.flush()
        self._shown = len(text)

    def burst(self, p: Progress) -> None:  # Simulation.burst's on_progress
        self.draw(p.done, p.total, f"step {p.step} loss {p.loss:.4g} {p.seconds:.1f}s")

    def close(self) -> None:
        if self.stream is not None and self._shown:
            self.stream.write("\n")
            self.stream.flush()
