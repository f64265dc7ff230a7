"""The learning screens in a real Chromium: Compare, Activation explorer and FAQ load in both
languages without an exception box; Compare trains its runs together; an FAQ "run this
experiment" link lands in the Playground with the preset loaded; a Compare link rebuilds its
runs. Screenshots go to ./screenshots/."""

from __future__ import annotations

import pytest

from lessons.faq import load
from sim.analysis import compare
from sim.presets import PRESETS
from tests.browser.helpers import open_app, shot, wait_idle
from ui.common.i18n import text

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
FAQ_CLAIM = "c"  # ReLU with the default init: a preset whose depth (20) differs from the default


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def title(page) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


def wait_for(page, predicate, timeout_s: float = 180.0) -> None:
    waited = 0.0
    while not predicate():
        assert waited < timeout_s * 1000, "timed out"
        page.wait_for_timeout(200)
        waited += 200
    wait_idle(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "path,key,charts",
    [("compare", "compare.title", 2), ("explorer", "explorer.title", 3), ("faq", "faq.title", 1)],
)
def test_learning_page_loads(page, server, lang, path, key, charts):
    open_app(page, server, path, f"lang={lang}")
    wait_for(page, lambda: page.locator(CHART).count() >= charts)
    shot(page, f"{path}-{lang}")
    no_exception(page)
    assert title(page) == text(lang, key)
    # the menu marks the current screen by name, as text rather than a link to itself
    here = page.locator(".st-key-nav_here")
    assert text(lang, f"{path}.nav") in here.inner_text()


def test_compare_trains_all_runs_together(page, server):
    runs = compare.vary(PRESETS["sigmoid_vanishing"].cfg.replace(depth=4), "activation", 3)
    query = "&".join(f"{k}={v}" for k, v in compare.to_query(runs).items())
    open_app(page, server, "compare", f"lang=en&{query}")
    no_exception(page)
    assert "r3_activation" in page.url
    page.locator(".st-key-cmp_train button").click()
    wait_for(page, lambda: page.locator(CHART).count() >= 6)
    shot(page, "compare-trained-en")
    no_exception(page)
    steps = page.get_by_text(text("en", "compare.run_step", step=100), exact=True)
    assert steps.count() == 3


def test_faq_button_opens_the_preset_in_the_playground(page, server):
    claim = FAQ_CLAIM
    preset = load().claims[claim]["presets"][0]
    open_app(page, server, "faq", "lang=en")
    label = text("en", "faq.run_in_playground", name=text("en", f"playground.preset_{preset}"))
    page.get_by_role("link", name=label).first.click()
    cfg = PRESETS[preset].cfg
    wait_for(page, lambda: f"depth={cfg.depth}" in page.url and "activation=" in page.url)
    no_exception(page)
    assert title(page) == text("en", "playground.title")
    assert f"activation={cfg.activation}" in page.url and f"init={cfg.init}" in page.url
    shot(page, "faq-to-playground-en")


def test_zh_faq_link_keeps_the_language(page, server):
    open_app(page, server, "faq", "lang=zh")
    preset = load().claims["a"]["presets"][0]
    name = text("zh", f"playground.preset_{preset}")
    page.get_by_role("link", name=text("zh", "faq.run_in_playground", name=name)).first.click()
    wait_for(page, lambda: "activation=sigmoid" in page.url)
    no_exception(page)
    assert title(page) == text("zh", "playground.title")
