"""Session and URL: the one Lab per session, and the experiment <-> query-string sync.

The URL holds every config field plus `lang` (written with plain `st.query_params`, which
Streamlit drops on a page switch; each page writes what it owns again). An incoming query is
read when it differs from what this session last wrote: a fresh session opened from a link, or
a `st.page_link(..., query_params=...)` from another page. `?preset=<name>` starts from a preset
and lets the other parameters override it. Values are untrusted: sim.codec never raises and
reports every value it ignored.
"""

from __future__ import annotations

import streamlit as st

from sim.codec import from_query, to_query
from sim.config import DEFAULT, FIELDS, Problem, RunConfig
from sim.presets import PRESETS
from ui.common.i18n import LANG_KEY, LANGS, current_lang, lang_from_locale
from ui.playground.lab import Lab

LAB_KEY = "lab"
PRESET_PARAM = "preset"
_LANG_WRITTEN = "_lang_in_url"


def get_lab() -> Lab:
    lab = st.session_state.get(LAB_KEY)
    if not isinstance(lab, Lab):
        lab = Lab()
        st.session_state[LAB_KEY] = lab
    return lab


# ---------------------------------------------------------------------------------------------
# Language


def init_language() -> list[Problem]:
    """Set the language switch's value from `?lang=` (when new) or the browser's locale."""
    found: list[Problem] = []
    raw = st.query_params.get(LANG_KEY)
    if raw is not None and raw != st.session_state.get(_LANG_WRITTEN):
        value = raw.strip().lower()
        if value in LANGS:
            st.session_state[LANG_KEY] = value
        else:
            found.append(Problem(LANG_KEY, "choice", {"value": raw[:40], "choices": LANGS}))
    if st.session_state.get(LANG_KEY) not in LANGS:
        st.session_state[LANG_KEY] = lang_from_locale(st.context.locale)
    return found


def write_language() -> None:
    lang = current_lang()
    if st.query_params.get(LANG_KEY) != lang:
        st.query_params[LANG_KEY] = lang
    st.session_state[_LANG_WRITTEN] = lang


# ---------------------------------------------------------------------------------------------
# Config


def incoming_config(
    params: dict[str, str], written: dict[str, str] | None
) -> tuple[RunConfig, list[Problem]] | None:
    """The config a query asks for, or None when it asks for nothing new."""
    asked = {k: v for k, v in params.items() if k in FIELDS}
    preset = params.get(PRESET_PARAM)
    if not asked and preset is None:
        return None
    ours = written is not None and all(written.get(k) == v for k, v in asked.items())
    if preset is None and ours:
        return None  # our own URL coming back with a rerun
    base, found = DEFAULT, []
    if preset is not None:
        if preset in PRESETS:
            base = PRESETS[preset].cfg
        else:
            found.append(Problem(PRESET_PARAM, "choice", {"value": preset[:40], "choices": ()}))
    cfg, rejected = from_query(asked, base)
    return cfg, found + rejected


def read_url(lab: Lab) -> tuple[bool, list[Problem]]:
    """Load the URL's config into the lab when it asks for a new one: (loaded, problems)."""
    asked = incoming_config(st.query_params.to_dict(), lab.url_written)
    if asked is None:
        return False, []
    cfg, found = asked
    if cfg != lab.cfg or lab.sim is None:
        lab.load(cfg)
    lab.url_written = None  # make write_url put the full config back
    return True, found


def write_url(lab: Lab) -> None:
    """Put the whole config (every field, so a link survives changed defaults) in the URL."""
    query = to_query(lab.cfg)
    if PRESET_PARAM in st.query_params:
        del st.query_params[PRESET_PARAM]
    if lab.url_written != query or any(st.query_params.get(k) != v for k, v in query.items()):
        st.query_params.update(query)
    lab.url_written = query
