"""The FAQ's slow measurements, stored so the page shows them at once.

content/faq/measured.toml holds, for each slow experiment (a slow claim, lessons.claims.SLOW,
or a note's measurement, lessons.measures), the numbers the engine gave, the verdict they
implied (a note has none: ""), and how long measuring took on how many cores. The
engine is deterministic on the CPU, so measuring again gives the same numbers (the claims'
tests check it); the FAQ offers that as a button and says what it costs.

    python -m lessons.snapshot         # measure every slow experiment, rewrite the file
    python -m lessons.snapshot f       # only claim f, keeping the others as stored
    python -m lessons.snapshot chain_rule during_training learning_rate   # the notes
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from lessons import claims, measures, through_time
from lessons.content import CONTENT, read_toml

STORE = CONTENT / "faq" / "measured.toml"
# Seconds of training each: the slow claims, and the notes' measurements (lessons.measures).
SLOW = claims.SLOW | through_time.SLOW | frozenset(measures.NOTE_MEASURES)


@dataclass(frozen=True)
class Stored:
    numbers: dict[str, float]
    implied: str  # the verdict the numbers imply
    seconds: float  # how long measuring took
    cores: int  # on a machine with this many CPU cores


def experiment(key: str) -> Callable:
    """The function behind an experiment key: a claim's (lessons.claims, or the outlook's in
    lessons.through_time), or a note's (lessons.measures). Looked up at call time, so a test
    that swaps a claim sees its swap."""
    for table in (claims.CLAIMS, through_time.CLAIMS):
        if key in table:
            return table[key]
    return measures.NOTE_MEASURES[key]


def measure(key: str) -> tuple[claims.ClaimEvidence | measures.Measurement, float]:
    """Run one experiment now: its evidence and the seconds it took."""
    start = time.perf_counter()
    result = experiment(key)()
    return result, time.perf_counter() - start


@functools.cache
def stored() -> dict[str, Stored]:
    if not STORE.exists():
        return {}
    data = read_toml(STORE)
    return {
        key: Stored(dict(v["numbers"]), v.get("implied", ""), v["seconds"], v["cores"])
        for key, v in data.items()
    }


def as_toml(results: dict[str, Stored]) -> str:
    lines = [
        "# The FAQ's slow measurements as the engine gave them (python -m lessons.snapshot",
        "# writes this file; tests in tests/lessons/ check it against a fresh run).",
    ]
    for key, s in sorted(results.items()):
        lines += ["", f"[{key}]", f'implied = "{s.implied}"', f"seconds = {s.seconds:.1f}"]
        lines += [f"cores = {s.cores}", f"[{key}.numbers]"]
        lines += [f"{name} = {float(value)!r}" for name, value in s.numbers.items()]
    return "\n".join(lines) + "\n"


def main(keys: list[str]) -> None:
    """Measure the named slow experiments (all of them if none is named) and rewrite the file,
    keeping what is stored for the others. On one torch thread, as the app's measurements and
    the tests that recompute these numbers run: another thread count sums in another order."""
    import torch

    torch.set_num_threads(1)
    results = {key: s for key, s in stored().items() if key in SLOW}
    for key in sorted(keys or SLOW):
        evidence, seconds = measure(key)
        implied = getattr(evidence, "implied", "")  # a note's Measurement has no verdict
        results[key] = Stored(evidence.numbers, implied, seconds, os.cpu_count() or 1)
        print(f"{key}: {seconds:.1f} s", flush=True)
    STORE.write_text(as_toml(results), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
