"""FAQ screen (AppTest): every section and claim drawn in both languages with live numbers,
its experiment links, the slow measurement's button, and the content's consistency."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from lessons import claims, measures, snapshot
from lessons.faq import fill, load, problems
from sim.analysis import compare
from sim.presets import PRESETS, TIME_PRESETS
from tests.app.helpers import make_app, no_exception, texts
from ui.common.i18n import LANGS, text
from ui.playground import state as playground_state
from ui.through_time import state as time_state

PAGE = "app_pages/faq.py"
FAQ = load()
FAST = [c for c, m in FAQ.claims.items() if m["experiment"] not in snapshot.SLOW]


def links(at) -> list[tuple[str, dict[str, str]]]:
    return [(x.proto.page, dict(parse_qsl(x.proto.query_string))) for x in at.get("page_link")]


def test_content_is_consistent():
    assert problems() == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_section_and_claim_is_shown_with_live_numbers(lang):
    at = make_app(PAGE, query={"lang": lang})
    no_exception(at)
    shown = texts(at)
    assert at.title[0].value == text(lang, "faq.title")
    for section in FAQ.sections:
        assert FAQ.text(lang, "sections", section.id, "title") in [h.value for h in at.header]
    for cid in FAQ.claims:
        assert FAQ.text(lang, "claims", cid, "title") in shown
    assert shown.count(text(lang, "faq.supports")) == len(FAST)
    assert not at.warning  # no measurement disagrees with its verdict
    assert "{" not in " ".join(m.value for m in at.markdown if "lab" in m.value)
    assert len(at.code) == 2  # the article's code and the fixed version
    assert len(at.get("vega_lite_chart")) == 1  # the fixed example, run live


def test_run_this_experiment_links_open_presets_and_comparisons():
    at = make_app(PAGE)
    found = links(at)
    playground = [q for page, q in found if "playground" in page]
    firsts = {m["presets"][0] for m in FAQ.claims.values() if m.get("presets")}
    for preset in firsts - set(TIME_PRESETS):  # each as its whole config
        assert {**playground_state.query_of(PRESETS[preset].cfg), "lang": "en"} in playground, (
            preset
        )
    through_time = [q for page, q in found if "through_time" in page]
    for preset in firsts & set(TIME_PRESETS):  # a recurrent one on the Through time screen
        query = time_state.TABLE.query(TIME_PRESETS[preset].cfg.to_dict())
        assert {**query, "lang": "en"} in through_time, preset
    # only the attention claim has nothing to open: its experiment is torch alone
    assert [c for c, m in FAQ.claims.items() if not m.get("presets")] == ["attention"]
    comparisons = [q for page, q in found if "compare" in page]
    assert comparisons
    for query in comparisons:
        runs, problems_found = compare.from_query(query)
        assert problems_found == [] and 2 <= len(runs) <= 4
    assert any("explorer" in page for page, _ in found)


def _fake_f(implied: str):
    names = ("steps", "sgd_update", "adam_update", "sgd5_acc", "adam5_acc", "adam10_acc")
    return lambda: claims.ClaimEvidence("f", implied, dict.fromkeys(names, 0.5))


def test_slow_claim_waits_for_its_button(monkeypatch):
    monkeypatch.setitem(claims.CLAIMS, "f", _fake_f("partly"))
    at = make_app(PAGE)
    waiting = texts(at).count(text("en", "faq.measure_slow"))
    assert waiting >= 1
    at.button(key="faq_measure_f").click().run()
    no_exception(at)
    shown = texts(at)
    assert shown.count(text("en", "faq.supports")) == len(FAST) + 1
    assert shown.count(text("en", "faq.measure_slow")) == waiting - 1


def test_notes_show_their_stored_numbers_until_measured_again(monkeypatch):
    calls = []

    def counted(key: str):
        def run() -> measures.Measurement:
            calls.append(key)
            return measures.Measurement(dict(snapshot.stored()[key].numbers))

        return run

    for key in list(measures.NOTE_MEASURES):
        monkeypatch.setitem(measures.NOTE_MEASURES, key, counted(key))
    at = make_app(PAGE)
    no_exception(at)
    assert calls == []  # the first run trains nothing: every note shows its stored numbers
    notes = measures.NOTE_MEASURES
    nid, meta = next((n, m) for n, m in FAQ.notes.items() if m.get("experiment") in notes)
    stored = snapshot.stored()[meta["experiment"]].numbers
    assert fill(FAQ.text("en", "notes", nid, "measured"), stored) in texts(at)
    at.button(key=f"faq_measure_{nid}").click().run()
    no_exception(at)
    assert calls == [meta["experiment"]]  # "Measure again" measures that note, live


def test_a_measurement_that_disagrees_is_said_plainly(monkeypatch):
    monkeypatch.setitem(claims.CLAIMS, "f", _fake_f("holds"))
    at = make_app(PAGE)
    at.button(key="faq_measure_f").click().run()
    no_exception(at)
    words = " ".join(w.value for w in at.warning)
    assert text("en", "faq.verdict_holds") in words


def test_links_take_only_what_they_draw_from():
    """An item's experiment links come from its metadata alone (no unused parameter)."""
    import inspect

    from ui.faq.view import links as item_links

    assert list(inspect.signature(item_links).parameters) == ["meta"]
