"""content/glossary.toml names each thing once; no text in content/ or locales/ uses a variant
it lists as wrong (`avoid` everywhere, `avoid_zh` in strings that contain Chinese)."""

import re
import tomllib

from tests.lessons.texts import GLOSSARY, HAS_CJK, strings

TERMS = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))


def test_every_term_has_both_languages_and_a_note():
    for term, entry in TERMS.items():
        assert entry.get("en") and entry.get("zh") and "note" in entry, term
        for pattern in entry.get("avoid", []) + entry.get("avoid_zh", []):
            assert not re.search(pattern, entry["zh"]), (term, pattern)  # the term is not avoided


def variants(file: str, key: str, text: str) -> list[str]:
    hits = []
    for term, entry in TERMS.items():
        allowed = tuple(entry.get("allow_in", []))
        if allowed and f"{file}:{key}".startswith(allowed):
            continue
        patterns = entry.get("avoid", [])
        if HAS_CJK.search(text):
            patterns = patterns + entry.get("avoid_zh", [])
        hits += [f"{term}: {m.group()!r}" for p in patterns for m in re.finditer(p, text)]
    return hits


def test_no_text_uses_a_wrong_variant():
    found = [f"{f}:{k}: {h}" for f, k, text in strings() if (h := variants(f, k, text))]
    assert not found, f"{len(found)} strings use a variant the glossary rules out:\n" + "\n".join(
        found
    )


def test_the_check_catches_each_listed_variant():
    assert variants("x.toml", "a", "He 等，2015") == ["et_al: 'He 等，'"]
    assert variants("x.toml", "a", "双月数据") and not variants("x.toml", "a", "双月牙数据")
    assert variants("x.toml", "a", "反向 Dropout") and not variants("x.toml", "a", "反向传播")
    assert variants("x.toml", "a", "梯度失迹")
    assert not variants("content/faq/zh.toml", "notes.term.body", "梯度失迹")
    assert not variants("x.toml", "a", "use lr 0.1")  # English: the field's name is fine
