"""The classroom's place in the house: no UI library, no torch until exercises are asked for;
and the PostgreSQL fixture fails rather than skips under CI=true."""

from __future__ import annotations

import pytest

from tests.fresh import ROOT, run_fresh
from tests.needs import missing

CHECK = """
import sys
import classroom, classroom.cli, classroom.store, classroom.export, classroom.views
from classroom.store import open_store
store = open_store("sqlite://")
store.room  # a store opens without the lessons
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "altair", "ui", "torch"))
assert not bad, bad
print("clean")
"""


def test_the_classroom_imports_no_ui_library_and_no_engine():
    assert run_fresh(CHECK) == "clean"


def test_the_sources_name_no_ui_library():
    for path in (ROOT / "classroom").glob("*.py"):
        source = path.read_text()
        for name in ("streamlit", "altair", "from ui", "import ui"):
            assert f"import {name}" not in source and name not in source.split('"""')[-1], path


def test_no_server_skips_outside_ci_and_fails_under_it(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        missing("the PostgreSQL tests", "none here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        missing("the PostgreSQL tests", "none here")
