"""Language: from the browser's locale, from ?lang=, and from the sidebar switch."""

from __future__ import annotations

import pytest

from tests.app.helpers import PLAYGROUND, make_app, no_exception, texts
from ui.common.i18n import lang_from_locale, text


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("zh-CN", "zh"), ("zh_TW", "zh"), ("zh", "zh"), ("en-US", "en"), ("de", "en"), (None, "en")],
)
def test_lang_from_locale(locale, lang):
    assert lang_from_locale(locale) == lang


def test_browser_locale_sets_the_default():
    at = make_app(PLAYGROUND, locale="zh-CN")
    assert at.title[0].value == text("zh", "playground.title")


def test_url_lang_beats_the_locale():
    at = make_app(PLAYGROUND, query={"lang": "en"}, locale="zh-CN")
    assert at.title[0].value == text("en", "playground.title")


@pytest.mark.parametrize("page", ["app_pages/home.py", PLAYGROUND])
def test_switch_changes_visible_text(page):
    at = make_app(page)
    english = texts(at)
    at.sidebar.radio(key="lang").set_value("zh").run()
    no_exception(at)
    chinese = texts(at)
    assert english != chinese
    assert text("zh", "playground.title" if page == PLAYGROUND else "home.title") in chinese
    assert at.query_params["lang"] in ("zh", ["zh"])
    # the language stays when moving to another page
    at.switch_page("app_pages/home.py").run()
    assert at.title[0].value == text("zh", "home.title")


def test_widget_labels_follow_the_language():
    at = make_app(PLAYGROUND, query={"lang": "zh"})
    assert at.slider(key="pg_depth").label == text("zh", "config.field_depth")
    assert at.button(key="reset").label == text("zh", "playground.reset")
