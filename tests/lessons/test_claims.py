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

from lessons import snapshot, through_time
from lessons.claims import CLAIMS, LEVEL, SLOW, VERDICTS, ClaimEvidence, level, supports
from lessons.code_check import tf1_calls, undefined_names

FAQ = Path(__file__).resolve().parents[2] / "content" / "faq"
STRUCTURE = tomllib.loads((FAQ / "faq.toml").read_text(encoding="utf-8"))
TEXTS = {lang: tomllib.loads((FAQ / f"{lang}.toml").read_text("utf-8")) for lang in ("en", "zh")}
ARTICLE_CODE = (FAQ / "article_code.py.txt").read_text(encoding="utf-8")
ALL_CLAIMS = CLAIMS | through_time.CLAIMS  # the outlook's claims live in lessons.through_time
ALL_SLOW = SLOW | through_time.SLOW


@functools.cache
def evidence(experiment: str) -> ClaimEvidence:
    fn = ALL_CLAIMS[experiment]
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
    assert set(ALL_CLAIMS) == {meta["experiment"] for meta in STRUCTURE["claims"].values()}
    assert not set(CLAIMS) & set(through_time.CLAIMS)


def test_stored_slow_claims_are_what_the_engine_measures_now():
    for key in ALL_SLOW:
        stored, ev = snapshot.stored()[key], evidence(key)
        assert stored.implied == ev.implied and stored.numbers.keys() == ev.numbers.keys()
        for name, value in ev.numbers.items():
            again = f"the engine changed: run python -m lessons.snapshot {key}"
            assert math.isclose(stored.numbers[name], value, rel_tol=1e-6), (key, name, again)


# ---------------------------------------------------------------------------------------------
# Corrected statements: the direction of each, recomputed, and quoted in both languages


def quoted(claim_id: str, *names: str) -> None:
    for lang, texts in TEXTS.items():
        template = texts["claims"][claim_id]["measured"]
        for name in names:
            assert "{" + name + ":" in template, (lang, claim_id, name)


def test_he_init_keeps_only_the_average_level():
    ev = evidence("c").numbers
    assert level(ev["he_factor"])
    assert ev["he_signal_ratio_min"] < ev["he_signal_ratio"] < ev["he_signal_ratio_max"]
    quoted("c", "he_signal_ratio_min", "he_signal_ratio_max")
    for texts in TEXTS.values():
        truth = texts["claims"]["c"]["truth"]
        assert "Hanin" in truth and "Balduzzi" in truth and "He" in truth


def test_batchnorm_makes_the_sigmoid_signal_grow():
    ev = evidence("d").numbers
    assert ev["sigmoid_bn_factor"] > LEVEL[1] and ev["sigmoid_bn_signal_ratio"] > 1
    quoted("d", "sigmoid_bn_factor")


def test_xavier_with_the_tanh_gain_is_chaotic_and_glorot_is_level():
    ev = evidence("g").numbers
    assert ev["xavier_factor"] > LEVEL[1] and level(ev["glorot_factor"])
    quoted("g", "xavier_factor", "glorot_factor")
    for texts in TEXTS.values():
        assert "5/3" in texts["claims"]["g"]["truth"]


def test_the_outlook_dates_the_first_analysis_and_names_the_gates_and_the_scaling():
    for lang, texts in TEXTS.items():
        rnn, attention = texts["claims"]["recurrent"]["truth"], texts["claims"]["attention"]
        assert "Hochreiter" in rnn and "1991" in rnn and "sigmoid" in rnn and "tanh" in rnn, lang
        assert "√d_k" in attention["truth"] and "§3.2.1" in attention["truth"], lang
    assert "hochreiter1991" in STRUCTURE["claims"]["recurrent"]["sources"]


def test_through_time_a_tanh_rnn_vanishes_by_orders_an_irnn_stays_level():
    n = evidence("recurrent").numbers
    assert n["tanh_ratio"] < 1e-8 and n["irnn_ratio"] > 0.1 and n["orders"] > 8
    # the LSTM's forget gate starts near 0.5 and its signal vanishes like the tanh RNN's;
    # the chrono bias opens the gate and lifts the signal by orders of magnitude
    assert abs(n["lstm_forget"] - 0.5) < 0.05 and n["lstm_ratio"] < 1e-8
    assert n["chrono_forget"] > 0.8 and n["chrono_ratio"] > 1e5 * n["lstm_ratio"]
    quoted("recurrent", "tanh_ratio", "lstm_forget", "chrono_ratio", "irnn_ratio", "orders")


def test_softmax_jacobian_matches_its_closed_form():
    """diag(p) - p p^T, the Jacobian torch.func computes in the attention experiment."""
    import torch

    s = torch.randn(64, 32, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    jac = torch.func.vmap(torch.func.jacrev(lambda v: torch.softmax(v, -1)))(s * 4)
    assert torch.allclose(jac, through_time.softmax_jacobian(torch.softmax(s * 4, -1)))


def test_unscaled_attention_saturates_with_d_k_and_scaling_keeps_it_steady():
    n = evidence("attention").numbers
    raw = [n[f"raw_jac_{d}"] for d in through_time.D_KS]
    scaled = [n[f"scaled_jac_{d}"] for d in through_time.D_KS]
    assert raw == sorted(raw, reverse=True) and raw[-1] < 0.1 * scaled[-1]
    assert max(scaled) / min(scaled) < 1.2 and n["scaled_saturated_256"] == 0.0
    assert n["raw_saturated_256"] > n["raw_saturated_64"] > n["raw_saturated_16"]
    quoted("attention", "raw_jac_256", "scaled_jac_256", "raw_saturated_256", "collapse")


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
