"""The Playground's state: the one Lab per session, and its experiment <-> URL.

The Playground trains an MLP, so its URL holds every field an MLP uses (so a link survives
changed defaults), read and written by sim.codec through the table below, and never a recurrent
field (ui.common.urlstate.RECURRENT_ONLY): those keys are read as nothing and leave the URL. A
link that asks for a recurrent cell (`arch=lstm`) keeps the Playground's MLP and is pointed at the
Through time screen with that network (`Lab.elsewhere`). `?preset=<name>` starts from a preset
and lets the other fields override it; it leaves the URL once used. The teacher-link flags
(`exercise`, `start`, `lock`, `hide`) are ui.workshop.pin's keys, read after these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.codec import from_mapping
from sim.config import DEFAULT, Problem, RunConfig
from sim.presets import PRESETS
from ui.common import session
from ui.common.urlstate import (
    MLP_FIELDS,
    RECURRENT_ONLY,
    Key,
    Sync,
    Table,
    choice,
    config_keys,
    dropped_keys,
)
from ui.playground.lab import Lab
from ui.through_time import state as through_time

LAB_KEY = "lab"
PRESET_PARAM = "preset"
TABLE = Table(
    (
        Key(PRESET_PARAM, PRESET_PARAM, choice(PRESET_PARAM, PRESETS), str),
        *config_keys(fields=MLP_FIELDS),
        *dropped_keys(sorted(RECURRENT_ONLY)),
    )
)
URL = Sync(TABLE, "_playground_url")


def get_lab() -> Lab:
    return session.get(LAB_KEY, Lab)


def query_of(cfg: RunConfig) -> dict[str, str]:
    """The Playground's URL for `cfg`: what a link to it carries, and what the screen writes."""
    return TABLE.query(cfg.to_dict())


def config_of(params: Mapping[str, Any]) -> tuple[RunConfig, list[Problem]]:
    """The config a query asks for: its preset (or the defaults), then its fields on top."""
    values, found = TABLE.read(params)
    preset = values.pop(PRESET_PARAM, None)
    cfg, rejected = from_mapping(values, PRESETS[preset].cfg if preset else DEFAULT)
    return cfg, found + rejected


def recurrent_query(params: Mapping[str, Any]) -> dict[str, str] | None:
    """A link that asks for a recurrent cell: the Through time screen's URL for that network
    (the link's recurrent and shared fields, that screen's start for the rest); else None."""
    arch = params.get("arch")
    if isinstance(arch, (list, tuple)):  # a repeated key: the last one wins, as Table.read
        arch = arch[-1] if arch else None
    if arch not in through_time.ARCHS:
        return None
    fields = {k: v for k, v in params.items() if k != PRESET_PARAM}  # a Playground preset
    cfg, _ = through_time.config_of(through_time.TABLE.owned(fields))
    return through_time.TABLE.query(cfg.to_dict())


def read_url(lab: Lab) -> tuple[bool, list[Problem]]:
    """Load the URL's config into the lab when it asks for a new one: (loaded, problems)."""
    params = URL.incoming()
    if params is None:
        return False, []
    cfg, found = config_of(params)
    if cfg != lab.cfg or lab.sim is None:
        lab.load(cfg)
    elsewhere = recurrent_query(params)
    lab.elsewhere = (lab.cfg, elsewhere) if elsewhere is not None else None
    return True, found


def write_url(lab: Lab) -> None:
    """Every MLP field of the lab's config in the URL; a `preset` leaves it."""
    URL.write(query_of(lab.cfg))
