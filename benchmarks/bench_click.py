"""What a click costs the server, measured from a real browser (figures, not a timed test).

    python -m benchmarks.bench_click            # 5 Train bursts and 5 Steps after a warm-up
    python -m benchmarks.bench_click --reps 3
    python -m benchmarks.bench_click --profile  # the same, the server's script runs under cProfile

`streamlit run` on loopback, Debian Chromium driven by Playwright, the Playground at its defaults
(6 x 32 ReLU/He, Adam, batch 64). For each click of *Train 200* (on a fresh network) and of
*Step*: the server process's own CPU time (user + system, its children included) from just
before the click until the page is at rest, and the time from the click (a capture-phase
listener in the page) until `data-test-script-state` is back to `notRunning` and stays there
(the last such change counts). Medians.
Targets (issue 15 and 17, one learner, quiet 2-core machine): a burst <= 0.35 server CPU-s and
<= 0.8 s to rest; a Step <= 0.5 s to updated charts.

With --profile the server runs with GRADIENT_LAB_PROFILE=<file>: each script run is profiled
(cProfile) and the totals are written there; the report prints the split by part of the page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

from benchmarks.measure import tree_cpu
from deploy.serve import healthy, replica_command, stop

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
REST_MS = 400  # "at rest": no script run starts for this long after the last one ended

# Records the click time and every change of the script state (performance.now(), ms).
WATCH = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__bench = {click: null, changes: []};
  document.addEventListener('pointerdown', () => {
    if (window.__bench.click === null) window.__bench.click = performance.now();
  }, true);
  new MutationObserver(() => window.__bench.changes.push(
    [performance.now(), app.getAttribute('data-test-script-state')]
  )).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""

# True once a run started after the click has ended and nothing has run for REST_MS since.
AT_REST = """rest => {
  const b = window.__bench, app = document.querySelector("[data-testid='stApp']");
  if (b.click === null || app.getAttribute('data-test-script-state') !== 'notRunning')
    return false;
  const ran = b.changes.some(([t, s]) => t >= b.click && s === 'running');
  const last = b.changes.length ? b.changes[b.changes.length - 1][0] : 0;
  return ran && performance.now() - last >= rest;
}"""

# ms from the click to the last change to notRunning.
SETTLED = """() => {
  const b = window.__bench;
  const ends = b.changes.filter(([t, s]) => t >= b.click && s === 'notRunning');
  return ends[ends.length - 1][0] - b.click;
}"""


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen:
    log = open(Path(tempfile.gettempdir()) / f"bench_click_{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(replica_command(port), cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 120
    while not healthy(f"http://127.0.0.1:{port}"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start; see {log.name}")
        time.sleep(0.3)
    return proc


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step_shown(page) -> int:
    value = page.locator("[data-testid='stMetricValue']").first.inner_text()
    return int(value.replace(",", "")) if value.replace(",", "").isdigit() else 0


def click(page, pid: int, selector: str) -> tuple[float, float]:
    """(server CPU-s, s from click to rest) for one click on `selector`."""
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_timeout(300)  # the previous run's websocket traffic is over
    page.evaluate(WATCH)
    before = tree_cpu([pid])
    page.locator(selector).first.click()
    page.wait_for_function(AT_REST, arg=REST_MS, timeout=120_000, polling=20)
    cpu = tree_cpu([pid]) - before
    return cpu, page.evaluate(SETTLED) / 1000


def measure(page, pid: int, reps: int) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {"train": [], "step": []}
    for i in range(reps + 1):  # the first of each is the warm-up
        click(page, pid, ".st-key-reset button")
        train = click(page, pid, ".st-key-train button")
        assert step_shown(page) == 200, f"after Train the page shows step {step_shown(page)}"
        step = click(page, pid, ".st-key-step button")
        assert step_shown(page) == 201, f"after Step the page shows step {step_shown(page)}"
        if i:
            out["train"].append(train)
            out["step"].append(step)
    return out


def report(name: str, rows: list[tuple[float, float]], cpu_target: str, time_target: str) -> None:
    cpu = statistics.median(r[0] for r in rows)
    wall = statistics.median(r[1] for r in rows)
    each = ", ".join(f"{c:.2f}/{w:.2f}" for c, w in rows)
    print(f"{name}: server CPU median {cpu:.3f} s {cpu_target}; click -> at rest median"
          f" {wall:.3f} s {time_target}   (cpu/wall each: {each})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the server's runs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    env = dict(os.environ)
    prof = Path(tempfile.gettempdir()) / f"bench_click_{os.getpid()}.prof"
    if args.profile:
        env["GRADIENT_LAB_PROFILE"] = str(prof)
    port = free_port()
    proc = start_server(port, env)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(f"http://127.0.0.1:{port}/playground?lang=en")
            page.wait_for_selector("[data-testid='stMain'] h1")
            page.wait_for_selector(".st-key-train button")
            rows = measure(page, proc.pid, args.reps)
            browser.close()
        cores = psutil.cpu_count()
        print(f"Playground defaults, Train 200 then Step, n={args.reps} after a warm-up,"
              f" {cores} cores, load {os.getloadavg()[0]:.2f}")  # fmt: skip
        report("Train 200", rows["train"], "(target <= 0.35)", "(target <= 0.8)")
        report("Step     ", rows["step"], "", "(target <= 0.5)")
    finally:
        stop(proc)
    if args.profile and prof.exists():
        from benchmarks.profile_split import print_split

        print_split(prof)


if __name__ == "__main__":
    main()
