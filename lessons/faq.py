"""The FAQ as data: content/faq/faq.toml (structure, verdicts, experiments, sources) plus one text
file per language, read on first use through lessons.content. Language-free and free of
Streamlit, so the app, tests and tools read and check the same data.

    faq = load()                   # structure, read once per process
    faq.text("zh", "claims", "a", "title")
    fill(template, evidence)       # the live numbers put into a `measured` template
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from typing import Any

from lessons.content import CONTENT, LANGS, read_toml

FAQ_FILES = CONTENT / "faq"
ARTICLE_CODE = FAQ_FILES / "article_code.py.txt"
FIXED_EXAMPLE = FAQ_FILES / "example_fixed.py"
CLAIM_FIELDS = ("title", "says", "truth", "measured")
NOTE_FIELDS = ("title", "body")


@dataclass(frozen=True)
class Section:
    id: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Faq:
    sections: tuple[Section, ...]
    claims: dict[str, dict[str, Any]]  # id -> verdict, experiment, presets, compare, sources
    notes: dict[str, dict[str, Any]]  # id -> see, explorer, compare, sources, experiment
    sources: dict[str, dict[str, str]]  # key -> cite, where, url
    texts: dict[str, dict[str, Any]]  # lang -> {"sections"|"claims"|"notes": {id: {field: str}}}

    def text(self, lang: str, kind: str, item: str, field: str) -> str:
        """A text in `lang`, falling back to English, then to empty: never raises."""
        for language in (lang, "en"):
            value = self.texts.get(language, {}).get(kind, {}).get(item, {}).get(field)
            if isinstance(value, str):
                return value
        return ""

    def is_claim(self, item: str) -> bool:
        return item in self.claims


def _read(name: str) -> dict[str, Any]:
    return read_toml(FAQ_FILES / name)


@functools.cache
def load() -> Faq:
    structure = _read("faq.toml")
    sections = tuple(Section(s["id"], tuple(s["items"])) for s in structure["sections"])
    return Faq(
        sections,
        structure.get("claims", {}),
        structure.get("notes", {}),
        _read("sources.toml"),
        {lang: _read(f"{lang}.toml") for lang in LANGS},
    )


@functools.cache
def article_code() -> str:
    return ARTICLE_CODE.read_text(encoding="utf-8")


@functools.cache
def fixed_example_source() -> str:
    return FIXED_EXAMPLE.read_text(encoding="utf-8")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def fill(template: str, numbers: dict[str, float], texts: dict[str, str] | None = None) -> str:
    """The template with the live numbers; a missing number or a bad spec leaves the template
    as written rather than raise."""
    try:
        return template.format(**numbers, **(texts or {}))
    except (KeyError, IndexError, ValueError, TypeError):
        return template


def problems(faq: Faq | None = None) -> list[str]:
    """Everything inconsistent in the FAQ's data (the tests want this empty)."""
    from lessons import through_time
    from lessons.claims import CLAIMS, VERDICTS
    from lessons.measures import NOTE_MEASURES
    from sim.presets import ALL_PRESETS

    faq = faq or load()
    found = []
    listed = [item for s in faq.sections for item in s.items]
    for item in listed:
        if item not in faq.claims and item not in faq.notes:
            found.append(f"item {item}: neither a claim nor a note")
    for item in set(faq.claims) | set(faq.notes):
        if item not in listed:
            found.append(f"item {item}: in no section")
    for cid, meta in faq.claims.items():
        if meta.get("verdict") not in VERDICTS:
            found.append(f"claim {cid}: verdict {meta.get('verdict')!r}")
        if meta.get("experiment") not in CLAIMS | through_time.CLAIMS:
            found.append(f"claim {cid}: experiment {meta.get('experiment')!r}")
    for nid, meta in faq.notes.items():
        if "experiment" in meta and meta["experiment"] not in NOTE_MEASURES:
            found.append(f"note {nid}: experiment {meta['experiment']!r}")
    for iid, meta in {**faq.claims, **faq.notes}.items():
        for preset in meta.get("presets", []) + meta.get("compare", []):
            if preset not in ALL_PRESETS:
                found.append(f"{iid}: unknown preset {preset}")
        for key in meta.get("sources", []):
            if key not in faq.sources:
                found.append(f"{iid}: unknown source {key}")
        for other in meta.get("see", []):
            if other not in faq.claims:
                found.append(f"{iid}: sees unknown claim {other}")
    for lang, texts in faq.texts.items():
        for section in faq.sections:
            for field in ("title", "intro"):
                if not texts.get("sections", {}).get(section.id, {}).get(field):
                    found.append(f"{lang}: section {section.id} lacks {field}")
        for kind, ids, fields in (
            ("claims", faq.claims, CLAIM_FIELDS),
            ("notes", faq.notes, NOTE_FIELDS),
        ):
            for iid in ids:
                measured = ("measured",) if "experiment" in ids[iid] and kind == "notes" else ()
                for field in fields + measured:
                    if not texts.get(kind, {}).get(iid, {}).get(field):
                        found.append(f"{lang}: {kind} {iid} lacks {field}")
    return found
