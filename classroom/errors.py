"""RoomError: everything that can go wrong in a room, as a language-free code and its numbers.

Like sim.config.Problem, the code names what happened and `params` carry the numbers; the UI
words it in each language from its catalog, the terminal prints the English `str()`.
"""

from __future__ import annotations

from typing import Any

# code -> English template for the terminal and logs (the app words each code itself)
MESSAGES: dict[str, str] = {
    "unknown_room": "no room has the code {room}",
    "wrong_key": "the teacher key does not open room {room}",
    "unknown_learner": "this learner link does not belong to room {room}",
    "room_closed": "room {room} is closed: it takes no new learners",
    "room_full": "room {room} is full: it takes at most {cap} learners",
    "rate_limited": "too many checks: at most {limit} per {window_s} s; try again in {retry_s} s",
    "bad_nickname": "a nickname needs 1 to {max_len} visible characters",
    "bad_title": "a room title needs 1 to {max_len} visible characters",
    "unknown_exercise": "no exercise is called {exercise!r} in this room",
    "bad_check": "a check's config and numbers must be JSON objects ({why})",
    "bad_database_url": "the database URL must name sqlite or postgresql, not {scheme!r}",
    "schema_newer": "the database has schema version {found}; this app knows up to {supported}",
}
CODES: tuple[str, ...] = tuple(MESSAGES)


class RoomError(Exception):
    """A refused request. `code` is one of CODES; `params` fill its message."""

    def __init__(self, code: str, **params: Any):
        if code not in MESSAGES:
            raise ValueError(f"unknown RoomError code {code!r}")
        self.code = code
        self.params = params
        super().__init__(code, params)

    def __str__(self) -> str:  # English, for the CLI and logs
        return MESSAGES[self.code].format(**self.params)
