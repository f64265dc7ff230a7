"""Every chart keeps a readable plot in a real Chromium, in both languages, on a desktop and a
phone: Streamlit fits the whole chart (titles, legends, axes) into the spec's height, and before
ui.charts.spec's height model some plots were left 56-80 px tall. The plot's height is read from
the frame Vega draws behind each plot (helpers.plot_heights), so no title or legend row counts
toward it. A chart on a canvas (the decision surface's many cells) has no such frame in the
page; only its whole box is checked."""

from __future__ import annotations

import pytest

from tests.browser.helpers import RUN_TIMEOUT_MS, open_app, plot_heights, wait_idle

pytestmark = pytest.mark.browser

# pixels of plot at least; the small facet heatmaps (one row a layer) keep their own 120
FLOOR = 115
SHORT = "seq_len=12&width=8&n_samples=200"  # a cheap recurrent network: the burst is not the point
SCREENS = [  # (path, query, the Train button's key or None)
    ("explorer", "", None),
    ("playground", "preset=sigmoid_vanishing", "train"),
    ("through_time", SHORT, "train"),
    ("compare", "preset=sigmoid_vanishing", "cmp_train"),
]


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
def test_every_plot_keeps_a_readable_height(browser, server, lang, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        low = {}
        for path, query, train in SCREENS:
            open_app(page, server, path, "&".join(q for q in (f"lang={lang}", query) if q))
            if train:
                page.locator(f".st-key-{train} button").click()
                page.wait_for_timeout(1000)  # the click's run has started
                wait_idle(page)
            low[path] = low_plots(page)
        assert low == {path: [] for path, _, _ in SCREENS}
    finally:
        context.close()
