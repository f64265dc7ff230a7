"""The Activation explorer's choices <-> URL: `acts=sigmoid,tanh&lo=-6&hi=6&init=default&depth=20`.

Values are untrusted: each bad one is dropped, its default kept, and reported as a Problem. A
query is applied to the widgets when it differs from what this session last wrote (a link, or a
page_link from another screen); the frame's `lang` is left alone.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from sim.activations import ACTIVATIONS
from sim.config import Problem
from sim.nn.mlp import INITS

KEYS = ("acts", "lo", "hi", "init", "depth")
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
_WRITTEN = "_explorer_url"


def parse(params: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Widget values from a query; only the keys present, each checked."""
    values: dict[str, Any] = {}
    found: list[Problem] = []
    if "acts" in params:
        names = [a.strip().lower() for a in str(params["acts"]).split(",") if a.strip()]
        good = [a for a in dict.fromkeys(names) if a in ACTIVATIONS][:MAX_ACTS]
        for bad in [a for a in names if a not in ACTIVATIONS]:
            found.append(Problem("acts", "choice", {"value": bad[:40], "choices": ()}))
        if good:
            values["ex_acts"] = good
    ends = list(DEFAULTS["ex_range"])
    for i, name in enumerate(("lo", "hi")):
        if name in params:
            try:
                x = float(params[name])
                if not math.isfinite(x) or not RANGE[0] <= x <= RANGE[1]:
                    raise ValueError
                ends[i] = x
            except ValueError:
                lo, hi = RANGE
                found.append(
                    Problem(name, "range", {"value": params[name][:40], "lo": lo, "hi": hi})
                )
    if ("lo" in params or "hi" in params) and ends[0] < ends[1]:
        values["ex_range"] = (ends[0], ends[1])
    elif "lo" in params or "hi" in params:  # each end in range, but the interval is empty
        name = "lo" if "lo" in params else "hi"
        limits = (RANGE[0], ends[1]) if name == "lo" else (ends[0], RANGE[1])
        found.append(_out_of(name, params[name], limits))
    if "init" in params:
        if params["init"] in INIT_CHOICES:
            values["ex_init"] = params["init"]
        else:
            found.append(Problem("init", "choice", {"value": params["init"][:40], "choices": ()}))
    if "depth" in params:
        try:
            depth = int(params["depth"])
            if not DEPTHS[0] <= depth <= DEPTHS[1]:
                raise ValueError
            values["ex_depth"] = depth
        except ValueError:
            lo, hi = DEPTHS
            found.append(
                Problem("depth", "range", {"value": params["depth"][:40], "lo": lo, "hi": hi})
            )
    return values, found


def _out_of(name: str, raw: str, limits: tuple) -> Problem:
    return Problem(name, "range", {"value": str(raw)[:40], "lo": limits[0], "hi": limits[1]})


def to_query(state) -> dict[str, str]:
    return {
        "acts": ",".join(state["ex_acts"]),
        "lo": f"{state['ex_range'][0]:g}",
        "hi": f"{state['ex_range'][1]:g}",
        "init": state["ex_init"],
        "depth": str(state["ex_depth"]),
    }


def read_url() -> list[Problem]:
    """Seed the widgets: defaults first, then a new query's values."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    params = {k: v for k, v in st.query_params.to_dict().items() if k in KEYS}
    if not params or params == st.session_state.get(_WRITTEN):
        return []
    values, found = parse(params)
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state[_WRITTEN] = None
    return found


def write_url() -> None:
    query = to_query(st.session_state)
    if any(st.query_params.get(k) != v for k, v in query.items()):
        st.query_params.update(query)
    st.session_state[_WRITTEN] = query
