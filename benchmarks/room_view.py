"""The teacher view of a room of thirty, as one refresh of its fragment builds it: the store's
view, the learners x exercises table, the remedies table and the pass-rate chart's spec (with
its Arrow data, what Streamlit sends).

    python -m benchmarks.room_view [--learners 30] [--checks 20] [--repeats 20]

The room is filled through the store on a temporary SQLite file (every learner checks every
exercise in turn, with a changed depth and learning rate, a third of them passing). Figures,
not a test: the median and the slowest of the repeats, per part and in all.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.room_load import UNLIMITED, fresh_sqlite
from classroom import exercises
from classroom.store import open_store
from ui.charts.room import pass_rate_chart
from ui.charts.spec import with_arrow_data
from ui.common.i18n import translator
from ui.room import frames


def fill(store, learners: int, checks: int) -> tuple[str, str]:
    new = store.create_room("Benchmark", None)
    code, starts = new.room.code, exercises.starts()
    ids = list(new.room.exercises)
    for n in range(learners):
        token = store.join(code, f"learner {n}").token
        for k in range(checks):
            ex = ids[(n + k) % len(ids)]
            cfg = {**starts[ex], "depth": 2 + k % 9, "lr": 0.001 * (1 + n % 5)}
            store.record_check(code, token, ex, cfg, {"loss": 0.1 * k}, k % 3 == 0, f"{k}")
    return code, new.teacher_key


def refresh(store, code: str, key: str, tr, titles) -> dict[str, float]:
    """One refresh of the teacher view, timed part by part (seconds)."""
    times, t0 = {}, time.perf_counter()
    view = store.view(code, key)
    times["store view"], t0 = time.perf_counter() - t0, time.perf_counter()
    frames.grid(view, titles, tr)
    times["learners table"], t0 = time.perf_counter() - t0, time.perf_counter()
    frames.remedies(view, titles, tr)
    times["remedies table"], t0 = time.perf_counter() - t0, time.perf_counter()
    with_arrow_data(pass_rate_chart(view.pass_rates, titles, tr))
    times["pass-rate chart"] = time.perf_counter() - t0
    times["in all"] = sum(times.values())
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--learners", type=int, default=30)
    p.add_argument("--checks", type=int, default=20, help="checks per learner")
    p.add_argument("--repeats", type=int, default=20)
    args = p.parse_args()
    tr, titles = translator("en"), frames.exercise_titles("en")
    with fresh_sqlite() as url:
        store = open_store(url, limits=UNLIMITED)
        code, key = fill(store, args.learners, args.checks)
        refresh(store, code, key, tr, titles)  # warm: imports, first queries
        runs = [refresh(store, code, key, tr, titles) for _ in range(args.repeats)]
        store.dispose()
    print(
        f"teacher view, room of {args.learners} learners x {args.checks} checks "
        f"(SQLite, {args.repeats} refreshes):"
    )
    for part in runs[0]:
        values = [r[part] * 1000 for r in runs]
        print(f"  {part:16s} p50 {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms")


if __name__ == "__main__":
    main()
