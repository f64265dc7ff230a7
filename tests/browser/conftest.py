"""A real browser against a real server: `streamlit run` on loopback, driven by Playwright with
Debian's Chromium. Fixtures here are meant to be reused by every browser test; the settings and
helpers they use are in tests/browser/helpers.py.

No Chromium: the tests skip with the reason, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from deploy.serve import stop
from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    RUN_TIMEOUT_MS,
    SCREENSHOTS,
    START_TIMEOUT_S,
    ensure_screenshots,
    free_port,
    serve_command,
    wait_healthy,
)
from tests.needs import missing


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Base URL of `streamlit run streamlit_app.py` on a free loopback port."""
    port = free_port()
    cmd = serve_command(port)
    ensure_screenshots()
    with open(SCREENSHOTS / "server.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, "streamlit", "screenshots/server.log", START_TIMEOUT_S)
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing("browser tests", f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("browser tests", "the playwright package is not installed")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # a Chromium that cannot start counts as missing
            missing("browser tests", f"Chromium did not start: {exc}")
        yield b
        with contextlib.suppress(Exception):
            b.close()


# The screens the layout tests look at by name: a desktop and a 390 x 844 phone.
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def sized(browser):
    """A page factory: `sized(viewport, locale="en-US")` opens a page in a fresh context (a
    Streamlit session of its own) at `viewport`, a VIEWPORTS name or {"width", "height"}; every
    context it opened is closed after the test."""
    contexts = []

    def make(viewport: str | dict, locale: str = "en-US"):
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        context = browser.new_context(viewport=size, locale=locale)
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(RUN_TIMEOUT_MS)
        return pg

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(sized, server):
    """A fresh browser context (its own Streamlit session) per test, on a wide screen."""
    return sized({"width": 1400, "height": 1000})
