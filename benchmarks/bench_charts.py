"""Which chart idiom is faster for what a screen does per rerun? In one process, interleaved:

  (a) altair  a Compare loss overlay built with Altair and drawn by st.altair_chart (which
              serialises it with to_dict, schema validation included, and its data as Arrow)
  (b) dict    the same chart as ui.charts writes it (a plain dict) and draws it with
              ui.charts.show (datasets as Arrow tables, st.vega_lite_chart)

Both start from the same rows (3 runs x 200 steps) and stop where Streamlit has the element
(bare mode: no page to send it to). The Altair version is kept here only as the reference
measured against; the app draws every chart as in (b). Prints medians and a/b.

    python -m benchmarks.bench_charts
    python -m benchmarks.bench_charts --rounds 30
"""

from __future__ import annotations

import argparse
import logging
import statistics

import altair as alt
import streamlit as st

from benchmarks.bench_compare import interleaved
from sim.analysis.compare import Comparison, vary
from sim.config import DEFAULT
from ui.charts import show
from ui.charts.base import log_domain, run_metric, thin
from ui.charts.compare import RUN_COLORS, loss_overlay
from ui.charts.spec import log_axis
from ui.common.i18n import translator

STEPS = 200
LABELS = ["1 · sigmoid", "2 · tanh", "3 · relu"]


def altair_loss_overlay(frame, labels, tr) -> alt.LayerChart:
    """The loss overlay in Altair's idiom, as the Compare screen drew it before the port."""
    rows = run_metric(frame, "loss", labels, layers=False)
    rows = thin(rows, 5000 // (2 * len(labels)))
    lo, hi = log_domain(rows["value"].to_numpy())
    rows["value"] = rows["value"].clip(lower=lo)
    numbers = [str(i + 1) for i in range(len(labels))]
    color = alt.Color(
        "run_no:N",
        scale=alt.Scale(domain=numbers, range=list(RUN_COLORS[: len(labels)])),
        legend=alt.Legend(title=tr("compare.run"), orient="top", direction="horizontal"),
    )
    axis = log_axis(tr("charts.loss_axis"), lo, hi)
    chart = (
        alt.Chart(rows)
        .mark_line(strokeWidth=1.6, clip=True)
        .encode(
            x=alt.X("step:Q", title=tr("charts.step")),
            y=alt.Y("value:Q", scale=alt.Scale(type="log", domain=[lo, hi]), axis=alt.Axis(**axis)),
            color=color,
            tooltip=[
                alt.Tooltip("run_label:N", title=tr("compare.run")),
                alt.Tooltip("step:Q", title=tr("charts.step")),
                alt.Tooltip("value:Q", title=tr("charts.loss"), format=".4g"),
            ],
        )
        .properties(height=260, title=alt.TitleParams(tr("compare.loss_title"), anchor="start"))
    )
    return chart


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # bare mode's warnings
    comparison = Comparison(vary(DEFAULT, "activation", len(LABELS)))
    comparison.burst(STEPS)
    frame, tr, slot = comparison.frame(), translator("en"), st.container()
    jobs = {
        "altair": lambda: slot.altair_chart(
            altair_loss_overlay(frame, LABELS, tr), width="stretch"
        ),
        "dict": lambda: show(slot, loss_overlay(frame, LABELS, tr)),
    }
    times = interleaved(jobs, args.rounds)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"one Compare loss overlay, {len(LABELS)} runs x {STEPS} steps, {args.rounds} rounds:")
    for name, seconds in med.items():
        print(
            f"  {name:6s} median {seconds * 1000:7.2f} ms  (min {min(times[name]) * 1000:.2f} ms)"
        )
    print(f"altair / dict: {med['altair'] / med['dict']:.1f}x")


if __name__ == "__main__":
    main()
