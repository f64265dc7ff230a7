"""Load test: N learners training at once against `streamlit run` on loopback (figures, not a test).

    python -m benchmarks.load_test --sessions 1 4 8 --bursts 3
    python -m benchmarks.load_test --sessions 8 --bursts 3 --json load.json

For each N a fresh server starts on a free loopback port (127.0.0.1 only). One headless Chromium
(Debian's, /usr/bin/chromium) opens N browser contexts, i.e. N Streamlit sessions, driven
concurrently with Playwright's asyncio API. Every session opens the Playground; once all are
open they start together, and each clicks Train (the default burst) K times in a row. A burst
counts as done when the step counter shows the new step and the script run is over
(`[data-testid='stApp'][data-test-script-state='notRunning']`); its time runs from the click
to then, so it includes waiting for a training slot, the burst, and redrawing the page.

Reported per N: bursts completed of N*K, p50 / p95 / max seconds per burst, errors (exception
boxes, timeouts, driver failures), sessions that were told they were queued, and the server's
resident memory (process and children, sampled every 0.2 s in a thread): after start-up, peak,
and at the end. The target on a 2-core machine for N = 8: zero errors, every burst completes,
p95 <= 4x the N = 1 figure, peak memory <= 1.2 GB.

Options for finding out why a target is missed:
  --nice-browser   Chromium at nice 19: on this machine the browsers compete with the server for
                   the same two cores, which a room's laptops do not; this gives the server the
                   cores first. The report also says where the CPU went (server, browser, the
                   rest of the machine).
  --replicas R     R server processes, session i sticking to replica i mod R (what a sticky load
                   balancer does); memory and CPU are summed over them.
  --app-dir DIR    serve another checkout (a copy with a change to compare).

  --virtual        instead of browsers, virtual learners that speak Streamlit's websocket
                   protocol and think between bursts (benchmarks/load_virtual.py), up to 100 and
                   more on this machine, the replicas optionally behind deploy/serve.py's proxy.

Bounded: at most MAX_SESSIONS sessions and MAX_BURSTS bursts each, a timeout per burst, and a
deadline per N; the servers and the browser are stopped whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks import load_virtual
from benchmarks.measure import (
    Sampler,
    browser_cpu,
    busy_cpu,
    fmt,
    percentile,
    tree_cpu,
    tree_rss,
)
from deploy import serve
from tests.browser import helpers as HELPERS  # the browser suite's server and Chromium settings

ROOT = Path(__file__).resolve().parents[1]
MAX_SESSIONS = 32
MAX_BURSTS = 20
STEP_VALUE = "[data-testid='stMetricValue']"
EXCEPTION = "[data-testid='stException']"
TRAIN = ".st-key-train button"
STEP = ".st-key-step button"


@dataclass(frozen=True)
class Plan:
    """What every learner does: open the Playground with `query`, click `button` `bursts` times."""

    bursts: int = 3
    query: str = ""  # extra URL query for the Playground, e.g. "depth=16&width=512"
    button: str = TRAIN  # TRAIN (the burst size shown on it) or STEP (one step)


QUEUED_TEXT = "The server is busy"  # common.queued (en)
# Polled in the page every 100 ms during a burst: whether it is over (the step counter shows the
# expected step and the script run is over), noting on the way whether a notice said the
# session was queued. One cheap check per poll (a few alert boxes' textContent, no layout):
# a text search over the whole page 4 times a second in each of 8 pages was the driver's own
# load on the cores it measures.
DONE_OR_QUEUED = """([sel, idle, n, queued]) => {
    if (!window.__queued) {
        for (const a of document.querySelectorAll("[data-testid='stAlert']")) {
            if (a.textContent.includes(queued)) { window.__queued = true; break; }
        }
    }
    const e = document.querySelector(sel);
    const step = e ? parseInt(e.textContent.replace(/\\D/g, ''), 10) : -1;
    return step === n && document.querySelector(idle) !== null;
}"""


IDLE = HELPERS.IDLE
CHROMIUM = HELPERS.CHROMIUM


# ---------------------------------------------------------------------------------------------
# The server and its memory


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    log: Path


def start_server(
    log: Path, app_dir: Path = ROOT, extra: tuple[str, ...] = (), start_timeout_s: float = 90
) -> Server:
    port = HELPERS.free_port()
    cmd = HELPERS.serve_command(port, *extra)
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=app_dir, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_timeout_s
    while not HELPERS.healthy(url):
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
        if time.monotonic() > deadline:
            stop_server(proc)
            raise RuntimeError(f"streamlit not healthy after {start_timeout_s} s; see {log}")
        time.sleep(0.3)
    return Server(proc, url, log)


def stop_server(proc: subprocess.Popen) -> None:
    serve.stop(proc)


# ---------------------------------------------------------------------------------------------
# One learner


@dataclass
class SessionResult:
    index: int
    open_s: float | None = None
    bursts: list[float] = field(default_factory=list)  # seconds per completed burst
    errors: list[str] = field(default_factory=list)
    queued: bool = False
    final_step: int | None = None


async def current_step(page) -> int | None:
    text = await page.evaluate(
        "sel => { const e = document.querySelector(sel); return e ? e.innerText : null; }",
        STEP_VALUE,
    )
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else None


async def burst_size(page, button: str) -> int:
    if button == STEP:
        return 1
    label = await page.locator(button).inner_text()
    digits = re.findall(r"\d[\d,]*", label)
    return int(digits[-1].replace(",", "")) if digits else 0


async def exceptions(page) -> int:
    return await page.locator(EXCEPTION).count()


async def learner(
    browser, url: str, index: int, plan: Plan, go: asyncio.Event, opened, timeout_s: float
) -> SessionResult:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    result = SessionResult(index)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page = await context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        start = time.perf_counter()
        await page.goto(f"{url}/playground?lang=en{'&' + plan.query if plan.query else ''}")
        await page.wait_for_selector("[data-testid='stMain'] h1")
        await page.wait_for_selector(IDLE, state="attached")
        await page.wait_for_selector(plan.button)
        result.open_s = time.perf_counter() - start
        opened()
        await go.wait()  # every session starts training at the same moment
        for _ in range(plan.bursts):
            before = await current_step(page) or 0
            expected = before + await burst_size(page, plan.button)
            start = time.perf_counter()
            try:
                await page.locator(plan.button).click()
                await page.wait_for_function(
                    DONE_OR_QUEUED, arg=[STEP_VALUE, IDLE, expected, QUEUED_TEXT], polling=100
                )
                result.bursts.append(time.perf_counter() - start)
            except PlaywrightTimeout:
                result.errors.append(f"timeout: step {await current_step(page)} != {expected}")
                break
            finally:
                with contextlib.suppress(Exception):
                    result.queued |= bool(await page.evaluate("window.__queued === true"))
            n_exc = await exceptions(page)
            if n_exc:
                result.errors.append(f"{n_exc} exception box(es) after burst {len(result.bursts)}")
                break
        result.final_step = await current_step(page)
    except Exception as exc:  # a driver failure counts as an error of this session
        result.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        if result.open_s is None:
            opened()
    finally:
        with contextlib.suppress(Exception):
            await context.close()
    return result


# ---------------------------------------------------------------------------------------------
# N learners at once


@dataclass
class RoundResult:
    sessions: int
    bursts_each: int
    completed: int
    p50_s: float | None
    p95_s: float | None
    max_s: float | None
    open_p50_s: float | None
    errors: list[str]
    queued_sessions: int
    rss_start_mb: float
    rss_peak_mb: float
    rss_end_mb: float
    wall_s: float  # the training phase: from the moment every page is open
    load_avg: tuple[float, float, float]
    cpu_server_s: float  # CPU seconds the server used in the training phase
    cpu_browser_s: float  # Playwright's driver and Chromium
    cpu_machine_s: float  # the whole machine, other people's work included
    replicas: int = 1  # server processes; memory and CPU are their sums


def niced_chromium(folder: Path) -> str:
    """A wrapper that starts Chromium at the lowest CPU priority: the server gets the cores first,
    as when the learners' browsers run on their own machines."""
    wrapper = folder / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


async def drive(
    urls: list[str],
    n: int,
    plan: Plan,
    timeout_s: float,
    deadline_s: float,
    on_go=lambda: None,
    chromium: str = CHROMIUM,
):
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=HELPERS.CHROMIUM_ARGS)
        try:
            go, count = asyncio.Event(), [0]

            def opened() -> None:
                count[0] += 1
                if count[0] >= n and not go.is_set():
                    on_go()
                    go.set()

            tasks = [
                asyncio.create_task(
                    learner(browser, urls[i % len(urls)], i, plan, go, opened, timeout_s)
                )  # session i sticks to replica i mod R, as a sticky load balancer would
                for i in range(n)
            ]
            done, pending = await asyncio.wait(tasks, timeout=deadline_s)
            for task in pending:
                task.cancel()
            results = [t.result() for t in done if not t.cancelled() and not t.exception()]
            lost = n - len(results)
            return results, lost
        finally:
            with contextlib.suppress(Exception):
                await browser.close()


def run_round(
    n: int,
    plan: Plan,
    timeout_s: float,
    deadline_s: float,
    log_dir: Path,
    app_dir: Path = ROOT,
    chromium: str = CHROMIUM,
    replicas: int = 1,
):
    logs = [log_dir / f"load_server_{n}_{r}.log" for r in range(replicas)]
    servers: list[Server] = []
    try:
        for log in logs:
            servers.append(start_server(log, app_dir))
        pids = [s.proc.pid for s in servers]
        sampler = Sampler(pids)
        time.sleep(1.0)  # let start-up settle before the first reading
        rss_start = tree_rss(pids)
        sampler.start()
        marks: dict[str, float] = {}

        def mark() -> None:  # every page is open: the training phase starts
            marks.update(
                t=time.perf_counter(),
                server=tree_cpu(pids),
                browser=browser_cpu(pids),
                machine=busy_cpu(),
            )

        urls = [s.url for s in servers]
        results, lost = asyncio.run(drive(urls, n, plan, timeout_s, deadline_s, mark, chromium))
        if not marks:  # no session opened: the whole round counts
            marks.update(t=time.perf_counter(), server=0.0, browser=0.0, machine=busy_cpu())
        wall = time.perf_counter() - marks["t"]
        server_cpu = tree_cpu(pids) - marks["server"]
        machine_cpu = busy_cpu() - marks["machine"]
        sampler.stop()
    finally:
        for server in servers:
            stop_server(server.proc)
    times = [t for r in results for t in r.bursts]
    errors = [f"session {r.index}: {e}" for r in results for e in r.errors]
    errors += [f"session lost (deadline {deadline_s:.0f} s)"] * lost
    opens = [r.open_s for r in results if r.open_s is not None]
    errors += [f"server log: {line}" for log in logs for line in _server_tracebacks(log)]
    return RoundResult(
        n,
        plan.bursts,
        len(times),
        percentile(times, 50),
        percentile(times, 95),
        max(times) if times else None,
        statistics.median(opens) if opens else None,
        errors,
        sum(r.queued for r in results),
        rss_start / 2**20,
        sampler.peak / 2**20,
        sampler.last / 2**20,
        wall,
        os.getloadavg(),
        server_cpu,
        max(0.0, sampler.browser - marks["browser"]),
        machine_cpu,
        replicas,
    )


SESSION_TTL_S = 5  # the churn check's server.disconnectedSessionTTL (Streamlit's default: 120)


def churn(
    n: int,
    rounds: int,
    plan: Plan,
    timeout_s: float,
    log_dir: Path,
    chromium: str = CHROMIUM,
    app_dir: Path = ROOT,
) -> list[tuple[float, float]]:
    """Leak check: (peak, settled) server memory in MB per round of N sessions that open the
    Playground, train and leave. Streamlit keeps a disconnected session for
    server.disconnectedSessionTTL and drops expired ones when another session disconnects, so
    after each round a short-lived sweeper session comes and goes before the reading."""
    log = log_dir / f"churn_server_{n}.log"
    extra = ("--server.disconnectedSessionTTL", str(SESSION_TTL_S))
    server = start_server(log, app_dir, extra)
    pids, out = [server.proc.pid], []
    try:
        time.sleep(1.0)
        print(f"  server after start-up: {tree_rss(pids) / 2**20:.0f} MB", flush=True)
        for r in range(rounds):
            sampler = Sampler(pids)
            sampler.start()
            results, lost = asyncio.run(
                drive([server.url], n, plan, timeout_s, 600, chromium=chromium)
            )
            sampler.stop()
            errors = [e for res in results for e in res.errors] + ["lost"] * lost
            time.sleep(SESSION_TTL_S + 2)
            asyncio.run(drive([server.url], 1, Plan(0), timeout_s, 120, chromium=chromium))
            time.sleep(3)
            settled = tree_rss(pids) / 2**20
            out.append((sampler.peak / 2**20, settled))
            print(
                f"  round {r + 1}: peak {sampler.peak / 2**20:.0f} MB with {n} sessions, "
                f"{settled:.0f} MB once they expired; errors {len(errors)}",
                flush=True,
            )
    finally:
        stop_server(server.proc)
    return out


def _server_tracebacks(log: Path) -> list[str]:
    """Uncaught errors the server logged (the app's own `guarded` errors included)."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [ln.strip()[:160] for ln in lines if "Traceback" in ln or " ERROR " in ln][:5]


# ---------------------------------------------------------------------------------------------


def report(rounds: list[RoundResult]) -> None:
    base = next((r for r in rounds if r.sessions == 1), None)
    print()
    print(
        f"{'N':>3} {'bursts':>9} {'p50':>9} {'p95':>9} {'max':>9} {'p95/N=1':>8} "
        f"{'errors':>6} {'queued':>6} {'RSS start':>10} {'RSS peak':>9} {'open p50':>9}"
    )
    for r in rounds:
        ratio = (
            f"{r.p95_s / base.p95_s:.1f}x"
            if base is not None and base.p95_s and r.p95_s is not None
            else "-"
        )
        print(
            f"{r.sessions:>3} {r.completed:>4}/{r.sessions * r.bursts_each:<4} "
            f"{fmt(r.p50_s):>9} {fmt(r.p95_s):>9} {fmt(r.max_s):>9} {ratio:>8} "
            f"{len(r.errors):>6} {r.queued_sessions:>6} {r.rss_start_mb:>7.0f} MB "
            f"{r.rss_peak_mb:>6.0f} MB {fmt(r.open_p50_s):>9}"
        )
    for r in rounds:
        for e in r.errors[:10]:
            print(f"  N={r.sessions}: {e}")
    print(
        "\nwhere the CPU went in the training phase (CPU seconds; 'others' = the rest of the "
        "machine):"
    )
    for r in rounds:
        others = max(0.0, r.cpu_machine_s - r.cpu_server_s - r.cpu_browser_s)
        per = r.cpu_server_s / r.completed if r.completed else float("nan")
        print(
            f"  N={r.sessions}: wall {r.wall_s:.0f} s, machine {r.cpu_machine_s:.0f} "
            f"(of {r.wall_s * (os.cpu_count() or 1):.0f} available), server {r.cpu_server_s:.0f} "
            f"({per:.2f} per burst), browser {r.cpu_browser_s:.0f}, "
            f"others {others:.0f}; 1-min load average after: {r.load_avg[0]:.1f}"
        )
    cores = os.cpu_count() or 1
    for r in rounds:
        if r.sessions > 1 and r.completed and base is not None and base.p95_s:
            per = (r.cpu_server_s + r.cpu_browser_s) / r.completed
            floor = r.sessions * per / cores
            print(
                f"  N={r.sessions}: a burst took {per:.2f} CPU-s (server and browser); N bursts "
                f"at once on {cores} cores need >= {floor:.1f} s each round = "
                f"{floor / base.p95_s:.1f}x the N=1 p95 (a floor under p95/N=1 here)"
            )
    worst = max(rounds, key=lambda r: r.sessions)
    if base is not None and worst.sessions > 1:
        ok = (
            not worst.errors
            and worst.completed == worst.sessions * worst.bursts_each
            and worst.p95_s is not None
            and base.p95_s is not None
            and worst.p95_s <= 4 * base.p95_s
            and worst.rss_peak_mb <= 1200
        )
        print(
            f"target (N={worst.sessions}: no errors, all bursts, p95 <= 4x N=1, "
            f"peak <= 1200 MB): {'met' if ok else 'MISSED'}"
        )


def _virtual_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("virtual learners (benchmarks/load_virtual.py)")
    group.add_argument(
        "--virtual",
        action="store_true",
        help="learners that speak Streamlit's websocket protocol instead of browsers: up to "
        f"{load_virtual.MAX_LEARNERS} of them, each thinking between bursts",
    )
    group.add_argument(
        "--think", type=float, nargs=2, default=[20.0, 40.0], metavar=("MIN", "MAX"),
        help="seconds a virtual learner waits before each click (uniform)",
    )  # fmt: skip
    group.add_argument("--ramp", type=float, default=10.0, help="seconds over which they open")
    group.add_argument(
        "--proxy",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="through deploy/serve.py's HAProxy (default: when --replicas > 1)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--bursts", type=int, default=3, help="Train clicks per session")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per burst or load")
    parser.add_argument("--deadline", type=float, default=900, help="seconds per round")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--logs", type=Path, default=ROOT / "screenshots")
    parser.add_argument(
        "--nice-browser",
        action="store_true",
        help="run Chromium at nice 19, so the server has the cores first (a room's browsers "
        "run on the learners' own machines)",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="server processes on this machine, each session sticking to one (a sticky load "
        "balancer); memory and CPU figures are their sums",
    )
    parser.add_argument("--query", default="", help="extra Playground URL query, e.g. depth=12")
    parser.add_argument(
        "--churn",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="instead: a leak check. ROUNDS times, N sessions open a network (--query), take one "
        "step and leave; the server's memory is read once their sessions have expired",
    )
    parser.add_argument(
        "--app-dir", type=Path, default=ROOT, help="serve this checkout (to compare a change)"
    )
    _virtual_arguments(parser)
    args = parser.parse_args(argv)
    if args.virtual:
        return load_virtual.main(args)
    if not os.path.exists(CHROMIUM):
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    if any(not 1 <= n <= MAX_SESSIONS for n in args.sessions):
        parser.error(f"--sessions: each between 1 and {MAX_SESSIONS}")
    if not 1 <= args.replicas <= 4:
        parser.error("--replicas: between 1 and 4")
    if not 1 <= args.bursts <= MAX_BURSTS:
        parser.error(f"--bursts: between 1 and {MAX_BURSTS}")
    args.logs.mkdir(parents=True, exist_ok=True)
    chromium = niced_chromium(args.logs) if args.nice_browser else CHROMIUM
    app_dir = args.app_dir.resolve()
    if not (app_dir / "streamlit_app.py").exists():
        parser.error(f"--app-dir: no streamlit_app.py in {app_dir}")
    browser = "at nice 19" if args.nice_browser else "at normal priority"
    print(f"serving {app_dir} from {args.replicas} process(es); browser {browser}")
    if args.churn:
        plan = Plan(1, args.query, STEP)
        for n in args.sessions:
            print(f"churn: {args.churn} rounds of {n} sessions ({args.query or 'defaults'})")
            churn(n, args.churn, plan, args.timeout, args.logs, chromium, app_dir)
        return 0
    rounds = []
    for n in args.sessions:
        print(f"N={n}: {n} session(s) x {args.bursts} burst(s) ...", flush=True)
        rounds.append(
            run_round(
                n,
                Plan(args.bursts, args.query),
                args.timeout,
                args.deadline,
                args.logs,
                app_dir,
                chromium,
                args.replicas,
            )
        )
    report(rounds)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rounds], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
