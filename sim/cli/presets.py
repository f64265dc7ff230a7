"""`python -m sim presets`: the named experiments, with what each changes from the base."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from sim.cli.common import Command, add_format_argument, emit
from sim.presets import BASE, PRESETS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format_argument(parser, progress=False)


def handle(args: argparse.Namespace) -> int:
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


PRESETS_COMMAND = Command("presets", "list the named experiments", add_arguments, handle)
