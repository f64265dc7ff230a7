"""The Through time screen in a real Chromium: it opens in both languages, Train runs a burst,
the time-step heatmap is drawn from it, and no exception box appears. Screenshots go to
./screenshots/."""

from __future__ import annotations

import pytest

from tests.browser.helpers import open_app, shot, wait_idle
from ui.common.i18n import text

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
STEP_IS = "(n) => document.querySelector(\"[data-testid='stMetricValue']\")?.innerText.trim() == n"
SHORT = "seq_len=12&width=8&n_samples=200"  # a cheap network: the burst is about the page


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def step_shown(page) -> str:
    return page.get_by_test_id("stMetricValue").first.inner_text().strip()


def labelled(page, words: str):
    """The charts whose accessible description (the spec's `description`) holds `words`."""
    return page.locator(CHART).filter(has=page.locator(f"[aria-label*='{words}']"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_through_time_trains_and_draws_the_heatmap(page, server, lang):
    open_app(page, server, "through_time", f"lang={lang}&{SHORT}")
    no_exception(page)
    title = page.locator("[data-testid='stMain'] h1").first.inner_text().strip()
    assert title == text(lang, "time.title")
    heatmap = text(lang, "time.heatmap_title")
    assert labelled(page, heatmap).count() == 0, "no heatmap before training"

    train = page.locator(".st-key-train button")
    assert text(lang, "playground.train", n=200) in train.inner_text()
    train.click()
    page.wait_for_function(STEP_IS, arg="200", timeout=180_000)
    wait_idle(page)
    labelled(page, heatmap).first.wait_for(timeout=30_000)
    no_exception(page)
    assert step_shown(page) == "200"
    assert page.locator(CHART).count() >= 3  # heatmap, signal across time, loss
    shot(page, f"through-time-{lang}")
