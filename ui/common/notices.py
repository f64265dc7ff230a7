"""Notices: every screen shows a callout the same way, by kind (one table of Streamlit call and
icon), including the one-shot notices a callback leaves for the next run and a link's problems.

    show("warning", text)                    # on the page, or in a placeholder: where=slot
    show_pending(lab.notices)                # (kind, text) pairs left by a callback, once
    url_notice(problems)                     # what a link asked for that was ignored
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from sim.config import Problem
from ui.common.i18n import t
from ui.common.wording import problems_text

# kind (a finding's severity, or a notice's) -> (Streamlit callout, icon)
CALLOUTS: dict[str, tuple[str, str]] = {
    "error": ("error", ":material/error:"),
    "warning": ("warning", ":material/warning:"),
    "info": ("info", ":material/info:"),
    "ok": ("success", ":material/check_circle:"),
}
URL_ICON = ":material/link:"


def show(kind: str, text: str, where=None, icon: str | None = None) -> None:
    """One callout of `kind` in `where` (default: the page); an unknown kind shows as info."""
    call, default_icon = CALLOUTS.get(kind, ("info", None))
    getattr(where if where is not None else st, call)(text, icon=icon or default_icon)


def show_pending(pending: list[tuple[str, str]]) -> None:
    """Show the (kind, text) notices a callback left for this run, then forget them."""
    for kind, text in pending:
        show(kind, text)
    pending.clear()


def url_notice(found: Iterable[Problem]) -> None:
    """Say which values of the link were ignored (nothing when none was)."""
    found = list(found)
    if found:
        show("warning", t("common.url_notice", items=problems_text(found)), icon=URL_ICON)
