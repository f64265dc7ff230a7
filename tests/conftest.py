"""Shared test setup: the repo root on sys.path (so `pytest` works as well as
`python -m pytest`), one torch thread, and hypothesis settings that suit a noisy 2-core machine.
"""

import sys
from pathlib import Path

import torch
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# No per-example deadline: a shared machine's hiccups are not bugs.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.load_profile("default")

# The tests' networks are tiny, and on a shared 2-core machine two intra-op threads wait on
# each other at every kernel: measured 17-48 ms/step with 2 threads vs 1.5-2.7 ms with 1 for
# the same small network while another process kept one core busy.
torch.set_num_threads(1)
