"""The tables and their versions: created by the app, upgraded in place, never dropped.

`schema_version` holds one row. A database without it is version 0 (nothing of ours yet) and
gets the current tables; an older one runs each upgrade step in order, in one transaction with
the version bump, so a crash mid-upgrade leaves the old version intact. Times are Unix seconds
(floats: portable, and the views subtract them); config and numbers are JSON text
(classroom.values), so a diverged run's infinite norm survives PostgreSQL's strict JSON.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from classroom.db import is_postgres
from classroom.errors import RoomError

metadata = sa.MetaData()

rooms = sa.Table(
    "rooms",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("exercises", sa.Text, nullable=False),  # JSON list of exercise ids, in order
    sa.Column("key_hash", sa.String(64), nullable=False),  # SHA-256 of the teacher key
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("closed", sa.Float),  # when joins stopped; NULL while open
)

learners = sa.Table(
    "learners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "room", sa.String(16), sa.ForeignKey("rooms.code", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("nickname", sa.String(200), nullable=False),
    sa.Column("joined", sa.Float, nullable=False),
    sa.Column("exercise", sa.String(100)),  # v2: the exercise the learner is on ...
    sa.Column("since", sa.Float),  # v2: ... and since when
    sa.Index("ix_learners_room", "room"),
)

checks = sa.Table(
    "checks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "learner", sa.Integer, sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("exercise", sa.String(100), nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("numbers", sa.Text, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("attempt", sa.String(100)),  # v2: the client's idempotency key for a retry
    sa.Index("ix_checks_learner_at", "learner", "at"),
    sa.Index("ux_checks_learner_attempt", "learner", "attempt", unique=True),  # v2
)

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer))

# ---------------------------------------------------------------------------------------------
# Upgrades: UPGRADES[v] turns a version-v database into version v + 1.


def _v1_to_v2(conn: Connection) -> None:
    """v2 adds the learner's current exercise (time on it) and the check's idempotency key."""
    for table, column, kind in (
        ("learners", "exercise", "VARCHAR(100)"),
        ("learners", "since", "FLOAT"),
        ("checks", "attempt", "VARCHAR(100)"),
    ):
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    conn.exec_driver_sql(
        "CREATE UNIQUE INDEX ux_checks_learner_attempt ON checks (learner, attempt)"
    )
    # A learner is on the exercise of their latest check, since that check.
    latest = (
        "(SELECT c.{col} FROM checks c WHERE c.learner = learners.id"
        " ORDER BY c.at DESC, c.id DESC LIMIT 1)"
    )
    conn.exec_driver_sql(
        f"UPDATE learners SET exercise = {latest.format(col='exercise')},"
        f" since = {latest.format(col='at')}"
    )


UPGRADES = {1: _v1_to_v2}
CURRENT = 2
_PG_LOCK = 0x6772_6C61  # advisory lock id: two processes starting at once migrate one by one


def version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def migrate(engine: Engine) -> int:
    """Bring the database to CURRENT; returns the version it was found at."""
    with engine.begin() as conn:
        if is_postgres(engine):
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        found = version(conn)
        if found > CURRENT:
            raise RoomError("schema_newer", found=found, supported=CURRENT)
        if found == 0:
            metadata.create_all(conn)
            conn.execute(schema_version.insert().values(version=CURRENT))
            return found
        for v in range(found, CURRENT):
            UPGRADES[v](conn)
        conn.execute(schema_version.update().values(version=CURRENT))
        return found
