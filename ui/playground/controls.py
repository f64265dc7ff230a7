"""Config widgets: one per RunConfig field, grouped, limits from sim.config.SPECS.

    with settings_panel():                                             # the Playground
        cfg = config_controls(lab.cfg, prefix="pg_")
    cfg = config_controls(cfg, prefix="ws_", locked={"depth"}, hidden={"device"})  # a Workshop

Where the widgets live: in the main column, above the action bar and the charts, in one
expander ("Network settings") with a tab per group and a responsive grid of cells, while the
sidebar keeps only what every screen shares (the menu, the language). Streamlit cannot tell the
server how wide the screen is, and a widget key may be drawn once a run, so the one set of
widgets has to be usable at every width: on a phone the sidebar starts closed over the page and
would hide every control, while the main-column grid shows two cells a row at 390 px and four on a
desktop, so the panel stays a few rows tall there and the charts start on the first
screen. The expander keeps whatever the learner last chose (open or closed) across reruns.

Widgets keep their values under `<prefix><field>` in session state. A key that is missing (first
draw, or back from another page) is seeded from the given config; call `seed_widgets` when the
config changed from outside (a link, a preset) so the widgets show it. The function returns what
the widgets say, which may be invalid as a whole: the caller checks it (Lab.adopt).

The Through time screen draws its fields with the same pieces: `field_widget`, `settings_panel`,
`settings_grid` and `grid_cell`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import streamlit as st

from sim.config import FIELDS, SPECS, RunConfig
from ui.common.i18n import t, translator
from ui.common.wording import choice_label

GROUPS: dict[str, tuple[str, ...]] = {
    "data": ("dataset", "n_samples", "noise", "seed"),
    "network": (
        "depth",
        "width",
        "activation",
        "init",
        "init_std",
        "norm",
        "dropout",
        "residual",
    ),
    "training": (
        "optimizer",
        "lr",
        "weight_decay",
        "batch_size",
        "clip",
        "clip_value",
        "device",
    ),
}
TABS = ("network", "training", "data")  # the tab order: what a learner changes most, first
COLUMNS = 4  # cells a row of the settings grid at most; fewer on a narrow screen
MIN_CELL_PX = 140  # a cell's least width: two a row at 390 px. A toggle takes two cells (its
# label runs beside it and would be cut in one).
# Every field is in exactly one group: tests/app/test_app_controls.py checks it (not an assert
# here, which `python -O` would strip).


def _log_grid(lo: float, hi: float) -> tuple[float, ...]:
    """1-2-5 steps per decade between lo and hi: 1e-4, 2e-4, 5e-4, 1e-3, ..."""
    out, decade = [], 10.0 ** int(f"{lo:e}".split("e")[1])
    while decade <= hi:
        out += [float(f"{m * decade:.6g}") for m in (1, 2, 5) if lo <= m * decade <= hi]
        decade *= 10
    return tuple(out)


# Fields whose widget is a slider over fixed stops (the config's own value is always added).
STOPS: dict[str, tuple[float, ...]] = {
    "width": (2, 4, 8, 16, 32, 64, 128, 256, 512),
    "batch_size": (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4000),
    "weight_decay": (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0),
    **{name: _log_grid(spec.lo, spec.hi) for name, spec in SPECS.items() if spec.log},
}
STEP: dict[str, float] = {"n_samples": 10, "noise": 0.01, "dropout": 0.05}


def key_of(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def relevant(name: str, cfg: RunConfig) -> bool:
    """init_std matters only with normal init; clip_value only with clipping on."""
    if name == "init_std":
        return cfg.init == "normal"
    if name == "clip_value":
        return cfg.clip != "none"
    return True


def seed_widgets(cfg: RunConfig, prefix: str, names: Iterable[str] = FIELDS) -> None:
    """Make the widgets show `cfg` (call before they are drawn in this run)."""
    for name in names:
        st.session_state[key_of(prefix, name)] = getattr(cfg, name)


def _fmt(value: Any) -> str:
    return f"{value:g}"


def field_widget(name: str, value: Any, key: str, disabled: bool) -> Any:
    """The widget for RunConfig field `name` showing `value` (limits and stops from SPECS)."""
    spec = SPECS[name]
    label, help_text = t(f"config.field_{name}"), t(f"config.help_{name}")
    common = {"key": key, "help": help_text, "disabled": disabled}
    if spec.kind is bool:
        return st.toggle(label, **common)
    if spec.kind is str:
        tr = translator()
        return st.selectbox(
            label, spec.choices, format_func=lambda v: choice_label(name, v, tr), **common
        )
    if name in STOPS:
        stops = sorted({*STOPS[name], value})
        if spec.kind is int:
            stops = [int(s) for s in stops]
        return st.select_slider(label, stops, format_func=_fmt, **common)
    if name == "seed":
        return st.number_input(label, int(spec.lo), int(spec.hi), step=1, **common)
    if spec.kind is int:
        step = int(STEP.get(name, 1))
        return st.slider(label, int(spec.lo), int(spec.hi), step=step, **common)
    step = STEP.get(name, 0.01)
    return st.slider(label, float(spec.lo), float(spec.hi), step=step, format="%g", **common)


def settings_panel(label_key: str = "playground.settings", key: str = "pg_settings"):
    """The expander above a screen's action bar that holds its settings (see above)."""
    return st.expander(t(label_key), expanded=True, icon=":material/tune:", key=key)


def settings_grid():
    """A tab's grid of settings: COLUMNS cells a row, fewer on a narrow screen (see above)."""
    return st.grid(COLUMNS, min_column_width=MIN_CELL_PX)


def grid_cell(grid, name: str):
    """The cell of field `name` in a settings grid (a toggle takes two, see MIN_CELL_PX)."""
    return grid.cell(column_span=2 if SPECS[name].kind is bool else 1)


def config_controls(
    cfg: RunConfig,
    *,
    prefix: str = "cfg_",
    locked: Collection[str] = (),
    hidden: Collection[str] = (),
    container=None,
) -> RunConfig:
    """Draw the grouped widgets in `container` (default: where the script writes now), a tab
    per group; return their config. `locked` fields show but cannot change; `hidden` fields
    keep cfg's value, undrawn."""
    values = cfg.to_dict()
    groups = [(g, [n for n in GROUPS[g] if n not in hidden]) for g in TABS]
    groups = [(g, shown) for g, shown in groups if shown]
    with container if container is not None else st.container():
        tabs = st.tabs([t(f"config.group_{g}") for g, _ in groups]) if groups else []
        for tab, (_, shown) in zip(tabs, groups, strict=True):
            with tab:
                grid = settings_grid()
            for name in shown:
                key = key_of(prefix, name)
                if key not in st.session_state or name in locked:
                    st.session_state[key] = values[name]
                current = RunConfig(**values)
                disabled = name in locked or not relevant(name, current)
                with grid_cell(grid, name):
                    values[name] = field_widget(name, st.session_state[key], key, disabled)
    for name in locked:
        values[name] = getattr(cfg, name)
    return RunConfig(**values)
