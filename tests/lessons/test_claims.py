"""Every verdict of the FAQ (content/faq/faq.toml) is backed by an engine experiment: each claim's
lessons.claims function runs here, and the test fails if its measurement does not support the
verdict the FAQ states, or if a number the FAQ's texts show is missing."""

import functools
import importlib.util
import math
import string
import tomllib
from pathlib import Path

import pytest

from lessons.claims import CLAIMS, VERDICTS, ClaimEvidence, supports
from lessons.code_check import tf1_calls, undefined_names

FAQ = Path(__file__).resolve().parents[2] / "content" / "faq"
STRUCTURE = tomllib.loads((FAQ / "faq.toml").read_text(encoding="utf-8"))
TEXTS = {lang: tomllib.loads((FAQ / f"{lang}.toml").read_text("utf-8")) for lang in ("en", "zh")}
ARTICLE_CODE = (FAQ / "article_code.py.txt").read_text(encoding="utf-8")


@functools.cache
def evidence(experiment: str) -> ClaimEvidence:
    fn = CLAIMS[experiment]
    return fn(ARTICLE_CODE) if experiment == "i" else fn()


@pytest.mark.parametrize("claim_id", list(STRUCTURE["claims"]))
def test_the_engine_supports_the_faq_verdict(claim_id):
    meta = STRUCTURE["claims"][claim_id]
    assert meta["verdict"] in VERDICTS
    ev = evidence(meta["experiment"])
    assert supports(ev, meta["verdict"]), (claim_id, ev.implied, ev.numbers)
    others = [v for v in VERDICTS if v != meta["verdict"]]
    assert not any(supports(ev, v) for v in others)
    assert all(isinstance(v, float) for v in ev.numbers.values())


@pytest.mark.parametrize("claim_id", list(STRUCTURE["claims"]))
def test_every_number_the_faq_shows_is_measured(claim_id):
    ev = evidence(STRUCTURE["claims"][claim_id]["experiment"])
    for lang, texts in TEXTS.items():
        template = texts["claims"][claim_id]["measured"]
        names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
        assert names <= set(ev.numbers) | set(ev.texts), (lang, names - set(ev.numbers))
        template.format(**ev.numbers, **ev.texts)  # and every format spec suits its number
        for name in names & set(ev.numbers):
            assert not math.isnan(ev.numbers[name]), (claim_id, name)


def test_every_claim_function_has_a_faq_entry():
    assert set(CLAIMS) == {meta["experiment"] for meta in STRUCTURE["claims"].values()}


def test_supports_rejects_unknown_verdicts():
    assert not supports(ClaimEvidence("x", "wrong"), "maybe")


# ---------------------------------------------------------------------------------------------
# The article's code: what is broken, and the fixed version


def test_article_code_is_broken_in_the_ways_the_faq_says():
    assert undefined_names(ARTICLE_CODE) == ["x", "y_true"]
    assert tf1_calls(ARTICLE_CODE) == [
        "optimizer.run",
        "tf.global_variables",
        "tf.train.GradientDescentOptimizer",
    ]


def _fixed_example():
    spec = importlib.util.spec_from_file_location("example_fixed", FAQ / "example_fixed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fixed_example_is_clean_and_runs_without_exploding():
    source = (FAQ / "example_fixed.py").read_text(encoding="utf-8")
    assert undefined_names(source) == [] and tf1_calls(source) == []
    out = _fixed_example().run(steps=300)
    assert len(out["loss"]) == 300
    assert out["loss"][-1] < out["loss"][0]
    assert all(math.isfinite(g) and g < 10 for g in out["grad_norm"])


def test_static_checks_handle_clean_code():
    code = "import torch\nx = torch.ones(2)\nprint(x)\n"
    assert undefined_names(code) == [] and tf1_calls(code) == []
