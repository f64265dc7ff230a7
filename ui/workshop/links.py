"""The teacher-link builder: pick an exercise (or a preset), tick the controls to lock or hide,
and get the Playground link that opens exactly that for every learner.

`build_link` is pure and is the inverse of ui.workshop.pin.parse_pin (a test round-trips them).
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from lessons.exercises.loading import EXERCISES
from sim.config import FIELDS
from sim.presets import PRESETS
from ui.common.i18n import LANGS, current_lang, t, translator
from ui.common.wording import field_label
from ui.playground.controls import GROUPS
from ui.workshop.pin import Pin

PLAYGROUND_PATH = "playground"  # st.Page's url_path for app_pages/playground.py
FALLBACK_BASE = "http://localhost:8501/"
NONE = ""


def build_link(
    base_url: str,
    exercise: str | None = None,
    start: str | None = None,
    locked: Collection[str] = (),
    hidden: Collection[str] = (),
    lang: str | None = None,
    room: str | None = None,
) -> str:
    """The Playground's URL on the server of `base_url` (any page of the app) with the flags;
    `room`: a room code, so that the link also seats the learner in that room."""
    hide = frozenset(hidden)
    start = None if exercise else (start or None)
    query = Pin(exercise or None, frozenset(locked) - hide, hide, start=start).query()
    if lang:
        query["lang"] = lang
    if room:
        query["room"] = room
    return page_url(base_url, PLAYGROUND_PATH, query)


def page_url(base_url: str, path: str, query: dict[str, str]) -> str:
    """The URL of the app's page `path` on the server of `base_url`, with `query`."""
    parts = urlsplit(base_url or FALLBACK_BASE)
    root = parts.path.rsplit("/", 1)[0] if parts.path else ""
    return urlunsplit(
        (parts.scheme, parts.netloc, f"{root}/{path}", urlencode(query, safe=","), "")
    )


def base_url() -> str:
    url = getattr(st.context, "url", None)
    return url if isinstance(url, str) and url.startswith("http") else FALLBACK_BASE


def playground_exercises() -> tuple[str, ...]:
    """The exercises a Playground link can open: a recurrent one trains on Through time."""
    return tuple(e for e, ex in EXERCISES.items() if not ex.start_config.recurrent)


def _suggest(ex_id: str) -> None:
    """Tick 'lock' for every control the exercise's rules keep at its starting value."""
    kept = EXERCISES[ex_id].kept_fields if ex_id in EXERCISES else ()
    for name in FIELDS:
        st.session_state[f"ws_lock_{name}"] = name in kept
        st.session_state[f"ws_hide_{name}"] = False


def builder_ui(room: str | None = None) -> str:
    """Draw the builder; return the link it shows (seating learners in `room`, if given)."""
    tr, lang_now = translator(), current_lang()
    st.caption(t("workshop.link_intro"))
    left, right = st.columns(2)
    exercise = left.selectbox(
        t("workshop.link_exercise"),
        (NONE, *playground_exercises()),
        key="ws_link_exercise",
        format_func=lambda e: EXERCISES[e].text[lang_now].title if e else tr("workshop.link_none"),
    )
    start = NONE
    if not exercise:
        start = right.selectbox(
            t("workshop.link_start"),
            (NONE, *PRESETS),
            key="ws_link_start",
            format_func=lambda p: (
                tr(f"playground.preset_{p}") if p else tr("workshop.link_defaults")
            ),
        )
    else:
        right.button(
            t("workshop.link_suggest"), key="ws_link_suggest", on_click=_suggest, args=(exercise,)
        )
    lang = st.radio(
        t("workshop.link_lang"),
        (NONE, *LANGS),
        key="ws_link_lang",
        horizontal=True,
        format_func=lambda x: tr(f"common.lang_{x}") if x else tr("workshop.link_lang_any"),
    )
    locked, hidden = _checkboxes()
    blocked = (
        [n for n in EXERCISES[exercise].must_change if n in locked | hidden] if exercise else []
    )
    if blocked:
        names = ", ".join(field_label(n) for n in blocked)
        st.warning(t("workshop.link_blocks", fields=names), icon=":material/block:")
    url = build_link(base_url(), exercise, start, locked, hidden, lang or None, room)
    st.code(url, language=None, wrap_lines=True)
    st.link_button(t("workshop.link_try"), url, icon=":material/open_in_new:")
    return url


def _checkboxes() -> tuple[set[str], set[str]]:
    locked, hidden = set(), set()
    head = st.columns([2, 1, 1])
    head[0].markdown(f"**{t('workshop.link_control')}**")
    head[1].markdown(f"**{t('workshop.link_lock')}**")
    head[2].markdown(f"**{t('workshop.link_hide')}**")
    for group, names in GROUPS.items():
        st.caption(t(f"config.group_{group}"))
        for name in names:
            row = st.columns([2, 1, 1], vertical_alignment="center")
            row[0].markdown(field_label(name))
            label = field_label(name)  # each box named by its control, for a screen reader
            if row[1].checkbox(
                t("workshop.link_lock_field", field=label),
                key=f"ws_lock_{name}",
                label_visibility="collapsed",
            ):
                locked.add(name)
            if row[2].checkbox(
                t("workshop.link_hide_field", field=label),
                key=f"ws_hide_{name}",
                label_visibility="collapsed",
            ):
                hidden.add(name)
    return locked, hidden
