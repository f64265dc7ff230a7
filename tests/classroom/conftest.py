"""Fixtures: a store on SQLite and on a real PostgreSQL server, each test in a fresh database.

PostgreSQL comes from GRADLAB_TEST_PG_URL (.ci/run starts a throwaway server and sets it).
Unset or unreachable, the PostgreSQL tests skip with the reason, except under CI=true,
where a missing server fails: CI must test what production runs on.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from classroom.records import Limits
from classroom.store import open_store
from tests.classroom.helpers import Clock
from tests.needs import missing

PG_ENV = "GRADLAB_TEST_PG_URL"
BACKENDS = {"sqlite": "sqlite_url", "postgresql": "pg_url"}  # id -> fixture


@pytest.fixture(scope="session")
def pg_server() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        missing(
            "the PostgreSQL tests",
            f"{PG_ENV} is not set (.ci/run starts a PostgreSQL server and sets it)",
        )
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        missing("the PostgreSQL tests", f"cannot reach {PG_ENV}: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def pg_url(pg_server: str):
    """A schema of its own per test (fast, unlike a database per test), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    url = sa.make_url(pg_server).update_query_dict({"options": f"-csearch_path={name}"})
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'classroom.sqlite3'}"


@pytest.fixture(params=list(BACKENDS))
def url(request) -> str:
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue(BACKENDS[request.param])


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url, clock):
    s = open_store(url, limits=Limits(learner_cap=5, checks_per_window=4, window_s=60), clock=clock)
    yield s
    s.dispose()
