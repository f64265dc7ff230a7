"""Readable for everyone, on a desktop and on a phone, in a real Chromium: the sidebar starts
closed on a 390 x 844 screen and open on a desktop; every chart carries its own text alternative
(not Vega's generic "visualization"); chart text is dark enough on white. Screenshots of each
learning screen in both languages at 1280 and 390 px go to ./screenshots/ (readable-*)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import RUN_TIMEOUT_MS, open_app, shot

pytestmark = pytest.mark.browser

SIDEBAR = "[data-testid='stSidebar']"
CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
SCREENS = ("", "compare", "explorer", "faq")  # Home first


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


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screens_in_both_languages_at_desktop_and_phone_width(sized, server, lang, width):
    page = sized({"width": width, "height": 900})
    for path in SCREENS:
        open_app(page, server, path, f"lang={lang}")
        page.wait_for_selector(CHART, timeout=RUN_TIMEOUT_MS)
        page.wait_for_timeout(800)  # let Vega lay the charts out
        shot(page, f"readable-{path or 'home'}-{lang}-{width}")
