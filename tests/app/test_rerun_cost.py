"""A Playground rerun that trains nothing (a click elsewhere, a download, the page coming back)
builds nothing a burst did not change: no chart spec, no network view, no history frame, no
diagnosis, no CSV. A Step then rebuilds them (so the counters below do count)."""

from __future__ import annotations

import pandas as pd

from sim import history
from sim.train import simulation
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception
from ui.playground import board


def count_builds(monkeypatch) -> dict[str, int]:
    """How often each costly piece of the page is built from here on."""
    counts = {"spec": 0, "view": 0, "frame": 0, "diagnosis": 0, "csv": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(board, "with_arrow_data", counting("spec", board.with_arrow_data))
    monkeypatch.setattr(
        board.views, "decision_surface", counting("view", board.views.decision_surface)
    )
    monkeypatch.setattr(history.History, "_build", counting("frame", history.History._build))
    diagnose = simulation.diagnosis.diagnose
    monkeypatch.setattr(simulation.diagnosis, "diagnose", counting("diagnosis", diagnose))
    monkeypatch.setattr(pd.DataFrame, "to_csv", counting("csv", pd.DataFrame.to_csv))
    return counts


def test_a_rerun_without_a_burst_builds_nothing_again(monkeypatch):
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_burst").set_value(10).run()
    at.button(key="train").click().run()
    no_exception(at)
    assert lab_of(at).sim.step == 10

    counts = count_builds(monkeypatch)
    at.run()
    at.run()
    no_exception(at)
    assert counts == dict.fromkeys(counts, 0)

    at.button(key="step").click().run()  # a step changes everything: all built once more
    no_exception(at)
    assert lab_of(at).sim.step == 11
    assert counts["spec"] >= 10 and counts["view"] == 1 and counts["frame"] >= 1
    assert counts["diagnosis"] == 1 and counts["csv"] == 0  # the CSV only on a download
