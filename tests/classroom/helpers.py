"""Shared by the classroom tests: a clock the test moves, and checks to record."""

from __future__ import annotations

import math
import threading

T0 = 1_800_000_000.0  # an arbitrary fixed start, so times in assertions are exact


class Clock:
    """The store's clock: starts at T0, moves a millisecond per reading (so records keep
    their order) and jumps when a test says so. Thread-safe for the concurrency tests."""

    def __init__(self, start: float = T0, tick: float = 0.001):
        self.now, self.tick = start, tick
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            self.now += self.tick
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def numbers(i: int = 0) -> dict[str, float]:
    """Numbers as a check reports them, an infinite one included (a diverged run)."""
    return {"loss": 0.5 + i, "signal_ratio": 1e-6 * (i + 1), "grad_norm_max": math.inf}
