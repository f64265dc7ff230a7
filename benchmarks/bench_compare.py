"""What does comparing cost? In one process:

  (a) one    Simulation(default config).burst(200)
  (b) four   Comparison of four runs of the default config, one burst(200) for all
             (sim.analysis.compare trains them chunk by chunk; each chunk costs every run one extra
             recorded step, see Comparison.chunk_size)
  (c) vary   the same for vary(default, "activation"): four different activations, for reference

Repetitions are interleaved (a, b, c in a fresh order each round) and the median of each is
reported, so a noisy machine hits all alike. Target: b/a <= 4.2.

Then the Compare screen's depth sweep: 3 activations x 6 depths at initialisation
(ui.compare.sweep's networks, through sim.analysis.sweep.depth_sweep) plus building its two charts'
specs, as the page does on a cold cache. Target: < 3 s.

    python -m benchmarks.bench_compare
    python -m benchmarks.bench_compare --threads 1 --rounds 9
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import torch

from sim.analysis.compare import Comparison, vary
from sim.analysis.sweep import depth_sweep
from sim.config import DEFAULT
from sim.presets import BASE
from sim.train.simulation import Simulation

STEPS = 200
SWEEP_ACTIVATIONS = ("sigmoid", "tanh", "relu")
SWEEP_DEPTHS = (2, 4, 6, 10, 15, 20)  # as ui.compare.sweep.DEPTHS


def one() -> None:
    Simulation(DEFAULT).burst(STEPS)


def four() -> None:
    Comparison([DEFAULT] * 4).burst(STEPS)


def four_varied() -> None:
    Comparison(vary(DEFAULT, "activation", 4)).burst(STEPS)


def sweep_render() -> float:
    """Seconds for the sweep's networks and its two charts' specs (what the page draws)."""
    from ui.charts import with_arrow_data
    from ui.charts.sweep import sweep_chart
    from ui.common.i18n import text

    start = time.perf_counter()
    frame = depth_sweep(SWEEP_ACTIVATIONS, SWEEP_DEPTHS, "kaiming_normal", 0, BASE, 0)
    frame = frame.assign(label=frame["activation"], when="at initialisation")
    for quantity in ("first_grad", "ratio"):
        with_arrow_data(sweep_chart(frame, quantity, lambda key, **p: text("en", key, **p)))
    return time.perf_counter() - start


def interleaved(jobs: dict, rounds: int) -> dict[str, list[float]]:
    """Seconds of each job per round, after one warm-up call each (imports, allocator, first-call
    costs); the jobs run in a fresh order each round, so a noisy machine hits all alike."""
    for job in jobs.values():
        job()
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(rounds):
        order = list(jobs)
        random.shuffle(order)
        for name in order:
            start = time.perf_counter()
            jobs[name]()
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {STEPS} steps per burst")

    times = interleaved({"one": one, "four": four, "vary": four_varied}, args.rounds)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    for name, seconds in med.items():
        print(f"  {name:5s} median {seconds:7.3f} s  (min {min(times[name]):.3f} s)")
    ratio = med["four"] / med["one"]
    verdict = "OK" if ratio <= 4.2 else "OVER"
    print(f"four runs / one run: {ratio:.2f}x  (target <= 4.2x)  {verdict}")
    print(f"four varied / one run: {med['vary'] / med['one']:.2f}x  (for reference)")

    cold = sweep_render()
    warm = statistics.median(sweep_render() for _ in range(3))
    n = len(SWEEP_ACTIVATIONS) * len(SWEEP_DEPTHS)
    verdict = "OK" if cold < 3 else "OVER"
    print(f"depth sweep, {n} networks + 2 charts: first {cold:.2f} s, then median {warm:.2f} s")
    print(f"  (target < 3 s)  {verdict}")


if __name__ == "__main__":
    main()
