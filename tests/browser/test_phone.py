"""The Playground on a 390 x 844 phone and a 1280 x 900 desktop, in a real Chromium: the
settings are reachable from the main column while the sidebar stays closed, the action buttons
share one row, the first chart starts within two screens after a burst, and the keyboard reaches
Train within ten Tab presses. Screenshots go to ./screenshots/ (phone-*); the page's length on the
phone is printed (run with -s to see it)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import IDLE, RUN_TIMEOUT_MS, open_app, shot
from ui.common.i18n import text

pytestmark = pytest.mark.browser

MAIN = "[data-testid='stMain']"
CHART = f"{MAIN} [data-testid='stVegaLiteChart']"
SIDEBAR = "[data-testid='stSidebar']"
BUTTONS = ("train", "step", "continue", "reset")
QUERY = "depth=3&width=16"  # a light network: a burst is over quickly on a busy machine
MAX_TABS = 10

# What the element that has the focus is: the key of the widget it belongs to, else its tag.
FOCUSED = """() => {
  const el = document.activeElement;
  const widget = el && el.closest("[class*='st-key-']");
  const key = widget && [...widget.classList].find(c => c.startsWith('st-key-'));
  return key ? key.slice('st-key-'.length) : (el ? el.tagName.toLowerCase() : null);
}"""


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not on the screen"
    return found


def train_once(page) -> None:
    page.locator(".st-key-train button").click()
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMetricValue']\")?.innerText.trim() !== '0'",
        timeout=RUN_TIMEOUT_MS,
    )
    page.wait_for_selector(IDLE, state="attached", timeout=RUN_TIMEOUT_MS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_settings_are_reachable_from_the_main_column_on_a_phone(sized, server, lang):
    page = sized("phone")
    open_app(page, server, "playground", f"{QUERY}&lang={lang}")
    assert page.locator(SIDEBAR).first.get_attribute("data-collapsed") == "true"
    panel = page.locator(f"{MAIN} .st-key-pg_settings")
    assert text(lang, "playground.settings") in panel.inner_text()
    for key in ("pg_preset", "pg_depth", "pg_activation"):
        found = box(page, f"{MAIN} .st-key-{key}")
        assert found["x"] >= 0 and found["x"] + found["width"] <= page.viewport_size["width"], key
    shot(page, f"phone-playground-{lang}-390")
    # a control changed from the main column changes the network (and the link)
    page.locator(f"{MAIN} .st-key-pg_activation input").first.click()
    page.get_by_role("option", name=text(lang, "config.activation_tanh"), exact=True).click()
    page.wait_for_function("() => location.search.includes('activation=tanh')")
    page.wait_for_selector(IDLE, state="attached")
    assert page.locator(f"{SIDEBAR} .st-key-pg_activation").count() == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_action_buttons_stay_on_one_row_on_a_phone(sized, server, lang):
    page = sized("phone")
    open_app(page, server, "playground", f"{QUERY}&lang={lang}")
    boxes = [box(page, f"{MAIN} .st-key-{key}") for key in BUTTONS]
    tops = [b["y"] for b in boxes]
    assert max(tops) - min(tops) < 2, tops
    right = page.viewport_size["width"]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= right for b in boxes), boxes
    lefts = [b["x"] for b in boxes]
    assert lefts == sorted(lefts)  # Train first, Reset last


def test_the_first_chart_is_within_two_screens_on_a_phone(sized, server):
    page = sized("phone")
    open_app(page, server, "playground", f"{QUERY}&lang=en")
    train_once(page)
    page.wait_for_timeout(800)  # let Vega lay the charts out
    first = box(page, CHART)
    length = page.evaluate(f'() => document.querySelector("{MAIN}").scrollHeight')
    print(f"phone 390x844 after one burst: first chart at {first['y']:.0f} px, page {length} px")
    assert first["y"] < 2 * page.viewport_size["height"], first
    shot(page, "phone-playground-trained-390")


def tabs_to(page, key: str, most: int) -> list[str]:
    """Press Tab from the page's start until the focus is on the widget `key`; what it visited."""
    visited: list[str] = []
    while len(visited) < most and (not visited or visited[-1] != key):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUSED))
    return visited


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_nothing_in_the_main_column_comes_before_train_for_the_keyboard(sized, server, viewport):
    """Train is the first stop inside the page's main column, and Tab reaches it within ten
    presses (issue 17) at any width. On a phone the closed sidebar takes no stop; on a desktop
    the open sidebar's menu and the language switch come first (the current screen's entry and
    the key-only Room are no links, there is no main-menu button), and the skip link jumps
    past them."""
    page = sized(viewport)
    # A page at rest with Train enabled (a reader does not Tab within a frame of the load).
    # Under load the suite once walked past a Train not yet in the Tab order (cause not found):
    # a second walk on a fresh load is allowed, and it must then pass every assertion below.
    for attempt in range(2):
        page.goto("about:blank")
        open_app(page, server, "playground", f"{QUERY}&lang=en")
        page.wait_for_selector(".st-key-train button:not([disabled])", timeout=RUN_TIMEOUT_MS)
        page.wait_for_selector(IDLE, state="attached", timeout=RUN_TIMEOUT_MS)
        page.wait_for_timeout(1000)
        visited = tabs_to(page, "train", most=3 * MAX_TABS)
        if visited[-1] == "train":
            break
        print(f"walk {attempt + 1} missed Train: {visited}")
    assert visited[-1] == "train", visited
    assert visited[visited.index("main") + 1] == "train", visited  # main: the scrolling column
    assert len(visited) <= MAX_TABS, visited
    # Tab to the skip link, Enter, Tab: Train, at any width
    page.goto("about:blank")
    open_app(page, server, "playground", f"{QUERY}&lang=en")
    page.wait_for_selector(".st-key-train button:not([disabled])", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(IDLE, state="attached", timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert tabs_to(page, "train", most=1) == ["train"]
