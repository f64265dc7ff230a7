"""On a 390 px phone, in a real Chromium and both languages, nothing is cut at the right edge:
Compare's recurrent runs (the Through time link's three cells) draw every chart, the time-step
heatmaps included, inside its box; the Activation explorer's depth chart keeps its legends inside
its box; a select box in the Playground's settings shows its whole value ("He (Kaiming)
normal"). Compare's run cards wear their lines' colour. The FAQ's link into the Playground adds
one history entry: one Back returns to the FAQ."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from sim.analysis import compare
from tests.browser.helpers import RUN_TIMEOUT_MS, open_app, shot, wait_idle
from ui.charts.compare import RUN_COLORS
from ui.common.i18n import text
from ui.through_time.cells import three_cells
from ui.through_time.presets import START

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 900}
MAIN = "[data-testid='stMain']"
CHART = f"{MAIN} [data-testid='stVegaLiteChart']"
TITLE = f"{MAIN} h1"
CELLS = urlencode(compare.to_query(three_cells(START.replace(seq_len=12, width=8, n_samples=200))))

# Each chart's drawn content (text, marks, canvas) that reaches past the chart's own box, which
# Streamlit clips at the right edge: one entry per chart, [] when it all fits.
PAST_EDGE = """sel => [...document.querySelectorAll(sel)].map(chart => {
    const right = chart.getBoundingClientRect().right;
    return [...chart.querySelectorAll('svg text, svg path, canvas')].filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > right + 2;
    }).map(e => e.textContent || e.tagName);
  })"""
# Select boxes (an <input> in Streamlit 1.67) whose value is wider than the box shows.
CUT_VALUES = """sel => [...document.querySelectorAll(sel)]
  .filter(i => i.clientWidth > 0 && i.scrollWidth > i.clientWidth).map(i => i.value)"""
# The colour of each run card's dot, in the cards' order.
DOT_COLORS = """() => [...document.querySelectorAll("[data-testid='stMain'] p > span")]
  .filter(s => s.children.length === 0 && s.textContent.trim() === '●')
  .map(s => getComputedStyle(s).color)"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(RUN_TIMEOUT_MS)
    yield pg
    context.close()


def rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def charts_fit(page) -> None:
    page.wait_for_timeout(800)  # let Vega lay the charts out at this width
    past = page.evaluate(PAST_EDGE, CHART)
    assert past and all(p == [] for p in past), past


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_recurrent_runs_fit_a_phone_and_dots_wear_the_line_colour(phone, server, lang):
    open_app(phone, server, "compare", f"{CELLS}&lang={lang}")
    phone.locator(".st-key-cmp_train button").click()
    phone.wait_for_timeout(500)
    wait_idle(phone)
    heatmap = text(lang, "time.heatmap_title")
    phone.get_by_text(heatmap).first.wait_for()
    assert phone.locator(CHART).count() >= 5  # signal, loss, three heatmaps
    charts_fit(phone)
    assert phone.evaluate(DOT_COLORS) == [rgb(c) for c in RUN_COLORS[:3]]
    shot(phone, f"phone_fit_compare_time_{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explorer_depth_chart_keeps_its_legends_on_a_phone(phone, server, lang):
    open_app(phone, server, "explorer", f"lang={lang}")
    phone.wait_for_function(
        "sel => document.querySelectorAll(sel + ' svg').length >= 3", arg=CHART
    )  # f, f' and the depth chart
    phone.get_by_text(text(lang, "explorer.mean_field")).first.wait_for()
    charts_fit(phone)
    shot(phone, f"phone_fit_explorer_{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_select_boxes_show_their_whole_value_on_a_phone(phone, server, lang):
    open_app(phone, server, "playground", f"lang={lang}&init=kaiming_normal")
    select = f"{MAIN} [data-testid='stSelectbox'] input"
    phone.wait_for_function(  # the settings grid comes after the page's first elements
        "([sel, want]) => [...document.querySelectorAll(sel)].some(i => i.value === want)",
        arg=[select, text(lang, "config.init_kaiming_normal")],
    )
    assert phone.evaluate(CUT_VALUES, select) == []
    shot(phone, f"phone_fit_playground_{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_back_from_the_faqs_playground_link_returns_to_the_faq(page, server, lang):
    open_app(page, server, "faq", f"lang={lang}")
    faq_url = page.url
    link = page.get_by_test_id("stMain").locator("[data-testid='stPageLink-NavLink']")
    words = text(lang, "faq.run_in_playground", name="\0").split("\0")[0]  # before the name
    link.filter(has_text=words).first.click()
    page.locator(TITLE, has_text=text(lang, "playground.title")).first.wait_for()
    wait_idle(page)
    page.wait_for_timeout(500)  # a URL message sent at the run's end reaches the browser
    page.go_back()
    page.locator(TITLE, has_text=text(lang, "faq.title")).first.wait_for(timeout=45_000)
    assert page.url == faq_url
