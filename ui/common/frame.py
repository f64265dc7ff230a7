"""The app's frame: page config, language, the shared sidebar, and the list of screens.

Adding a screen is one line in PAGES: its script (in app_pages/), the catalog key of its menu
title (by convention `<its table>.nav`) and a Material icon.

Screens live in `app_pages/`, never `pages/`: Streamlit 1.67 checks for a `pages/` folder next
to the entrypoint when a server starts (and AppTest, on every run) and then serves the first
request in its old pages-folder mode, which runs a deep-linked screen *without* this frame (no
language switch, wrong menu) until some request runs the entrypoint. tests/app/test_frame.py
guards against the folder coming back.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from sim.slots import configure_threads
from ui.common import nav, urlstate
from ui.common.i18n import LANG_KEY, LANGS, t, text
from ui.common.notices import url_notice

PAGES: tuple[tuple[str, str, str], ...] = (
    ("app_pages/home.py", "home.nav", ":material/home:"),
    ("app_pages/playground.py", "playground.nav", ":material/tune:"),
    ("app_pages/through_time.py", "time.nav", ":material/timeline:"),
    ("app_pages/compare.py", "compare.nav", ":material/compare_arrows:"),
    ("app_pages/explorer.py", "explorer.nav", ":material/function:"),
    ("app_pages/faq.py", "faq.nav", ":material/quiz:"),
    ("app_pages/workshop.py", "workshop.nav", ":material/school:"),
    ("app_pages/room.py", "room.nav", ":material/groups:"),
)

# Screens opened by a private link (the teacher view needs the room's key): in the menu only
# once this session has opened one, so the menu offers no screen that would only ask for a link.
BY_LINK = frozenset({"app_pages/room.py"})

_threads_set = False


def _once_per_process() -> None:
    global _threads_set
    if not _threads_set:
        configure_threads()  # torch's thread pool sized for the shared training slots
        _threads_set = True


def setup() -> None:
    """Page config and language; call first in the entrypoint."""
    _once_per_process()
    found = urlstate.init_language()
    st.set_page_config(
        page_title=t("common.app_title"),
        page_icon=":material/monitoring:",
        layout="wide",
        initial_sidebar_state="auto",  # open on a desktop, closed on a phone
    )
    url_notice(found)
    # Streamlit 1.67 slides a closed sidebar off the screen but leaves it in the Tab order, so
    # on a phone (where it starts closed) the keyboard walks through every link of a menu nobody
    # sees before it reaches the page. Hidden once closed (after its slide-out), it takes no Tab
    # stop. This can go when Tab on a fresh 390 px page reaches the page without it
    # (tests/browser/test_phone.py). The menu's entry for the current screen (ui.common.nav,
    # not a link) gets the look Streamlit gives a link to the current page. Streamlit keeps a
    # page link's and a button's label on one line and cuts the rest: links in the page's column
    # (Home's starts, the FAQ's "Run this experiment") wrap instead, and Compare's row of seven
    # factor buttons gets narrow padding so that "Normalisation" fits at 1280 px. A select box
    # shows its value in one unwrappable line, cut in a settings grid's half-row cell on a phone
    # ("He (Kaiming) normal"): there it takes the whole row. Compare's heatmaps, side by side at
    # a fixed width (Vega-Lite facets do not stretch), scroll sideways where the page is narrower.
    st.html(
        """<style>
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"],
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] p {
  white-space: normal;
}
[class*="st-key-cmp_vary_"] button {
  padding-left: 0.25rem;
  padding-right: 0.25rem;
}
[data-testid="stSidebar"][data-collapsed="true"] {
  visibility: hidden;
  transition: visibility 0s 0.3s;
}
@media (max-width: 640px) {
  [data-testid="stGridCell"]:has([data-testid="stSelectbox"]) {
    grid-column: 1 / -1;
  }
}
.st-key-cmp_heatmaps {
  overflow-x: auto;
}
.st-key-nav_here {
  background-color: color-mix(in srgb, currentColor 10%, transparent);
  border-radius: 0.5rem;
  padding: 0.125rem 0.5rem 0.125rem 0.85rem;
}
</style>"""
    )


def navigation() -> StreamlitPage:
    pages = [
        st.Page(path, title=t(title_key), icon=icon, default=(i == 0))
        for i, (path, title_key, icon) in enumerate(PAGES)
    ]
    return st.navigation(pages, position="hidden")  # the menu is ui.common.nav's links


def _path_of(page: StreamlitPage) -> str:
    return next((p for p, _, _ in PAGES if st.Page(p).url_path == page.url_path), PAGES[0][0])


def sidebar(page: StreamlitPage) -> None:
    """What every screen shares in the sidebar: the menu and the language switch."""
    current = _path_of(page)
    listed = [p for p in PAGES if p[0] not in BY_LINK or p[0] == current or nav.visited(p[0])]
    with st.sidebar:
        nav.menu(listed, current)
        st.radio(
            t("common.language"),
            LANGS,
            key=LANG_KEY,
            format_func=lambda lang: text(lang, f"common.lang_{lang}"),
            horizontal=True,
        )
    urlstate.write_language()


def run(page: StreamlitPage) -> None:
    """The screen, then its URL kept for the next link to it (also when it stops early)."""
    try:
        page.run()
    finally:
        nav.record(_path_of(page))
