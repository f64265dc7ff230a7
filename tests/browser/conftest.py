"""A real browser against a real server: `streamlit run` on loopback, driven by Playwright with
Debian's Chromium. Fixtures here are meant to be reused by every browser test.

No Chromium: the tests skip with the reason, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing_browser(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read().decode().strip() == "ok"
    except OSError:
        return False


def serve_command(port: int, *extra: str) -> list[str]:
    """`streamlit run` on loopback, as the browser suite and the benchmarks start it."""
    return [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *extra,
    ]  # fmt: skip


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Base URL of `streamlit run streamlit_app.py` on a free loopback port."""
    port = _free_port()
    cmd = serve_command(port)
    _ensure_dir()
    with open(SCREENSHOTS / "server.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}; see screenshots/server.log")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {START_TIMEOUT_S} s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _ensure_dir() -> None:
    SCREENSHOTS.mkdir(exist_ok=True)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing_browser(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("the playwright package is not installed")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # a Chromium that cannot start counts as missing
            _missing_browser(f"Chromium did not start: {exc}")
        yield b
        with contextlib.suppress(Exception):
            b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context (its own Streamlit session) per test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(RUN_TIMEOUT_MS)
    yield pg
    context.close()


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


MAX_SHOT_HEIGHT = 6000


def shot(page, name: str, full: bool = True) -> Path:
    """Screenshot to screenshots/<name>.png. Streamlit scrolls inside its main area, so for the
    whole page the viewport is stretched to the content's height for the shot."""
    _ensure_dir()
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
