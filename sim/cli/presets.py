"""`python -m sim presets`: the named experiments, with what each changes from its base
(sim.presets.BASE, or TIME_BASE for a recurrent one)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from sim.cli.common import Command, add_format_argument, emit
from sim.presets import ALL_PRESETS, BASE, TIME_BASE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format_argument(parser, progress=False)


def handle(args: argparse.Namespace) -> int:
    rows = []
    for p in ALL_PRESETS.values():
        base = TIME_BASE if p.cfg.recurrent else BASE  # what `changes` is counted from
        changed = {k: v for k, v in p.cfg.to_dict().items() if getattr(base, k) != v}
        row = {"name": p.name, "steps": p.steps, "claim": p.claim or "", "tags": ",".join(p.tags)}
        if args.format == "json":
            row["config"] = p.cfg.to_dict()
        else:
            row["changes"] = " ".join(f"{k}={v}" for k, v in changed.items())
        rows.append(row)
    emit(pd.DataFrame(rows), args.format, sys.stdout)
    return 0


PRESETS_COMMAND = Command("presets", "list the named experiments", add_arguments, handle)
