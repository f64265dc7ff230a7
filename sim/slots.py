"""A process-wide cap on concurrent training, for a server shared by a room.

Bursts from many sessions run in one process (Streamlit serves each session on a thread). On a
2-core machine two bursts at once already use every core; more only make everyone slower and
hold more memory. `SLOTS.hold()` admits at most `capacity` bursts at a time; a caller that must
wait is told so once (so the UI can say it is queued) and runs as soon as a slot frees. The slot
is released in `finally`, whatever ends the burst.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator

import torch


def default_capacity() -> int:
    return max(1, (os.cpu_count() or 2) // 2)


def threads_per_burst(capacity: int) -> int:
    """Torch threads for one burst so that `capacity` bursts together fill the cores."""
    return max(1, (os.cpu_count() or 2) // capacity)


class TrainingSlots:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self._sem = threading.BoundedSemaphore(capacity)
        self._lock = threading.Lock()
        self.waiting = 0  # callers queued right now
        self.running = 0

    @contextlib.contextmanager
    def hold(
        self, on_queued: Callable[[int], None] | None = None, poll_s: float = 0.5
    ) -> Iterator[None]:
        """Run the body in a slot. `on_queued(n_waiting)` is called once if the caller waits."""
        if not self._sem.acquire(blocking=False):
            with self._lock:
                self.waiting += 1
            try:
                if on_queued is not None:
                    on_queued(self.waiting)
                while not self._sem.acquire(timeout=poll_s):
                    pass
            finally:
                with self._lock:
                    self.waiting -= 1
        with self._lock:
            self.running += 1
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
            self._sem.release()


SLOTS = TrainingSlots(default_capacity())


def configure_threads() -> int:
    """Set torch's intra-op threads for a shared server; returns the number set."""
    n = threads_per_burst(SLOTS.capacity)
    torch.set_num_threads(n)
    return n
