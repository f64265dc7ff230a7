"""The browser adds a history entry for each URL message that changes its address: a rerun that
changes nothing sends none, and a changed control sends one (not one per key); every internal
link carries the reader's language."""

from __future__ import annotations

import pytest
from streamlit.runtime.state.query_params import QueryParams

from tests.app.helpers import PLAYGROUND, make_app, no_exception

PAGES = (None, PLAYGROUND, "app_pages/compare.py", "app_pages/explorer.py",
         "app_pages/workshop.py", "app_pages/faq.py")  # fmt: skip


@pytest.fixture
def sent(monkeypatch):
    messages = []
    real = QueryParams._send_query_param_msg

    def counting(self):
        messages.append(dict(self._query_params))
        return real(self)

    monkeypatch.setattr(QueryParams, "_send_query_param_msg", counting)
    return messages


@pytest.mark.parametrize("page", PAGES)
def test_a_rerun_that_changes_nothing_sends_no_url(sent, page):
    at = make_app(page)
    no_exception(at)
    sent.clear()
    at.run()
    assert sent == []  # nothing changed: nothing sent


def test_a_changed_control_sends_one_url(sent):
    at = make_app(PLAYGROUND)
    sent.clear()
    at.slider(key="pg_depth").set_value(4).run()
    no_exception(at)
    assert len(sent) == 1 and at.query_params["depth"] in ("4", ["4"])


@pytest.mark.parametrize("locale, lang", [("en-GB", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("page", [None, "app_pages/faq.py", "app_pages/explorer.py"])
def test_every_internal_link_carries_the_language(page, locale, lang):
    from urllib.parse import parse_qs

    at = make_app(page, locale=locale)
    no_exception(at)
    links = at.get("page_link")
    assert links, "the page has links"
    for link in links:
        assert parse_qs(link.proto.query_string).get("lang") == [lang], link.proto
