"""A process-wide cap on concurrent training, for a server shared by a room, counted in threads.

Bursts from many sessions run in one process (Streamlit serves each session on a thread). The
machine's cores are the capacity: a burst asks for the torch threads its network is worth
(sim.device.cpu_threads: one for a small network, every core for a big one), and `SLOTS.hold()`
admits bursts while their threads fit, so two small bursts train side by side on two cores and a
big one has the machine to itself. A caller that gives no thread count takes every core (a sweep,
a measurement: it runs alone, as before). The holder's own torch thread count is set for the
burst and put back after (torch keeps it per thread); outside a slot a thread computes on one
(configure_threads). A caller that must wait is told so once (so the UI can say it is queued)
and runs when its turn comes: first come, first served. The slot is released in `finally`,
whatever ends the burst.
"""

from __future__ import annotations

import collections
import contextlib
import os
import threading
from collections.abc import Callable, Iterator

import torch


def cores() -> int:
    return max(1, os.cpu_count() or 1)


def default_capacity() -> int:
    """Threads that may train at once: one per core."""
    return cores()


class TrainingSlots:
    """Holders whose threads together stay within `capacity`; waiters are served first come,
    first served (a small burst does not overtake a big one that waits)."""

    def __init__(self, capacity: int):
        self.capacity = max(1, int(capacity))
        self._cond = threading.Condition()
        self._queue: collections.deque[object] = collections.deque()  # waiting tickets
        self.waiting = 0  # callers queued right now
        self.running = 0  # holders
        self.threads = 0  # their threads

    def size(self, threads: int | None) -> int:
        """The threads a holder takes: what it asks for, within 1..capacity; None: all."""
        return self.capacity if threads is None else max(1, min(int(threads), self.capacity))

    def _fits(self, need: int) -> bool:
        return self.threads + need <= self.capacity

    def _take(self, need: int) -> None:
        self.running += 1
        self.threads += need

    def _acquire(self, need: int, on_queued: Callable[[int], None] | None, poll_s: float) -> None:
        ticket = object()
        with self._cond:
            if self._fits(need) and not self._queue:
                self._take(need)
                return
            self._queue.append(ticket)
            self.waiting = len(self._queue)
            position = self.waiting
        try:
            if on_queued is not None:
                on_queued(position)  # outside the lock: the UI may take its time
            with self._cond:
                while not (self._queue[0] is ticket and self._fits(need)):
                    self._cond.wait(poll_s)
                self._queue.popleft()
                self._take(need)
        finally:
            with self._cond:
                if ticket in self._queue:  # cut short while waiting (e.g. a rerun)
                    self._queue.remove(ticket)
                self.waiting = len(self._queue)
                self._cond.notify_all()

    @contextlib.contextmanager
    def hold(
        self,
        on_queued: Callable[[int], None] | None = None,
        poll_s: float = 0.5,
        threads: int | None = None,
    ) -> Iterator[int]:
        """Run the body in a slot of `threads` threads (None: every core), with torch on that
        many threads in this thread; yields the number. `on_queued(n_waiting)` is called once if
        the caller waits."""
        need = self.size(threads)
        self._acquire(need, on_queued, poll_s)
        before = torch.get_num_threads()
        try:
            torch.set_num_threads(need)
            yield need
        finally:
            torch.set_num_threads(before)
            with self._cond:
                self.running -= 1
                self.threads -= need
                self._cond.notify_all()


SLOTS = TrainingSlots(default_capacity())


OUTSIDE_SLOTS = 1  # torch threads of work that holds no slot


def configure_threads() -> int:
    """Torch's intra-op threads in the calling thread and the default of every thread started
    after it (Streamlit's script threads): one. What runs outside a training slot (a page's
    decision surface and distributions, a forward pass for a chart) is a small network's few
    operations, which a second thread only slows (the distributions at the default: 7 ms CPU on
    one thread, 140 on two); a slot sets its holder's threads for its burst. Returns the number."""
    torch.set_num_threads(OUTSIDE_SLOTS)
    return OUTSIDE_SLOTS
