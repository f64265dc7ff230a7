"""The browser's Back button takes one press per page: Home -> Playground -> FAQ -> Explorer by
links, then three presses of Back land on the Playground, the FAQ's way in reversed, each
page with its language in the URL, in both languages. Two ways in: the menu, and the pages' own
links (Home's start, the FAQ's explorer link)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from lessons.faq import load
from tests.browser.helpers import open_app, wait_idle
from ui.common.i18n import text

pytestmark = pytest.mark.browser

TITLE = "[data-testid='stMain'] h1"


def title(page) -> str:
    return page.locator(TITLE).first.inner_text().strip()


def arrive(page, lang: str, screen: str) -> None:
    """Until `screen`'s heading is drawn and its run is over."""
    page.locator(TITLE, has_text=text(lang, f"{screen}.title")).first.wait_for(timeout=45_000)
    wait_idle(page)
    page.wait_for_timeout(300)  # a URL message sent at the run's end reaches the browser


def menu(page, lang: str, screen: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=text(lang, f"{screen}.nav")).click()


def main_link(page, label: str) -> None:
    page.get_by_test_id("stMain").get_by_role("link", name=label).first.click()


def explorer_item() -> str:
    return next(k for k, m in {**load().claims, **load().notes}.items() if m.get("explorer"))


def visit(page, lang: str, way: str) -> list[tuple[str, str]]:
    """Home -> Playground -> FAQ -> Explorer; each page's (screen, URL) on arrival."""
    seen = [("home", page.url)]
    if way == "menu":
        menu(page, lang, "playground")
    else:
        main_link(page, text(lang, "home.start_sigmoid"))
    arrive(page, lang, "playground")
    seen.append(("playground", page.url))
    menu(page, lang, "faq")
    arrive(page, lang, "faq")
    seen.append(("faq", page.url))
    if way == "menu":
        menu(page, lang, "explorer")
    else:
        main_link(page, text(lang, "faq.open_explorer"))
    arrive(page, lang, "explorer")
    seen.append(("explorer", page.url))
    return seen


@pytest.mark.parametrize("way", ["menu", "links"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_back_takes_one_press_per_page(page, server, lang, way):
    assert explorer_item()  # the FAQ has an explorer link to follow
    open_app(page, server, "", f"lang={lang}")
    seen = visit(page, lang, way)
    for screen, _ in seen:
        assert screen  # every hop arrived (arrive waits for the heading)
    assert "depth=" in seen[1][1], "the Playground's URL holds its network"
    for screen, url in reversed(seen[:-1]):
        page.go_back()
        arrive(page, lang, screen)
        assert title(page) == text(lang, f"{screen}.title"), (screen, page.url)
        query = parse_qs(urlparse(page.url).query)
        assert query.get("lang") == [lang], (screen, page.url)
        assert urlparse(page.url).path == urlparse(url).path, (screen, page.url, url)
        if screen == "playground":
            assert query.get("depth") == parse_qs(urlparse(url).query).get("depth")
