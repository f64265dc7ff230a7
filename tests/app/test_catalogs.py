"""The catalogs: same keys in every language, nothing empty, same placeholders, and a text for
every code the engine can report and every choice the controls offer."""

from __future__ import annotations

import string

import pytest

from sim.config import FIELDS, SPECS, Problem
from sim.device import REASONS
from sim.diagnosis import CODES
from sim.diagnosis_time import DIVERGED_CODES, TIME_CODES
from sim.presets import PRESETS
from ui.common.frame import PAGES
from ui.common.i18n import LANGS, catalog, text, translator


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_languages_have_identical_keys():
    keys = {lang: set(catalog(lang)) for lang in LANGS}
    for lang in LANGS:
        assert keys[lang] == keys["en"], (lang, sorted(keys[lang] ^ keys["en"])[:10])


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_values(lang):
    empty = [k for k, v in catalog(lang).items() if not v.strip()]
    assert not empty


def test_placeholders_match_across_languages():
    en = catalog("en")
    for lang in LANGS:
        for key, value in catalog(lang).items():
            assert placeholders(value) == placeholders(en[key]), (lang, key)


def test_chinese_catalog_is_chinese():
    zh, en = catalog("zh"), catalog("en")
    same = [k for k in en if zh[k] == en[k] and any(c.isalpha() for c in en[k])]
    # names that stay as they are (ReLU, Adam, English, ...) are few
    assert len(same) < len(en) // 5, same


def _needed_keys() -> list[str]:
    keys = [f"config.field_{n}" for n in FIELDS] + [f"config.help_{n}" for n in FIELDS]
    for name, spec in SPECS.items():
        keys += [f"config.{name}_{c}" for c in spec.choices or ()]
    keys += [f"config.problem_{c}" for c in ("type", "choice", "range", "budget", "combination")]
    keys += ["config.problem_memory", "config.problem_memory_runs"]
    keys += ["config.problem_budget_recurrent", "config.problem_memory_recurrent"]
    keys += ["config.problem_mixed_mlp", "config.problem_mixed_recurrent"]  # compare_data
    keys += [f"config.type_{c}" for c in ("int", "float", "bool", "str", "JSON")]
    keys += [f"config.field_{n}" for n in ("compute", "json", "lang", "preset")]
    keys += [f"finding.{c}" for c in CODES] + [f"finding.{c}_next" for c in CODES]
    through_time = (*TIME_CODES, *DIVERGED_CODES)  # sim.diagnosis_time
    keys += [f"finding.{c}" for c in through_time] + [f"finding.{c}_next" for c in through_time]
    keys += [f"finding.matrix_{m}" for m in ("1", "2", "3", "any")]  # a recurrent weight matrix
    keys += [f"compare.init_{r}" for r in ("same", "scaled", "cell", "own")]
    keys += [f"finding.severity_{s}" for s in ("error", "warning", "info", "ok")]
    keys += [f"common.device_reason_{r}" for r in REASONS]
    keys += [f"playground.preset_{p}" for p in PRESETS]
    keys += [title for _, title, _ in PAGES]
    return keys


@pytest.mark.parametrize("key", _needed_keys())
def test_every_code_and_choice_is_worded(key):
    assert key in catalog("en")


@pytest.mark.parametrize("lang", LANGS)
def test_every_problem_code_words_with_its_numbers(lang):
    from ui.common.wording import problem_text  # imports streamlit: fine outside a script run

    cases = [
        Problem("depth", "type", {"value": "ten", "type": "int"}),
        Problem("activation", "choice", {"value": "swish2", "choices": ("relu",)}),
        Problem("lr", "range", {"value": 99.0, "lo": 1e-6, "hi": 10.0}),
        Problem("compute", "budget", {"cost": 2.5e10, "steps": 3}),
        Problem("batch_size", "combination", {"why": "batchnorm needs >= 2"}),
        Problem("memory", "memory", {"mb": 467.2, "limit_mb": 256.0}),
        Problem("runs", "memory_runs", {"mb": 701.4, "limit_mb": 512.0}),
        Problem("runs", "mixed_mlp", {"runs": "2, 4"}),
        Problem("runs", "mixed_recurrent", {"runs": "3"}),
    ]
    words = [problem_text(p, translator(lang)) for p in cases]
    assert "ten" in words[0] and "swish2" in words[1]
    assert "99" in words[2] and "10" in words[2]
    assert "2.5e+10" in words[3] and "3" in words[3]
    assert text(lang, "config.field_batch_size") in words[4]
    assert "467 MB" in words[5] and "256 MB" in words[5]
    assert "701 MB" in words[6] and "512 MB" in words[6]
    assert "2, 4" in words[7] and "3" in words[8] and words[7] != words[8]
    assert not [w for w in words if "{" in w or "config.problem" in w]


@pytest.mark.parametrize("lang", LANGS)
def test_a_recurrent_networks_budget_names_the_sequence_length_not_the_depth(lang):
    from sim.config import RunConfig, problems
    from ui.common.wording import problem_text

    tr = translator(lang)
    lstm = RunConfig(arch="lstm", activation="tanh", seq_len=200, width=512, batch_size=256)
    mlp = RunConfig(depth=64, width=512, batch_size=2000, n_samples=4000)
    for cfg, other in ((lstm, mlp), (mlp, lstm)):
        found = {p.code: p for p in problems(cfg.replace(n_samples=4000))}
        theirs = {p.code: p for p in problems(other.replace(n_samples=4000))}
        for code in ("budget", "memory"):
            words = problem_text(found[code], tr)
            assert "{" not in words and words != problem_text(theirs[code], tr)
            assert ("seq_len" in str(found[code])) == cfg.recurrent
            assert ("depth" in str(found[code])) != cfg.recurrent
    if lang == "en":
        assert "sequence length" in problem_text(problems(lstm)[0], tr)
