"""What a click costs the server, measured from a real browser (figures, not a timed test).

    python -m benchmarks.bench_click            # 5 Train bursts and 5 Steps after a warm-up
    python -m benchmarks.bench_click --reps 3
    python -m benchmarks.bench_click --profile  # the same, py-spy samples the server
    python -m benchmarks.bench_click --against 3452afd   # and a server of that commit, in turn

`streamlit run` on loopback, Debian Chromium driven by Playwright, the Playground at its defaults
(6 x 32 ReLU/He, Adam, batch 64). For each click of *Train 200* (on a fresh network) and of
*Step*: the server process's own CPU time (user + system, its children included) from just
before the click until the page is at rest, and the time from the click (a capture-phase
listener in the page) until `data-test-script-state` is back to `notRunning` and stays there
(the last such change counts). Medians.
Targets (issue 15 and 17, one learner, quiet 2-core machine): a burst <= 0.35 server CPU-s and
<= 0.8 s to rest; a Step <= 0.5 s to updated charts.

With --profile, py-spy (`pip install py-spy`) samples the server (100 Hz, idle threads left out)
through the whole series, and the report splits the samples by the part of the page they were
in: the innermost frame of the project (or of Streamlit) names the part, see PARTS.

Measured here (2 Dec 2026, the shared 2-core machine at load 15, so the times to rest mean
little; CPU seconds are the server's own), `--against 3452afd` (before this work), one run:
                      before            now
    Train 200 CPU     0.83 s            0.50 s
    Step CPU          0.39 s            0.23 s
The profile before (py-spy, wall samples of busy server threads over Train/Step/Reset clicks):
Streamlit's full garbage collection after every script run was the largest part (0.2 CPU-s a
run over ~400,000 objects: now frozen after the first burst, ui.common.burst.freeze_heap), then
training on two torch threads (0.5-0.8 CPU-s for 200 steps that one thread does in 0.2-0.3: now
sim.device.cpu_threads), then the network's distributions on two threads after each burst
(140 ms CPU; 7 ms on one: sim.slots.configure_threads). Now: training 38%, chart specs 20%,
Streamlit (its element and Arrow serialisation, the websocket) 19%, its end-of-run gc 7%
(wall-inflated at load 15; ~10 ms CPU a run), the one-time heap freeze 7%, recording 4%,
network views 2%, the rest of the page 1%, diagnosis and export (CSV, built only on download)
below 1%. Inside the chart specs, per final draw of the 10 charts at step 200 (CPU): the
builders ~80 ms (the decision surface chart alone ~50), their number tables ~40, sentences
~20, Arrow ~13, the network views ~15. An idle rerun builds none of it (tests/app/
test_rerun_cost.py) and costs ~0.06 CPU-s.
Second pass (2 Dec 2026, load 11.5, `--against 073f0a4 --reps 7`, one run): the number tables
are built only for an open expander (none by default), the decision surface chart without
pandas, Arrow tables column by column; Train 200 0.45 -> 0.41 CPU-s, Step 0.18 -> 0.20 (an
earlier run at load 6: 0.24 -> 0.15). At this load a burst passes its first second and pays
live redraws (0.6-0.7 CPU-s for the slowest bursts, in both columns): the medians move by
more than the change between runs. Per final draw now (CPU, in process): builders ~25 ms,
sentences ~10, Arrow ~4, no tables.
Third pass (2 Dec 2026): the yardstick line (the burst alone, in process on one thread) and the
browser's CPU. Quiet (load ~1): yardstick 0.51 CPU-s; Train 200 0.96 server CPU-s (1.9x), 2.11 s
to rest; Step 0.31 CPU-s, 1.13 s to rest, of which the server's script run is ~0.28 s wall: the
rest is Chromium rendering the page (1.2-1.5 CPU-s a Step, mostly React and Vega redrawing the
ten charts) on the same two cores. A Step is now drawn at rest (no busy bar, progress bar or
status before it); `--against a8d27aa --reps 5` at load 15: Step 0.56 -> 0.55 server CPU-s,
browser 2.59 -> 2.66 CPU-s, Train 200 1.7x -> 1.7x: within the noise at that load (a scratch
run at load 14 gave browser 2.80 -> 2.25 CPU-s a Step). Not re-measured quiet.
Fourth pass (2 Dec 2026), the browser's share. Hiding charts (a server whose board draws only
some, load ~4, 5 Steps each): the page without its ten charts 0.47 browser CPU-s a Step, with
them 1.05; no chart is embedded anew on a Step (each keeps its canvas or SVG). Of the charts,
the decision surface (3,600 cells), heatmap (1,400 SVG cells) and update-ratio lines cost most.
Now: no per-item ARIA labels on those marks, heatmap and update-ratio lines <= 100 steps, the
surface on a 40 x 40 grid, sentences and expanders re-sent unchanged at the start of a run.
`--against eb5a5e7 --reps 5` at load 2.6, one run: Step browser 0.69 -> 0.55 CPU-s, to rest
0.52 -> 0.45 s, server 0.16 -> 0.15 CPU-s; Train 200 browser 1.85 -> 1.33, to rest 1.01 -> 0.76.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
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

# Records the click time and every change of the script state (performance.now(), ms). The
# listener and the observer are installed once a page; each click starts a fresh record.
WATCH = """() => {
  window.__bench = {click: null, changes: []};
  if (window.__benchWatching) return;
  window.__benchWatching = true;
  const app = document.querySelector("[data-testid='stApp']");
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


# (part, path fragment of a frame): the innermost frame that matches names a sample's part;
# torch, numpy, pandas and pyarrow frames count for whoever called them. (py-spy names a file by
# its path below the sys.path entry it was found through: ui/ is one, app_pages/ another.)
PARTS = (
    ("waiting (left out)", "selectors.py"),
    ("waiting (left out)", "polling_path_watcher.py"),
    ("streamlit: end of run (its gc)", "ScriptRunner._on_script_finished"),
    ("training", "sim/train/simulation.py"),
    ("training", "sim/train/optim.py"),
    ("training", "sim/nn/"),
    ("recording", "sim/train/recorder.py"),
    ("recording", "sim/history.py"),
    ("diagnosis", "sim/diagnosis.py"),
    ("network views", "sim/analysis/"),
    ("export", "playground/panels.py:export"),
    ("chart specs", "charts/"),
    ("chart specs", "playground/board.py"),
    ("streamlit", "streamlit/"),
    ("heap freeze (once)", "freeze_heap"),
    ("page (rest)", "common/"),
    ("page (rest)", "playground/"),
    ("page (rest)", "sim/"),
    ("page (rest)", "playground.py"),
    ("page (rest)", "streamlit_app.py"),
)
SKIP = ("torch/", "numpy/", "pandas/", "pyarrow/", "threading.py", "contextlib.py")


def part_of(stack: str) -> str:
    for frame in reversed(stack.split(";")):
        if any(s in frame for s in SKIP):
            continue
        for part, fragment in PARTS:
            name, _, where = fragment.partition(":")
            if where:  # a function of that file
                if name in frame and frame.startswith(where + " "):
                    return part
            elif name in frame:
                return part
    return "other (server threads)"


def split(raw: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            counts[part_of(stack)] = counts.get(part_of(stack), 0) + int(n)
    return counts


def print_split(raw: Path) -> None:
    counts = split(raw)
    counts.pop("waiting (left out)", None)
    total = sum(counts.values()) or 1
    print(f"py-spy samples of the server ({total} at 100 Hz, busy threads):")
    for part, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {part:24s} {n / total:6.1%}")


def start_server(port: int, root: Path = ROOT) -> subprocess.Popen:
    """`streamlit run` of the app in `root` (this checkout, or an older commit's tree)."""
    log = open(Path(tempfile.gettempdir()) / f"bench_click_{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(replica_command(port), cwd=root, stdout=log, stderr=log)
    deadline = time.monotonic() + 120
    while not healthy(f"http://127.0.0.1:{port}"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start; see {log.name}")
        time.sleep(0.3)
    return proc


def tree_of(rev: str) -> Path:
    """A commit's files in a temporary folder (git archive: the repository is not touched)."""
    where = Path(tempfile.mkdtemp(prefix="bench_click_"))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SHOWS_STEP = """n => {
  const m = document.querySelector("[data-testid='stMetricValue']");
  return m !== null && m.innerText.replace(/,/g, '') === String(n);
}"""


def browser_cpu() -> float:
    """CPU seconds so far of the Chromium processes this benchmark started (its children)."""
    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if "chrom" in proc.name():
                total += sum(proc.cpu_times()[:2])  # user + system
    return total


def click(page, pid: int, selector: str, step: int | None = None) -> tuple[float, float, float]:
    """(server CPU-s, s from click to rest, browser CPU-s) for one click on `selector`; with
    `step`, at rest only once the page shows that step."""
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_timeout(300)  # the previous run's websocket traffic is over
    page.evaluate(WATCH)
    before, drawn = tree_cpu([pid]), browser_cpu()
    page.locator(selector).first.click()
    page.wait_for_function(AT_REST, arg=REST_MS, timeout=120_000, polling=20)
    if step is not None:
        page.wait_for_function(SHOWS_STEP, arg=step, timeout=120_000, polling=20)
        page.wait_for_function(AT_REST, arg=REST_MS, timeout=120_000, polling=20)
    cpu, browser = tree_cpu([pid]) - before, browser_cpu() - drawn
    return cpu, page.evaluate(SETTLED) / 1000, browser


def one_round(page, pid: int) -> tuple[tuple, tuple]:
    """A fresh network, Train 200, Step: (the Train click, the Step click)."""
    click(page, pid, ".st-key-reset button")
    return click(page, pid, ".st-key-train button", 200), click(
        page, pid, ".st-key-step button", 201
    )


def open_playground(browser, port: int):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(120_000)
    page.goto(f"http://127.0.0.1:{port}/playground?lang=en")
    page.wait_for_selector("[data-testid='stMain'] h1")
    page.wait_for_selector(".st-key-train button")
    return page


def yardstick(reps: int = 5) -> tuple[float, float]:
    """The training alone, in this process on one torch thread (as the server trains a default
    network): median CPU-s of `Simulation(RunConfig()).burst(200)` on a fresh network, and of
    one more step after it. The server's CPU over these reads the same on any machine."""
    import torch

    from sim.config import RunConfig
    from sim.train.simulation import Simulation

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        bursts, steps = [], []
        for _ in range(reps + 1):  # the first is the warm-up
            sim = Simulation(RunConfig())
            start = time.process_time()
            sim.burst(200)
            bursts.append(time.process_time() - start)
            start = time.process_time()
            sim.burst(1)
            steps.append(time.process_time() - start)
    finally:
        torch.set_num_threads(threads)
    return statistics.median(bursts[1:]), statistics.median(steps[1:])


Click = tuple[float, float, float]  # server CPU-s, s from click to rest, browser CPU-s


def report(name: str, rows: list[Click], alone: float, cpu_target: str, time_target: str) -> None:
    cpu = statistics.median(r[0] for r in rows)
    wall = statistics.median(r[1] for r in rows)
    each = ", ".join(f"{c:.2f}/{w:.2f}" for c, w, _ in rows)
    browser = statistics.median(r[2] for r in rows)
    print(f"{name}: server CPU median {cpu:.3f} s = {cpu / alone:.1f}x training {cpu_target};"
          f" click -> at rest median {wall:.3f} s {time_target}; browser CPU median"
          f" {browser:.2f} s   (cpu/wall each: {each})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="py-spy the server's runs")
    parser.add_argument(
        "--against", metavar="REV", help="also a server of this commit, interleaved"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    burst_alone, step_alone = yardstick()  # before the servers and the browser start

    prof = Path(tempfile.gettempdir()) / f"bench_click_{os.getpid()}.txt"
    roots = {"now": ROOT}
    if args.against:
        roots = {args.against: tree_of(args.against), **roots}
    servers = {name: start_server(free_port(), root) for name, root in roots.items()}
    spy = None
    rows: dict[str, dict[str, list]] = {name: {"train": [], "step": []} for name in servers}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            pages = {name: open_playground(browser, _port(proc)) for name, proc in servers.items()}
            if args.profile:
                spy = subprocess.Popen(
                    ["py-spy", "record", "-p", str(servers["now"].pid), "-f", "raw", "-o",
                     str(prof), "-r", "100", "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                time.sleep(1)
            for i in range(args.reps + 1):  # the first round is the warm-up
                for name, page in pages.items():  # interleaved: a busy moment hits both
                    train, step = one_round(page, servers[name].pid)
                    if i:
                        rows[name]["train"].append(train)
                        rows[name]["step"].append(step)
            browser.close()
        print(f"Playground defaults, Train 200 then Step, n={args.reps} after a warm-up,"
              f" {psutil.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")  # fmt: skip
        print(f"Yardstick, in this process on one torch thread: burst(200) {burst_alone:.3f}"
              f" CPU-s, one step {step_alone * 1000:.1f} CPU-ms")  # fmt: skip
        for name, got in rows.items():
            print(f"[{name}]")
            report("Train 200", got["train"], burst_alone, "(target <= 1.75x)", "(target <= 0.8)")
            report("Step     ", got["step"], step_alone, "", "(target <= 0.5)")
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            spy.wait(timeout=30)
        stop(*servers.values())
        for root in roots.values():
            if root != ROOT:
                shutil.rmtree(root, ignore_errors=True)
    if spy is not None and prof.exists():
        print_split(prof)


def _port(proc: subprocess.Popen) -> int:
    return int(proc.args[proc.args.index("--server.port") + 1])


if __name__ == "__main__":
    main()
