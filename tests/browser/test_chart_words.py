"""In a real Chromium: the sentence under the Playground's gradient-norm chart says what it shows
now and changes after a burst, while the chart's own accessible name stays fixed and points to
it; its numbers open from a closed expander, built only once it is opened."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import RUN_TIMEOUT_MS, open_app, wait_idle

pytestmark = pytest.mark.browser

CAPTION = "[data-testid='stMain'] [data-testid='stCaptionContainer']"
CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
SENTENCE = re.compile(r"At step (\d+), layer 1's gradient norm is \S+: \S+ times the output")
BELOW = "What it shows now is written under the chart"
NUMBERS = "The numbers behind this chart"
MAIN = "[data-testid='stMain']"


def grad_sentence(page) -> str | None:
    texts = page.eval_on_selector_all(CAPTION, "els => els.map(e => e.innerText)")
    found = [t for t in texts if SENTENCE.search(t)]
    return found[0] if found else None


def train_and_wait(page, before: str | None) -> str:
    page.locator(".st-key-train button").click()
    page.wait_for_function(
        """([sel, before]) => [...document.querySelectorAll(sel)].some(e =>
             /At step \\d+, layer 1's gradient norm/.test(e.innerText)
             && e.innerText !== before)""",
        arg=[CAPTION, before or ""],
        timeout=RUN_TIMEOUT_MS,
    )
    wait_idle(page)
    text = grad_sentence(page)
    assert text is not None
    return text


def test_the_gradient_sentence_follows_each_burst(page, server):
    open_app(page, server, "playground", "depth=3&width=8&lang=en")
    assert grad_sentence(page) is None  # nothing trained: nothing to say yet
    first = train_and_wait(page, None)
    second = train_and_wait(page, first)
    steps = [int(SENTENCE.search(text).group(1)) for text in (first, second)]
    assert steps[1] > steps[0] > 0
    labels = page.eval_on_selector_all(CHART, "els => els.map(e => e.getAttribute('aria-label'))")
    assert any(label and BELOW in label for label in labels), labels
    boxes = page.eval_on_selector_all(
        "[data-testid='stMain'] details",
        "els => els.filter(e => e.innerText.includes('The numbers behind this chart'))"
        ".map(e => e.open)",
    )
    assert len(boxes) == 10 and not any(boxes)  # one per chart, each closed
    # nothing is in them until one is opened: then the page reruns and builds its table
    numbers = page.locator("[data-testid='stMain'] details").filter(has_text=NUMBERS)
    assert page.locator(f"{MAIN} [data-testid='stDataFrame']").count() == 0
    numbers.first.locator("summary").click()
    page.wait_for_selector(
        f"{MAIN} details[open] [data-testid='stDataFrame']", timeout=RUN_TIMEOUT_MS
    )
    wait_idle(page)
    assert page.locator(f"{MAIN} [data-testid='stDataFrame']").count() == 1
