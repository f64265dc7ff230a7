"""The exercises a room can hold: the one place the classroom reads lessons.

Imported lazily: lessons loads the engine (torch), and opening a store or a room needs none.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def starts() -> dict[str, dict[str, Any]]:
    """Exercise id -> its starting config as a dict, in the lessons' order (easy -> hard)."""
    from lessons.exercises.loading import EXERCISES

    return {ex_id: ex.start_config.to_dict() for ex_id, ex in EXERCISES.items()}


def ids() -> tuple[str, ...]:
    return tuple(starts())
