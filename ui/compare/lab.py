"""The Compare screen's state: one CompareLab per session, and its runs <-> URL.

The URL holds the first run in full and every other run as its differences: the RunConfig
fields, `runs`, and `r2_`..`r4_` + a field, declared in the table below and combined by
sim.analysis.compare's codec, so a link reproduces the comparison. A link that names no run of
its own (no `runs`, no `r2_`.. key) compares what the screen compares by default: its fields,
then the same with another activation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.analysis import compare
from sim.analysis.compare_data import mix_problem
from sim.config import Problem, RunConfig
from sim.train.result import BurstResult
from ui.common import session
from ui.common.urlstate import Key, Sync, Table, config_keys, number
from ui.common.wording import problems_text

KEY = "compare_lab"
RUNS_PARAM = "runs"
VARIED = "activation"  # the factor of the default comparison: a fresh screen, a fields-only link
OTHER_RUNS = tuple(compare.run_prefix(i) for i in range(1, compare.MAX_RUNS))
TABLE = Table(
    (
        *config_keys(),
        Key(RUNS_PARAM, RUNS_PARAM, number(RUNS_PARAM, int, 1, compare.MAX_RUNS), str),
        *(key for prefix in OTHER_RUNS for key in config_keys(prefix)),
    )
)
URL = Sync(TABLE, "_compare_url")


@dataclass(eq=False)
class CompareLab:
    cfgs: list[RunConfig] = field(default_factory=list)
    comparison: compare.Comparison | None = None
    results: list[BurstResult] | None = None
    notices: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), shown once

    @classmethod
    def of(cls, cfgs: list[RunConfig]) -> CompareLab:
        lab = cls()
        lab.load(cfgs)
        return lab

    def load(self, cfgs: list[RunConfig]) -> None:
        """New runs: nothing trained yet (the Comparison is built lazily, see ensure)."""
        self.cfgs = compare.align(cfgs)
        for problem in (mix_problem(cfgs), compare.memory_problem(cfgs)):
            if problem is not None:
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
    return session.get(KEY, lambda: CompareLab.of(compare.vary(start, VARIED, 2)), CompareLab)


def runs_of(params: Mapping[str, Any]) -> tuple[list[RunConfig], list[Problem]]:
    """The runs a query asks for; never raises. Run k's problems name `r{k}_<field>`."""
    values, found = TABLE.read(params)
    named = [i for i, p in enumerate(OTHER_RUNS, 2) if any(k.startswith(p) for k in params)]
    asked = values.get(RUNS_PARAM)
    values[RUNS_PARAM] = asked or max([2, *named])  # no good `runs`: as many as the keys name
    cfgs, rejected = compare.from_query(values)
    if asked is None and not named:  # a link with the first run's fields only
        cfgs = compare.align(compare.vary(cfgs[0], VARIED, len(cfgs)))
    return cfgs, found + rejected


def read_url(lab: CompareLab) -> tuple[bool, list[Problem]]:
    params = URL.incoming()
    if params is None:
        return False, []
    cfgs, found = runs_of(params)
    if cfgs != lab.cfgs or lab.comparison is None:
        lab.load(cfgs)
    return True, found


def write_url(lab: CompareLab) -> None:
    URL.write(compare.to_query(lab.cfgs))
