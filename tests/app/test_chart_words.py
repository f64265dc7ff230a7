"""Every Playground, Explorer and FAQ chart says in words what it shows now (caption text under
it, in the reader's language, its numbers those of the history), keeps a fixed description
that points there, and has its numbers in a collapsed table."""

from __future__ import annotations

import math
import re
import string
import tomllib

import numpy as np
import pytest

from tests.app.helpers import PLAYGROUND, ROOT, lab_of, make_app, no_exception
from ui.charts.base import num
from ui.charts.numbers import table_of
from ui.charts.words import SENTENCES, WORD_KEYS, sentence
from ui.playground import board
from ui.playground.board import LAYOUT, NUMBERS_KEY

LOCALES = {"en": "en-US", "zh": "zh-CN"}
CATALOGS = {
    lang: tomllib.loads((ROOT / "locales" / f"{lang}.toml").read_text(encoding="utf-8"))
    for lang in LOCALES
}
SMALL = {"depth": "3", "width": "8"}  # 4 Linear layers: layer 1 .. the output layer (4)


def word(lang: str, key: str) -> str:
    table, name = key.split(".")
    return CATALOGS[lang][table][name]


def captions(at) -> list[str]:
    return [str(c.value) for c in at.caption]


def pattern(template: str) -> re.Pattern:
    """A catalog text with every {field} free: what a filled-in sentence of it matches."""
    parts = string.Formatter().parse(template)
    return re.compile(
        "".join(re.escape(text) + (".+?" if name else "") for text, name, _, _ in parts)
    )


def said(at, lang: str, key: str) -> str:
    """The one caption that is `key`'s sentence, filled in."""
    found = [c for c in captions(at) if pattern(word(lang, key)).fullmatch(c)]
    assert len(found) == 1, (key, captions(at))
    return found[0]


def latest(history, name: str, layer: int) -> tuple[int, float]:
    rows = history[(history["metric"] == name) & (history["layer"] == layer)]
    row = rows.loc[rows["step"].idxmax()]
    return int(row["step"]), float(row["value"])


def trained(lang: str, steps: int = 50):
    at = make_app(PLAYGROUND, query=SMALL, locale=LOCALES[lang])
    at.selectbox(key="pg_burst").set_value(steps).run()
    at.button(key="train").click().run()
    no_exception(at)
    return at


@pytest.mark.parametrize("lang", list(LOCALES))
def test_playground_sentences_quote_the_history(lang):
    at = trained(lang)
    h = lab_of(at).sim.history
    step, first = latest(h, "grad_norm", 1)
    _, last = latest(h, "grad_norm", 4)
    text = said(at, lang, "charts.now_grad_norm")
    assert str(step) in text and num(first) in text and num(last) in text
    assert num(first / last) in text

    loss_step, loss = latest(h, "loss", 0)
    text = said(at, lang, "charts.now_loss")
    assert str(loss_step) in text and num(loss, 3) in text
    assert num(math.log(2), 3) in text  # chance on the two-class moons: ln 2
    _, acc = latest(h, "train_acc", 0)
    assert f"{acc:.1%}" in said(at, lang, "charts.now_accuracy")
    text = said(at, lang, "charts.now_heatmap")
    assert num(latest(h, "grad_norm", 1)[1]) in text and str(step) in text
    # every Playground chart has its sentence
    for key in ("update", "units", "activations", "decision_cls", "dist_gradient"):
        said(at, lang, f"charts.now_{key}")


def test_a_burst_moves_the_sentence_not_the_description():
    at = trained("en", 10)
    lab = lab_of(at)
    before = said(at, "en", "charts.now_grad_norm")
    description = lab.cache["specs"]["grad_norm"][1]["description"]
    assert word("en", "charts.now_below") in description  # it points to the words under it
    at.button(key="train").click().run()
    no_exception(at)
    after = said(at, "en", "charts.now_grad_norm")
    assert before != after and str(lab.sim.step) in after
    assert lab.cache["specs"]["grad_norm"][1]["description"] == description


def open_numbers(at, names) -> None:
    """Open the numbers expander under each named chart, as a click on it does (a rerun)."""
    for name in names:
        at.session_state[NUMBERS_KEY.format(name)] = True
    at.run()
    no_exception(at)


@pytest.mark.parametrize("lang", list(LOCALES))
def test_every_playground_chart_has_its_numbers_in_a_closed_table(lang):
    at = trained(lang)
    label = word(lang, "common.chart_numbers")
    boxes = [e for e in at.expander if e.label == label]
    assert len(boxes) == 10  # the ten charts of a classification run
    assert not any(e.proto.expanded for e in boxes)
    open_numbers(at, [name for row in LAYOUT for name in row])
    boxes = [e for e in at.expander if e.label == label]
    assert len(boxes) == 10 and all(e.proto.expanded for e in boxes)
    tables = [t.value for box in boxes for t in box.get("dataframe")]
    assert len(tables) == 10 and all(0 < len(t) <= 100 for t in tables)
    # the gradient-norm table: the latest step, one row per layer
    grad = next(t for t in tables if word(lang, "charts.grad_norm") in t.columns)
    assert len(grad) == 4
    _, first = latest(lab_of(at).sim.history, "grad_norm", 1)
    assert np.isclose(grad[word(lang, "charts.grad_norm")].iloc[0], first)


def test_a_burst_builds_the_tables_of_open_expanders_only(monkeypatch):
    built = []

    def counting(spec, *args, **kwargs):
        built.append(spec)
        return table_of(spec, *args, **kwargs)

    monkeypatch.setattr(board, "table_of", counting)
    at = trained("en", 10)
    assert built == []  # every expander closed: no table built
    boxes = [e for e in at.expander if e.label == word("en", "common.chart_numbers")]
    assert len(boxes) == 10 and not any(e.get("dataframe") for e in boxes)

    open_numbers(at, ["loss"])  # opening one builds its table, from the cached spec
    assert len(built) == 1
    at.button(key="train").click().run()
    no_exception(at)
    assert len(built) == 2  # the burst rebuilt the open one's table alone
    loss = word("en", "charts.loss")
    (table,) = [t.value for e in at.expander for t in e.get("dataframe") if loss in t.value]
    assert set(table[word("en", "charts.step")]) == {lab_of(at).sim.step}
    at.run()  # a rerun without a burst shows the same table without building it again
    no_exception(at)
    assert len(built) == 2


def test_an_untrained_network_has_no_sentence_and_no_table_for_its_empty_charts():
    at = make_app(PLAYGROUND, query=SMALL, locale="en-US")
    no_exception(at)
    assert not [c for c in captions(at) if pattern(word("en", "charts.now_grad_norm")).fullmatch(c)]
    boxes = [e for e in at.expander if e.label == word("en", "common.chart_numbers")]
    assert len(boxes) == 3  # what the untrained network already does: its surface, histograms


@pytest.mark.parametrize("lang", list(LOCALES))
def test_explorer_charts_say_what_they_show(lang):
    at = make_app("app_pages/explorer.py", query={"acts": "sigmoid,relu"}, locale=LOCALES[lang])
    no_exception(at)
    f = said(at, lang, "charts.now_f")
    assert "−6" in f or "-6" in f
    df = said(at, lang, "charts.now_df")
    assert "0.25" in df and " 1" in df  # sigmoid's steepest slope, ReLU's
    said(at, lang, "charts.now_depth")
    label = word(lang, "common.chart_numbers")
    assert len([e for e in at.expander if e.label == label]) == 3


@pytest.mark.parametrize("lang", list(LOCALES))
def test_faq_sentence_quotes_the_example(lang):
    from ui.charts.faq import example_chart
    from ui.faq.view import fixed_example

    out = fixed_example(0)
    text = sentence(
        "faq_example", example_chart(out, lambda k: word(lang, k)), lambda k: word(lang, k)
    )
    assert pattern(word(lang, "charts.now_example")).fullmatch(text)
    assert num(out["loss"][0], 3) in text and num(out["loss"][-1], 3) in text
    assert num(out["grad_norm"][-1], 3) in text and str(len(out["loss"])) in text


def test_faq_page_shows_the_sentence_and_the_table():
    from ui.faq.view import fixed_example

    at = make_app("app_pages/faq.py", query={"lang": "en"})
    no_exception(at)
    assert num(fixed_example(0)["loss"][-1], 3) in said(at, "en", "charts.now_example")
    assert any(e.label == word("en", "common.chart_numbers") for e in at.expander)


def test_every_sentence_key_is_in_both_catalogs():
    for lang in LOCALES:
        for key in WORD_KEYS:
            assert word(lang, key), (lang, key)
    assert len(SENTENCES) == 14  # 10 Playground charts, 3 Explorer, 1 FAQ
