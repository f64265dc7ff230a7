"""AppTest helpers: build the app on a page, with a URL query and a browser locale."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
PLAYGROUND = "app_pages/playground.py"
TIMEOUT = 180  # seconds per run: a shared 2-core machine can be slow; bursts here are short


def make_app(
    page: str | None = None,
    query: dict[str, str] | None = None,
    locale: str | None = None,
) -> AppTest:
    """An app that has run once, on `page` (the default page when None)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    if locale:
        at.context = {"locale": locale}
    if page:
        at.switch_page(page)
    at.run()
    return at


def lab_of(at: AppTest):
    return at.session_state["lab"]


def texts(at: AppTest) -> str:
    """Every visible text element of the main area and the sidebar, joined (for searching)."""
    parts = []
    kinds = ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success")
    for kind in kinds:
        parts += [str(e.value) for e in at.get(kind)]
    parts += [str(e.label) for e in at.get("button")]
    for kind in ("info", "warning", "error", "success", "markdown", "caption", "subheader"):
        parts += [str(e.value) for e in at.sidebar.get(kind)]
    return "\n".join(parts)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def query_of(at: AppTest) -> dict[str, str]:
    """The page's URL query as it stands, one value per key (the last one written)."""
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def diverged_playground() -> AppTest:
    """The Playground after one burst of a preset that diverges at once."""
    at = make_app(PLAYGROUND, query={"preset": "relu_exploding_init"})
    at.button(key="train").click().run()
    no_exception(at)
    assert lab_of(at).sim.diverged
    return at
