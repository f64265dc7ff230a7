"""The browser suite's settings and helpers: how the server starts (`streamlit run` on loopback),
how Chromium starts, and how a test opens a screen, waits for a run and takes a screenshot.
The benchmarks that drive a browser (benchmarks/load_test.py) reuse them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# The server starts as deploy/serve.py starts each replica; one health check for both.
from deploy.serve import healthy, stop
from deploy.serve import replica_command as serve_command  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 120_000  # one script run (a burst included) on a busy 2-core machine
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAX_SHOT_HEIGHT = 6000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_screenshots() -> None:
    SCREENSHOTS.mkdir(exist_ok=True)


def wait_idle(page) -> None:
    """Until the script run has finished (and at least once started)."""
    page.wait_for_selector(IDLE, state="attached", timeout=RUN_TIMEOUT_MS)


def open_app(page, server: str, path: str = "", query: str = "") -> None:
    """Open a screen and wait until its first script run is over. The app reports
    'notRunning' before that run starts too, so first wait for something the run draws: every
    screen has a title."""
    page.goto(f"{server}/{path}{'?' + query if query else ''}")
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=RUN_TIMEOUT_MS)
    wait_idle(page)


def shot(page, name: str, full: bool = True) -> Path:
    """Screenshot to screenshots/<name>.png. Streamlit scrolls inside its main area, so for the
    whole page the viewport is stretched to the content's height for the shot."""
    ensure_screenshots()
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size
    page.evaluate(  # from the top, whatever a click scrolled into view
        "() => document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })"
    )
    if full:
        height = page.evaluate(
            "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight"
        )
        page.set_viewport_size({"width": viewport["width"], "height": min(height, MAX_SHOT_HEIGHT)})
        page.wait_for_timeout(500)  # let the charts lay themselves out again
    try:
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(viewport)
    return path


def wait_healthy(proc: subprocess.Popen, url: str, what: str, log: str, timeout_s: float) -> None:
    """Poll `url`'s health until it answers; fail the test if `proc` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while not healthy(url):
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}; see {log}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} is not healthy after {timeout_s:.0f} s; see {log}")
        time.sleep(0.3)


@contextmanager
def proxy_stack(name: str, replicas: int = 2, database_url: str | None = None) -> Iterator[str]:
    """`python -m deploy.serve` (HAProxy in front of `replicas` replicas) on free loopback
    ports; yields the proxy's base URL. Logs: screenshots/<name>.log, one per process in
    screenshots/<name>/. Every replica gets `database_url` (default: the environment's)."""
    ensure_screenshots()
    port = free_port()
    cmd = [
        sys.executable, "-m", "deploy.serve", "--replicas", str(replicas), "--port", str(port),
        "--first-replica-port", str(free_port()), "--log-dir", str(SCREENSHOTS / name),
    ]  # fmt: skip
    if database_url:
        cmd += ["--database-url", database_url]
    with open(SCREENSHOTS / f"{name}.log", "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, "deploy.serve", f"screenshots/{name}*", 2 * START_TIMEOUT_S)
        yield url
    finally:
        stop(proc, timeout_s=30)  # deploy.serve stops the proxy and every replica on SIGTERM


# Each chart's plots, read from the SVG Vega draws: every group item is a <g> holding its
# background <path class="background"> and then a <g> of its marks; a group whose marks include
# a non-group mark (a line, a rect, a symbol) is a plot (one for a plain or layered chart, one per
# cell of a facet), and its background's box is the plot's frame, without titles, legends and
# axes. A chart drawn on a canvas (Streamlit switches to it over 2,000 points a mark) has no such
# DOM: it is reported with plots None, and its whole box is all that can be read.
PLOT_HEIGHTS = """sel => [...document.querySelectorAll(sel)].map(el => {
  const svg = el.querySelector('svg.marks');
  const box = el.getBoundingClientRect().height;
  const name = (el.querySelector('.role-title text')?.textContent || '').slice(0, 60);
  if (!svg) return {name, plots: null, box};
  const plots = [];
  svg.querySelectorAll('path.background').forEach(bg => {
    const marks = bg.nextElementSibling;
    const own = marks ? [...marks.children] : [];
    if (own.some(m => m.classList.contains('role-mark') && !m.classList.contains('mark-group')))
      plots.push(Math.round(bg.getBBox().height));
  });
  return {name, plots: [...new Set(plots)], box};
})"""


def plot_heights(page, selector: str = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"):
    """[(chart's accessible name, [plot heights in px] or None for a canvas chart, the chart's
    box height)] for every chart on the page, as Vega laid them out."""
    page.wait_for_function(  # every chart drawn (one far down the page may still be coming)
        "sel => [...document.querySelectorAll(sel)].every(e => e.querySelector('svg, canvas'))",
        arg=selector,
    )
    page.wait_for_timeout(500)  # and laid out
    out = page.evaluate(PLOT_HEIGHTS, selector)
    return [(c["name"], c["plots"], c["box"]) for c in out]
