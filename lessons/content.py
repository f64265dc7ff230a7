"""content/ on disk: the folder of long texts as data, and the one way its TOML files are read.

lessons/ is the only package that reads content/ (the app and the CLIs ask lessons/), and every
reader in lessons/ goes through here, on first use rather than at import.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

CONTENT = Path(__file__).resolve().parent.parent / "content"
LANGS = ("en", "zh")  # every text in content/ is written in each of these


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)
