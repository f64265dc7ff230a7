"""The schema is created, versioned and upgraded by the app; an older database keeps its rows.

V1 below is written out literally, as the first release created it, so a later change to the
app's tables cannot quietly change what "an old database" means here.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from classroom import codes, schema
from classroom.db import make_engine
from classroom.errors import RoomError
from classroom.store import open_store

V1 = sa.MetaData()
sa.Table(
    "rooms",
    V1,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("exercises", sa.Text, nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("closed", sa.Float),
)
sa.Table(
    "learners",
    V1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room", sa.String(16), sa.ForeignKey("rooms.code", ondelete="CASCADE")),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("nickname", sa.String(200), nullable=False),
    sa.Column("joined", sa.Float, nullable=False),
    sa.Index("ix_learners_room", "room"),
)
sa.Table(
    "checks",
    V1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner", sa.Integer, sa.ForeignKey("learners.id", ondelete="CASCADE")),
    sa.Column("exercise", sa.String(100), nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("numbers", sa.Text, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_checks_learner_at", "learner", "at"),
)
sa.Table("schema_version", V1, sa.Column("version", sa.Integer))
CODE, KEY, TOKEN = "K7QM3XP9W", "old-teacher-key", "old-learner-token"


def make_v1(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        V1.create_all(conn)
        conn.execute(V1.tables["schema_version"].insert().values(version=1))
        exercises = json.dumps(["see_vanishing", "fix_keep_activation"])
        conn.execute(
            V1.tables["rooms"]
            .insert()
            .values(code=CODE, title="Old", exercises=exercises, key_hash=codes.digest(KEY))
            .values(created=100.0, closed=None)
        )
        ann = conn.execute(
            V1.tables["learners"]
            .insert()
            .values(room=CODE, token_hash=codes.digest(TOKEN), nickname="Ann", joined=110.0)
        ).inserted_primary_key[0]
        row = {"learner": ann, "config": '{"depth": 3}', "numbers": '{"loss": 1.0}'}
        for i, (ex, passed) in enumerate(
            [("see_vanishing", False), ("see_vanishing", True), ("fix_keep_activation", False)]
        ):
            conn.execute(
                V1.tables["checks"].insert().values(**row, exercise=ex, passed=passed, at=120.0 + i)
            )
    engine.dispose()


def shape(engine) -> dict:
    """Tables -> (columns, our named indexes): what a fresh and an upgraded database share
    (the name a backend gives a UNIQUE column's own index differs between backends)."""
    insp = sa.inspect(engine)
    return {
        t: (
            sorted(c["name"] for c in insp.get_columns(t)),
            sorted(i["name"] for i in insp.get_indexes(t) if i["name"][:3] in ("ix_", "ux_")),
        )
        for t in sorted(insp.get_table_names())
    }


def test_a_v1_database_is_upgraded_in_place_and_keeps_every_row(url, sqlite_url, clock):
    make_v1(url)
    store = open_store(url, clock=clock)
    with store.engine.connect() as conn:
        assert schema.version(conn) == schema.CURRENT
    assert shape(store.engine) == shape(open_store(sqlite_url).engine)  # same as a fresh one
    progress = store.progress(CODE, TOKEN)
    assert progress.solved == ("see_vanishing",)
    assert progress.cells["see_vanishing"].attempts == 2
    # the upgrade put the learner on the exercise of their latest check, since that check
    assert (progress.learner.exercise, progress.learner.since) == ("fix_keep_activation", 122.0)
    view = store.view(CODE, KEY, now=130.0)
    assert view.learners[0].on_exercise_s == pytest.approx(8.0)
    # and the upgraded database works as a new one: attempt keys, new learners
    first = store.record_check(CODE, TOKEN, "see_vanishing", {}, {}, True, attempt="a")
    assert store.record_check(CODE, TOKEN, "see_vanishing", {}, {}, True, attempt="a") == (
        first.__class__(first.check_id, duplicate=True)
    )
    store.join(CODE, "Bob")
    store.dispose()


def test_a_v0_database_gets_our_tables_beside_what_it_holds(url):
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        conn.execute(sa.text("INSERT INTO notes (id, body) VALUES (1, 'keep me')"))
        assert schema.version(conn) == 0
    assert schema.migrate(engine) == 0
    assert schema.migrate(engine) == schema.CURRENT  # the second time there is nothing to do
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT body FROM notes")).scalar() == "keep me"
        assert conn.execute(sa.text("SELECT count(*) FROM schema_version")).scalar() == 1
    engine.dispose()


def test_a_newer_database_is_refused_not_touched(url):
    engine = make_engine(url)
    schema.migrate(engine)
    with engine.begin() as conn:
        conn.execute(schema.schema_version.update().values(version=schema.CURRENT + 1))
    with pytest.raises(RoomError) as info:
        open_store(url)
    assert info.value.code == "schema_newer"
    assert info.value.params == {"found": schema.CURRENT + 1, "supported": schema.CURRENT}
    engine.dispose()


def test_sqlite_is_a_wal_file_created_in_the_data_folder(sqlite_url):
    store = open_store(sqlite_url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert sa.make_url(sqlite_url).database.endswith("data/classroom.sqlite3")
    store.dispose()
