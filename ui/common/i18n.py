"""Catalogs and the `t()` helper: every string a user sees comes from locales/<lang>.toml.

    t("playground.train", n=200)  ->  "Train 200" | "训练 200 步"

The language lives in `st.session_state["lang"]` (the sidebar switch's key). Its first value comes
from `?lang=` in the URL, else from the browser's locale (`st.context.locale`), else English.
"""

from __future__ import annotations

import functools
import logging
import tomllib
from pathlib import Path

import streamlit as st

LANGS: tuple[str, ...] = ("en", "zh")
DEFAULT_LANG = "en"
LANG_KEY = "lang"  # session-state key of the language switch, and the URL parameter
LOCALES = Path(__file__).resolve().parents[2] / "locales"

log = logging.getLogger(__name__)


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """The catalog of one language, flattened to {"table.key": text}. Read once per process."""
    with open(LOCALES / f"{lang}.toml", "rb") as f:
        return _flatten(tomllib.load(f))


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def lang_from_locale(locale: str | None) -> str:
    """'zh-CN', 'zh_TW', 'zh' -> 'zh'; anything else -> 'en'."""
    if locale and locale.lower().replace("_", "-").split("-")[0] == "zh":
        return "zh"
    return DEFAULT_LANG


def current_lang() -> str:
    lang = st.session_state.get(LANG_KEY)
    if lang in LANGS:
        return lang
    return lang_from_locale(st.context.locale)


def text(lang: str, key: str, **params) -> str:
    """The catalog text for `key` in `lang`, filled with `params`. Never raises: a missing key
    falls back to English, then to the key itself; a bad placeholder leaves the template."""
    template = catalog(lang).get(key)
    if template is None:
        template = catalog(DEFAULT_LANG).get(key)
        log.warning("missing catalog key %s for %s", key, lang)
    if template is None:
        return key
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, TypeError):
        log.warning("cannot fill %s with %s", key, sorted(params))
        return template


def t(key: str, **params) -> str:
    """Catalog text in the current user's language."""
    return text(current_lang(), key, **params)


def translator(lang: str | None = None):
    """`t` bound to one language now: for callbacks Streamlit may call outside the script run
    (format_func), and for the charts' `tr` argument."""
    lang = lang or current_lang()

    def tr(key: str, **params) -> str:
        return text(lang, key, **params)

    return tr


def has(key: str) -> bool:
    return key in catalog(DEFAULT_LANG)
