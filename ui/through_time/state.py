"""The Through time screen's state: its own Lab per session, and its experiment <-> URL.

The lab is the Playground's Lab (ui.playground.lab: one Simulation, bursts, the lock), kept under
its own key so that both screens keep their networks. The URL holds every field a recurrent
network uses, read and written by sim.codec through the table below, and never an MLP-only one
(ui.common.urlstate.MLP_ONLY: those keys are read as nothing and leave the URL); `arch` here
takes a recurrent cell only (an MLP belongs on the Playground), and `?preset=` starts from one of
the screen's presets. A link's other fields fill in from the screen's default, not the
Playground's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.codec import from_mapping
from sim.config import Problem, RunConfig
from ui.common import session
from ui.common.urlstate import (
    MLP_ONLY,
    RECURRENT_FIELDS,
    Key,
    Sync,
    Table,
    choice,
    config_keys,
    dropped_keys,
)
from ui.playground.lab import Lab
from ui.through_time.presets import PRESETS, START

LAB_KEY = "time_lab"
PRESET_PARAM = "preset"
ARCHS = ("rnn", "lstm", "gru")  # the cells this screen trains
ARCH_KEY = Key("arch", "arch", choice("arch", ARCHS, ARCHS), str, START.arch)
TABLE = Table(
    (
        Key(PRESET_PARAM, PRESET_PARAM, choice(PRESET_PARAM, PRESETS), str),
        *(ARCH_KEY if key.name == "arch" else key for key in config_keys(fields=RECURRENT_FIELDS)),
        *dropped_keys(sorted(MLP_ONLY)),
    )
)
URL = Sync(TABLE, "_through_time_url")


def get_lab() -> Lab:
    return session.get(LAB_KEY, lambda: Lab(cfg=START), Lab)


def config_of(params: Mapping[str, Any]) -> tuple[RunConfig, list[Problem]]:
    """The config a query asks for: its preset (or the screen's start), then its fields."""
    values, found = TABLE.read(params)
    preset = values.pop(PRESET_PARAM, None)
    cfg, rejected = from_mapping(values, PRESETS[preset].cfg if preset else START)
    return cfg, found + rejected


def read_url(lab: Lab) -> tuple[bool, list[Problem]]:
    """Load the URL's config into the lab when it asks for a new one: (loaded, problems)."""
    params = URL.incoming()
    if params is None:
        return False, []
    cfg, found = config_of(params)
    if cfg != lab.cfg or lab.sim is None:
        lab.load(cfg)
    return True, found


def query_of(cfg: RunConfig) -> dict[str, str]:
    """The screen's URL for `cfg`: what a link to it carries, and what the screen writes."""
    return TABLE.query(cfg.to_dict())


def write_url(lab: Lab) -> None:
    """Every recurrent network's field of the lab's config in the URL; a `preset` leaves it."""
    URL.write(query_of(lab.cfg))
