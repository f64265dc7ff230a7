"""The app in a real Chromium: both screens in both languages, a burst that redraws the
gradient chart, deep links, a bad link, and never an exception box. Screenshots go to
./screenshots/ (kept out of git); the Playground after a burst also to docs/playground.png."""

from __future__ import annotations

import io
import os

import pytest

from sim.presets import PRESETS
from tests.browser.helpers import ROOT, SCREENSHOTS, open_app, shot, wait_idle
from ui.common.i18n import text
from ui.playground.board import LAYOUT

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
README_PNG = ROOT / "docs" / "playground.png"  # refreshed when missing or UPDATE_README_PNG=1
README_MAX_BYTES = 300_000


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def title(page) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


def metric(page, index: int) -> str:
    return page.get_by_test_id("stMetricValue").nth(index).inner_text().strip()


def wait_for(page, predicate, timeout_s: float = 120.0) -> None:
    """Poll until predicate() holds (a rerun's result), then until the script run is over."""
    deadline = timeout_s * 1000
    waited = 0
    while not predicate():
        assert waited < deadline, "timed out"
        page.wait_for_timeout(200)
        waited += 200
    wait_idle(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home(page, server, lang):
    open_app(page, server, "", f"lang={lang}")
    shot(page, f"home-{lang}")
    no_exception(page)
    assert title(page) == text(lang, "home.title")
    assert page.locator(CHART).count() >= 1  # the picture
    links = page.get_by_test_id("stPageLink")
    assert links.count() >= 4


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_playground(page, server, lang):
    open_app(page, server, "playground", f"lang={lang}")
    shot(page, f"playground-{lang}")
    no_exception(page)
    assert title(page) == text(lang, "playground.title")
    assert page.locator(CHART).count() >= 4  # untrained: the network's views and one placeholder
    assert text(lang, "playground.train", n=200) in page.locator(".st-key-train").inner_text()


def test_home_start_opens_the_preset(page, server):
    open_app(page, server, "", "lang=en")
    page.get_by_role("link", name=text("en", "home.start_sigmoid")).click()
    wait_for(page, lambda: "depth=10" in page.url)
    no_exception(page)
    assert title(page) == text("en", "playground.title")
    assert "activation=sigmoid" in page.url


def test_train_draws_and_changes_the_gradient_chart(page, server):
    """The README's picture too: a 10-layer sigmoid network losing its gradient, after a burst."""
    open_app(page, server, "playground", "lang=en&preset=sigmoid_vanishing")
    steps = PRESETS["sigmoid_vanishing"].steps
    grad_chart = page.locator(CHART).first
    before = grad_chart.screenshot()
    page.locator(".st-key-train button").click()
    wait_for(page, lambda: metric(page, 0) == str(steps))
    no_exception(page)
    assert page.locator(CHART).count() >= 9
    after_burst = grad_chart.screenshot()
    assert after_burst != before, "the gradient chart did not change after a burst"
    assert page.get_by_test_id("stAlert").filter(has_text="layer 1").count() >= 1  # vanishing

    save_readme_picture(shot(page, "playground-after-burst"))
    page.locator(".st-key-step button").click()
    wait_for(page, lambda: metric(page, 0) == str(steps + 1))
    assert grad_chart.screenshot() != after_burst, "the gradient chart did not change on Step"
    no_exception(page)


# Marks every chart's drawing surface, and later lists the charts whose surface lost the mark: a
# chart the browser keeps (its data swapped in place) keeps its canvas; one it builds anew
# (vega-embed again) gets a new one.
SURFACES = "[...document.querySelectorAll(sel)].map((c) => c.querySelector('canvas, svg.marks'))"
MARK_CHARTS = f"(sel) => {SURFACES}.map((e) => e && (e.__kept = 1)).length"
SLOT_NAMES = [name for row in LAYOUT for name in row]  # the charts in page order
NOT_KEPT = f"(sel) => {SURFACES}.flatMap((e, i) => (e && e.__kept === 1 ? [] : [i]))"


def test_bursts_update_the_charts_in_place(page, server):
    """Once the first bursts have settled the axes (as in tests/app/test_chart_stability.py),
    each burst swaps new data into the charts on screen instead of building them again
    (ui.playground.board shows each slot's last chart from the start of a run, and the specs keep
    all but
    their data still): every chart keeps its drawing surface, and the pixels change."""
    open_app(page, server, "playground", "lang=en")
    train = page.locator(".st-key-train button")
    for _ in range(2):
        step = metric(page, 0)
        train.click()
        wait_for(page, lambda step=step: metric(page, 0) != step)
    assert page.evaluate(MARK_CHARTS, CHART) == len(SLOT_NAMES)
    grad_chart = page.locator(CHART).first
    before = grad_chart.screenshot()
    for burst in (3, 4):
        step = metric(page, 0)
        train.click()
        wait_for(page, lambda step=step: metric(page, 0) != step)
        no_exception(page)
        rebuilt = [SLOT_NAMES[i] for i in page.evaluate(NOT_KEPT, CHART)]
        assert not rebuilt, f"built anew in burst {burst}: {rebuilt}"
    assert grad_chart.screenshot() != before, "the gradient chart did not change"


def save_readme_picture(path, height: int = 1170) -> None:
    """A small PNG of the Playground's top: title, buttons, diagnosis, the gradient charts."""
    from PIL import Image

    with Image.open(path) as full:
        top = full.crop((0, 0, full.width, min(full.height, height)))
        small = top.convert("RGB").resize((1000, int(top.height * 1000 / top.width)), Image.LANCZOS)
        buffer = io.BytesIO()
        small.save(buffer, format="PNG", optimize=True)
    assert len(buffer.getvalue()) < README_MAX_BYTES
    (SCREENSHOTS / "playground-readme.png").write_bytes(buffer.getvalue())
    if os.environ.get("UPDATE_README_PNG") == "1" or not README_PNG.exists():
        README_PNG.parent.mkdir(exist_ok=True)
        README_PNG.write_bytes(buffer.getvalue())  # a tracked file: only when asked


def test_deep_link_restores_the_config(page, server):
    query = "lang=zh&depth=9&activation=tanh&lr=0.02&seed=11&residual=true"
    open_app(page, server, "playground", query)
    no_exception(page)
    assert title(page) == text("zh", "playground.title")
    depth = page.locator(".st-key-pg_depth input[type='range']")
    assert depth.input_value() == "9"
    activation = page.locator(".st-key-pg_activation input[role='combobox']").input_value()
    assert activation == text("zh", "config.activation_tanh")
    # the link now holds every field, so it survives changed defaults
    for field in ("depth=9", "activation=tanh", "lr=0.02", "seed=11", "width=", "batch_size="):
        assert field in page.url, (field, page.url)
    shot(page, "playground-deep-link-zh")


def test_bad_link_opens_with_defaults_and_a_notice(page, server):
    open_app(page, server, "playground", "lang=en&depth=9000&activation=swishy")
    no_exception(page)
    notice = page.get_by_test_id("stAlert").filter(has_text="swishy")
    assert notice.count() == 1 and "9000" in notice.inner_text()
    assert page.locator(".st-key-pg_depth input[type='range']").input_value() == "6"
    shot(page, "playground-bad-link")


def test_a_change_mid_burst_stops_it_cleanly_and_continue_finishes_it(page, server):
    """A hot control changed while a long burst runs: the burst stops at a step boundary, the
    change applies in place, nothing is lost, and Continue runs the steps that were left."""
    steps = 5000
    open_app(page, server, "playground", "lang=en&seed=4")
    page.locator(".st-key-pg_burst input").click()
    page.get_by_role("option", name=str(steps), exact=True).click()
    wait_for(page, lambda: f"Train {steps}" in page.locator(".st-key-train").inner_text())
    page.locator(".st-key-train button").click()
    page.get_by_test_id("stProgress").wait_for()  # the burst is running
    dropout = page.locator(".st-key-pg_dropout input[type='range']")
    dropout.focus()
    page.keyboard.press("ArrowRight")  # dropout 0 -> 0.05: a hot field, applied in place
    wait_for(page, lambda: page.get_by_test_id("stAlert").filter(has_text="paused").count() > 0)
    no_exception(page)
    stopped_at = int(metric(page, 0).replace(",", ""))
    assert 0 < stopped_at < steps
    assert "dropout=0.05" in page.url
    shot(page, "playground-interrupted")

    page.locator(".st-key-continue").get_by_role("button", name="Continue").click()
    wait_for(page, lambda: metric(page, 0).replace(",", "") == str(steps))
    no_exception(page)
