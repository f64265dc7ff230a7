"""URL state: each screen declares its query keys in one table, and one sync reads and writes them.

In the manner of TensorFlow Playground's `state.ts` PROPS, a `Table` is a list of `Key` rows: the
query key, the field its value fills, how to parse an untrusted string, how to write a value,
and the default. `Table.read` keeps every good value and skips every bad one (the caller keeps
its default or base) with a `Problem` that says why; `Table.query` writes the values back.
What combines several keys (a RunConfig's budget, Compare's runs) is the screen's codec, run on
the values the table read.

`Sync` is the one mechanism behind every screen's URL: an incoming query is taken when it
differs from what this session last wrote (a fresh session opened from a link, a page_link
from another screen), and only the keys the screen owns are written back, so `lang` and other
screens' keys are left alone. Plain `st.query_params` are dropped on a page switch, so each
screen writes its keys again on every run. `lang` itself is the frame's key (below).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from sim import codec
from sim.codec import shown  # the one shortening of an echoed value
from sim.config import DEFAULT, FIELDS, Problem
from ui.common.i18n import LANG_KEY, LANGS, current_lang, lang_from_locale

KEEP: Any = object()  # what a parser returns when nothing of the value can be used
NAMES_READ = 400  # a list of names is read from at most this many characters

Parse = Callable[[str], tuple[Any, list[Problem]]]


@dataclass(frozen=True)
class Key:
    name: str  # in the URL
    field: str  # what `Table.read` fills and `Table.query` reads
    parse: Parse
    format: Callable[[Any], str | None]  # None leaves the key out of the URL
    default: Any = None


class Table:
    """One screen's URL keys, in the order their problems are reported."""

    def __init__(self, keys: Iterable[Key]):
        self.keys: dict[str, Key] = {key.name: key for key in keys}

    def owns(self, name: str) -> bool:
        return name in self.keys

    def owned(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in params.items() if k in self.keys}

    def defaults(self) -> dict[str, Any]:
        return {key.field: key.default for key in self.keys.values()}

    def read(self, params: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """{field: value} for every key present whose value can be used; never raises."""
        values: dict[str, Any] = {}
        found: list[Problem] = []
        for name, key in self.keys.items():
            if name not in params:
                continue
            raw = params[name]
            if isinstance(raw, (list, tuple)):  # a repeated key: the last one wins
                raw = raw[-1] if raw else ""
            value, problems = key.parse(str(raw))
            found += problems
            if value is not KEEP:
                values[key.field] = value
        return values, found

    def query(self, values: Mapping[str, Any]) -> dict[str, str]:
        """The URL parameters for `values` (fields that are absent or None are left out)."""
        out = {}
        for name, key in self.keys.items():
            if values.get(key.field) is not None:
                text = key.format(values[key.field])
                if text is not None:
                    out[name] = text
        return out


# ---------------------------------------------------------------------------------------------
# Parsers: each returns (value or KEEP, problems)


def choice(name: str, allowed: Collection[str], listed: tuple = (), fold: bool = False) -> Parse:
    """One of `allowed` (`fold`: case and spaces ignored); a problem lists `listed`."""

    def parse(raw: str) -> tuple[Any, list[Problem]]:
        value = raw.strip().lower() if fold else raw
        if value in allowed:
            return value, []
        return KEEP, [Problem(name, "choice", {"value": shown(raw), "choices": listed})]

    return parse


def number(name: str, kind: type, lo: float, hi: float) -> Parse:
    """An int or a finite float within [lo, hi]."""

    def parse(raw: str) -> tuple[Any, list[Problem]]:
        try:
            value = kind(raw)
            if not math.isfinite(value) or not lo <= value <= hi:
                raise ValueError
        except (ValueError, OverflowError):
            return KEEP, [Problem(name, "range", {"value": shown(raw), "lo": lo, "hi": hi})]
        return value, []

    return parse


def names(name: str, allowed: Collection[str], most: int | None = None) -> Parse:
    """A comma-separated list of `allowed` names (case folded, repeats dropped, at most `most`);
    each unknown name is a problem. Nothing usable: KEEP."""

    def parse(raw: str) -> tuple[Any, list[Problem]]:
        given = [n.strip().lower() for n in raw[:NAMES_READ].split(",") if n.strip()]
        good = [n for n in dict.fromkeys(given) if n in allowed][:most]
        bad = [n for n in given if n not in allowed]
        found = [Problem(name, "choice", {"value": shown(n), "choices": ()}) for n in bad]
        return (good if good else KEEP), found

    return parse


def cleaned(name: str, clean: Callable[[str], str | None]) -> Parse:
    """Free text (a room code, a token, a nickname) as `clean` makes it safe; what `clean`
    rejects (None or "") is a problem."""

    def parse(raw: str) -> tuple[Any, list[Problem]]:
        value = clean(raw[:NAMES_READ])
        if value:
            return value, []
        return KEEP, [Problem(name, "choice", {"value": shown(raw), "choices": ()})]

    return parse


# Which fields each kind of network uses (RunConfig's own comments): the Playground's URL holds
# an MLP's, the Through time screen's a recurrent network's; Compare's holds every field.
RECURRENT_ONLY = frozenset({"arch", "seq_task", "seq_len", "rec_init", "forget_bias", "tbptt"})
MLP_ONLY = frozenset(
    {"dataset", "noise", "depth", "init", "init_std", "norm", "dropout", "residual"}
)
MLP_FIELDS = tuple(n for n in FIELDS if n not in RECURRENT_ONLY)
RECURRENT_FIELDS = tuple(n for n in FIELDS if n not in MLP_ONLY)


def config_keys(prefix: str = "", fields: Iterable[str] = FIELDS) -> tuple[Key, ...]:
    """RunConfig fields as keys (default: every one), read and written by sim.codec (the one
    codec for RunConfig). `prefix` names another run's keys on Compare (`r2_depth`)."""
    return tuple(
        Key(prefix + n, prefix + n, _field_parse(n, prefix), _field_text(n), getattr(DEFAULT, n))
        for n in fields
    )


def dropped_keys(names: Iterable[str]) -> tuple[Key, ...]:
    """Keys a screen owns only to take them out of its URL: fields of the other kind of network
    (an older link's, or one meant for the other screen), read as nothing and never written."""
    return tuple(Key(n, n, _ignore, _never) for n in names)


def _ignore(raw: str) -> tuple[Any, list[Problem]]:
    return KEEP, []


def _never(value: Any) -> None:
    return None


def _field_parse(name: str, prefix: str) -> Parse:
    def parse(raw: str) -> tuple[Any, list[Problem]]:
        value, problem = codec.parse_value(name, raw)
        if problem is None:
            return value, []
        return KEEP, [Problem(prefix + name, problem.code, problem.params)]

    return parse


def _field_text(name: str) -> Callable[[Any], str]:
    return lambda value: codec.to_query(DEFAULT.replace(**{name: value}))[name]


# ---------------------------------------------------------------------------------------------
# The sync


@dataclass(frozen=True)
class Sync:
    table: Table
    memo: str  # session-state key: the query this session last wrote

    def incoming(self) -> dict[str, Any] | None:
        """The screen's keys in the URL when they are not what this session last wrote."""
        params = self.table.owned(st.query_params.to_dict())
        if not params or params == st.session_state.get(self.memo):
            return None
        st.session_state[self.memo] = None  # the next write puts the whole query back
        return params

    def remember(self, query: dict[str, str]) -> None:
        """Take `query` as written: a page switch that carries it is not news."""
        st.session_state[self.memo] = query

    def write(self, query: dict[str, str]) -> None:
        """Exactly `query` of this screen's keys in the URL; other keys stay as they are. The URL
        is sent only when it changes: each message that changes it is a browser history entry."""
        url = st.query_params
        current = url.to_dict()
        target = {k: v for k, v in current.items() if not self.table.owns(k)} | query
        if target != current:
            url.from_dict(target)  # one message, not one per deleted key
        self.remember(query)


# ---------------------------------------------------------------------------------------------
# `lang`: the frame's key, shared by every screen

LANG = Sync(
    Table([Key(LANG_KEY, LANG_KEY, choice(LANG_KEY, LANGS, LANGS, fold=True), str)]), "_lang_in_url"
)


def init_language() -> list[Problem]:
    """Set the language switch's value from `?lang=` (when new) or the browser's locale."""
    params = LANG.incoming()
    values, found = LANG.table.read(params or {})
    if LANG_KEY in values:
        st.session_state[LANG_KEY] = values[LANG_KEY]
    if st.session_state.get(LANG_KEY) not in LANGS:
        st.session_state[LANG_KEY] = lang_from_locale(st.context.locale)
    return found


def write_language() -> None:
    LANG.write({LANG_KEY: current_lang()})


def with_lang(query: Mapping[str, str] | None = None) -> dict[str, str]:
    """An internal link's query: what it asks for, and the reader's language, so that the link
    opened in a new tab or sent to someone shows the same language."""
    return {**(query or {}), LANG_KEY: current_lang()}
