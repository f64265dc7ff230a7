"""`python -m sim sweep`: first/output gradient ratios across activations and depths."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.analysis.sweep import depth_sweep
from sim.cli.common import (
    Command,
    ProgressBar,
    UsageError,
    add_config_arguments,
    add_format_argument,
    add_list_argument,
    config_from_args,
    count,
    emit,
    split_list,
)
from sim.codec import parse_value
from sim.presets import BASE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_list_argument(parser, "--activations", "sigmoid,tanh,relu")
    add_list_argument(parser, "--depths", "2,5,10,20")
    parser.add_argument("--steps", type=count(0), default=0, help="0 (default): at initialisation")
    add_config_arguments(parser, skip=("activation", "depth"))
    add_format_argument(parser)


def handle(args: argparse.Namespace) -> int:
    base = config_from_args(args, BASE)
    activations = [_checked("activation", a) for a in split_list("--activations", args.activations)]
    depths = [_checked("depth", d) for d in split_list("--depths", args.depths)]
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


SWEEP = Command("sweep", "first/output gradient ratios across depths", add_arguments, handle)
