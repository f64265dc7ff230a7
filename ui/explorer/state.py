"""The Activation explorer's choices <-> URL: `acts=sigmoid,tanh&lo=-6&hi=6&init=default&depth=20`.

The keys are declared in the table below (ui.common.urlstate): a bad value is dropped, its
default kept, and reported as a Problem; `lo` and `hi` make one interval, applied only when it
is not empty. The choices live in the widgets' session state (`ex_*`), seeded from a link.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim.activations import ACTIVATIONS
from sim.config import Problem
from sim.nn.mlp import INITS
from ui.common.urlstate import Key, Sync, Table, choice, names, number, shown

DEFAULTS: dict[str, Any] = {
    "ex_acts": ["sigmoid", "tanh", "relu"],
    "ex_range": (-6.0, 6.0),
    "ex_init": "default",
    "ex_depth": 20,
}
RANGE = (-12.0, 12.0)
DEPTHS = (2, 40)
MAX_ACTS = 5
INIT_CHOICES = tuple(i for i in INITS if i not in ("zeros", "normal"))
TABLE = Table(
    (
        Key("acts", "ex_acts", names("acts", ACTIVATIONS, MAX_ACTS), ",".join, DEFAULTS["ex_acts"]),
        Key("lo", "lo", number("lo", float, *RANGE), "{:g}".format, DEFAULTS["ex_range"][0]),
        Key("hi", "hi", number("hi", float, *RANGE), "{:g}".format, DEFAULTS["ex_range"][1]),
        Key("init", "ex_init", choice("init", INIT_CHOICES), str, DEFAULTS["ex_init"]),
        Key("depth", "ex_depth", number("depth", int, *DEPTHS), str, DEFAULTS["ex_depth"]),
    )
)
KEYS = tuple(TABLE.keys)
URL = Sync(TABLE, "_explorer_url")


def parse(params: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Widget values from a query; only the keys present, each checked."""
    values, found = TABLE.read(params)
    ends = [values.pop(end, TABLE.keys[end].default) for end in ("lo", "hi")]
    if "lo" in params or "hi" in params:
        if ends[0] < ends[1]:
            values["ex_range"] = (ends[0], ends[1])
        else:  # each end in range, but the interval is empty
            name = "lo" if "lo" in params else "hi"
            lo, hi = (RANGE[0], ends[1]) if name == "lo" else (ends[0], RANGE[1])
            found.append(Problem(name, "range", {"value": shown(params[name]), "lo": lo, "hi": hi}))
    return values, found


def to_query(state) -> dict[str, str]:
    lo, hi = state["ex_range"]
    return TABLE.query(
        {**{k: state[k] for k in ("ex_acts", "ex_init", "ex_depth")}, "lo": lo, "hi": hi}
    )


def read_url() -> list[Problem]:
    """Seed the widgets: defaults first, then a new query's values."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    params = URL.incoming()
    if params is None:
        return []
    values, found = parse(params)
    for key, value in values.items():
        st.session_state[key] = value
    return found


def write_url() -> None:
    URL.write(to_query(st.session_state))
