"""What a test needs from the machine (a browser, a database server, a proxy): under CI=true a
missing one fails the test; elsewhere it skips with the reason, so a laptop without it still runs
the rest."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str, reason: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"{what} cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)
