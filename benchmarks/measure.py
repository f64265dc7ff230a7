"""What the benchmarks read from the machine: CPU time and resident memory of a set of processes
(the servers, with their children) and of the whole machine, via psutil; and the interleaved
per-step timing of training loops that the engine benchmarks compare."""

from __future__ import annotations

import contextlib
import random
import statistics
import threading
import time
from typing import Protocol

import psutil


def _tree(pids: list[int]) -> list[psutil.Process]:
    """The processes and all their children (those still alive)."""
    procs = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc = psutil.Process(pid)
            procs += [proc, *proc.children(recursive=True)]
    return procs


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by the processes and their live children."""
    total = 0.0
    for p in _tree(pids):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def tree_rss(pids: list[int]) -> int:
    """Resident bytes of the processes and all their children (0 once they are gone)."""
    total = 0
    for p in _tree(pids):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += p.memory_info().rss
    return total


def busy_cpu() -> float:
    """CPU seconds the whole machine has been busy (every process, every core)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def browser_cpu(server_pids: list[int]) -> float:
    """CPU seconds of this process's children other than the servers: Playwright's driver and
    Chromium (the learners' side, which a real room runs on its own machines)."""
    servers = {p.pid for p in _tree(server_pids)}
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        if child.pid in servers:
            continue
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            t = child.cpu_times()
            total += t.user + t.system
    return total


class Sampler(threading.Thread):
    """Samples the servers' resident memory (peak and last) and, with `browsers`, the browser's
    CPU time (whose processes exit with the round) until stopped."""

    def __init__(self, server_pids: list[int], every_s: float = 0.2, browsers: bool = True):
        super().__init__(daemon=True)
        self.pids, self.every_s, self.browsers = server_pids, every_s, browsers
        self.peak = self.last = tree_rss(server_pids)
        self.browser = 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        ticks = 0
        while not self._stop_event.wait(self.every_s):
            self.last = tree_rss(self.pids)
            self.peak = max(self.peak, self.last)
            ticks += 1
            if self.browsers and ticks % 3 == 0:
                self.browser = max(self.browser, browser_cpu(self.pids))

    def stop(self) -> None:
        if self.is_alive():
            self._stop_event.set()
            self.join(5)
        self.last = tree_rss(self.pids) or self.last
        self.peak = max(self.peak, self.last)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def fmt(x: float | None, unit: str = "s") -> str:
    return "-" if x is None else f"{x:.2f} {unit}"


# ---------------------------------------------------------------------------------------------
# Training loops, interleaved


class Bursty(Protocol):
    """Anything that trains n more steps on a call: Simulation, and the benchmarks' bare loops."""

    def burst(self, n: int) -> object: ...


def interleaved_bursts(
    runners: dict[str, Bursty], n: int, rounds: int, warmup: int
) -> dict[str, dict[str, float]]:
    """Median ms per step of each runner's n-step bursts, in a fresh order each round so that a
    noisy machine hits them all alike: {"wall": {name: ms}, "cpu": {name: ms}}, the wall clock
    and the process's CPU time. Each runner first trains `warmup` steps (the allocator, lazy
    optimiser state, first-call paths)."""
    for runner in runners.values():
        runner.burst(warmup)
    wall: dict[str, list[float]] = {k: [] for k in runners}
    cpu: dict[str, list[float]] = {k: [] for k in runners}
    for _ in range(rounds):
        for key in random.sample(list(runners), len(runners)):
            start, start_cpu = time.perf_counter(), time.process_time()
            runners[key].burst(n)
            wall[key].append((time.perf_counter() - start) / n * 1e3)
            cpu[key].append((time.process_time() - start_cpu) / n * 1e3)
    return {
        "wall": {k: statistics.median(v) for k, v in wall.items()},
        "cpu": {k: statistics.median(v) for k, v in cpu.items()},
    }
