"""Two replicas behind HAProxy, as `python -m deploy.serve` starts them, driven by real browsers
on loopback: sessions are spread over both replicas, and each keeps its network across bursts
and across a websocket that drops and reconnects (the proxy's cookie brings it back to the
replica that holds its session; any other replica would show a fresh network at step 0).

No haproxy or Chromium: the tests skip with the reason, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from deploy.serve import COOKIE
from tests.browser.helpers import IDLE, RUN_TIMEOUT_MS, open_app, proxy_stack
from tests.needs import missing

pytestmark = pytest.mark.browser

CONTEXTS = 4
STEP_VALUE = "[data-testid='stMetricValue']"
TRAIN = ".st-key-train button"
BURST = 200  # the Playground's default burst
# Every WebSocket the page opens, kept where the test can close it (Playwright's offline mode
# leaves an open websocket alone).
KEEP_SOCKETS = """(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native {
        constructor(...args) { super(...args); window.__sockets.push(this); }
    };
})()"""
STEP_IS = """([sel, idle, n]) => {
    const e = document.querySelector(sel);
    const step = e ? parseInt(e.textContent.replace(/\\D/g, ''), 10) : -1;
    return step === n && document.querySelector(idle) !== null;
}"""


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    """Base URL of the proxy in front of two replicas (`python -m deploy.serve`)."""
    if shutil.which("haproxy") is None:
        missing("the proxy test", "no haproxy on PATH (apt-get install haproxy)")
    with proxy_stack("proxy") as url:
        yield url


def _step(page) -> int:
    text = page.locator(STEP_VALUE).first.inner_text()
    digits = "".join(c for c in text if c.isdigit())
    return int(digits) if digits else -1


def _train(page, expected: int) -> None:
    page.locator(TRAIN).click()
    page.wait_for_function(STEP_IS, arg=[STEP_VALUE, IDLE, expected], timeout=RUN_TIMEOUT_MS)


def _replica(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)


def _drop_websocket(page) -> None:
    """Close the page's websocket and wait until Streamlit has opened a new one and rerun."""
    with page.expect_websocket(timeout=RUN_TIMEOUT_MS):
        page.evaluate("window.__sockets.at(-1).close()")
    page.wait_for_function(
        "() => window.__sockets.length > 1 && window.__sockets.at(-1).readyState === 1",
        timeout=RUN_TIMEOUT_MS,
    )
    page.wait_for_selector(IDLE, state="attached", timeout=RUN_TIMEOUT_MS)


def test_sessions_spread_over_replicas_and_keep_their_network(browser, proxy):
    contexts, pages = [], []
    try:
        for _ in range(CONTEXTS):  # one after another: each first page picks a replica
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
            context.add_init_script(KEEP_SOCKETS)
            page = context.new_page()
            page.set_default_timeout(RUN_TIMEOUT_MS)
            open_app(page, proxy, "playground", "lang=en")
            contexts.append(context)
            pages.append(page)
        replicas = [_replica(c) for c in contexts]
        assert set(replicas) == {"r1", "r2"}, f"sessions per replica: {replicas}"

        for page in pages:  # the network grows burst by burst on its replica
            assert _step(page) == 0
            _train(page, BURST)
            _train(page, 2 * BURST)

        for page, context, replica in zip(pages, contexts, replicas, strict=True):
            _drop_websocket(page)
            assert _step(page) == 2 * BURST, "the reconnected session lost its network"
            _train(page, 3 * BURST)
            assert _replica(context) == replica
            assert page.locator("[data-testid='stException']").count() == 0
    finally:
        for context in contexts:
            context.close()
