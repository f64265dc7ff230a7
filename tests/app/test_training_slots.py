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
