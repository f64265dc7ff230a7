"""`python -m sim sweep`: first/output gradient ratios across activations and depths, or, with
--seq_lens (or --archs), the signal through time across cells and sequence lengths
(sim.cli.sweep_time)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sim.analysis.sweep import depth_sweep
from sim.cli import sweep_time
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
from sim.presets import BASE, TIME_BASE

TIME_ARCHS, TIME_LENS = "rnn,lstm,gru", "10,25,50,100"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_list_argument(parser, "--activations", "sigmoid,tanh,relu")
    add_list_argument(parser, "--depths", "2,5,10,20")
    time = "through time: sequence lengths (default with --archs: " + TIME_LENS + ")"
    parser.add_argument("--seq_lens", "--seq-lens", nargs="+", metavar="VALUE", help=time)
    cells = "through time: cells, of rnn|lstm|gru (default with --seq_lens: " + TIME_ARCHS + ")"
    parser.add_argument("--archs", nargs="+", metavar="VALUE", help=cells)
    parser.add_argument("--steps", type=count(0), default=0, help="0 (default): at initialisation")
    add_config_arguments(parser, skip=("activation", "depth", "arch", "seq_len"))
    add_format_argument(parser)


def handle(args: argparse.Namespace) -> int:
    if args.seq_lens or args.archs:
        return _through_time(args)
    base = config_from_args(args, BASE)
    activations = [_checked("activation", a) for a in split_list("--activations", args.activations)]
    depths = [_checked("depth", d) for d in split_list("--depths", args.depths)]
    return _table(
        args,
        lambda on_network: depth_sweep(
            activations, depths, base.init, args.steps, base, base.seed, on_network
        ),
    )


def _through_time(args: argparse.Namespace) -> int:
    base = config_from_args(args, TIME_BASE)  # an MLP preset gives its width, batch, seed...
    activations = [_checked("activation", a) for a in split_list("--activations", args.activations)]
    archs = [_checked("arch", a) for a in split_list("--archs", args.archs or [TIME_ARCHS])]
    if "mlp" in archs:
        raise UsageError("--archs: through time takes rnn, lstm or gru (mlp: use --depths)")
    lens = [_checked("seq_len", t) for t in split_list("--seq_lens", args.seq_lens or [TIME_LENS])]
    return _table(
        args,
        lambda on_network: sweep_time.time_sweep(
            sweep_time.time_configs(archs, activations, lens, base), args.steps, on_network
        ),
    )


def _table(args: argparse.Namespace, sweep: Callable[[Callable[[int, int], None]], Any]) -> int:
    """Run `sweep(on_network)` under a progress bar and print its frame; a config or step count
    over the budget is a usage error."""
    bar = ProgressBar.for_args(args)
    try:
        frame = sweep(lambda done, total: bar.draw(done, total, "networks"))
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
