"""`import sim` in a fresh interpreter imports neither streamlit nor altair."""

from __future__ import annotations

from pathlib import Path

from tests.fresh import run_fresh

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
import sim, sim.cli, sim.analysis.sweep, sim.__main__
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "altair"))
assert not bad, bad
assert sim.Simulation and sim.RunConfig and sim.BurstResult and sim.depth_sweep
assert sim.ACTIVATIONS and sim.DATASETS and sim.PRESETS and sim.from_mapping and sim.to_json
print("clean")
"""


def test_import_sim_pulls_in_no_ui_library():
    assert run_fresh(CHECK) == "clean"


def test_sim_sources_do_not_mention_ui_libraries():
    for path in (ROOT / "sim").rglob("*.py"):  # subpackages included
        text = path.read_text()
        assert "import streamlit" not in text and "import altair" not in text, path
        assert "from lessons" not in text and "import lessons" not in text, path  # sim is below
