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

The flags are declared in one table (ui.common.urlstate); the pin lives in the session (page
switches drop plain query parameters) and is written back to the Playground's URL by the same
sync every screen uses, so a reload keeps it. `parse_pin` and `Pin` are pure; `apply` is the
Playground's one call. A session without flags gets `NO_PIN`, a pin that fixes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from lessons.exercises.loading import EXERCISES
from sim.codec import from_mapping, parse_value
from sim.config import DEFAULT, FIELDS, Problem, RunConfig, problems
from sim.presets import PRESETS
from ui.common import session
from ui.common.i18n import t
from ui.common.urlstate import Key, Sync, Table, choice, names
from ui.common.wording import field_label, problems_text
from ui.playground.actions import BURST_KEY
from ui.playground.controls import seed_widgets
from ui.playground.lab import Lab
from ui.playground.state import PRESET_PARAM  # read as a base; it leaves the URL once used

EXERCISE_PARAM, START_PARAM, LOCK_PARAM, HIDE_PARAM = "exercise", "start", "lock", "hide"
PIN_KEY = "workshop_pin"


def _field_list(fields: frozenset[str]) -> str | None:
    return ",".join(n for n in FIELDS if n in fields) or None  # sorted: one link per pin


TABLE = Table(
    (
        Key(EXERCISE_PARAM, "exercise", choice(EXERCISE_PARAM, EXERCISES), str),
        Key(START_PARAM, "start", choice(START_PARAM, PRESETS), str),
        Key(LOCK_PARAM, "locked", names(LOCK_PARAM, FIELDS), _field_list, frozenset()),
        Key(HIDE_PARAM, "hidden", names(HIDE_PARAM, FIELDS), _field_list, frozenset()),
    )
)
FLAGS = tuple(TABLE.keys)
URL = Sync(TABLE, "_workshop_flags")


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
        """The flags as URL parameters: an exercise, else a start preset; the field lists."""
        start = None if self.exercise else self.start
        flags = {"exercise": self.exercise or None, "start": start or None}
        return TABLE.query(flags | {"locked": self.locked, "hidden": self.hidden})


NO_PIN = Pin()


def parse_pin(params: Mapping[str, str]) -> tuple[Pin | None, RunConfig, list[Problem], list[str]]:
    """From URL parameters: (the pin or None when no flag is set, the config to open, problems,
    fixed fields whose URL value was ignored). Never raises."""
    if not any(k in params for k in FLAGS):
        return None, DEFAULT, [], []
    flags, found = TABLE.read(params)
    exercise, preset = flags.get("exercise"), None
    if exercise is not None:  # the exercise is the base: a start preset beside it is not read
        base = EXERCISES[exercise].start_config
        found = [p for p in found if p.field != START_PARAM]
    else:
        preset = flags.get("start") if START_PARAM in params else params.get(PRESET_PARAM)
        preset = preset if preset in PRESETS else None
        base = PRESETS[preset].cfg if preset else DEFAULT
    hidden = frozenset(flags.get("hidden", ()))
    pin = Pin(exercise, frozenset(flags.get("locked", ())) - hidden, hidden, base, preset)
    free = {k: v for k, v in params.items() if k in FIELDS and k not in pin.fixed}
    cfg, rejected = from_mapping(free, base)
    cfg, _ = pin.enforce(cfg)  # a budget fallback may not touch a fixed field either
    ignored = [k for k in FIELDS if k in pin.fixed and k in params and _differs(k, params[k], base)]
    return pin, cfg, found + rejected, ignored


def _differs(name: str, raw: str, base: RunConfig) -> bool:
    value, problem = parse_value(name, raw)
    return problem is not None or value != getattr(base, name)


# ---------------------------------------------------------------------------------------------
# Streamlit side


def current() -> Pin:
    return session.get(PIN_KEY, lambda: NO_PIN, Pin)


def set_pin(pin: Pin) -> None:
    """Make `pin` the session's (the Workshop's Open button; a link read below)."""
    st.session_state[PIN_KEY] = pin
    URL.remember(pin.query())


def offer_steps(ex) -> None:
    """The Playground's burst size: the steps the exercise's goal is judged after."""
    st.session_state[BURST_KEY] = ex.steps


def clear() -> None:
    st.session_state[PIN_KEY] = NO_PIN
    URL.write({})


def apply(lab: Lab, prefix: str) -> Pin:
    """The Playground's call, after its own URL read: take a new teacher link, keep the fixed
    fields at their pinned values whatever else changed them, and keep the flags in the URL."""
    if URL.incoming() is not None:
        pin, cfg, found, ignored = parse_pin(st.query_params.to_dict())
        set_pin(pin)
        lab.load(cfg)
        seed_widgets(lab.cfg, prefix)
        if pin.exercise is not None:
            offer_steps(EXERCISES[pin.exercise])
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
    URL.write(pin.query())  # exactly the pin's flags, normalised: the next run sees nothing new
    return pin


def _labels(fields) -> str:
    return ", ".join(field_label(n) for n in fields)
