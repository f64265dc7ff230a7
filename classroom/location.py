"""Where the store lives: a PostgreSQL URL if one is named, else a SQLite file in a data folder.

Resolved without Streamlit: the UI passes `st.secrets` in (Community Cloud's disk does not
survive a redeploy, so a hosted app names a server there); the environment wins over secrets
so that an operator can always override a deployed file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from classroom.errors import RoomError

URL_KEY = "GRADLAB_DATABASE_URL"
DATA_DIR_KEY = "GRADLAB_DATA_DIR"
DEFAULT_DATA_DIR = ".gl"  # git-ignored; relative to where the app or command runs
DB_FILE = "classroom.sqlite3"
# Hosts often hand out postgres:// URLs; SQLAlchemy needs the driver named.
_PG_PREFIXES = ("postgres://", "postgresql://", "postgresql+psycopg://")
_PG_URL = "postgresql+psycopg://"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get(DATA_DIR_KEY) or DEFAULT_DATA_DIR)


def _from_secrets(secrets: Mapping | None) -> str | None:
    if secrets is None:
        return None
    try:  # st.secrets raises a FileNotFoundError subclass when no secrets file exists
        value = secrets.get(URL_KEY)
    except FileNotFoundError:
        return None
    return str(value) if value else None


def database_url(secrets: Mapping | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The SQLAlchemy URL to open: env GRADLAB_DATABASE_URL, then secrets, then SQLite."""
    env = os.environ if environ is None else environ
    url = env.get(URL_KEY) or _from_secrets(secrets)
    if not url:
        return f"sqlite:///{data_dir(env) / DB_FILE}"
    return normalised(url)


def normalised(url: str) -> str:
    """Name psycopg 3 as the driver; refuse what is neither SQLite nor PostgreSQL."""
    for prefix in _PG_PREFIXES:
        if url.startswith(prefix):
            return _PG_URL + url[len(prefix) :]
    if url.startswith("sqlite:"):
        return url
    raise RoomError("bad_database_url", scheme=url.split(":", 1)[0])
