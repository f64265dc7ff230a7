"""A link that opens the Playground or the Through time screen carries that screen's own URL for
its network (ui.playground.state.query_of, ui.through_time.state.query_of), so the screen finds
its keys already there, writes nothing on arrival, and the link costs one history entry. A link
built another way (sim.codec.to_query: every field, the other kind's too) is rewritten by the
screen: a second entry, and Back takes two presses."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from sim.analysis import compare
from sim.config import DEFAULT
from tests.app.helpers import make_app, no_exception
from ui.playground import state as playground
from ui.through_time import state as through_time
from ui.through_time.cells import three_cells
from ui.through_time.presets import START

SCREENS = {"playground": playground, "through_time": through_time}
SMALL = START.replace(seq_len=10, width=8, n_samples=120, batch_size=16)


def screen_links(at) -> list[tuple[str, dict[str, str]]]:
    """(screen, query) of every main-area link to the Playground or Through time."""
    found = []
    for link in at.main.get("page_link"):
        screen = next((s for s in SCREENS if link.proto.page.endswith(s)), None)
        if screen:
            found.append((screen, dict(parse_qsl(link.proto.query_string))))
    return found


def assert_as_the_screen_writes(links, lang: str) -> None:
    assert links, "the page links the Playground or Through time"
    for screen, query in links:
        state = SCREENS[screen]
        cfg, problems = state.config_of(query)
        assert not problems, (screen, query, problems)
        assert query == {**state.query_of(cfg), "lang": lang}, (screen, query)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_faq_links_carry_the_screens_own_url(lang):
    at = make_app("app_pages/faq.py", query={"lang": lang})
    no_exception(at)
    links = screen_links(at)
    assert {s for s, _ in links} == set(SCREENS), "both screens linked from the FAQ"
    assert_as_the_screen_writes(links, lang)


def test_explorer_links_carry_the_playgrounds_url():
    at = make_app("app_pages/explorer.py")
    no_exception(at)
    assert_as_the_screen_writes(screen_links(at), "en")


@pytest.mark.parametrize("recurrent", [False, True])
def test_compare_run_cards_carry_the_screens_own_url(recurrent):
    runs = three_cells(SMALL) if recurrent else compare.vary(DEFAULT, "activation", 2)
    at = make_app("app_pages/compare.py", query=compare.to_query(runs))
    no_exception(at)
    links = screen_links(at)
    want = "through_time" if recurrent else "playground"
    assert [s for s, _ in links].count(want) == len(runs)
    assert_as_the_screen_writes(links, "en")
