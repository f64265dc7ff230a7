"""The Compare screen's state: one CompareLab per session, and its runs <-> URL sync.

The URL holds the first run in full and every other run as its differences (sim.analysis.compare's
codec), so a link reproduces the comparison. A query is read when it differs from what this
session last wrote (a link, or a page_link from the FAQ); the frame's `lang` and any other
page's keys are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import streamlit as st

from sim.analysis import compare
from sim.config import FIELDS, Problem, RunConfig
from sim.train.simulation import BurstResult
from ui.common.wording import problems_text

KEY = "compare_lab"
_RUN_KEY = re.compile(r"^r[2-9]_")


@dataclass(eq=False)
class CompareLab:
    cfgs: list[RunConfig] = field(default_factory=list)
    comparison: compare.Comparison | None = None
    results: list[BurstResult] | None = None
    url_written: dict[str, str] | None = None
    notices: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), shown once

    def load(self, cfgs: list[RunConfig]) -> None:
        """New runs: nothing trained yet (the Comparison is built lazily, see ensure)."""
        self.cfgs = compare.align(cfgs)
        if (problem := compare.memory_problem(cfgs)) is not None:
            self.notices.append(("warning", problems_text([problem])))
        self.comparison, self.results = None, None

    def ensure(self) -> compare.Comparison:
        if self.comparison is None:
            self.comparison = compare.Comparison(self.cfgs)
        return self.comparison

    @property
    def step(self) -> int:
        return self.comparison.step if self.comparison is not None else 0


def get_compare(start: RunConfig) -> CompareLab:
    """The session's CompareLab; a new one starts from `start` and one variation of it."""
    lab = st.session_state.get(KEY)
    if not isinstance(lab, CompareLab):
        lab = CompareLab()
        lab.load(compare.vary(start, "activation", 2))
        st.session_state[KEY] = lab
    return lab


def owned(key: str) -> bool:
    """Query keys this screen writes."""
    return key in FIELDS or key == "runs" or bool(_RUN_KEY.match(key))


def read_url(lab: CompareLab) -> tuple[bool, list[Problem]]:
    params = {k: v for k, v in st.query_params.to_dict().items() if owned(k)}
    if not params or params == lab.url_written:
        return False, []
    cfgs, found = compare.from_query(params)
    if cfgs != lab.cfgs or lab.comparison is None:
        lab.load(cfgs)
    lab.url_written = None
    return True, found


def write_url(lab: CompareLab) -> None:
    query = compare.to_query(lab.cfgs)
    stale = [k for k in st.query_params.to_dict() if owned(k) and k not in query]
    for key in stale:
        del st.query_params[key]
    if any(st.query_params.get(k) != v for k, v in query.items()):
        st.query_params.update(query)
    lab.url_written = query
