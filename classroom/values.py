"""A check's config and numbers as JSON text, exactly, non-finite floats included.

A diverged run reports an infinite gradient norm; standard JSON (and PostgreSQL) has no
Infinity, so non-finite floats are written as the strings below and read back as floats.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any

from classroom.errors import RoomError

_NON_FINITE = {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def as_mapping(obj: Any) -> Mapping:
    """A RunConfig (any dataclass) or a mapping; anything else is not a check's record."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if isinstance(obj, Mapping):
        return obj
    raise RoomError("bad_check", why=f"got {type(obj).__name__}")


def dump(obj: Any) -> str:
    try:
        return json.dumps(_finite(as_mapping(obj)), allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise RoomError("bad_check", why=str(exc)[:80]) from None


def load_config(text: str) -> dict[str, Any]:
    return json.loads(text)


def _restored(value: Any) -> Any:
    if isinstance(value, str):
        return _NON_FINITE.get(value, value)
    if isinstance(value, dict):
        return {k: _restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(v) for v in value]
    return value


def load_numbers(text: str) -> dict[str, Any]:
    """Numbers: the strings that stood for non-finite floats become floats again."""
    return _restored(json.loads(text))
