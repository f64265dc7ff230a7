"""A room's URL keys, in the one table idiom (ui.common.urlstate): the learner's place and the
teacher's link.

    /workshop?room=K7QM3XP9W&learner=TOKEN     a learner (name=Ann on a first visit joins)
    /room?room=K7QM3XP9W&key=KEY                the teacher view

The two tables share only `room`; the teacher's `key` is never a learner key, so no learner
screen reads it or writes it back.
"""

from __future__ import annotations

import re

from classroom.codes import canonical
from classroom.text import NICKNAME_MAX, clean
from ui.common.urlstate import Key, Sync, Table, cleaned

ROOM_PARAM, LEARNER_PARAM, NAME_PARAM, KEY_PARAM = "room", "learner", "name", "key"
_SECRET = re.compile(r"[A-Za-z0-9_-]{16,64}")  # classroom.codes.new_secret's URL-safe text


def _secret(raw: str) -> str | None:
    return raw if _SECRET.fullmatch(raw) else None


def _nickname(raw: str) -> str | None:
    return clean(raw, NICKNAME_MAX) or None


ROOM = Key(ROOM_PARAM, "code", cleaned(ROOM_PARAM, canonical), str)
LEARNER = Table(
    (
        ROOM,
        Key(LEARNER_PARAM, "token", cleaned(LEARNER_PARAM, _secret), str),
        Key(NAME_PARAM, "name", cleaned(NAME_PARAM, _nickname), str),
    )
)
TEACHER = Table((ROOM, Key(KEY_PARAM, "key", cleaned(KEY_PARAM, _secret), str)))
LEARNER_URL = Sync(LEARNER, "_room_learner_in_url")
TEACHER_URL = Sync(TEACHER, "_room_teacher_in_url")
