"""The one Store of this app process, and every store call made safe for a page.

`call` runs a store method and turns a refusal (a RoomError) or an unreachable database into a
notice in the user's language: the page keeps working, and nothing of another room is shown.
Nicknames and titles are user text: screens pass them through ui.common.wording.md_escape
(st.markdown, st.table and widget labels read Markdown), so `<img ...>` shows as typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import streamlit as st

from classroom.errors import RoomError
from classroom.store import Store, open_store
from ui.common.i18n import t
from ui.common.notices import show

log = logging.getLogger(__name__)
# Kind of notice per refusal: what the user did wrong is a warning, a limit is information.
KINDS = {"rate_limited": "info", "room_full": "info", "room_closed": "info"}


@st.cache_resource(show_spinner=False, max_entries=1)
def get_store() -> Store:
    """Opened (and its schema created or upgraded) once per process: GRADLAB_DATABASE_URL,
    then st.secrets, then SQLite in GRADLAB_DATA_DIR (classroom.location)."""
    return open_store(secrets=st.secrets)


def error_text(err: RoomError, tr=t) -> str:
    """A refusal in the user's language, from the catalog's [room] table."""
    return tr(f"room.error_{err.code}", **err.params)


def call(method: str, *args: Any, where=None, quiet: tuple[str, ...] = ()) -> tuple[bool, Any]:
    """(True, get_store().method(*args)) or (False, the RoomError or None) after a notice in
    `where` (default: the page). Codes in `quiet` are returned without a notice."""
    fn: Callable[..., Any] = getattr(get_store(), method)
    try:
        return True, fn(*args)
    except RoomError as err:
        if err.code not in quiet:
            show(KINDS.get(err.code, "warning"), error_text(err), where)
        return False, err
    except sa.exc.SQLAlchemyError as exc:  # a database gone away: say so, keep the page
        log.error("classroom store failed", exc_info=exc)
        show("error", t("room.error_database"), where)
        return False, None
