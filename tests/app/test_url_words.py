"""A link's notices name fields in the reader's language and print limits as people write them."""

from __future__ import annotations

import pytest

from sim.config import SPECS, Problem
from ui.common.i18n import LANGS, translator
from ui.common.wording import field_label, limit_text, problem_text

# Every URL key that is not a RunConfig field, by the table that reads it.
OTHER_KEYS = (
    "preset", "lang", "runs", "acts", "lo", "hi", "exercise", "start", "lock", "hide",
    "room", "learner", "name", "key",
)  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", OTHER_KEYS)
def test_every_url_key_has_a_label(lang, key):
    assert field_label(key, translator(lang)) != key


@pytest.mark.parametrize("lang", LANGS)
def test_another_runs_field_is_named_with_its_run(lang):
    tr = translator(lang)
    label = field_label("r2_depth", tr)
    assert "r2_" not in label and field_label("depth", tr) in label and "2" in label


@pytest.mark.parametrize("lang", LANGS)
def test_limits_print_as_people_write_them(lang):
    spec = SPECS["seed"]
    text = problem_text(Problem("seed", "range", {"value": "-1", "lo": spec.lo, "hi": spec.hi}),
                        translator(lang))  # fmt: skip
    assert "2,147,483,647" in text and "e+" not in text
    assert limit_text(1e-5) == "1e-05" and limit_text(0.5) == "0.5" and limit_text(64) == "64"
