"""Nothing cut off, in a real Chromium, in both languages at 1280 and 390 px: the page links in
a screen's own column (Home's starts, the FAQ's "Run this experiment") wrap instead of losing
their end, Compare's factor buttons show their whole label, and no chart on Home cuts a title,
subtitle or legend line with Vega's "…"."""

from __future__ import annotations

import pytest

from tests.browser.helpers import RUN_TIMEOUT_MS, open_app

pytestmark = pytest.mark.browser

MAIN = "[data-testid='stMain']"
CHART = f"{MAIN} [data-testid='stVegaLiteChart']"
LINK_LABEL = f"{MAIN} [data-testid='stPageLink-NavLink'] [data-testid='stMarkdownContainer']"
FACTOR_LABEL = f"{MAIN} [class*='st-key-cmp_vary_'] button [data-testid='stMarkdownContainer']"

# The labels whose text is wider than their box (Streamlit hides the rest, or ends it with "…"):
# the laid-out text's own width, which scrollWidth rounds away when the overflow is under a pixel.
CUT = """sel => [...document.querySelectorAll(sel)].filter(e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return range.getBoundingClientRect().width > e.getBoundingClientRect().width + 0.5;
  }).map(e => e.innerText)"""
# Every text of every chart that Vega shortened with "…" (a title line or label over its limit).
CHART_CUT = """sel => [...document.querySelectorAll(sel + ' svg text')]
  .map(e => e.textContent).filter(s => s.endsWith('…'))"""


@pytest.fixture
def sized(browser):
    """A page factory: a fresh context at the given viewport."""
    contexts = []

    def make(width: int):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(RUN_TIMEOUT_MS)
        return pg

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [1280, 390])
def test_links_buttons_and_home_charts_keep_their_whole_text(sized, server, lang, width):
    page = sized(width)
    open_app(page, server, "", f"lang={lang}")
    page.wait_for_selector(f"{CHART} svg text", timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(800)  # let Vega lay the charts out
    assert page.locator(LINK_LABEL).count() >= 5
    assert page.evaluate(CUT, LINK_LABEL) == []
    assert page.evaluate(CHART_CUT, CHART) == []
    open_app(page, server, "faq", f"lang={lang}")
    page.locator(LINK_LABEL).nth(9).wait_for(timeout=RUN_TIMEOUT_MS)
    assert page.evaluate(CUT, LINK_LABEL) == []
    open_app(page, server, "compare", f"lang={lang}")
    page.locator(FACTOR_LABEL).nth(6).wait_for(timeout=RUN_TIMEOUT_MS)
    assert page.evaluate(CUT, FACTOR_LABEL) == []
