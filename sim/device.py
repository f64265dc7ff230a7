"""Resolve the config's device. `auto` tries CUDA, then MPS, then the CPU; an accelerator that
fails a smoke test falls back to the CPU with the reason, never an error.

Tiny networks are launch-bound: each layer is a handful of microsecond kernels, and on a GPU
every kernel launch costs more than the arithmetic. `auto` therefore keeps networks whose step
costs less than GPU_MIN_COST (depth x width^2 x batch) on the CPU, and says so.

The same holds on the CPU at a smaller scale: a small network's step is a few dozen operations
of microseconds each, and a second torch thread only spins (measured, 6 x 32, batch 64: 200 steps
0.20 CPU-s on one thread, 0.5-0.6 on two, no faster). `cpu_threads` gives a step below
CPU_THREADS_MIN_COST one thread, so that two such bursts train side by side on two cores, and a
bigger one every core (sim.slots admits bursts by the threads they take).

A recurrent network's cells run one after another, each the size of one time step's work: it is
that per-time-step cost (`thread_cost`), not the sequence's total, that a second thread could
split (measured under load, LSTM T=50 width 32 batch 64, a step cost of 8e7 but 1.6e6 a time
step: 64 ms a step on one thread, up to 2.9 s on two).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from sim.config import RunConfig, step_cost

GPU_MIN_COST = 2.0e8  # below this, a CPU step was faster than a GPU step (benchmarks/)
# From about this step cost a second CPU thread pays for itself; below it, it mostly spins
# (measured on a busy 2-core machine, 200 steps: 6 x 32 batch 64, 1.8e6: 0.25 s on one thread,
# 0.77 s on two; 6 x 128 batch 128, 1.3e7: 0.58 s on one, 0.49 s on two for twice the CPU).
CPU_THREADS_MIN_COST = 2.0e7


def thread_cost(cfg: RunConfig) -> float:
    """The cost `cpu_threads` judges a network by: its step cost (sim.config.step_cost) for an
    MLP, one time step's share of it for a recurrent network (its seq_len cells in a row)."""
    cost = step_cost(cfg)
    return cost / max(1, int(cfg.seq_len)) if cfg.recurrent else cost


def burst_threads(
    cfg: RunConfig, device: torch.device | str = "cpu", cores: int | None = None
) -> int:
    """Torch threads for a burst of `cfg` (cpu_threads on its thread_cost)."""
    return cpu_threads(thread_cost(cfg), device, cores)


def cpu_threads(
    step_cost: float, device: torch.device | str = "cpu", cores: int | None = None
) -> int:
    """Torch threads for one burst: one for a small network or one that trains on an
    accelerator (the CPU only launches its kernels), every core for a big one on the CPU."""
    cores = max(1, cores if cores is not None else os.cpu_count() or 1)
    if torch.device(device).type != "cpu" or step_cost < CPU_THREADS_MIN_COST:
        return 1
    return cores


@dataclass(frozen=True)
class DeviceChoice:
    device: torch.device
    reason: str  # code: requested | auto_cuda | auto_mps | auto_cpu_none | auto_cpu_small |
    #                    fallback_cpu
    detail: str = ""  # the accelerator's error, where one fell back


def _works(name: str) -> tuple[bool, str]:
    try:
        x = torch.ones(4, device=name)
        (x * 2).sum().item()  # note: a CPU-GPU sync point, once per resolution
        return True, ""
    except Exception as exc:  # any failure of the accelerator means: use the CPU
        return False, f"{type(exc).__name__}: {exc}"


def _available(name: str) -> bool:
    if name == "cuda":
        return torch.cuda.is_available()
    if name == "mps":
        return bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    return name == "cpu"


def resolve(requested: str, step_cost: float = float("inf")) -> DeviceChoice:
    if requested == "cpu":
        return DeviceChoice(torch.device("cpu"), "requested")
    if requested in ("cuda", "mps"):
        if not _available(requested):
            return DeviceChoice(torch.device("cpu"), "fallback_cpu", f"{requested} not available")
        ok, err = _works(requested)
        if ok:
            return DeviceChoice(torch.device(requested), "requested")
        return DeviceChoice(torch.device("cpu"), "fallback_cpu", err)
    for name in ("cuda", "mps"):
        if _available(name):
            if step_cost < GPU_MIN_COST:
                return DeviceChoice(torch.device("cpu"), "auto_cpu_small", name)
            ok, err = _works(name)
            if ok:
                return DeviceChoice(torch.device(name), f"auto_{name}")
            return DeviceChoice(torch.device("cpu"), "fallback_cpu", err)
    return DeviceChoice(torch.device("cpu"), "auto_cpu_none")


REASONS = {
    "requested": "the config asked for it",
    "auto_cuda": "auto: a CUDA GPU is available and the network is large enough to gain",
    "auto_mps": "auto: an Apple GPU (MPS) is available and the network is large enough to gain",
    "auto_cpu_none": "auto: no GPU found",
    "auto_cpu_small": "auto: a GPU is available but this network is too small to gain from it",
    "fallback_cpu": "the accelerator failed; fell back to the CPU",
}
