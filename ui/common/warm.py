"""Warm what every page needs before the server answers anyone, not on the first visitor.

`streamlit run streamlit_app.py` serves the app as an `st.App` whose lifespan calls `start()`:
a daemon thread imports every module the screens import, reads both catalogs and the FAQ,
builds a tiny network and trains it a few steps (the first optimiser imports torch._dynamo, a
large part of a cold first page) and draws its charts. The lifespan waits for it (at most
WAIT_S) before uvicorn serves its socket, so the first health check that answers finds the
server warm, and a visitor who comes at that instant gets a warm page. A failed warm-up is
logged and the server serves cold. `Preload` has the page's HTML name the frontend's code
chunks that the first page needs, so that a fresh browser fetches them at once. `GET /api/warm`
says how far the warm-up got. A script run that begins while it is still going (only after an
overrun) waits for the first FIRST_STEPS (`wait()`). AppTest runs the script without the
lifespan: nothing warms and nothing waits.
"""

from __future__ import annotations

import ast
import asyncio
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
WAIT_S = 60.0  # the longest the server stays silent for its warm-up before it serves cold
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
_over = threading.Event()  # every step is over (or the warm-up failed)
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
        _over.set()
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
    """Warm before the server answers anyone. uvicorn runs the lifespan's startup before it
    serves its socket, so nothing (the health check included) is answered until the warm-up is
    over, at most WAIT_S: "healthy" means "warm". Off the event loop, so Ctrl-C still stops it;
    a warm-up that fails or overruns is logged, and the server serves cold."""
    if start():
        await asyncio.to_thread(_over.wait, WAIT_S)
        if not _over.is_set():
            log.warning("warm-up not over after %.0f s: serving while it goes on", WAIT_S)
    yield


# Streamlit's frontend loads each kind of element's code the first time a page shows one, and
# shows nothing of the page (its heading included) until every chunk the page's first elements
# need has arrived: a fresh browser fetched the Playground's in four rounds, one after another,
# over half its wait for the heading. The page's HTML names them in a `Link: rel=modulepreload`
# header, so the browser fetches them all at once, while it loads the app itself. The chunks are
# the first Playground's (read in the browser's resource timing); their hashed file names are
# looked up in the installed Streamlit. This can go if Streamlit bundles or preloads them itself.
PRELOAD = (
    "PageLink", "Radio", "useFormValidation", "useField", "useFormReset", "useSlot",
    "WidgetLabel", "styled-components", "WidgetLabelHelpIconInline", "useBasicWidgetState",
    "Button", "Selectbox", "useMenuTrigger", "Autocomplete", "useLoadMoreSentinel",
    "useCollator", "Input", "useSyncComboBoxEnterTargetFocus", "sortBy", "_baseMap",
    "useTextField", "useFilter", "ErrorOutline.esm", "Cancel.esm", "WidgetLabelHelpIcon",
    "requiredField", "Slider", "moment", "formatNumber", "numbro", "sprintfjs",
    "withCalculatedWidth", "formatMoment", "Checkbox", "checkboxIndicatorStyles", "NumberInput",
    "TextField", "InputInstructions", "Html", "purify.es", "Metric", "printWidthCap",
    "CustomTheme", "loadVegaEmbed", "ArrowVegaLiteChart", "FileDownload.esm", "downloadDataUrl",
    "TableChart.esm", "Quiver", "range", "unzip", "recordbatch", "serialization",
    "withFullScreenWrapper", "vega-interpreter", "embed", "linear", "defaultLocale", "init",
    "string", "value", "ordinal", "time", "cubic", "threshold", "colors", "treemap",
    "DownloadButton", "createDownloadLinkElement",
)  # fmt: skip


def preload_header() -> str:
    """The `Link` header value naming PRELOAD's files in this Streamlit ("" if none is found)."""
    import streamlit

    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    by_stem: dict[str, list[str]] = {}
    for f in sorted(folder.glob("*.js")) if folder.is_dir() else []:
        by_stem.setdefault(f.name[: -len(".js")].rpartition(".")[0], []).append(f.name)
    names = [n for stem in PRELOAD for n in by_stem.get(stem, [])]  # a stem may name two
    return ", ".join(f"<./static/js/{n}>; rel=modulepreload" for n in names)


class Preload:
    """ASGI middleware: the preload header on every HTML page (st.App(middleware=...))."""

    def __init__(self, app: Any) -> None:
        self.app, self.header = app, preload_header().encode("latin-1")

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or not self.header:
            return await self.app(scope, receive, send)

        async def send_with_link(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"text/html"):
                    message["headers"] = [*message.get("headers", []), (b"link", self.header)]
            await send(message)

        await self.app(scope, receive, send_with_link)


def middleware() -> list:
    from starlette.middleware import Middleware

    return [Middleware(Preload)]


def routes() -> list:
    """`GET /api/warm`: the warm-up's state as JSON (for deploy/serve.py and the tests)."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def warm_state(request) -> JSONResponse:
        return JSONResponse(state())

    return [Route(ROUTE, warm_state, methods=["GET"])]
