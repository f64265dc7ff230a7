"""The engine: one SQLAlchemy engine per URL, set up so that every write is a real transaction.

SQLite: WAL (readers never wait for the writer), synchronous=FULL (a committed check survives
a power cut, not only a killed process), foreign keys on, and BEGIN IMMEDIATE for every
transaction. pysqlite's default deferred BEGIN takes the write lock only at the first write,
and a reader that then writes can fail at once with "database is locked" instead of waiting;
taking the lock at BEGIN makes concurrent writers queue on busy_timeout. This is the recipe
from SQLAlchemy's pysqlite docs ("Serializable isolation / Savepoints / Transactional DDL");
it can go when SQLAlchemy's pysqlite dialect begins transactions itself.

PostgreSQL: psycopg 3, pre-ping (a restarted server does not fail the next request), and
row locks (SELECT ... FOR UPDATE) in the store where a count must not race.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_S = 30  # how long a SQLite writer queues behind another before giving up
_READ = "gradlab_read"  # execution option: this transaction only reads


def _sqlite_engine(url: sa.URL) -> Engine:
    args = {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args=args, pool_size=8, max_overflow=32)
    else:  # in memory (a notebook, a test): one connection, or every query sees a new database
        engine = sa.create_engine(url, connect_args=args, poolclass=sa.pool.StaticPool)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        reads = conn.get_execution_options().get(_READ)
        conn.exec_driver_sql("BEGIN" if reads else "BEGIN IMMEDIATE")

    return engine


def make_engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return sa.create_engine(parsed, pool_pre_ping=True, pool_size=8, max_overflow=32)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def writing(engine: Engine):
    """A write transaction: committed whole on success, rolled back whole on any error."""
    return engine.begin()


@contextmanager
def reading(engine: Engine) -> Iterator[sa.Connection]:
    """A read transaction on one snapshot: the view's queries agree with each other, and on
    SQLite a reader takes no write lock."""
    with engine.connect() as conn:
        if is_postgres(engine):
            conn.execution_options(isolation_level="REPEATABLE READ")
        conn.execution_options(**{_READ: True})
        with conn.begin():
            yield conn
