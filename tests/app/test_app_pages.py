"""Every page runs without an exception, in both languages; Home starts the Playground."""

from __future__ import annotations

import pytest

from sim.presets import PRESETS
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts
from ui.common.frame import PAGES
from ui.common.i18n import LANGS, text
from ui.home.view import STARTS
from ui.playground import state as playground_state


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
    """Each start carries the URL the Playground writes for its preset (not `preset=`, see
    ui.common.nav: the page switch is then one history entry), and opens that preset."""
    at = make_app()
    targets = [
        (link.proto.page, dict(_qs(link.proto.query_string))) for link in at.main.get("page_link")
    ]
    assert targets and all("playground" in page for page, _ in targets)
    queries = [{k: v for k, v in q.items() if k != "lang"} for _, q in targets]
    for preset, _, _ in STARTS:
        assert playground_state.query_of(PRESETS[preset].cfg) in queries, preset
    at.switch_page(PLAYGROUND)
    at.query_params.update(targets[0][1])
    at.run()
    no_exception(at)
    assert lab_of(at).cfg == PRESETS[STARTS[0][0]].cfg
    assert {k: at.query_params[k] for k in queries[0]} == queries[0]  # nothing more to write


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
