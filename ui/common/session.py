"""Per-session objects: one getter for the Lab, the CompareLab, the workshop progress, the pin.

Each lives in `st.session_state` under its key and is mutated by attribute afterwards (an
attribute access is not a Streamlit yield point, a session-state write is). A value of another
type under the key (a class reloaded during development, a tampered widget state) is replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")


def get(key: str, factory: Callable[[], T], kind: type | None = None) -> T:
    """The session's object under `key`; `factory()` makes it when there is none of `kind`
    (by default the factory itself, when it is a class)."""
    value: Any = st.session_state.get(key)
    if not isinstance(value, kind or factory):  # type: ignore[arg-type]
        value = factory()
        st.session_state[key] = value
    return value
