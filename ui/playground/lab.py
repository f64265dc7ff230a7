"""Lab: one user's experiment, kept in `st.session_state` across reruns and page switches.

It is a plain object (no Streamlit here) that pages mutate by attribute. Attribute access is
not a Streamlit yield point, so a rerun that interrupts a burst finds the Lab consistent: the
Simulation flushes its history in `finally`, and `burst` below says how far the burst got.

`lock`: with `runner.fastReruns` (on by default, forced on Community Cloud) a widget change
starts the new run on a new thread *at once*; the old run keeps training until its next yield
point (the burst's next progress callback). Whoever touches the Simulation holds the lock, so
the new run waits for the old burst to stop instead of reading weights mid-step.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pandas as pd

from sim.config import DEFAULT, FIELDS, Problem, RunConfig, problems
from sim.train.simulation import BurstResult, Simulation

BURST_SIZES: tuple[int, ...] = (10, 50, 100, 200, 500, 1000, 2000, 5000)
DEFAULT_BURST = 200
MIN_TIMED_STEPS = 10  # a shorter burst's speed is mostly overhead: keep the last good figure


@dataclass
class Burst:
    """The burst in flight (or the last one). `running` is still True after an interruption;
    `paused` once a changed setting, not a click or the language, was the interruption's cause."""

    start_step: int
    total: int
    running: bool = True
    paused: bool = False


@dataclass(frozen=True)
class Before:
    """The previous network's run, kept when a changed setting started a fresh network: the
    Playground draws it faintly beside the new one and opens both in Compare."""

    cfg: RunConfig
    fields: tuple[str, ...]  # what changed
    history: pd.DataFrame  # its loss and gradient norms

    @classmethod
    def of(cls, sim: Simulation, fields: tuple[str, ...]) -> Before:
        frame = sim.history
        kept = frame[frame["metric"].isin(BEFORE_METRICS)].reset_index(drop=True)
        return cls(sim.cfg, fields, kept)


BEFORE_METRICS = ("loss", "grad_norm")  # what the before-and-after trace draws


@dataclass(frozen=True)
class Change:
    kind: str  # "same" | "invalid" | "applied" | "fresh"
    fields: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def changed_fields(old: RunConfig, new: RunConfig) -> tuple[str, ...]:
    return tuple(name for name in FIELDS if getattr(old, name) != getattr(new, name))


@dataclass(eq=False)
class Lab:
    cfg: RunConfig = DEFAULT
    sim: Simulation | None = None
    burst: Burst | None = None
    last_result: BurstResult | None = None
    steps_per_s: float | None = None  # of the last burst long enough to time (>= 10 steps)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), shown once
    cache: dict = field(default_factory=dict)  # what pages derive from the current network
    asked: str | None = None  # the training button clicked for this run: step | train | continue
    before: Before | None = None  # the run a changed setting replaced
    elsewhere: tuple[RunConfig, dict[str, str]] | None = None  # (the config it kept, the
    # Through time query) of a link that asked for a recurrent network (ui.playground.state)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    # -- the network ---------------------------------------------------------------------------
    def ensure_sim(self) -> Simulation:
        if self.sim is None:
            self.sim = Simulation(self.cfg)
            self.burst, self.last_result, self.steps_per_s = None, None, None
            self.cache = {}
        return self.sim

    def findings(self) -> list:
        """The diagnosis of the network as it is now: computed once per (network, step,
        settings), not on every rerun (a click elsewhere, a download)."""
        sim = self.ensure_sim()
        key = (id(sim), sim.step, sim.cfg, sim.diverged)
        if self.cache.get("findings_of") != key:
            self.cache["findings"] = sim.findings()
            self.cache["findings_of"] = key
        return self.cache["findings"]

    def load(self, cfg: RunConfig, before: Before | None = None) -> None:
        """Start a fresh network with `cfg` (a link, a preset, a reset: nothing to set beside)."""
        self.cfg, self.sim, self.before = cfg, None, before
        self.ensure_sim()

    def adopt(self, cfg: RunConfig) -> Change:
        """Take the controls' config: in place where only hot fields changed, else fresh."""
        if cfg == self.cfg and self.sim is not None:
            return Change("same")
        found = problems(cfg)
        if found:
            return Change("invalid", problems=tuple(found))
        fields = changed_fields(self.cfg, cfg)
        if self.sim is not None and self.sim.apply(cfg):
            self.cfg = cfg
            return Change("applied", fields)
        trained = self.sim is not None and self.sim.step > 0
        self.load(cfg, Before.of(self.sim, fields) if trained else None)
        return Change("fresh", fields)

    # -- bursts --------------------------------------------------------------------------------
    def remaining(self) -> int:
        """Steps an interrupted burst did not run (0 when the last burst finished)."""
        if self.burst is None or not self.burst.running or self.sim is None:
            return 0
        return max(0, self.burst.total - (self.sim.step - self.burst.start_step))

    def begin_burst(self, n: int) -> None:
        self.burst = Burst(self.ensure_sim().step, n)

    def end_burst(self, result: BurstResult | None) -> None:
        """The burst finished (or failed: None keeps the last result)."""
        if self.burst is not None:
            self.burst.running = False
        if result is not None:
            self.last_result = result
            if result.steps_run >= MIN_TIMED_STEPS:
                self.steps_per_s = result.steps_per_s

    def resumes(self, same_settings: bool) -> int:
        """Steps to resume now: the rest of a burst the last rerun cut short, when no setting
        changed (a click or the language switch is no reason to stop). Else it stays paused."""
        left = self.remaining()
        if not left or self.burst.paused:
            return 0
        if same_settings:
            return left
        self.burst.paused = True
        return 0

    def continue_size(self, default: int) -> int:
        """Continue: the rest of an interrupted burst, else another burst of the last size."""
        left = self.remaining()
        if left:
            return left
        return self.burst.total if self.burst is not None else default
