"""The Playground's state: the one Lab per session, and its experiment <-> URL.

The URL holds every RunConfig field (so a link survives changed defaults), read and written by
sim.codec through the table below. `?preset=<name>` starts from a preset and lets the other
fields override it; it leaves the URL once used. The teacher-link flags (`exercise`, `start`,
`lock`, `hide`) are ui.workshop.pin's keys, read after these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.codec import from_mapping
from sim.config import DEFAULT, Problem, RunConfig
from sim.presets import PRESETS
from ui.common import session
from ui.common.urlstate import Key, Sync, Table, choice, config_keys
from ui.playground.lab import Lab

LAB_KEY = "lab"
PRESET_PARAM = "preset"
TABLE = Table((Key(PRESET_PARAM, PRESET_PARAM, choice(PRESET_PARAM, PRESETS), str), *config_keys()))
URL = Sync(TABLE, "_playground_url")


def get_lab() -> Lab:
    return session.get(LAB_KEY, Lab)


def config_of(params: Mapping[str, Any]) -> tuple[RunConfig, list[Problem]]:
    """The config a query asks for: its preset (or the defaults), then its fields on top."""
    values, found = TABLE.read(params)
    preset = values.pop(PRESET_PARAM, None)
    cfg, rejected = from_mapping(values, PRESETS[preset].cfg if preset else DEFAULT)
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


def write_url(lab: Lab) -> None:
    """Every field of the lab's config in the URL; a `preset` leaves it."""
    URL.write(TABLE.query(lab.cfg.to_dict()))
