"""Every page runs without an exception, in both languages; Home starts the Playground."""

from __future__ import annotations

import pytest

from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts
from ui.common.frame import PAGES
from ui.common.i18n import LANGS, text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", [path for path, _, _ in PAGES])
def test_page_runs(page, lang):
    at = make_app(page, query={"lang": lang})
    no_exception(at)
    assert at.title, "every screen has a title"
    shown = texts(at)
    assert "common.engine_error" not in shown
    assert text(lang, "common.engine_error").split("(")[0] not in shown


def test_home_links_start_presets_in_the_playground():
    at = make_app()
    links = at.get("page_link")
    targets = [
        (link.proto.page, dict(link.proto.query_string and _qs(link.proto.query_string)))
        for link in links
    ]
    presets = [q.get("preset") for page, q in targets if q]
    assert "sigmoid_vanishing" in presets
    assert all("playground" in page for page, _ in targets)


def _qs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query)


def test_home_picture_is_a_chart():
    at = make_app()
    assert len(at.get("vega_lite_chart")) >= 1


def test_a_page_switch_keeps_the_simulation():
    at = make_app(PLAYGROUND)
    at.button(key="step").click().run()
    sim = lab_of(at).sim
    at.switch_page("app_pages/home.py").run()
    at.switch_page(PLAYGROUND).run()
    no_exception(at)
    assert lab_of(at).sim is sim and sim.step == 1
