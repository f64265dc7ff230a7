"""A process-wide cap on concurrent training, for a server shared by a room.

Bursts from many sessions run in one process (Streamlit serves each session on a thread). On a
2-core machine two bursts at once already use every core; more only make everyone slower and
hold more memory. `SLOTS.hold()` admits at most `capacity` bursts at a time; a caller that must
wait is told so once (so the UI can say it is queued) and runs when its turn comes: first come,
first served. The slot
is released in `finally`, whatever ends the burst.
"""

from __future__ import annotations

import collections
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
    """At most `capacity` holders at once; waiters are served first come, first served."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._cond = threading.Condition()
        self._queue: collections.deque[object] = collections.deque()  # waiting tickets
        self.waiting = 0  # callers queued right now
        self.running = 0

    def _acquire(self, on_queued: Callable[[int], None] | None, poll_s: float) -> None:
        ticket = object()
        with self._cond:
            if self.running < self.capacity and not self._queue:
                self.running += 1
                return
            self._queue.append(ticket)
            self.waiting = len(self._queue)
            position = self.waiting
        try:
            if on_queued is not None:
                on_queued(position)  # outside the lock: the UI may take its time
            with self._cond:
                while not (self._queue[0] is ticket and self.running < self.capacity):
                    self._cond.wait(poll_s)
                self._queue.popleft()
                self.running += 1
        finally:
            with self._cond:
                if ticket in self._queue:  # cut short while waiting (e.g. a rerun)
                    self._queue.remove(ticket)
                self.waiting = len(self._queue)
                self._cond.notify_all()

    @contextlib.contextmanager
    def hold(
        self, on_queued: Callable[[int], None] | None = None, poll_s: float = 0.5
    ) -> Iterator[None]:
        """Run the body in a slot. `on_queued(n_waiting)` is called once if the caller waits."""
        self._acquire(on_queued, poll_s)
        try:
            yield
        finally:
            with self._cond:
                self.running -= 1
                self._cond.notify_all()


SLOTS = TrainingSlots(default_capacity())


def configure_threads() -> int:
    """Set torch's intra-op threads for a shared server; returns the number set."""
    n = threads_per_burst(SLOTS.capacity)
    torch.set_num_threads(n)
    return n
