"""User text: nicknames and titles cleaned on the way in, CSV cells defused on the way out.

The store keeps text as typed (after cleaning); escaping for HTML is the screen's job.
"""

from __future__ import annotations

import unicodedata

from classroom.errors import RoomError

NICKNAME_MAX = 32
TITLE_MAX = 80
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell starting so


def clean(raw: object, max_len: int) -> str:
    """NFKC, control and format characters (bidi overrides, zero-widths) dropped, spaces
    collapsed, cut to `max_len` characters. May return ""."""
    text = unicodedata.normalize("NFKC", str(raw))
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    return " ".join(text.split())[:max_len].strip()


def nickname(raw: object) -> str:
    name = clean(raw, NICKNAME_MAX)
    if not name:
        raise RoomError("bad_nickname", max_len=NICKNAME_MAX)
    return name


def title(raw: object) -> str:
    name = clean(raw, TITLE_MAX)
    if not name:
        raise RoomError("bad_title", max_len=TITLE_MAX)
    return name


def csv_cell(value: object) -> object:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
