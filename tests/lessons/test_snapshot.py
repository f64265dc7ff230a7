"""content/faq/measured.toml, the FAQ's stored slow measurements: one entry per slow claim, the
verdict the FAQ states, every number the claim's templates show in both languages, and a file
that round-trips. That the numbers are what the engine gives now: test_claims.py."""

import tomllib

from lessons import faq, snapshot
from lessons.claims import CLAIMS, SLOW

STRUCTURE = faq.load()


def test_every_slow_claim_is_stored():
    assert set(snapshot.stored()) == set(snapshot.SLOW) == SLOW
    assert set(CLAIMS) >= SLOW
    for item in snapshot.stored().values():
        assert item.seconds > 0 and item.cores >= 1


def test_stored_claims_imply_the_faq_verdict_and_fill_its_templates():
    for cid, meta in STRUCTURE.claims.items():
        if meta["experiment"] not in SLOW:
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
