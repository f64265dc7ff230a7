"""The menu: one link per screen, each carrying the URL its screen will show, so that a page
switch is one browser history entry and Back takes one press per page.

Workaround for Streamlit 1.67's frontend. Its own menu (`st.navigation` in the sidebar) opens a
screen with no query (only widgets bound to the URL travel); the screen then writes its keys
and `lang`, and the frontend pushes a history entry for every query message that changes the
address outside Back/Forward (`App.handlePageInfoChanged`). So each switch made two entries,
and Back first landed on the same screen without its query. A `st.page_link` with
`query_params` puts the query in the page switch's own entry: each `Sync` finds its keys there
already and sends nothing. It can go when a query write right after a page switch replaces the
entry instead of adding one (check with tests/browser/test_back.py and the native menu).

A screen visited in this session gets the query it had when its last run ended; one not yet
visited gets what its `Sync` would write on arrival (`FRESH`), taken as written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from sim.analysis import compare
from sim.config import DEFAULT
from ui.common.i18n import t
from ui.common.urlstate import with_lang
from ui.compare import lab as compare_lab
from ui.explorer import state as explorer
from ui.playground import state as playground
from ui.playground.lab import Lab
from ui.through_time import state as through_time

VISITED = "_nav_queries"  # session key: {page path: its URL query when its last run ended}
NAV_KEY = "nav"  # the menu's container: CSS class st-key-nav
HERE_KEY = "nav_here"  # the current screen's entry in the menu: CSS class st-key-nav_here


def _playground() -> dict[str, str]:
    lab = st.session_state.get(playground.LAB_KEY)
    cfg = lab.cfg if isinstance(lab, Lab) else DEFAULT  # what get_lab() would start from
    query = playground.query_of(cfg)
    playground.URL.remember(query)
    return query


def _compare() -> dict[str, str]:
    lab = st.session_state.get(compare_lab.KEY)
    if isinstance(lab, compare_lab.CompareLab):
        cfgs = lab.cfgs
    else:  # what get_compare() would start from, without making it before the screen is seen
        start = st.session_state.get(playground.LAB_KEY)
        base = start.cfg if isinstance(start, Lab) else DEFAULT
        cfgs = compare.vary(base, compare_lab.VARIED, 2)
    query = compare.to_query(cfgs)
    compare_lab.URL.remember(query)
    return query


def _through_time() -> dict[str, str]:
    lab = st.session_state.get(through_time.LAB_KEY)
    cfg = lab.cfg if isinstance(lab, Lab) else through_time.START  # what get_lab() starts from
    query = through_time.query_of(cfg)
    through_time.URL.remember(query)
    return query


def _explorer() -> dict[str, str]:
    query = explorer.to_query({k: st.session_state.get(k, v) for k, v in explorer.DEFAULTS.items()})
    explorer.URL.remember(query)
    return query


FRESH: dict[str, Callable[[], dict[str, str]]] = {
    "app_pages/playground.py": _playground,
    "app_pages/compare.py": _compare,
    "app_pages/explorer.py": _explorer,
    "app_pages/through_time.py": _through_time,
}


def link_query(path: str) -> dict[str, str]:
    """The query a link to the screen at `path` carries: its URL as last seen, in the reader's
    language (a screen not yet visited: what it will write)."""
    visited = st.session_state.get(VISITED) or {}
    if path in visited:
        return with_lang(visited[path])
    fresh = FRESH.get(path)
    return with_lang(fresh() if fresh else {})


def menu(pages: Sequence[tuple[str, str, str]], current: str) -> None:
    """One link per (path, catalog key, icon), but the current screen's: that one shows where
    the reader is, in the place and look of its link (HERE_KEY, styled by the frame), without
    being a link. A link to the page itself would go nowhere and cost a Tab stop before the
    page (issue 17: Train within ten Tab presses)."""
    with st.container(key=NAV_KEY, gap="small"):
        for path, title_key, icon in pages:
            if path == current:
                with st.container(key=HERE_KEY):
                    st.markdown(f"{icon} **{t(title_key)}**")
            else:
                st.page_link(path, label=t(title_key), icon=icon, query_params=link_query(path))


def visited(path: str) -> bool:
    """Whether this session has shown the screen at `path`."""
    return path in (st.session_state.get(VISITED) or {})


def record(path: str) -> None:
    """Keep the URL the screen at `path` shows now, for the next link to it."""
    visited = st.session_state.setdefault(VISITED, {})
    visited[path] = st.query_params.to_dict()
