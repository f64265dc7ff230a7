"""A teacher link in a real Chromium: locked controls show but are disabled, hidden ones are not
on the page, a locked value edited into the address is ignored with a notice, and the pinned
exercise's check runs from the Playground. Also the Workshop page in both languages.
Screenshots: screenshots/teacher-link.png, screenshots/workshop-<lang>.png."""

from __future__ import annotations

import pytest

from lessons.exercises.loading import EXERCISES
from tests.browser.helpers import open_app, shot, wait_idle
from ui.common.i18n import text

pytestmark = pytest.mark.browser

EXCEPTION = "[data-testid='stException']"
EXERCISE = "fix_keep_activation"
LINK = f"exercise={EXERCISE}&lock=activation,depth&hide=norm,residual&activation=relu&lang=en"


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def widget(page, key: str):
    return page.locator(f".st-key-{key}")


def is_locked(page, key: str) -> bool:
    """Streamlit marks a disabled widget's label, and its input refuses focus and typing."""
    box = widget(page, key)
    # A slider's thumb can attach a moment after the script finishes: wait for it, not fail.
    box.locator("input, [role='slider']").first.wait_for(state="attached", timeout=10_000)
    label_disabled = box.locator("[data-testid='stWidgetLabel'][disabled]").count() == 1
    inputs = box.locator("input, [role='slider']")
    inputs_disabled = all(
        inputs.nth(i).is_disabled() or inputs.nth(i).get_attribute("aria-disabled") == "true"
        for i in range(inputs.count())
    )
    return label_disabled and inputs.count() > 0 and inputs_disabled


def test_teacher_link_locks_and_hides(page, server):
    open_app(page, server, "playground", LINK)
    no_exception(page)
    sidebar = page.get_by_test_id("stSidebar")
    # locked: on the page, disabled, showing the exercise's value (not the address's relu)
    assert is_locked(page, "pg_activation") and is_locked(page, "pg_depth")
    box = widget(page, "pg_activation")
    shown = box.inner_text() + " ".join(
        box.locator("input").nth(i).input_value() for i in range(box.locator("input").count())
    )
    assert "Sigmoid" in shown and "ReLU" not in shown
    # hidden: not on the page at all
    assert widget(page, "pg_norm").count() == 0 and widget(page, "pg_residual").count() == 0
    assert "Normalisation" not in sidebar.inner_text()
    # free: still changeable
    assert widget(page, "pg_init").count() == 1 and not is_locked(page, "pg_init")
    main = page.get_by_test_id("stMain").inner_text()
    assert "ignored" in main and EXERCISES[EXERCISE].text["en"].title in main
    shot(page, "teacher-link", full=False)

    # a locked selectbox does not open when clicked; a free one does
    box.locator("input").first.click(force=True, timeout=10_000)
    page.wait_for_timeout(300)
    assert page.locator("[role='listbox']").count() == 0
    widget(page, "pg_init").locator("input").first.click(timeout=10_000)
    page.locator("[role='listbox']").wait_for(timeout=10_000)
    page.keyboard.press("Escape")

    # the pinned exercise's check runs from the Playground and explains the verdict
    page.locator(".st-key-pg_ws_check button").click()
    page.get_by_text("Not yet").wait_for()
    wait_idle(page)
    no_exception(page)
    assert "Backward signal at layer 1" in page.get_by_test_id("stMain").inner_text()


def test_lock_survives_a_trip_to_the_workshop(page, server):
    open_app(page, server, "playground", LINK)
    page.locator(".st-key-nav").get_by_role("link", name="Workshop").click()
    page.get_by_role("heading", name="Workshop").wait_for()
    wait_idle(page)
    page.locator(".st-key-nav").get_by_role("link", name="Playground").click()
    page.get_by_role("heading", name="Playground").wait_for()
    wait_idle(page)
    assert is_locked(page, "pg_activation") and widget(page, "pg_norm").count() == 0
    assert "lock=" in page.url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_workshop_page(page, server, lang):
    open_app(page, server, "workshop", f"lang={lang}")
    no_exception(page)
    heading = page.locator("[data-testid='stMain'] h1").first.inner_text().strip()
    assert heading == text(lang, "workshop.title")
    first = next(iter(EXERCISES.values()))
    assert first.text[lang].title in page.get_by_test_id("stMain").inner_text()
    shot(page, f"workshop-{lang}")
