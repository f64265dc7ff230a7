"""Readable for everyone, on a desktop and on a phone, in a real Chromium: the sidebar starts
closed on a 390 x 844 screen and open on a desktop; every chart carries its own text alternative
(not Vega's generic "visualization"); chart text is dark enough on white; every chart keeps a
readable plot. Screenshots of each learning screen in both languages at 1280 and 390 px go to
./screenshots/ (readable-*).

Plot heights: Streamlit fits the whole chart (titles, legends, axes) into the spec's height, and
before ui.charts.spec's height model some plots were left 56-80 px tall. The plot's height is
read from the frame Vega draws behind each plot (helpers.plot_heights), so no title or legend row
counts toward it. A chart on a canvas (the decision surface's many cells) has no such frame in the
page; only its whole box is checked."""

from __future__ import annotations

import pytest

from tests.browser.helpers import RUN_TIMEOUT_MS, open_app, plot_heights, shot, wait_idle

pytestmark = pytest.mark.browser

SIDEBAR = "[data-testid='stSidebar']"
CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
SHORT = "seq_len=12&width=8&n_samples=200"  # a cheap recurrent network: the burst is not the point
SCREENS = [  # (path, query, the Train button's key or None), Home first
    ("", "", None),
    ("explorer", "", None),
    ("faq", "", None),
    ("playground", "preset=sigmoid_vanishing", "train"),
    ("through_time", SHORT, "train"),
    ("compare", "preset=sigmoid_vanishing", "cmp_train"),
]
FLOOR = 115  # pixels of plot at least; the small facet heatmaps (one row a layer) keep their 120


def sidebar_open(page) -> bool:
    return page.locator(SIDEBAR).first.get_attribute("data-collapsed") == "false"


def test_the_sidebar_starts_closed_on_a_phone_and_open_on_a_desktop(sized, server):
    phone = sized("phone")
    open_app(phone, server, "", "lang=en")
    assert not sidebar_open(phone)
    desktop = sized("desktop")
    open_app(desktop, server, "", "lang=en")
    assert sidebar_open(desktop)


def _chart_labels(page) -> list[str]:
    page.wait_for_selector(f"{CHART}[role='graphics-document']", timeout=RUN_TIMEOUT_MS)
    return page.eval_on_selector_all(CHART, "els => els.map(e => e.getAttribute('aria-label'))")


def _axis_text_colours(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            f"{CHART} svg .role-axis-label text, {CHART} svg .role-axis-title text",
            "els => els.map(e => e.getAttribute('fill'))",
        )
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_say_what_they_show_and_their_text_is_dark(sized, server, lang):
    page = sized("desktop")
    open_app(page, server, "explorer", f"lang={lang}")
    labels = _chart_labels(page)
    assert labels and all(label and "visualization" not in label.lower() for label in labels)
    colours = _axis_text_colours(page)
    assert colours and "#808495" not in colours, colours


def low_plots(page) -> list[tuple[str, float]]:
    charts = plot_heights(page)
    assert any(plots for _, plots, _ in charts), "no chart's plot found on the page"
    return [
        (name, h)
        for name, plots, box in charts
        for h in (plots if plots is not None else [box])  # a canvas chart: its box
        if h < FLOOR
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_screens_in_both_languages_at_desktop_and_phone_width(sized, server, lang, width, height):
    page = sized({"width": width, "height": height})
    low = {}
    for path, query, train in SCREENS:
        open_app(page, server, path, "&".join(q for q in (f"lang={lang}", query) if q))
        if train:
            page.locator(f".st-key-{train} button").click()
            page.wait_for_timeout(1000)  # the click's run has started
            wait_idle(page)
        page.wait_for_selector(CHART, timeout=RUN_TIMEOUT_MS)
        low[path] = low_plots(page)  # waits for every chart to be drawn and laid out
        shot(page, f"readable-{path or 'home'}-{lang}-{width}")
    assert low == {path: [] for path, _, _ in SCREENS}
