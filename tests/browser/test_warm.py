"""The server warms what every page needs before it answers anyone, not on the first visitor
(ui.common.warm, the lifespan of the st.App in streamlit_app.py): its first health check
already finds it warm. Each test starts a fresh `streamlit run` of its own: the suite's shared
server has had visitors already."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from deploy.serve import WARM_PATH, stop
from tests.browser.helpers import (
    ROOT,
    RUN_TIMEOUT_MS,
    SCREENSHOTS,
    START_TIMEOUT_S,
    ensure_screenshots,
    free_port,
    serve_command,
    wait_healthy,
    wait_idle,
)
from ui.common import warm

CHART = "[data-testid='stVegaLiteChart']"


@contextmanager
def fresh_server(name: str) -> Iterator[tuple[str, str]]:
    """(base URL, log path) of a `streamlit run` started just now that nobody has visited."""
    ensure_screenshots()
    port, log = free_port(), SCREENSHOTS / f"{name}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(serve_command(port), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, "streamlit", f"screenshots/{name}.log", START_TIMEOUT_S)
        yield url, str(log)
    finally:
        stop(proc)


def warm_state(url: str) -> dict:
    with urllib.request.urlopen(f"{url}{warm.ROUTE}", timeout=10) as r:
        return json.loads(r.read())


def open_playground(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    page.goto(f"{url}/playground?lang=en")
    page.wait_for_selector("[data-testid='stMain'] h1")
    page.wait_for_selector(CHART)
    wait_idle(page)
    return context, page


def test_the_warm_up_imports_what_every_screen_imports():
    names = warm.page_modules()
    assert {"ui.common.frame", "ui.playground.board", "ui.faq.view", "ui.room.teacher"} <= set(
        names
    )
    assert not [n for n in names if n.startswith("app_pages")]
    assert WARM_PATH == warm.ROUTE  # deploy.serve waits on the same route


def test_the_page_names_the_chunks_it_needs_for_preloading():
    header = warm.preload_header()
    assert header.count("rel=modulepreload") >= len(warm.PRELOAD) - 5, header  # found by name
    assert "ArrowVegaLiteChart." in header and "Radio." in header


def test_the_server_is_warm_when_its_health_check_first_answers(browser):
    with fresh_server("warm_before") as (url, log):
        before = warm_state(url)  # asked right after the first "ok", before any browser
        assert before["state"] == "ready", before
        assert list(before["done"]) == [name for name, _ in warm.STEPS]
        assert before["waited"] == 0
        context, page = open_playground(browser, url)
        try:
            assert page.locator("[data-testid='stException']").count() == 0
            assert page.locator(CHART).count() >= 1
        finally:
            context.close()
        assert warm_state(url)["waited"] == 0  # the visit came after: it ran warm at once
        with open(log) as f:
            assert "warm in" in f.read()


def test_a_visitor_at_once_gets_the_whole_page_warm(browser):
    with fresh_server("warm_at_once") as (url, _):
        context, page = open_playground(browser, url)  # as soon as the health check answers
        try:
            assert page.locator("[data-testid='stException']").count() == 0
            assert page.get_by_role("heading", level=1).count() >= 1
            got = page.request.get(f"{url}/playground?lang=en")
            assert "rel=modulepreload" in got.headers.get("link", "")
        finally:
            context.close()
        got = warm_state(url)
        assert got["state"] == "ready" and got["waited"] == 0, got
