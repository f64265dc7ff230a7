"""Warm what every page needs when the server starts, not on the first visitor.

`streamlit run streamlit_app.py` serves the app as an `st.App` whose lifespan calls `start()`:
a daemon thread imports every module the screens import, reads both catalogs and the FAQ,
builds a tiny network and trains it a few steps (the first optimiser imports torch._dynamo, a
large part of a cold first page) and draws its charts, while the server already answers its
health check. The imports of the screens where learners land (FIRST_PAGES) come first; a
script run that begins before they are over waits for them (`wait()`), so a visitor who comes
at once draws the page as soon as a cold server would, rather than sharing the cores with the
same imports; from there the two threads share what is left (a module being imported by one
is waited for by the other, never loaded twice). `GET /api/warm` says how far it got. AppTest
runs the script without the lifespan: nothing warms and nothing waits.
"""

from __future__ import annotations

import ast
import importlib
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from streamlit.logger import get_logger

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 120.0  # the longest a first visitor waits for the warm-up before running cold
FIRST_PAGES = ("app_pages/home.py", "app_pages/playground.py")  # where learners land first
ROUTE = "/api/warm"

log = get_logger(__name__)


@dataclass
class Warmth:
    state: str = "cold"  # cold | warming | ready | failed
    done: dict[str, float] = field(default_factory=dict)  # each step finished: its seconds
    first_page: float | None = None  # s from start() until a script run no longer waits
    seconds: float | None = None  # from start() to ready (or failed)
    waited: int = 0  # script runs that began before the warm-up was over, and waited
    error: str | None = None


WARMTH = Warmth()
_first = threading.Event()  # the first FIRST_STEPS are over (or the warm-up failed)
_started = threading.Lock()  # held for good by the first start()


# ---------------------------------------------------------------------------------------------
# The steps, each what a first page would otherwise do itself


def page_modules(paths: tuple[str, ...] | None = None) -> list[str]:
    """Every module the frame and the screens in `paths` (default: all of ui.common.frame.PAGES)
    import, read from their source: the list follows the pages as they change."""
    from ui.common.frame import PAGES

    names = ["ui.common.frame"]
    for path in paths or [p for p, _, _ in PAGES]:
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names += [a.name for a in node.names]
    return list(dict.fromkeys(names))


def _imports(paths: tuple[str, ...] | None = None) -> None:
    for name in page_modules(paths):
        head, _, last = name.rpartition(".")
        module = importlib.import_module(head) if head else None
        if module is None or not hasattr(module, last):  # a module, not a name inside one
            importlib.import_module(name)


def _catalogs() -> None:
    from ui.common.i18n import LANGS, catalog

    for lang in LANGS:
        catalog(lang)


def _faq() -> None:
    from lessons.faq import load

    load()


def _network_and_charts() -> None:
    """A tiny copy of the default network, trained 3 steps, and its charts in both languages."""
    from sim.config import DEFAULT
    from sim.slots import configure_threads
    from sim.train.simulation import Simulation
    from ui import charts
    from ui.common.i18n import LANGS, translator
    from ui.playground.board import network_views

    configure_threads()  # as the frame sets them, before this thread's first torch operation
    sim = Simulation(DEFAULT.replace(depth=2, width=8, device="cpu"))
    sim.burst(3)
    views = network_views(sim, {})
    for lang in LANGS:
        tr = translator(lang)
        charts.with_arrow_data(charts.grad_norm_chart(sim.history, tr))
        charts.with_arrow_data(charts.decision_chart(views["surface"], views["points"], tr))


STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("imports", lambda: _imports(FIRST_PAGES)),
    ("catalogs", _catalogs),
    ("network", _network_and_charts),
    ("screens", _imports),  # every other screen's modules
    ("faq", _faq),
)
FIRST_STEPS = 2  # a script run that begins during these waits for them


# ---------------------------------------------------------------------------------------------
# Running them once per process


def _run(began: float) -> None:
    try:
        for i, (name, step) in enumerate(STEPS, start=1):
            t0 = time.monotonic()
            step()
            WARMTH.done[name] = round(time.monotonic() - t0, 2)
            if i == FIRST_STEPS:
                WARMTH.first_page = round(time.monotonic() - began, 2)
                _first.set()
        WARMTH.state = "ready"
    except Exception as exc:  # a cold first page is slow, not broken: log it and serve anyway
        WARMTH.state, WARMTH.error = "failed", f"{type(exc).__name__}: {exc}"
        log.warning("warm-up failed after %s", list(WARMTH.done), exc_info=True)
    finally:
        WARMTH.seconds = round(time.monotonic() - began, 2)
        _first.set()
    if WARMTH.state == "ready":
        steps = ", ".join(f"{name} {s:.1f} s" for name, s in WARMTH.done.items())
        log.info("warm in %.1f s (first page %.1f s): %s", WARMTH.seconds, WARMTH.first_page, steps)


def start() -> bool:
    """Start the warm-up in a daemon thread (once per process); False if it already started."""
    if not _started.acquire(blocking=False):
        return False
    WARMTH.state = "warming"
    threading.Thread(target=_run, args=(time.monotonic(),), name="warm", daemon=True).start()
    return True


def wait(timeout_s: float = WAIT_S) -> None:
    """Until the first FIRST_STEPS are over; at once when they are, or when the warm-up never
    started (AppTest)."""
    if WARMTH.state != "warming" or _first.is_set():
        return
    WARMTH.waited += 1
    _first.wait(timeout_s)


def state() -> dict[str, Any]:
    return asdict(WARMTH)


# ---------------------------------------------------------------------------------------------
# The st.App hooks (streamlit_app.py)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Start the warm-up when the server starts; the server answers at once."""
    start()
    yield


def routes() -> list:
    """`GET /api/warm`: the warm-up's state as JSON (for deploy/serve.py and the tests)."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def warm_state(request) -> JSONResponse:
        return JSONResponse(state())

    return [Route(ROUTE, warm_state, methods=["GET"])]
