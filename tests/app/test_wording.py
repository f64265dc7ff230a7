"""Engine findings worded in both languages, with their numbers."""

from __future__ import annotations

import pytest

from sim.diagnosis import CODES, Finding
from sim.diagnosis_time import DIVERGED_CODES, TIME_CODES
from ui.common.i18n import LANGS, translator
from ui.common.wording import finding_next, finding_text, sorted_findings

VALUES = {
    "diverged": {"step": 212, "where": "backward"},
    "step_diverged": {"step": 7, "where": "backward", "factor": 0.99, "ratio": 0.95},
    "not_learning": {"loss": 0.693, "chance": 0.6931, "steps": 300.0, "test_acc": 0.535},
    "vanishing": {
        "ratio": 2e-10,
        "factor": 0.137,
        "first_grad": 3.1e-10,
        "output_grad": 0.37,
        "first_signal": 1e-10,
        "last_signal": 0.007,
    },
    "exploding": {
        "ratio": 1061.0,
        "factor": 1.44,
        "first_grad": 590.0,
        "output_grad": 2812.0,
        "first_signal": 99.0,
        "last_signal": 0.09,
    },
    "saturation": {"share": 0.62, "worst": 0.91},
    "dead_units": {"share": 0.75, "mean": 0.31},
    "update_small": {"median": 1.9e-6},
    "update_large": {"median": 3.8},
    "float32_underflow": {"layers": 2.0},
    "healthy": {},
}
SHOWN = {  # a number each sentence must carry, as printed
    "diverged": "212",
    "step_diverged": "0.99",
    "not_learning": "0.693",
    "vanishing": "2.0e-10",
    "exploding": "1.1e+03",
    "saturation": "62%",
    "dead_units": "75%",
    "update_small": "1.9e-06",
    "update_large": "3.8e+00",
    "float32_underflow": "2",
}


# Through time (sim.diagnosis_time): the signal across time steps, gates, chance, divergence.
SIGNAL_TIME = {"ratio": 3e-9, "factor": 0.67, "first_signal": 2e-10, "last_signal": 0.08}
SIGNAL_TIME |= {"seq_len": 50.0, "radius": 0.93}
TIME_VALUES = {
    "vanishing_time": SIGNAL_TIME,
    "exploding_time": {**SIGNAL_TIME, "ratio": 4.2e5, "factor": 1.31},
    "tbptt_cut": {"window": 10.0, "reach": 10.0, "seq_len": 50.0},
    "gates_saturated": {"share": 0.83, "worst": 0.97, "forget": 0.91},
    "not_learning_time": {"loss": 0.171, "chance": 1 / 6, "steps": 400.0, "seq_len": 50.0},
    "healthy_time": {},
    "diverged_time": {"step": 58, "where": "forward"},
    "step_diverged_time": {"step": 9, "where": "backward", "factor": 1.04, "ratio": 5.6},
}
TIME_SHOWN = {
    "vanishing_time": "3.0e-09",
    "exploding_time": "4.2e+05",
    "tbptt_cut": "10",
    "gates_saturated": "83%",
    "not_learning_time": "0.171",
    "diverged_time": "58",
    "step_diverged_time": "1.04",
}


def test_every_code_has_test_values():
    assert set(VALUES) == set(CODES)
    assert set(TIME_VALUES) == set(TIME_CODES) | set(DIVERGED_CODES)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", [*TIME_CODES, *DIVERGED_CODES])
def test_finding_through_time_is_worded_with_its_numbers(lang, code):
    tr = translator(lang)
    f = Finding(code, "warning", 2, TIME_VALUES[code])
    words = finding_text(f, depth=3, tr=tr)
    assert "{" not in words and "finding." not in words, words
    if code in TIME_SHOWN:
        assert TIME_SHOWN[code] in words, words
    assert finding_next(f, tr)
    depth = {"en": "through depth", "zh": "随深度"}[lang]  # a recurrent network's is time
    assert depth not in words and "layer" not in words.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_a_divergence_through_time_names_the_weight_matrix(lang):
    tr = translator(lang)
    for layer in (1, 2, 3):
        f = Finding("step_diverged_time", "error", layer, TIME_VALUES["step_diverged_time"])
        assert tr(f"finding.matrix_{layer}") in finding_text(f, 3, tr)
    odd = Finding("diverged_time", "error", 0, TIME_VALUES["diverged_time"])  # only the loss
    assert tr("finding.matrix_any") in finding_text(odd, 3, tr)


@pytest.mark.parametrize("lang", LANGS)
def test_advice_under_what_to_try_says_try_once(lang):
    tr = translator(lang)
    prefix = tr("playground.try_next", text="").strip()
    for advice in (("lower_lr", "clip"), ()):
        body = tr(
            "playground.try_next",
            text=finding_next(Finding("diverged", "error", 3, {}, advice), tr),
        )
        assert body.count(prefix) == 1, body
        assert not body[len(prefix) :].strip().startswith(("Try", "试试", "可以试试")), body


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", CODES)
def test_finding_is_worded_with_its_numbers(lang, code):
    tr = translator(lang)
    f = Finding(code, "warning", 3, VALUES[code])
    words = finding_text(f, depth=10, tr=tr)
    assert "{" not in words and f"finding.{code}" not in words
    if code in SHOWN:
        assert SHOWN[code] in words, words
    assert finding_next(f, tr)


@pytest.mark.parametrize("lang", LANGS)
def test_divergence_names_step_and_layer(lang):
    tr = translator(lang)
    words = finding_text(Finding("diverged", "error", 3, VALUES["diverged"]), 10, tr)
    assert "212" in words and "3" in words


def test_errors_come_first():
    found = [Finding("healthy", "ok"), Finding("vanishing", "warning")]
    found.append(Finding("diverged", "error"))
    assert [f.code for f in sorted_findings(found)] == ["diverged", "vanishing", "healthy"]


def test_every_echoed_url_value_is_shortened_by_the_one_function():
    """A config field, Compare's `runs` and a screen's own keys all echo a rejected value
    through sim.codec.shown: at most MAX_SHOWN characters, whoever rejected it."""
    from sim.analysis import compare
    from sim.codec import MAX_SHOWN, from_mapping, shown
    from ui.common import urlstate

    long = "9" * 5000
    _, found = compare.from_query({"runs": long, "depth": long})
    _, found_cfg = from_mapping({"activation": long})
    echoed = [p.params["value"] for p in found + found_cfg]
    assert echoed and all(value == shown(long) for value in echoed)
    assert len(shown(long)) <= MAX_SHOWN and shown("relu") == "relu"
    assert urlstate.shown is shown  # the screens' own keys (Explorer, pin, lang) echo alike


@pytest.mark.parametrize("lang", LANGS)
def test_advice_is_worded_from_the_remedies_that_fit(lang):
    from sim.remedies import REMEDIES

    tr = translator(lang)
    for code in REMEDIES:
        assert f"finding.advice_{code}" not in tr(f"finding.advice_{code}")
    words = finding_next(Finding("exploding", "warning", 1, {}, ("residual", "clip")), tr)
    assert tr("finding.advice_residual") in words and tr("finding.advice_clip") in words


@pytest.mark.parametrize("lang", LANGS)
def test_an_unfair_change_names_the_field_to_put_back(lang):
    from lessons.exercises.checks import run_check
    from lessons.exercises.loading import EXERCISES
    from ui.workshop.check import outcome_text

    tr = translator(lang)
    ex = EXERCISES["dropout_no_fix"]
    result = run_check(ex, ex.start_config.replace(dropout=0.3, lr=0.0001))
    (o,) = result.failed
    words = outcome_text(o, tr)
    assert o.kind == "fair" and "0.0001" in words and "0.1" in words
    assert tr("config.field_lr") in words and tr("config.field_dropout") in words


# ---------------------------------------------------------------------------------------------
# On the screens (AppTest)


def shown_findings(at) -> list[str]:
    return [str(e.value) for kind in ("error", "warning", "info") for e in at.get(kind)]


@pytest.mark.parametrize("lang", LANGS)
def test_a_diverged_rnn_is_told_through_time_not_through_depth(lang):
    from tests.app.helpers import make_app, no_exception
    from ui.common.i18n import text

    query = {"lang": lang, "seq_len": "12", "width": "8", "n_samples": "200"}
    query |= {"activation": "relu", "rec_init": "identity", "optimizer": "sgd", "lr": "10"}
    at = make_app("app_pages/through_time.py", query=query | {"clip": "none"})
    at.button(key="train").click().run()
    no_exception(at)
    assert at.session_state["time_lab"].sim.diverged
    errors = [str(e.value) for e in at.error]
    matrices = [text(lang, f"finding.matrix_{m}") for m in ("1", "2", "3", "any")]
    assert any(m in e for e in errors for m in matrices), errors
    depth = {"en": "through depth", "zh": "随深度"}[lang]
    assert not [w for w in shown_findings(at) if depth in w]


@pytest.mark.parametrize("lang", LANGS)
def test_the_playground_says_what_to_try_once(lang):
    from tests.app.helpers import make_app, no_exception
    from ui.common.i18n import text

    at = make_app("app_pages/playground.py", query={"lang": lang, "preset": "relu_exploding_init"})
    at.button(key="train").click().run()
    no_exception(at)
    prefix = text(lang, "playground.try_next", text="").strip()
    advised = [w for w in shown_findings(at) if prefix in w]
    assert advised  # the divergence's remedies, under "What to try"
    old = {"en": "Try: ", "zh": "可以试试：可以试试"}[lang]
    assert all(w.count(prefix) == 1 and old not in w for w in advised), advised
