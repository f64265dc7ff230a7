"""Teacher links: URL flags that pin an exercise and lock or hide chosen controls.

    /playground?exercise=fix_keep_activation&lock=activation,depth&hide=norm,residual

- `exercise=ID` opens the exercise's starting experiment in the Playground, with its goal and a
  "Check my network" button above the charts.
- `lock=a,b` shows those controls but disables them; `hide=c` leaves them out. Both keep the
  value of the link's base: the exercise's starting experiment, else the preset `start=NAME`
  (or `preset=NAME`), else the defaults. A config value in the URL for a locked or hidden
  field is ignored, with a notice, so editing the address cannot change it; bad names are
  reported and skipped, never raised. (Deleting the `lock=` flag itself does unlock: a teacher
  link focuses a room, it is not a security boundary.)

The pin lives in the session (page switches drop plain query parameters) and is written back to
the Playground's URL, so a reload keeps it. `parse_pin` and `Pin` are pure; `apply` is the
Playground's one call. A session without flags gets `NO_PIN`, a pin that fixes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from lessons.exercises.loading import EXERCISES
from sim.codec import from_query, parse_value
from sim.config import DEFAULT, FIELDS, Problem, RunConfig, problems
from sim.presets import PRESETS
from ui.common.i18n import t
from ui.common.wording import field_label, problems_text
from ui.playground.controls import seed_widgets
from ui.playground.lab import Lab

EXERCISE_PARAM, START_PARAM, LOCK_PARAM, HIDE_PARAM = "exercise", "start", "lock", "hide"
PRESET_PARAM = "preset"  # the Playground's own: read as a base, but it leaves the URL once used
FLAGS = (EXERCISE_PARAM, START_PARAM, LOCK_PARAM, HIDE_PARAM)
PIN_KEY = "workshop_pin"
_READ_KEY = "_workshop_flags_read"  # the flags this session last took from a URL


@dataclass(frozen=True)
class Pin:
    exercise: str | None = None
    locked: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    base: RunConfig = DEFAULT  # where fixed fields take their value from
    start: str | None = None  # the preset that is the base, when no exercise is

    @property
    def fixed(self) -> frozenset[str]:
        """A hidden control cannot be changed either: nobody can see what it does."""
        return self.locked | self.hidden

    @property
    def teacher(self) -> bool:
        return bool(self.fixed)

    def enforce(self, cfg: RunConfig) -> tuple[RunConfig, tuple[str, ...]]:
        """`cfg` with every fixed field set from the base, and the fields that had to change."""
        changed = tuple(
            n for n in FIELDS if n in self.fixed and getattr(cfg, n) != getattr(self.base, n)
        )
        return cfg.replace(**{n: getattr(self.base, n) for n in changed}), changed

    def query(self) -> dict[str, str]:
        """The flags as URL parameters (sorted field lists: one link per pin)."""
        out = {}
        if self.exercise:
            out[EXERCISE_PARAM] = self.exercise
        elif self.start:
            out[START_PARAM] = self.start
        if self.locked:
            out[LOCK_PARAM] = ",".join(n for n in FIELDS if n in self.locked)
        if self.hidden:
            out[HIDE_PARAM] = ",".join(n for n in FIELDS if n in self.hidden)
        return out


NO_PIN = Pin()


def _names(raw: str, param: str, found: list[Problem]) -> frozenset[str]:
    names = set()
    for name in (n.strip().lower() for n in str(raw)[:400].split(",")):
        if name in FIELDS:
            names.add(name)
        elif name:
            found.append(Problem(param, "choice", {"value": name[:40], "choices": ()}))
    return frozenset(names)


def parse_pin(params: Mapping[str, str]) -> tuple[Pin | None, RunConfig, list[Problem], list[str]]:
    """From URL parameters: (the pin or None when no flag is set, the config to open, problems,
    fixed fields whose URL value was ignored). Never raises."""
    if not any(k in params for k in FLAGS):
        return None, DEFAULT, [], []
    found: list[Problem] = []
    exercise = params.get(EXERCISE_PARAM)
    base, preset = DEFAULT, None
    if exercise is not None and exercise in EXERCISES:
        base = EXERCISES[exercise].start_config
    elif exercise is not None:
        found.append(
            Problem(EXERCISE_PARAM, "choice", {"value": str(exercise)[:40], "choices": ()})
        )
        exercise = None
    start = params.get(START_PARAM, params.get(PRESET_PARAM))
    if exercise is None and start in PRESETS:
        preset = start
        base = PRESETS[preset].cfg
    elif exercise is None and params.get(START_PARAM) is not None:
        found.append(Problem(START_PARAM, "choice", {"value": str(start)[:40], "choices": ()}))
    locked = _names(params.get(LOCK_PARAM, ""), LOCK_PARAM, found)
    hidden = _names(params.get(HIDE_PARAM, ""), HIDE_PARAM, found)
    pin = Pin(exercise, locked - hidden, hidden, base, preset)
    free = {k: v for k, v in params.items() if k in FIELDS and k not in pin.fixed}
    cfg, rejected = from_query(free, base)
    cfg, _ = pin.enforce(cfg)  # a budget fallback may not touch a fixed field either
    ignored = [k for k in FIELDS if k in pin.fixed and k in params and _differs(k, params[k], base)]
    return pin, cfg, found + rejected, ignored


def _differs(name: str, raw: str, base: RunConfig) -> bool:
    value, problem = parse_value(name, raw)
    return problem is not None or value != getattr(base, name)


# ---------------------------------------------------------------------------------------------
# Streamlit side


def current() -> Pin:
    pin = st.session_state.get(PIN_KEY)
    return pin if isinstance(pin, Pin) else NO_PIN


def set_pin(pin: Pin) -> None:
    """Make `pin` the session's (the Workshop's Open button; a link read below)."""
    st.session_state[PIN_KEY] = pin
    st.session_state[_READ_KEY] = pin.query()


def clear() -> None:
    st.session_state[PIN_KEY] = NO_PIN
    st.session_state[_READ_KEY] = {}
    for name in FLAGS:
        if name in st.query_params:
            del st.query_params[name]


def apply(lab: Lab, prefix: str) -> Pin:
    """The Playground's call, after its own URL read: take a new teacher link, keep the fixed
    fields at their pinned values whatever else changed them, and keep the flags in the URL."""
    params = st.query_params.to_dict()
    flags = {k: params[k] for k in FLAGS if k in params}
    new = bool(flags) and flags != st.session_state.get(_READ_KEY)
    if new:
        pin, cfg, found, ignored = parse_pin(params)
        set_pin(pin)
        lab.load(cfg)
        seed_widgets(lab.cfg, prefix)
        if found:
            lab.notices.append(("warning", t("common.url_notice", items=problems_text(found))))
        if ignored:
            lab.notices.append(("warning", t("workshop.pin_ignored", fields=_labels(ignored))))
    pin = current()
    cfg, changed = pin.enforce(lab.cfg)
    if changed and problems(cfg):  # the pinned values do not fit with the rest: start over
        cfg = pin.base
    if changed:  # a preset or a stale URL reached a fixed field
        lab.load(cfg)
        seed_widgets(lab.cfg, prefix)
        lab.notices.append(("info", t("workshop.pin_kept", fields=_labels(changed))))
    wanted = pin.query()
    for key in FLAGS:  # exactly the pin's flags, normalised, so the next run sees nothing new
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]
    return pin


def _labels(names) -> str:
    return ", ".join(field_label(n) for n in names)
