"""App speed and memory, measured in one run (figures, not a timed test).

    python -m benchmarks.bench_app            # all three
    python -m benchmarks.bench_app --quick    # fewer repetitions, no server

1. A Playground rerun that trains nothing (AppTest; median).       target <= 0.3 s
2. A 200-step burst through the page / Simulation.burst alone, same config, same process,
   interleaved so that a busy machine slows both alike (medians).   target <= 1.3x
   Reported twice: the whole page run (burst + drawing every chart), and the page run less an
   idle rerun (what training through the page adds to the burst). Then the charts alone: what
   Board.draw does for the 10 charts at step 200 (build each Vega-Lite spec, its datasets as
   Arrow, st.vega_lite_chart), without the page (median).         target <= 0.05 s
3. The server's resident memory after 5,000 steps in one session: `streamlit run` driven by
   Chromium (skipped without one).                                  target <= 500 MB
"""

from __future__ import annotations

import os

# As in streamlit_app.py: before torch loads OpenMP, so that bursts on different threads (the
# page's script thread, this main thread) do not slow each other through spinning workers.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import logging
import socket
import statistics
import subprocess
import time
from pathlib import Path

import sim.config  # noqa: F401  (sim.config first: it imports the registries lazily)
from deploy.serve import healthy, replica_command, stop
from sim.config import DEFAULT
from sim.train.simulation import Simulation

ROOT = Path(__file__).resolve().parents[1]

PLAYGROUND = "app_pages/playground.py"
BURST = 200
CHROMIUM = "/usr/bin/chromium"


# ---------------------------------------------------------------------------------------------
# 1 and 2: AppTest, in this process


def app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.switch_page(PLAYGROUND).run()
    at.selectbox(key="pg_burst").set_value(BURST).run()
    return at


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def idle_reruns(at, n: int) -> list[float]:
    at.button(key="train").click().run()  # something to draw
    return [timed(at.run) for _ in range(n)]


def burst_ratio(at, n: int) -> tuple[list[float], list[float], list[float]]:
    """(whole page runs, bursts inside those runs, bursts alone), interleaved."""
    page, inside, alone = [], [], []
    for _ in range(n):
        at.button(key="reset").click().run()  # a fresh network, built outside the timing
        at.button(key="train").click()
        page.append(timed(at.run))
        lab = at.session_state["lab"]
        assert lab.sim.step == BURST
        inside.append(lab.last_result.seconds)  # Simulation.burst with the page's callbacks
        bare = Simulation(DEFAULT)
        alone.append(timed(lambda bare=bare: bare.burst(BURST)))
    return page, inside, alone


def chart_draws(n: int) -> tuple[int, list[float]]:
    """(history rows, seconds per redraw of the 10 charts): Board.draw's chart work at step
    BURST, each spec built, its datasets turned into Arrow and handed to st.vega_lite_chart
    (bare mode: no page to send it to). The network's views (decision surface, distributions)
    are computed once before: Board.draw caches them per step too."""
    import streamlit as st

    from ui.common.i18n import translator
    from ui.playground import board

    sim = Simulation(DEFAULT)
    sim.burst(BURST)
    history, tr = sim.history, translator()
    grid = object.__new__(board.Board)  # no Streamlit page: no cells, only the builders
    grid.cache, grid.before = {}, None
    builders = grid._history_charts(sim, history, tr)
    builders.update(grid._network_charts(sim, tr))
    board.network_views(sim, grid.cache)
    slot = st.container()

    def draw_all() -> None:
        for row in board.LAYOUT:
            for name in row:
                spec = board.with_arrow_data(builders[name]())
                if spec is not None:
                    slot.vega_lite_chart(spec, width="stretch")

    draw_all()  # warm-up
    return len(history), [timed(draw_all) for _ in range(n)]


# ---------------------------------------------------------------------------------------------
# 3: a real server and a real browser


def server_rss_after(steps: int) -> float | None:
    import psutil

    if not os.path.exists(CHROMIUM):
        print(f"  (no Chromium at {CHROMIUM}: server memory not measured)")
        return None
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        replica_command(port), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.set_default_timeout(600_000)
            page.goto(f"{url}/playground?lang=en")
            page.wait_for_selector("[data-testid='stMain'] h1")
            _idle(page)
            page.locator(".st-key-pg_burst input").click()
            page.get_by_role("option", name=str(steps), exact=True).click()
            page.wait_for_selector(f".st-key-train :text('{steps}')")
            _idle(page)
            page.locator(".st-key-train button").click()
            page.wait_for_function(
                "n => [...document.querySelectorAll(\"[data-testid='stMetricValue']\")]"
                ".some(e => e.innerText.replace(/,/g, '') === String(n))",
                arg=steps,
            )
            _idle(page)
            server = psutil.Process(proc.pid)
            rss = server.memory_info().rss + sum(
                c.memory_info().rss for c in server.children(recursive=True)
            )
            browser.close()
        return rss / 2**20
    finally:
        stop(proc)


def _wait_healthy(url: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while not healthy(url):
        if time.monotonic() > deadline:
            raise RuntimeError("streamlit did not become healthy")
        time.sleep(0.3)


def _idle(page) -> None:
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached"
    )


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no server")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    reps = 3 if args.quick else 7

    at = app()
    idle = idle_reruns(at, reps * 2)
    idle_median = statistics.median(idle)
    spread = f"min {min(idle):.3f}, max {max(idle):.3f}, n={len(idle)}"
    print(f"1. Playground rerun, no training: median {idle_median:.3f} s ({spread})"
          "   target <= 0.3 s")  # fmt: skip

    page, inside, alone = burst_ratio(at, reps)
    page_m, inside_m = statistics.median(page), statistics.median(inside)
    alone_m = statistics.median(alone)
    print(f"2. {BURST}-step burst, default config (medians, n={reps}): "
          f"Simulation.burst alone {alone_m:.3f} s")  # fmt: skip
    print(f"   burst inside the page (progress bar, live charts) {inside_m:.3f} s"
          f" = {inside_m / alone_m:.2f}x   target <= 1.3x")  # fmt: skip
    print(f"   whole page run (burst + redrawing all 10 charts)  {page_m:.3f} s"
          f" = {page_m / alone_m:.2f}x")  # fmt: skip
    rows, draws = chart_draws(reps * 3)
    print(f"   the 10 charts alone at step {BURST} ({rows} history rows; build + Arrow +"
          f" st.vega_lite_chart, median of {len(draws)}): {statistics.median(draws):.3f} s"
          "   target <= 0.05 s")  # fmt: skip

    if not args.quick:
        rss = server_rss_after(5000)
        if rss is not None:
            print(f"3. server RSS after 5,000 steps in one session: {rss:.0f} MB"
                  "   target <= 500 MB")  # fmt: skip


if __name__ == "__main__":
    main()
