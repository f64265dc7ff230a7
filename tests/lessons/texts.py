"""Every string shown to a learner, from content/ and locales/, with where it comes from: the
shared walk of the glossary and line-break tests."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "content" / "glossary.toml"
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
HAS_CJK = re.compile(f"[{CJK}]")


def text_files() -> list[Path]:
    found = sorted((ROOT / "content").rglob("*.toml")) + sorted((ROOT / "locales").glob("*.toml"))
    return [p for p in found if p != GLOSSARY]


def _walk(value, key: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{key}.{k}" if key else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{key}[{i}]")


def strings() -> Iterator[tuple[str, str, str]]:
    """(file relative to the repository, dotted key, text) for every string."""
    for path in text_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for key, value in _walk(data, ""):
            yield str(path.relative_to(ROOT)), key, value
