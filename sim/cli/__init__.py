"""Command line: the same engine the app uses, for a terminal or a workshop.

    python -m sim run --preset sigmoid_vanishing --steps 300 --format table
    python -m sim run --depth 20 --activation relu --init kaiming_normal --steps 200 --format json
    python -m sim sweep --activations sigmoid tanh relu --depths 5 10 20 --init default
    python -m sim presets

A bad flag or value, or a config over the compute budget, prints ONE line on stderr and exits
with status 2; nothing raises at the user.

Adding a subcommand: write a `Command` in its own module (use the helpers below:
`add_config_arguments`, `config_from_args`, `add_format_argument`, `emit`, `UsageError`) and
list it in `commands()`, importing it inside the function so that module may import this one
(as lessons/cli.py does).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import pandas as pd

from sim.analysis.sweep import depth_sweep, steps_over_budget
from sim.codec import parse_value
from sim.config import DEFAULT, FIELDS, SPECS, RunConfig, problems
from sim.device import REASONS
from sim.history import LAYER_METRICS
from sim.presets import BASE, PRESETS
from sim.train.simulation import DEFAULT_STATS_EVERY, Progress, Simulation

FORMATS = ("table", "csv", "json")


class UsageError(Exception):
    """A mistake of the caller's: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage + message over two lines
        raise UsageError(message)


@dataclass(frozen=True)
class Command:
    name: str
    help: str  # one line in `python -m sim --help`
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]  # returns the exit status


# ---------------------------------------------------------------------------------------------
# Helpers a subcommand can share


def add_config_arguments(parser: argparse.ArgumentParser, skip: Sequence[str] = ()) -> None:
    """--preset NAME and one --FIELD VALUE per RunConfig field (also spelled --field-name)."""
    parser.add_argument("--preset", choices=list(PRESETS), help="start from a named experiment")
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
        group.add_argument(*flags, dest=f"cfg_{name}", metavar="VALUE", help=hint)


def config_from_args(args: argparse.Namespace, base: RunConfig) -> RunConfig:
    """The preset (or `base`) with every --FIELD applied; UsageError if anything is off."""
    if getattr(args, "preset", None):
        base = PRESETS[args.preset].cfg
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


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="default: table")
    parser.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr; auto: only when stderr is a terminal",
    )


def _count(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}")
        return value

    return parse


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
        out.write(frame.to_string(index=False, float_format=_g) + "\n")


def _g(value: float) -> str:
    return f"{value:.4g}"


class ProgressBar:
    """A one-line bar redrawn on stderr; `ProgressBar.off()` is a null object."""

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


# ---------------------------------------------------------------------------------------------
# run


def _add_run(parser: argparse.ArgumentParser) -> None:
    add_config_arguments(parser)
    parser.add_argument(
        "--steps", type=_count(1), help="optimiser steps (default: the preset's, else 100)"
    )
    parser.add_argument(
        "--stats-every",
        type=_count(1),
        default=DEFAULT_STATS_EVERY,
        help=f"record per-layer statistics every K steps (default {DEFAULT_STATS_EVERY})",
    )
    add_format_argument(parser)


def _run(args: argparse.Namespace) -> int:
    cfg = config_from_args(args, DEFAULT)
    steps = args.steps or (PRESETS[args.preset].steps if args.preset else 100)
    if (why := steps_over_budget(cfg, steps)) is not None:
        raise UsageError(why)
    sim = Simulation(cfg, stats_every=args.stats_every)
    bar = ProgressBar.for_args(args)
    try:
        # A callback also makes the burst flush to the host every 5%, bar or no bar.
        result = sim.burst(steps, on_progress=bar.burst)
        bar.draw(result.steps_run, steps, f"step {sim.step} {result.seconds:.1f}s")
    finally:
        bar.close()
    summary = dataclasses.asdict(result) | {
        "steps_per_s": result.steps_per_s,
        "step": sim.step,
        "device": str(sim.device),
        "device_reason": sim.device_choice.reason,
        "preset": args.preset,
    }
    findings = [dataclasses.asdict(f) for f in sim.findings()]
    out = sys.stdout
    if args.format == "json":
        doc = {
            "config": cfg.to_dict(),
            "result": summary,
            "history": sim.history.astype({"metric": str}).to_dict(orient="records"),
            "findings": findings,
        }
        out.write(json.dumps(json_safe(doc), indent=1) + "\n")
    elif args.format == "csv":
        sim.history.to_csv(out, index=False)
    else:
        _run_table(sim, summary, findings, out)
    return 0


def _run_table(sim: Simulation, summary: dict, findings: list[dict], out: TextIO) -> None:
    cfg = sim.cfg
    changed = {k: v for k, v in cfg.to_dict().items() if getattr(DEFAULT, k) != v}
    out.write("config: " + " ".join(f"{k}={v}" for k, v in changed.items()) + "\n")
    device = f"{summary['device']} ({REASONS.get(summary['device_reason'], '')})"
    line = f"ran {summary['steps_run']} steps in {summary['seconds']:.2f} s on {device}"
    if summary["diverged"]:
        line += (
            f"; diverged at step {summary['diverged_step']}, layer "
            f"{summary['diverged_layer']} ({summary['diverged_where']})"
        )
    out.write(line + "\n")
    frame = sim.history
    if len(frame):
        last = frame[frame["layer"] == 0].groupby("metric", observed=True)["value"].last()
        out.write("  ".join(f"{m} {v:.4g}" for m, v in last.items()) + "\n")
    layers = sim.records.latest_layers()
    if layers is not None:
        step = int(sim.records.rec_steps[-1])
        table = pd.DataFrame({m: layers[m] for m in LAYER_METRICS})
        table.insert(0, "layer", range(1, len(table) + 1))
        out.write(f"\nper layer at step {step} (layer {cfg.depth + 1} is the output layer):\n")
        emit(table, "table", out)
    out.write("\nfindings:\n")
    for f in findings:
        numbers = " ".join(
            f"{k}={_g(v) if isinstance(v, float) else v}" for k, v in f["values"].items()
        )
        where = f" layer {f['layer']}" if f["layer"] is not None else ""
        out.write(f"  {f['code']} ({f['severity']}){where} {numbers}".rstrip() + "\n")


# ---------------------------------------------------------------------------------------------
# sweep


def _add_sweep(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--activations", nargs="+", default=["sigmoid", "tanh", "relu"])
    parser.add_argument("--depths", nargs="+", default=["2", "5", "10", "20"])
    parser.add_argument("--steps", type=_count(0), default=0, help="0 (default): at initialisation")
    add_config_arguments(parser, skip=("activation", "depth"))
    add_format_argument(parser)


def _sweep(args: argparse.Namespace) -> int:
    base = config_from_args(args, BASE)
    activations = [_checked("activation", a) for a in args.activations]
    depths = [_checked("depth", d) for d in args.depths]
    bar = ProgressBar.for_args(args)
    try:
        frame = depth_sweep(
            activations,
            depths,
            init=base.init,
            steps=args.steps,
            base=base,
            seed=base.seed,
            on_network=lambda done, total: bar.draw(done, total, "networks"),
        )
    except ValueError as exc:  # ConfigError included: a combination over the budget
        raise UsageError(str(exc)) from None
    finally:
        bar.close()
    emit(frame, args.format, sys.stdout)
    return 0


def _checked(name: str, raw: str) -> Any:
    value, problem = parse_value(name, raw)
    if problem is not None:
        raise UsageError(f"--{name}s: {str(problem).split(': ', 1)[1]}")
    return value


# ---------------------------------------------------------------------------------------------
# presets


def _add_presets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="default: table")


def _presets(args: argparse.Namespace) -> int:
    rows = []
    for p in PRESETS.values():
        changed = {k: v for k, v in p.cfg.to_dict().items() if getattr(BASE, k) != v}
        row = {"name": p.name, "steps": p.steps, "claim": p.claim or "", "tags": ",".join(p.tags)}
        if args.format == "json":
            row["config"] = p.cfg.to_dict()
        else:
            row["changes"] = " ".join(f"{k}={v}" for k, v in changed.items())
        rows.append(row)
    emit(pd.DataFrame(rows), args.format, sys.stdout)
    return 0


# ---------------------------------------------------------------------------------------------
# Entry


def commands() -> list[Command]:
    """Every subcommand, in --help order. A new one lives in its own module and is listed here,
    imported inside this function (so that its module may import this one)."""
    from lessons.cli import EXERCISE

    return [
        Command("run", "train one network and report what happened", _add_run, _run),
        Command("sweep", "first/output gradient ratios across depths", _add_sweep, _sweep),
        Command("presets", "list the named experiments", _add_presets, _presets),
        EXERCISE,
    ]


def build_parser(cmds: Sequence[Command]) -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sim", description=__doc__.split("\n")[0], allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in cmds:
        child = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help, allow_abbrev=False)
        cmd.add_arguments(child)
        child.set_defaults(handler=cmd.handler)
    return parser


def main(argv: Sequence[str] | None = None, cmds: Sequence[Command] | None = None) -> int:
    parser = build_parser(commands() if cmds is None else cmds)
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except UsageError as exc:
        print(f"python -m sim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m sim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, which is not an error
        # Point stdout at /dev/null so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
