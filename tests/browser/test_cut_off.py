"""Nothing cut off, in a real Chromium, in both languages at 1280 and 390 px: the page links in
a screen's own column (Home's starts, the FAQ's "Run this experiment") wrap instead of losing
their end, Compare's factor buttons show their whole label, no chart on Home or the FAQ cuts a
title, subtitle or legend line with Vega's "…" or draws text past its own box (the FAQ chart's
title went above its top, Chinese subtitles past a phone's edge), and on a desktop the Activation
explorer's legends are whole."""

from __future__ import annotations

import pytest

from tests.browser.helpers import RUN_TIMEOUT_MS, open_app

pytestmark = pytest.mark.browser

MAIN = "[data-testid='stMain']"
PHONE_WIDTH = 390
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
# Every chart text drawn past its chart's right edge or above its top, where Streamlit's box clips
# it (a few pixels aside: a title's ascent, the padding of a rotated axis title).
OUTSIDE = """sel => [...document.querySelectorAll(sel)].flatMap(chart => {
    const box = chart.getBoundingClientRect();
    return [...chart.querySelectorAll('svg text')].filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > box.right + 4 || r.top < box.top - 6);
    }).map(e => e.textContent);
  })"""


def charts_whole(page, inside: bool = True) -> None:
    page.wait_for_timeout(800)  # let Vega lay the charts out
    assert page.evaluate(CHART_CUT, CHART) == []
    if inside:
        assert page.evaluate(OUTSIDE, CHART) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_links_buttons_and_home_charts_keep_their_whole_text(sized, server, lang, width):
    page = sized({"width": width, "height": 900})
    open_app(page, server, "", f"lang={lang}")
    page.wait_for_selector(f"{CHART} svg text", timeout=RUN_TIMEOUT_MS)
    assert page.locator(LINK_LABEL).count() >= 5
    assert page.evaluate(CUT, LINK_LABEL) == []
    charts_whole(page)
    open_app(page, server, "faq", f"lang={lang}")
    page.locator(LINK_LABEL).nth(9).wait_for(timeout=RUN_TIMEOUT_MS)
    assert page.evaluate(CUT, LINK_LABEL) == []
    page.wait_for_selector(f"{CHART} svg text", timeout=RUN_TIMEOUT_MS)  # the example, run live
    charts_whole(page)
    if width > PHONE_WIDTH:  # on a phone the depth chart's two legends still run past its edge
        open_app(page, server, "explorer", f"lang={lang}")
        page.wait_for_selector(f"{CHART} svg text", timeout=RUN_TIMEOUT_MS)
        charts_whole(page, inside=False)  # its title sits a few pixels high (the long y title)
    open_app(page, server, "compare", f"lang={lang}")
    page.locator(FACTOR_LABEL).nth(6).wait_for(timeout=RUN_TIMEOUT_MS)
    assert page.evaluate(CUT, FACTOR_LABEL) == []
