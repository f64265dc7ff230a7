"""Room codes, secrets, user text and the database's location: pure functions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from classroom import codes, location, text, values
from classroom.errors import CODES, RoomError


def test_room_codes_are_readable_and_hard_to_guess():
    assert not set("0O1IL") & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET)
    assert math.log2(len(codes.ALPHABET)) * codes.LENGTH >= 40
    seen = {codes.new_room_code() for _ in range(2000)}
    assert len(seen) == 2000
    code = seen.pop()
    assert len(codes.shown(code)) == 11 and codes.shown(code).count("-") == 2
    assert codes.canonical(codes.shown(code).lower()) == code
    assert codes.canonical(" ".join(codes.shown(code))) == code


@pytest.mark.parametrize("typed", ["", "K7Q-M3X-P9", "K7Q-M3X-P9WW", "O7Q-M3X-P9W", "K7Q_M3X_P9W"])
def test_a_code_that_cannot_be_one_is_none(typed):
    assert codes.canonical(typed) is None


def test_secrets_are_random_stored_hashed_and_compared_whole():
    keys = {codes.new_secret(codes.KEY_BYTES) for _ in range(500)}
    assert len(keys) == 500 and not any(k.startswith("-") for k in keys)
    key = keys.pop()
    stored = codes.digest(key)
    assert key not in stored and len(stored) == 64
    assert codes.same_secret(key, stored)
    assert not codes.same_secret(key[:-1], stored) and not codes.same_secret("", stored)


@given(st.text(max_size=200))
def test_a_cleaned_nickname_is_short_visible_text(raw):
    name = text.clean(raw, text.NICKNAME_MAX)
    assert len(name) <= text.NICKNAME_MAX
    assert name == name.strip() and "  " not in name
    assert all(ch.isprintable() for ch in name)


def test_nickname_cleaning_examples():
    assert text.nickname("\uff21nn") == "Ann"  # fullwidth A, NFKC
    assert text.nickname("<img src=x onerror=alert(1)>") == "<img src=x onerror=alert(1)>"
    assert text.nickname("王\u202e小明\r\n") == "王小明"  # a bidi override is dropped
    with pytest.raises(RoomError):
        text.nickname("\x00\x1b\u200b")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_cell_is_defused(cell):
    assert text.csv_cell(cell) == "'" + cell


def test_other_cells_are_left_alone():
    assert [text.csv_cell(v) for v in ("Ann", "1=1", -1, 2.5, True)] == [
        "Ann",
        "1=1",
        -1,
        2.5,
        True,
    ]


def test_the_database_url_env_then_secrets_then_sqlite(tmp_path):
    env = {"GRADLAB_DATA_DIR": str(tmp_path)}
    assert location.database_url(None, env) == f"sqlite:///{tmp_path / 'classroom.sqlite3'}"
    assert location.database_url(None, {}) == "sqlite:///.gl/classroom.sqlite3"
    secrets = {"GRADLAB_DATABASE_URL": "postgres://u:p@db/x"}
    assert location.database_url(secrets, env) == "postgresql+psycopg://u:p@db/x"
    env["GRADLAB_DATABASE_URL"] = "postgresql://h/y"
    assert location.database_url(secrets, env) == "postgresql+psycopg://h/y"
    with pytest.raises(RoomError) as info:
        location.database_url(None, {"GRADLAB_DATABASE_URL": "mysql://h/y"})
    assert info.value.code == "bad_database_url" and info.value.params == {"scheme": "mysql"}


def test_secrets_without_a_file_mean_no_url():
    class NoSecretsFile(dict):
        def get(self, *_):
            raise FileNotFoundError("no secrets.toml")

    assert location.database_url(NoSecretsFile(), {}).startswith("sqlite:///")


def test_numbers_round_trip_with_non_finite_floats():
    nums = {"a": math.inf, "b": -math.inf, "c": 1.5, "d": [math.inf]}
    back = values.load_numbers(values.dump(nums))
    assert back["a"] == math.inf and back["b"] == -math.inf and back["c"] == 1.5
    assert back["d"] == [math.inf]
    assert math.isnan(values.load_numbers(values.dump({"n": math.nan}))["n"])


def test_every_error_code_has_an_english_line():
    samples = {"room": "K7Q-M3X-P9W", "cap": 5, "limit": 4, "window_s": 60, "retry_s": 3}
    samples |= {"max_len": 32, "exercise": "x", "why": "y", "scheme": "z", "found": 3}
    for code in CODES:
        assert str(RoomError(code, supported=2, **samples))
    with pytest.raises(ValueError):
        RoomError("no_such_code")
