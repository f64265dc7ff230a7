"""A room of thirty under load, through the store: on SQLite, and on PostgreSQL given a URL.

    python -m benchmarks.room_load [--pg URL] [--learners 30] [--checks 20]

Thirty learners (threads, released together by a barrier) each record their checks through
one store, every fifth one sent twice with the same attempt key, as a rerun would. Then:
lost and doubled records (both must be 0), the time per recorded check (p50/p95), and the time
to build the teacher view's data (and the full export) for that room. PostgreSQL's URL comes
from --pg, else GRADLAB_TEST_PG_URL; without one only SQLite is measured. Each backend gets a
fresh database (a temporary SQLite file; a PostgreSQL schema of its own, dropped afterwards).
Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from classroom import exercises
from classroom.records import Limits
from classroom.store import Store, open_store

UNLIMITED = Limits(learner_cap=1000, checks_per_window=10**6)
REPEATS = 20  # teacher-view builds timed


@contextmanager
def fresh_pg(url: str):
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    try:
        scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        admin.dispose()


@contextmanager
def fresh_sqlite():
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'classroom.sqlite3'}"


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def load(store: Store, code: str, tokens: list[str], checks: int) -> list[float]:
    """Every learner's checks at once; the seconds each record_check took."""
    starts = exercises.starts()
    ids = [ex for ex in starts if ex in store.room(code).exercises]
    gate, times, lock, errors = threading.Barrier(len(tokens)), [], threading.Lock(), []

    def learner(n: int, token: str) -> None:
        gate.wait()
        for k in range(checks):
            ex = ids[(n + k) % len(ids)]
            cfg = {**starts[ex], "depth": 2 + k % 9, "lr": 0.001 * (1 + n % 5)}
            for _ in range(2 if k % 5 == 0 else 1):  # every fifth check resent
                t0 = time.perf_counter()
                store.record_check(code, token, ex, cfg, {"loss": 0.1 * k}, k % 3 == 0, f"{k}")
                with lock:
                    times.append(time.perf_counter() - t0)

    def guarded(n: int, token: str) -> None:
        try:
            learner(n, token)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n, t)) for n, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return times


def counted(store: Store, code: str) -> tuple[int, int]:
    """(rows recorded in the room, distinct (learner, attempt) among them)."""
    query = sa.text(
        "SELECT count(*), count(DISTINCT c.learner || '/' || c.attempt) FROM checks c"
        " JOIN learners l ON l.id = c.learner WHERE l.room = :room"
    )
    with store.engine.connect() as conn:
        rows, distinct = conn.execute(query, {"room": code}).one()
    return rows, distinct


def timed(call, repeats: int = REPEATS) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


def measure(name: str, url: str, learners: int, checks: int) -> None:
    store = open_store(url, limits=UNLIMITED)
    new = store.create_room("Load", None)
    code, key = new.room.code, new.teacher_key
    tokens = [store.join(code, f"learner {i}").token for i in range(learners)]
    times = load(store, code, tokens, checks)
    rows, distinct = counted(store, code)
    expected = learners * checks
    view = timed(lambda: store.view(code, key))
    dump = timed(lambda: store.export(code, key), 5)
    print(
        f"{name}: {learners} learners x {checks} checks at once ({len(times)} calls, resends incl.)"
    )
    print(f"  lost {max(0, expected - distinct)}, doubled {rows - distinct} (of {expected})")
    ms = [t * 1000 for t in times]
    print(f"  per recorded check: p50 {quantile(ms, 0.5):.1f} ms, p95 {quantile(ms, 0.95):.1f} ms")
    print(
        f"  teacher view data, room of {learners} ({rows} checks): "
        f"p50 {statistics.median(view) * 1000:.1f} ms, max {max(view) * 1000:.1f} ms; "
        f"full export p50 {statistics.median(dump) * 1000:.1f} ms"
    )
    store.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg", default=os.environ.get("GRADLAB_TEST_PG_URL"), help="PostgreSQL URL")
    p.add_argument("--learners", type=int, default=30)
    p.add_argument("--checks", type=int, default=20, help="checks per learner")
    args = p.parse_args()
    exercises.starts()  # load the lessons before the clock starts
    with fresh_sqlite() as url:
        measure("SQLite", url, args.learners, args.checks)
    if args.pg:
        with fresh_pg(args.pg) as url:
            measure("PostgreSQL", url, args.learners, args.checks)
    else:
        print("PostgreSQL: skipped (no --pg and no GRADLAB_TEST_PG_URL)")


if __name__ == "__main__":
    main()
