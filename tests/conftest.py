"""Shared test setup: one torch thread, and hypothesis settings that suit a noisy 2-core machine.
The repo root is on the path through pyproject.toml's `pythonpath`."""

import torch
from hypothesis import HealthCheck, settings

# No per-example deadline: a shared machine's hiccups are not bugs.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.load_profile("default")

# The tests' networks are tiny, and on a shared 2-core machine two intra-op threads wait on
# each other at every kernel, so one thread is both faster and steadier here.
torch.set_num_threads(1)
