"""Command line: the same engine the app uses, for a terminal.

    python -m sim run --preset sigmoid_vanishing --steps 300 --format table
    python -m sim run --depth 20 --activation relu --init kaiming_normal --steps 200 --format json
    python -m sim sweep --activations sigmoid,tanh,relu --depths 5 10 20 --init default
    python -m sim presets

A bad flag or value, or a config over the compute budget, prints ONE line on stderr and exits
with status 2; nothing raises at the user.

Adding a subcommand: write a `Command` in its own module with the helpers of sim.cli.common
(`add_config_arguments`, `config_from_args`, `add_format_argument`, `emit`, `UsageError`) and
list it in `commands()`. Another package's command line (`python -m lessons`) builds its own with
`main(argv, its_commands, prog=...)`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

# what another package's command line builds on (lessons/cli.py), and the tests
from sim.cli.common import (
    FORMATS,
    Command,
    Parser,
    UsageError,
    add_config_arguments,
    config_from_args,
    emit,
    json_safe,
    split_list,
)
from sim.cli.presets import PRESETS_COMMAND
from sim.cli.run import RUN
from sim.cli.sweep import SWEEP
from sim.config import DEFAULT

__all__ = [
    "DEFAULT",
    "FORMATS",
    "Command",
    "UsageError",
    "add_config_arguments",
    "build_parser",
    "commands",
    "config_from_args",
    "emit",
    "json_safe",
    "main",
    "split_list",
]


def commands() -> list[Command]:
    """Every subcommand of `python -m sim`, in --help order."""
    return [RUN, SWEEP, PRESETS_COMMAND]


def build_parser(
    cmds: Sequence[Command], prog: str = "python -m sim", description: str | None = None
) -> argparse.ArgumentParser:
    """The parser of `prog`: one subcommand per Command (another package's CLI passes its own)."""
    about = description or __doc__.split("\n")[0]
    parser = Parser(prog=prog, description=about, allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in cmds:
        child = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help, allow_abbrev=False)
        cmd.add_arguments(child)
        child.set_defaults(handler=cmd.handler)
    return parser


def main(
    argv: Sequence[str] | None = None,
    cmds: Sequence[Command] | None = None,
    prog: str = "python -m sim",
    description: str | None = None,
) -> int:
    """Run one command; a mistake is one line on stderr and exit status 2, never a traceback."""
    parser = build_parser(commands() if cmds is None else cmds, prog, description)
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, which is not an error
        # Point stdout at /dev/null so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
