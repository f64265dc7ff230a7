"""CPU vs CUDA time per step for networks of growing cost, to place sim.device.GPU_MIN_COST.

    python -m benchmarks.bench_device

Prints, for each config, ms per step on each device and the ratio cpu/cuda (> 1: the GPU wins),
measured in one run with the two devices interleaved. Without CUDA it prints the CPU column only.
"""

from __future__ import annotations

import time

import torch

from sim.config import RunConfig, step_cost
from sim.train.simulation import Simulation

CONFIGS = [
    dict(depth=6, width=32, batch_size=64),
    dict(depth=10, width=64, batch_size=128),
    dict(depth=20, width=128, batch_size=256),
    dict(depth=30, width=256, batch_size=256),
    dict(depth=30, width=512, batch_size=512),
]


def per_step(cfg: RunConfig, steps: int = 60) -> float:
    sim = Simulation(cfg)
    sim.burst(5)  # warm-up: allocator, kernels, autotuning
    start = time.perf_counter()
    sim.burst(steps)
    return (time.perf_counter() - start) / steps


def main() -> None:
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, devices {devices}")
    for kw in CONFIGS:
        cfg = RunConfig(n_samples=4000, **kw)
        times = {d: min(per_step(cfg.replace(device=d)) for _ in range(2)) for d in devices}
        row = f"cost {step_cost(cfg):10.3g}  " + "  ".join(
            f"{d} {1e3 * t:7.2f} ms" for d, t in times.items()
        )
        if "cuda" in times:
            row += f"  cpu/cuda {times['cpu'] / times['cuda']:5.2f}"
        print(f"{kw}  {row}")


if __name__ == "__main__":
    main()
