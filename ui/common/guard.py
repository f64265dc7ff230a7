"""Engine calls from a page never show a traceback: `guarded` logs it and says so in words.

Streamlit's own control flow (a rerun or stop interrupting the script) is a BaseException and
passes through untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from ui.common.i18n import t
from ui.common.notices import show

log = logging.getLogger("gradient_lab")
T = TypeVar("T")


def engine_error(exc: Exception, where=None) -> None:
    """Log the traceback; say in `where` (default: the page) that the engine failed."""
    log.error("engine call failed", exc_info=exc)
    show("error", t("common.engine_error", error=type(exc).__name__), where)


def guarded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[bool, T | None]:
    """(True, fn(...)) or, if it raised, (False, None) after an error message on the page."""
    try:
        return True, fn(*args, **kwargs)
    except Exception as exc:  # any engine failure: say so, keep the page alive
        engine_error(exc)
        return False, None
