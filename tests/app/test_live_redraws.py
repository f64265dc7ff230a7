"""When a burst redraws its live charts: after its first second of training (queueing for a slot
does not count), and never while another session waits for the slot it holds."""

from __future__ import annotations

import pytest

from sim.config import DEFAULT
from sim.slots import SLOTS
from ui.common import burst as training
from ui.playground.actions import train
from ui.playground.lab import Lab


class Bar:
    def progress(self, *_, **__):
        pass


class Slot:
    def progress(self, *_, **__):
        return Bar()

    def info(self, *_, **__):
        pass

    def error(self, text, **__):
        raise AssertionError(text)

    def empty(self):
        pass


@pytest.fixture
def eager(monkeypatch):
    """Redraw at every progress callback, so that only the rule under test can prevent it."""
    monkeypatch.setattr(training, "LIVE_FIRST_S", 0.0)
    monkeypatch.setattr(training, "LIVE_MIN_GAP_S", 0.0)


def burst_redraws() -> int:
    lab, calls = Lab(DEFAULT.replace(depth=2, width=8)), []
    assert train(lab, 100, Slot(), live=lambda: calls.append(1)) is not None
    assert lab.sim.step == 100
    return len(calls)


def test_live_charts_are_redrawn_when_nobody_waits(eager):
    assert burst_redraws() >= 10  # a callback every 5%


def test_no_live_redraw_while_another_session_waits(eager, monkeypatch):
    monkeypatch.setattr(SLOTS, "waiting", 1)
    assert burst_redraws() == 0


def test_time_spent_queued_does_not_count_towards_the_first_second(monkeypatch):
    """A burst that waited 5 s for its slot and then trains for well under a second draws no
    live charts: its first second of training has not passed."""
    real_hold = SLOTS.hold

    def slow_hold(on_queued=None, poll_s=0.5, **kwargs):
        clock[0] += 5.0  # the wait, as the page's clock sees it
        return real_hold(on_queued, poll_s, **kwargs)

    clock = [0.0]
    real_clock = training.time.perf_counter
    monkeypatch.setattr(training.time, "perf_counter", lambda: real_clock() + clock[0])
    monkeypatch.setattr(SLOTS, "hold", slow_hold)
    assert burst_redraws() == 0


def test_progress_bar_moves_at_most_every_gap_and_every_callback_can_stop_the_burst(monkeypatch):
    """With a gap longer than the burst the bar moves once (its first callback); the other
    callbacks still pass a yield point, where Streamlit stops a run whose controls changed."""
    moves, yields = [], []

    class CountingBar(Bar):
        def progress(self, *_, **__):
            moves.append(1)

    class CountingSlot(Slot):
        def progress(self, *_, **__):
            return CountingBar()

    monkeypatch.setattr(training, "PROGRESS_GAP_S", 3600.0)
    monkeypatch.setattr(training, "yield_point", lambda: yields.append(1))
    lab = Lab(DEFAULT.replace(depth=2, width=8))
    assert train(lab, 100, CountingSlot()) is not None
    assert len(moves) == 1 and len(yields) >= 18  # a callback every 5%: 19 of them, 1 drawn
    monkeypatch.setattr(training, "PROGRESS_GAP_S", 0.0)
    moves.clear()
    assert train(lab, 100, CountingSlot()) is not None
    assert len(moves) >= 19


def test_yield_point_reads_session_state(monkeypatch):
    reads = []

    class State:
        def __contains__(self, key):
            reads.append(key)
            return False

    monkeypatch.setattr(training.st, "session_state", State())
    training.yield_point()
    assert reads == [training.YIELD_KEY]
