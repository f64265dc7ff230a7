"""No Chinese string in content/ or locales/ breaks a line between two CJK characters: Markdown
turns such a break into a space, which a Chinese reader sees as a stray gap mid-sentence.
Blank lines (paragraphs) are fine."""

import re

from tests.lessons.texts import CJK, strings

BREAK = re.compile(f"[{CJK}][ \t]*\n[ \t]*[{CJK}]")


def breaks(text: str) -> list[str]:
    return [m.group() for p in re.split(r"\n[ \t]*\n", text) for m in BREAK.finditer(p)]


def test_no_line_break_between_two_cjk_characters():
    found = [f"{file}:{key}: {hits!r}" for file, key, text in strings() if (hits := breaks(text))]
    assert not found, f"{len(found)} strings break a Chinese line:\n" + "\n".join(found)


def test_the_check_sees_a_break_and_spares_a_paragraph():
    assert breaks("第一行\n第二行") == ["行\n第"]
    assert breaks("第一段。\n\n第二段。") == []
    assert breaks("English\nwords") == []
