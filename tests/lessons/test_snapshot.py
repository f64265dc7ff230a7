"""content/faq/measured.toml, the FAQ's stored slow measurements: one entry per slow claim and
per note's measurement, the verdict the FAQ states, every number the templates show in both
languages, and a file that round-trips. That the numbers are what the engine gives now: the
notes' here, the claims' in test_claims.py."""

import math
import tomllib

import pytest

from lessons import faq, snapshot, through_time
from lessons.claims import CLAIMS, SLOW
from lessons.measures import NOTE_MEASURES

STRUCTURE = faq.load()


def test_every_slow_experiment_is_stored():
    slow = SLOW | through_time.SLOW | set(NOTE_MEASURES)
    assert set(snapshot.stored()) == set(snapshot.SLOW) == slow
    assert set(CLAIMS) >= SLOW
    for item in snapshot.stored().values():
        assert item.seconds > 0 and item.cores >= 1


def test_stored_claims_imply_the_faq_verdict_and_fill_its_templates():
    for cid, meta in STRUCTURE.claims.items():
        if meta["experiment"] not in snapshot.SLOW:
            continue
        stored = snapshot.stored()[meta["experiment"]]
        assert stored.implied == meta["verdict"], cid
        for lang in ("en", "zh"):
            template = STRUCTURE.text(lang, "claims", cid, "measured")
            assert faq.placeholders(template) <= set(stored.numbers), (lang, cid)
            assert "{" not in faq.fill(template, stored.numbers)


def test_the_store_round_trips():
    text = snapshot.STORE.read_text(encoding="utf-8")
    assert tomllib.loads(snapshot.as_toml(snapshot.stored())) == tomllib.loads(text)


def test_stored_notes_fill_their_templates():
    for nid, meta in STRUCTURE.notes.items():
        if meta.get("experiment") not in NOTE_MEASURES:
            continue
        stored = snapshot.stored()[meta["experiment"]]
        assert stored.implied == "", nid  # a note explains; it states no verdict
        for lang in ("en", "zh"):
            template = STRUCTURE.text(lang, "notes", nid, "measured")
            assert faq.placeholders(template) <= set(stored.numbers), (lang, nid)
            assert "{" not in faq.fill(template, stored.numbers)


@pytest.mark.parametrize("key", sorted(NOTE_MEASURES))
def test_stored_notes_are_what_the_engine_measures_now(key):
    stored, measured = snapshot.stored()[key], NOTE_MEASURES[key]()
    assert stored.numbers.keys() == measured.numbers.keys(), key
    again = f"the engine changed: run python -m lessons.snapshot {key}"
    for name, value in measured.numbers.items():
        assert math.isclose(stored.numbers[name], value, rel_tol=1e-6), (key, name, again)
