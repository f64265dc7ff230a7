"""Every Playground control changes the config; hot fields apply in place, the rest start a
fresh network; an impossible combination keeps the last valid config and says why."""

from __future__ import annotations

import pytest

from sim.config import DEFAULT, HOT_FIELDS
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts
from ui.common.urlstate import MLP_FIELDS
from ui.playground.controls import GROUPS, key_of

PREFIX = "pg_"
# field -> (widget kind, new value, settings it needs first)
CHANGES = {
    "dataset": ("selectbox", "moons", {}),
    "n_samples": ("slider", 800, {}),
    "noise": ("slider", 0.25, {}),
    "seed": ("number_input", 7, {}),
    "depth": ("slider", 3, {}),
    "width": ("select_slider", 64, {}),
    "activation": ("selectbox", "tanh", {}),
    "init": ("selectbox", "xavier_normal", {}),
    "init_std": ("select_slider", 0.5, {"init": ("selectbox", "normal")}),
    "norm": ("selectbox", "layernorm", {}),
    "dropout": ("slider", 0.2, {}),
    "residual": ("toggle", True, {}),
    "optimizer": ("selectbox", "sgd", {}),
    "lr": ("select_slider", 0.01, {}),
    "weight_decay": ("select_slider", 1e-4, {}),
    "batch_size": ("select_slider", 128, {}),
    "clip": ("selectbox", "norm", {}),
    "clip_value": ("select_slider", 2.0, {"clip": ("selectbox", "norm")}),
    "device": ("selectbox", "cpu", {}),
}


def set_widget(at, kind: str, field: str, value) -> None:
    getattr(at, kind)(key=key_of(PREFIX, field)).set_value(value)


def test_every_field_has_a_control_case():
    """Every field of an MLP (the Playground's network; recurrent fields are Through time's)."""
    assert set(CHANGES) == set(MLP_FIELDS)


@pytest.mark.parametrize("field", MLP_FIELDS)
def test_control_changes_config(field):
    kind, value, before = CHANGES[field]
    at = make_app(PLAYGROUND)
    for other, (other_kind, other_value) in before.items():
        set_widget(at, other_kind, other, other_value)
        at.run()
    at.button(key="step").click().run()
    lab = lab_of(at)
    sim, step = lab.sim, lab.sim.step
    assert getattr(lab.cfg, field) != value

    set_widget(at, kind, field, value)
    at.run()
    no_exception(at)
    lab = lab_of(at)
    assert getattr(lab.cfg, field) == value
    assert at.query_params[field] in (str(value), str(value).lower())
    if field in HOT_FIELDS:
        assert lab.sim is sim and lab.sim.step == step, "a hot field keeps the trained network"
    else:
        assert lab.sim is not sim and lab.sim.step == 0, "a shape or data change starts afresh"
        assert lab.sim.cfg == lab.cfg


def test_fresh_network_is_announced():
    at = make_app(PLAYGROUND)
    set_widget(at, "slider", "depth", 4)
    at.run()
    assert "fresh network" in texts(at)


def test_over_budget_combination_keeps_last_valid_config():
    at = make_app(PLAYGROUND)
    set_widget(at, "slider", "depth", 64)
    at.run()
    set_widget(at, "select_slider", "width", 512)
    at.run()
    set_widget(at, "select_slider", "batch_size", 4000)
    set_widget(at, "slider", "n_samples", 4000)
    at.run()
    no_exception(at)
    lab = lab_of(at)
    assert lab.cfg.batch_size != 4000 or lab.cfg.width != 512
    assert "Too much compute" in texts(at) and "Too much memory" in texts(at)


def test_a_network_too_big_to_hold_is_refused_and_the_trained_one_kept():
    at = make_app(PLAYGROUND)
    set_widget(at, "slider", "depth", 64)
    at.run()
    at.button(key="step").click().run()
    set_widget(at, "select_slider", "width", 512)
    at.run()
    no_exception(at)
    lab = lab_of(at)
    assert lab.cfg.width != 512 and lab.sim is not None and lab.sim.step == 1
    assert "Too much memory" in texts(at) and "256 MB" in texts(at)


def test_locked_and_hidden_fields_keep_their_value():
    """The Workshop's teacher links lock or hide controls; ui.playground.controls supports both."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from sim.config import DEFAULT
        from ui.playground.controls import config_controls

        cfg = config_controls(
            DEFAULT.replace(depth=9), prefix="ws_", locked={"depth"}, hidden={"device", "seed"}
        )
        st.session_state["out"] = cfg

    at = AppTest.from_function(script, default_timeout=60).run()
    assert at.slider(key="ws_depth").disabled
    assert not [w for w in at.get("selectbox") if w.key == "ws_device"]
    at.session_state["ws_depth"] = 3  # as if a stale value lingered
    at.run()
    assert at.session_state["out"].depth == 9
    assert at.slider(key="ws_depth").value == 9
    assert at.session_state["out"].device == DEFAULT.device


def test_every_field_has_exactly_one_control_group():
    grouped = [name for names in GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(MLP_FIELDS)


def test_the_screens_rely_on_no_assert_statement():
    """`python -O` strips assert statements: a check the app relies on is a test or a raise."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = [*root.glob("ui/**/*.py"), *root.glob("app_pages/*.py"), root / "streamlit_app.py"]
    found = [
        f"{path.relative_to(root)}:{node.lineno}"
        for path in files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert not found, found
