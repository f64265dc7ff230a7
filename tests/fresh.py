"""Run a snippet in a fresh interpreter at the repo root: what a package imports at run time can
only be seen where nothing else was imported first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_fresh(code: str) -> str:
    """The snippet's stdout; the test fails with its stderr if it exits non-zero."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
