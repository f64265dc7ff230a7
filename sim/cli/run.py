"""`python -m sim run`: train one network and report what happened."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TextIO

import pandas as pd

from sim.analysis.sweep import steps_over_budget
from sim.cli.common import (
    Command,
    ProgressBar,
    UsageError,
    add_config_arguments,
    add_format_argument,
    config_from_args,
    count,
    emit,
    json_safe,
    short,
)
from sim.config import DEFAULT
from sim.device import REASONS
from sim.history import LAYER_METRICS, TIME_METRICS
from sim.presets import ALL_PRESETS
from sim.train.simulation import DEFAULT_STATS_EVERY, Simulation


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_arguments(parser)
    parser.add_argument(
        "--steps", type=count(1), help="optimiser steps (default: the preset's, else 100)"
    )
    parser.add_argument(
        "--stats-every",
        type=count(1),
        default=DEFAULT_STATS_EVERY,
        help=f"record per-layer statistics every K steps (default {DEFAULT_STATS_EVERY})",
    )
    add_format_argument(parser)


def handle(args: argparse.Namespace) -> int:
    cfg = config_from_args(args, DEFAULT)
    steps = args.steps or (ALL_PRESETS[args.preset].steps if args.preset else 100)
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
        _table(sim, summary, findings, out)
    return 0


def _table(sim: Simulation, summary: dict, findings: list[dict], out: TextIO) -> None:
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
    if cfg.recurrent:
        _time_tables(sim, out)
    elif (layers := sim.records.latest_layers()) is not None:
        step = int(sim.records.rec_steps[-1])
        table = pd.DataFrame({m: layers[m] for m in LAYER_METRICS})
        table.insert(0, "layer", range(1, len(table) + 1))
        out.write(f"\nper layer at step {step} (layer {cfg.depth + 1} is the output layer):\n")
        emit(table, "table", out)
    out.write("\nfindings:\n")
    for f in findings:
        numbers = " ".join(
            f"{k}={short(v) if isinstance(v, float) else v}" for k, v in f["values"].items()
        )
        where = f" layer {f['layer']}" if f["layer"] is not None else ""
        out.write(f"  {f['code']} ({f['severity']}){where} {numbers}".rstrip() + "\n")


WEIGHT_METRICS = ("grad_norm", "weight_norm", "update_ratio")
MATRICES = ("input", "recurrent", "head")  # a recurrent network's layers 1..3 (sim.history)


def _time_tables(sim: Simulation, out: TextIO) -> None:
    """A recurrent run: per weight matrix, and through time at a handful of time steps."""
    records = sim.records
    if not len(records.rec_steps):
        return
    step, layers = int(records.rec_steps[-1]), records.latest_layers()
    table = pd.DataFrame({"matrix": MATRICES} | {m: layers[m] for m in WEIGHT_METRICS})
    out.write(f"\nper weight matrix at step {step}:\n")
    emit(table, "table", out)
    t_len = records.n_times
    shown = sorted({1, 2, t_len // 4, t_len // 2, (3 * t_len) // 4, t_len - 1, t_len} - {0})
    at = [t - 1 for t in shown]
    times = pd.DataFrame({"t": shown} | {m: records.rec_times[-1, i, at] for i, m in
                                          enumerate(TIME_METRICS)})  # fmt: skip
    out.write(f"\nthrough time at step {step} (t = 1 is the first time step):\n")
    emit(times, "table", out)


RUN = Command("run", "train one network and report what happened", add_arguments, handle)
