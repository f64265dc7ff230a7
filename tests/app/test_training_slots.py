"""Every screen that trains takes a training slot (sim.slots.SLOTS, the room-wide cap), and a
measurement served from the cache takes none: it never queues behind someone else's burst."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sim.slots import SLOTS
from tests.app.helpers import TIMEOUT, no_exception
from ui.compare import sweep
from ui.explorer import view


@pytest.fixture
def holds(monkeypatch) -> list[int]:
    """Count the training slots taken from here on."""
    calls, real = [], SLOTS.hold

    def hold(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(SLOTS, "hold", hold)
    return calls


def recording_sweep(running: list[int]):
    """A stand-in for depth_sweep that notes how many training slots are taken while it runs."""

    def depth_sweep(*_args, **_kwargs) -> pd.DataFrame:
        running.append(SLOTS.running)
        return pd.DataFrame({"depth": [2]})

    return depth_sweep


def test_explorer_measurement_trains_in_a_training_slot(monkeypatch):
    running: list[int] = []
    monkeypatch.setattr(view, "depth_sweep", recording_sweep(running))
    view.measured(("relu",), "default", (2, 3))
    assert running == [1]
    assert SLOTS.running == 0


def test_sweep_trains_in_a_training_slot_on_a_cache_miss_only(monkeypatch, holds):
    running: list[int] = []
    monkeypatch.setattr(sweep, "depth_sweep", recording_sweep(running))
    sweep.sweep_frame(("relu", "tanh"), ("kaiming_normal",), 0)
    assert running == [1] and len(holds) == 1
    sweep.sweep_frame(("relu", "tanh"), ("kaiming_normal",), 0)  # the cache answers
    assert running == [1] and len(holds) == 1
    assert SLOTS.running == 0


def _sweep_section() -> None:
    from ui.compare import sweep

    sweep.section()


def test_a_cached_sweep_on_the_page_takes_no_training_slot(holds):
    at = AppTest.from_function(_sweep_section, default_timeout=TIMEOUT)
    at.run()
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 2 and len(holds) == 1
    at.run()  # a rerun: the same sweep, from the cache
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 2 and len(holds) == 1


def test_sweep_reports_progress_with_time_left_and_keeps_each_request(monkeypatch):
    calls: list[tuple] = []

    def fake_sweep(activations, depths, init, when, base, seed, on_network=None):
        for k in range(len(depths)):
            on_network(k + 1, len(depths))
        calls.append((init, when))
        return pd.DataFrame({"depth": list(depths)})

    monkeypatch.setattr(sweep, "depth_sweep", fake_sweep)
    seen: list[tuple[int, int, float]] = []
    sweep.sweep_frame(("relu",), ("default", "xavier_normal"), 50, lambda *a: seen.append(a))
    n = len(sweep.DEPTHS)
    assert [done for done, _, _ in seen] == list(range(1, 4 * n + 1))
    assert {total for _, total, _ in seen} == {4 * n}
    assert all(left >= 0 for *_, left in seen) and seen[-1][2] == 0
    assert calls == [("default", 0), ("default", 50), ("xavier_normal", 0), ("xavier_normal", 50)]
    sweep.sweep_frame(("relu",), ("default", "xavier_normal"), 50)  # kept: nothing trains
    sweep.sweep_frame(("relu",), ("default",), 50)  # another request trains
    assert len(calls) == 6
