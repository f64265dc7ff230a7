"""lessons/ stands on sim/ alone and reads content/ on first use, not at import: in a fresh
interpreter, importing every lessons module loads no Streamlit, Altair or ui module and leaves
every content cache empty."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fresh import run_fresh

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for p in (ROOT / "lessons").rglob("*.py")
    if p.name not in ("__init__.py", "__main__.py")
)

PROBE = """
import importlib, json, sys
for name in {modules!r}:
    importlib.import_module(name)
from lessons import cli, faq
from lessons.exercises import loading
caches = [loading.exercises, cli.words, faq.load, faq.article_code, faq.fixed_example_source]
print(json.dumps({{
    "above": sorted({{m.split(".")[0] for m in sys.modules}} & {{"streamlit", "altair", "ui"}}),
    "read": [f.__name__ for f in caches if f.cache_info().currsize],
}}))
"""


def test_importing_lessons_reads_nothing_and_needs_no_ui():
    code = PROBE.format(modules=MODULES)
    found = json.loads(run_fresh(code))
    assert found == {"above": [], "read": []}
