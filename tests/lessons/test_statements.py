"""Every corrected statement recomputed from the engine, in both languages: the numbers the
catalogs (locales/) and the FAQ's notes quote, and the direction of each claim they make."""

import functools
import math
import tomllib

import pytest

from lessons import faq
from lessons.claims import LEVEL, level
from lessons.experiments import at_init
from lessons.measures import NOTE_MEASURES
from sim.activations import ACTIVATIONS
from sim.analysis.theory import backward_factor, best_case_factor
from sim.presets import BASE
from tests.lessons.texts import ROOT

LANGS = ("en", "zh")
CATALOG = {
    lang: tomllib.loads((ROOT / "locales" / f"{lang}.toml").read_text(encoding="utf-8"))
    for lang in LANGS
}
STRUCTURE = faq.load()


def catalog(lang: str, key: str) -> str:
    section, name = key.split(".")
    return CATALOG[lang][section][name]


@functools.cache
def numbers(experiment: str) -> dict[str, float]:
    """A note's numbers, measured now."""
    return NOTE_MEASURES[experiment]().numbers


# ---------------------------------------------------------------------------------------------
# Catalog texts that quote numbers


def quoted_in_both(key: str, *literals: str) -> None:
    for lang in LANGS:
        for literal in literals:
            assert literal in catalog(lang, key), (lang, key, literal)


def test_the_slope_alone_is_not_a_bound():
    sigmoid = BASE.replace(activation="sigmoid", init="normal", init_std=0.7)
    measured = at_init("sigmoid", "normal", 10, sigmoid)["factor"]
    slope = best_case_factor("sigmoid")
    assert measured > slope  # larger weights pass on more than the slope alone
    quoted_in_both("explorer.depth_intro", f"{measured:.2f}", f"{slope:.2f}", "0.7", "64")
    mean_field = backward_factor(BASE.replace(activation="sigmoid", depth=10))
    quoted_in_both("explorer.depth_note", f"{slope:.2f}", f"{mean_field:.2f}")
    for lang in LANGS:
        assert "最好" not in catalog(lang, "explorer.best_case")
        assert "best case" not in catalog(lang, "explorer.depth_subtitle").lower()


def test_home_picture_quotes_the_sigmoid_factor():
    shrink = round(1 / at_init("sigmoid", "default", 10)["factor"])
    assert f"×{shrink} per layer" in catalog("en", "home.picture_caption")
    assert f"缩小 {shrink} 倍" in catalog("zh", "home.picture_caption")


def test_xavier_labels_name_the_tanh_gain_and_glorot_has_none():
    assert math.isclose(ACTIVATIONS["tanh"].gain, 5 / 3)
    quoted_in_both("config.init_xavier_uniform", "5/3")
    quoted_in_both("config.init_xavier_normal", "5/3")
    quoted_in_both("config.init_glorot_uniform", "1")
    xavier = at_init("tanh", "xavier_uniform", 10)["factor"]
    glorot = at_init("tanh", "glorot_uniform", 10)["factor"]
    assert xavier > LEVEL[1] and level(glorot), (xavier, glorot)


def test_home_says_training_runs_on_the_server():
    assert "server" in catalog("en", "home.lead") and "browser tab" not in catalog(
        "en", "home.lead"
    )
    assert "服务器" in catalog("zh", "home.lead")


# ---------------------------------------------------------------------------------------------
# The FAQ's notes


@pytest.mark.parametrize("note", [n for n, m in STRUCTURE.notes.items() if "experiment" in m])
def test_every_number_a_note_shows_is_measured(note):
    found = numbers(STRUCTURE.notes[note]["experiment"])
    for lang in LANGS:
        template = STRUCTURE.text(lang, "notes", note, "measured")
        assert faq.placeholders(template) <= set(found), (lang, note)
        assert "{" not in faq.fill(template, found)
        assert all(math.isfinite(found[n]) for n in faq.placeholders(template)), note


def test_the_chain_rule_product_matches_the_engine():
    n = numbers("chain_rule")
    assert math.isclose(n["tanh_chi"], n["tanh_sw2"] * n["tanh_d2"])
    assert abs(n["tanh_factor"] / n["tanh_theory"] - 1) < 0.1
    assert 0.5 < n["tanh_signal_ratio"] / n["tanh_product_theory"] < 2
    assert math.isclose(n["relu_chi"], 1.0, rel_tol=0.02) and level(n["relu_factor"])


def test_signal_at_initialisation_and_after_training():
    n = numbers("during_training")
    assert n["tanh_default_init"] < 1e-2  # tanh at the default init vanishes at first ...
    assert n["tanh_default_after"] > 10 * n["tanh_default_init"]  # ... and recovers
    assert n["sigmoid_vanishing_after"] < 1e-3  # sigmoid does not
    assert n["relu_batchnorm_deep_init"] > 10  # deep BatchNorm without residuals explodes ...
    assert n["relu_batchnorm_deep_step2"] < n["relu_batchnorm_deep_init"]  # ... and calms down
    assert n["relu_batchnorm_deep_after"] < n["relu_batchnorm_deep_init"] / 5


def test_a_step_too_large_is_not_a_gain_above_one():
    n = numbers("learning_rate")
    assert level(n["he_factor"]) and n["he_diverged"] == 0.0 and math.isfinite(n["he_big_step"])
    assert n["big_factor"] > LEVEL[1] and math.isfinite(n["big_step"])
    assert n["small_signal_ratio"] > 10  # a tiny step leaves the gain where it was
