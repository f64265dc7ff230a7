"""In a real Chromium: a click on Train or the language switch mid-burst does not cut the burst
short; Train shows busy while it runs."""

from __future__ import annotations

import pytest

from tests.browser.helpers import open_app
from tests.browser.test_app_browser import metric, no_exception, title, wait_for
from ui.common.i18n import text

pytestmark = pytest.mark.browser
STEPS = 2000


def start_burst(page, server: str) -> None:
    open_app(page, server, "playground", "lang=en&seed=4")
    page.locator(".st-key-pg_burst input").click()
    page.get_by_role("option", name=str(STEPS), exact=True).click()
    wait_for(page, lambda: f"Train {STEPS:,}" in page.locator(".st-key-train").inner_text()
             or f"Train {STEPS}" in page.locator(".st-key-train").inner_text())  # fmt: skip
    page.locator(".st-key-train button").click()
    page.get_by_test_id("stProgress").wait_for()  # the burst is running


def finished(page) -> bool:
    return metric(page, 0).replace(",", "") == str(STEPS)


def test_the_language_switch_mid_burst_never_interrupts_it(page, server):
    start_burst(page, server)
    page.get_by_test_id("stSidebar").get_by_text(text("zh", "common.lang_zh")).click()
    wait_for(page, lambda: finished(page) and page.get_by_test_id("stProgress").count() == 0)
    no_exception(page)
    assert title(page) == text("zh", "playground.title")
    assert page.get_by_test_id("stAlert").filter(has_text="训练停在").count() == 0


def test_train_is_busy_mid_burst_and_the_burst_finishes(page, server):
    start_burst(page, server)
    assert page.locator(".st-key-train_busy button").is_disabled()
    wait_for(page, lambda: finished(page) and page.get_by_test_id("stProgress").count() == 0)
    no_exception(page)
    assert page.get_by_test_id("stAlert").filter(has_text="paused").count() == 0
    assert page.locator(".st-key-train button").is_enabled()
