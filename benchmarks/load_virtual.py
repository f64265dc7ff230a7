"""The load test's virtual mode: N virtual learners (benchmarks/virtual_learner.py) against R
replicas, directly or behind the HAProxy of deploy/serve.py. Run it through the load test:

    python -m benchmarks.load_test --virtual --sessions 1 30 100 --replicas 2
    python -m benchmarks.load_test --virtual --sessions 30 --replicas 1 --think 5 10 --bursts 2

Learners open the Playground spread over --ramp seconds, then each thinks (uniform in --think)
and trains the default burst, --bursts times. The servers' CPU time and memory are read with
psutil over the replica processes only; the learners cost this process a small fraction of a
core, which the report prints beside the machine's load average (other work on a shared machine
slows the servers too). Bounded: MAX_LEARNERS, a timeout per open and per burst, a deadline per
round; the proxy and the replicas are stopped whatever happens. Loopback addresses only.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.measure import Sampler, busy_cpu, fmt, percentile, tree_cpu, tree_rss
from benchmarks.virtual_learner import LearnerResult, VirtualPlan, learn
from deploy import serve
from tests.browser.helpers import free_port

MAX_LEARNERS = 200
MAX_BURSTS = 20
TARGET = dict(learners=100, replicas=2, p95_s=3.0, rss_peak_mb=1536)  # the targets


@dataclass
class VirtualRound:
    learners: int
    replicas: int
    proxy: bool
    bursts_each: int
    completed: int
    p50_s: float | None
    p95_s: float | None
    max_s: float | None
    open_p50_s: float | None
    open_max_s: float | None
    errors: list[str]
    queued: int  # learners that saw the "server is busy" notice
    per_replica: dict[str, int]  # learners per proxy cookie (empty without the proxy)
    rss_start_mb: float  # all replicas together, once started
    rss_peak_mb: float
    wall_s: float  # the training phase: from the moment every learner has opened the page
    cpu_server_s: float  # the replicas, training phase
    cpu_proxy_s: float
    cpu_driver_s: float  # this process: the virtual learners and the memory sampler
    cpu_machine_s: float  # the whole machine, other people's work included
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = field(default_factory=os.getloadavg)


async def _drive(urls, n, plan, ramp_s, deadline_s, seed, on_all_open) -> list[LearnerResult]:
    """N learners, learner i starting at i/N of the ramp, on url i mod len(urls) (one url: the
    proxy). `on_all_open` is called once every learner has opened the page or failed to."""
    opened = [0]

    def on_open() -> None:
        opened[0] += 1
        if opened[0] == n:
            on_all_open()

    async def one(i: int) -> LearnerResult:
        await asyncio.sleep(ramp_s * i / n)
        rng = random.Random(seed * 1_000_003 + i)
        return await learn(urls[i % len(urls)], i, plan, rng, on_open)

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    done, pending = await asyncio.wait(tasks, timeout=deadline_s)
    for task in pending:
        task.cancel()
    results = [t.result() for t in done if t.exception() is None]
    lost = LearnerResult(-1, errors=[f"lost (round deadline {deadline_s:.0f} s)"])
    return results + [lost] * (n - len(results))


def run_virtual_round(
    n: int,
    replicas: int,
    proxy: bool,
    plan: VirtualPlan,
    ramp_s: float,
    deadline_s: float,
    log_dir: Path,
    app_dir: Path,
    seed: int = 0,
) -> VirtualRound:
    load_before = os.getloadavg()
    logs = log_dir / f"virtual_{n}x{replicas}"
    logs.mkdir(parents=True, exist_ok=True)
    stack = serve.start(
        replicas, free_port(), first_replica_port=free_port(), log_dir=logs, app_dir=app_dir
    )
    try:
        pids, proxy_pid = [p.pid for p in stack.procs[:-1]], stack.procs[-1].pid
        time.sleep(1.0)  # let start-up settle before the first reading
        rss_start = tree_rss(pids)
        sampler = Sampler(pids, browsers=False)
        sampler.start()

        def cpu_now() -> dict[str, float]:
            return {
                "t": time.perf_counter(),
                "server": tree_cpu(pids),
                "proxy": tree_cpu([proxy_pid]),
                "driver": time.process_time(),
                "machine": busy_cpu(),
            }

        marks = cpu_now()  # replaced once every learner is open: the training phase starts

        def mark() -> None:
            marks.update(cpu_now())

        urls = [stack.proxy_url] if proxy else stack.replica_urls
        results = asyncio.run(_drive(urls, n, plan, ramp_s, deadline_s, seed, mark))
        end = cpu_now()
        sampler.stop()
    finally:
        stack.stop()
    used = {k: end[k] - marks[k] for k in end}
    return _summary(n, replicas, proxy, plan, results, rss_start, sampler.peak, used, load_before)


def _summary(n, replicas, proxy, plan, results, rss_start, rss_peak, cpu, load_before):
    times = [t for r in results for t in r.bursts]
    opens = [r.open_s for r in results if r.open_s is not None]
    per_replica: dict[str, int] = {}
    for r in results:
        if r.replica:
            per_replica[r.replica] = per_replica.get(r.replica, 0) + 1
    return VirtualRound(
        n, replicas, proxy, plan.bursts, len(times),
        percentile(times, 50), percentile(times, 95), max(times, default=None),
        statistics.median(opens) if opens else None, max(opens, default=None),
        [f"learner {r.index}: {e}" for r in results for e in r.errors],
        sum(r.queued for r in results), dict(sorted(per_replica.items())),
        rss_start / 2**20, rss_peak / 2**20, cpu["t"],
        cpu["server"], cpu["proxy"], cpu["driver"], cpu["machine"], load_before,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------


def report(rounds: list[VirtualRound]) -> None:
    print(
        f"\n{'N':>4} {'R':>2} {'via':>6} {'bursts':>9} {'p50':>8} {'p95':>8} {'max':>8} "
        f"{'errors':>6} {'queued':>6} {'RSS peak':>9} {'CPU-s/burst':>11} {'open p50':>9} "
        f"{'load before/after':>17}"
    )
    for r in rounds:
        per = f"{r.cpu_server_s / r.completed:.2f}" if r.completed else "-"
        print(
            f"{r.learners:>4} {r.replicas:>2} {'proxy' if r.proxy else 'direct':>6} "
            f"{r.completed:>4}/{r.learners * r.bursts_each:<4} {fmt(r.p50_s):>8} {fmt(r.p95_s):>8} "
            f"{fmt(r.max_s):>8} {len(r.errors):>6} {r.queued:>6} {r.rss_peak_mb:>6.0f} MB "
            f"{per:>11} {fmt(r.open_p50_s):>9} {r.load_before[0]:>8.2f}/{r.load_after[0]:.2f}"
        )
    for r in rounds:
        for e in r.errors[:10]:
            print(f"  N={r.learners} R={r.replicas}: {e}")
    print("\nthe training phase (CPU seconds; 'others' = the rest of the machine):")
    cores = os.cpu_count() or 1
    for r in rounds:
        others = max(0.0, r.cpu_machine_s - r.cpu_server_s - r.cpu_proxy_s - r.cpu_driver_s)
        spread = ", ".join(f"{k}: {v}" for k, v in r.per_replica.items()) or "-"
        print(
            f"  N={r.learners} R={r.replicas}: wall {r.wall_s:.0f} s ({r.wall_s * cores:.0f} "
            f"CPU-s available), replicas {r.cpu_server_s:.1f}, proxy {r.cpu_proxy_s:.1f}, "
            f"driver (learners, sampler) {r.cpu_driver_s:.1f}, others {others:.1f}; RSS at start "
            f"{r.rss_start_mb:.0f} MB; learners per replica {spread}"
        )
    for r in rounds:
        if (r.learners, r.replicas) == (TARGET["learners"], TARGET["replicas"]):
            ok = (
                not r.errors
                and r.completed == r.learners * r.bursts_each
                and r.p95_s is not None
                and r.p95_s <= TARGET["p95_s"]
                and r.rss_peak_mb <= TARGET["rss_peak_mb"]
            )
            print(
                f"target (100 learners, 2 replicas: no errors, every burst, p95 <= 3 s, "
                f"peak <= 1.5 GB): {'met' if ok else 'MISSED'}"
            )


def main(args) -> int:
    """The --virtual mode of benchmarks/load_test.py (its parsed arguments)."""
    if any(not 1 <= n <= MAX_LEARNERS for n in args.sessions):
        raise SystemExit(f"--sessions: each between 1 and {MAX_LEARNERS} in --virtual mode")
    if not 1 <= args.replicas <= 4 or not 1 <= args.bursts <= MAX_BURSTS:
        raise SystemExit(f"--replicas: between 1 and 4; --bursts: between 1 and {MAX_BURSTS}")
    low, high = args.think
    if not 0 <= low <= high <= 600:
        raise SystemExit("--think: 0 <= MIN <= MAX <= 600")
    proxy = args.replicas > 1 if args.proxy is None else args.proxy
    plan = VirtualPlan(bursts=args.bursts, think_s=(low, high), timeout_s=args.timeout)
    where = "behind the proxy" if proxy else "directly"
    print(f"virtual learners; {args.replicas} replica(s) of {args.app_dir}, {where}")
    rounds = []
    for n in args.sessions:
        print(f"N={n}: {n} learner(s) x {args.bursts} burst(s), think {low}-{high} s", flush=True)
        rounds.append(
            run_virtual_round(
                n,
                args.replicas,
                proxy,
                plan,
                args.ramp,
                args.deadline,
                args.logs,
                args.app_dir.resolve(),
            )  # fmt: skip
        )
    report(rounds)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rounds], indent=2))
    return 0
