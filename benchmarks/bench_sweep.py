"""How long does the Compare screen's depth sweep take? In one process, with OpenMP waiting
passively as streamlit_app.py sets it:

  before  depth_sweep's networks trained with torch's pool as the app sizes it
          (sim.slots.configure_threads), i.e. what the sweep cost before it ran on one thread
  after   sim.analysis.sweep.depth_sweep as it is (sim.analysis.sweep.one_thread)

for the default sweep (3 activations x 1 init x 6 depths, at initialisation) and the largest
at initialisation (3 x 3 x 6 = 54 networks). Rounds are interleaved and the median reported, so
a noisy machine hits both alike. Target: the default sweep <= 10 s (it is the page's first view).

    python -m benchmarks.bench_sweep
    python -m benchmarks.bench_sweep --rounds 5 --steps 50
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as streamlit_app.py, before torch loads

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

from sim.analysis import sweep  # noqa: E402
from sim.presets import BASE  # noqa: E402
from sim.slots import configure_threads  # noqa: E402

ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = {
    "default sweep": ("kaiming_normal",),
    "3 inits": ("kaiming_normal", "xavier_normal", "default"),
}
DEPTHS = (2, 4, 6, 10, 15, 20)  # as ui.compare.sweep.DEPTHS


def run(inits: tuple[str, ...], steps: int, pooled: bool) -> float:
    """Seconds for one sweep; `pooled` swaps one_thread for a no-op (the code before)."""
    real = sweep.one_thread
    if pooled:
        sweep.one_thread = lambda: _Nothing()
    try:
        start = time.perf_counter()
        for init in inits:
            sweep.depth_sweep(ACTIVATIONS, DEPTHS, init, steps, BASE, 0)
        return time.perf_counter() - start
    finally:
        sweep.one_thread = real


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=0, help="train each network this long")
    args = parser.parse_args()
    pool = configure_threads()
    print(f"torch {torch.__version__}, app pool {pool} threads, {os.cpu_count()} cores")
    for name, inits in INITS.items():
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for label in ("before", "after"):
                times[label].append(run(inits, args.steps, pooled=label == "before"))
        before, after = (statistics.median(times[k]) for k in ("before", "after"))
        n = len(ACTIVATIONS) * len(inits) * len(DEPTHS)
        verdict = "OK" if name != "default sweep" or after <= 10 else "OVER"
        print(
            f"{name} ({n} networks, {args.steps} steps): before {before:.2f} s, "
            f"after {after:.2f} s, {before / after:.1f}x faster  {verdict}"
        )
    print(f"load average {os.getloadavg()[0]:.1f} (other work shares these cores)")


if __name__ == "__main__":
    main()
