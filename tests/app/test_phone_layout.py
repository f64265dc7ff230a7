"""The Playground's layout for a phone as well as a desktop: its settings live in the main column
(one expander above the charts, a tab per group), not in the sidebar that starts closed over a
phone's page; the action buttons share one horizontal row, Train first; no text sends the
learner to "the controls on the left"."""

from __future__ import annotations

import pytest

from tests.app.helpers import PLAYGROUND, make_app, no_exception
from ui.common.i18n import text
from ui.playground.controls import GROUPS, TABS, key_of

BUTTON_KEYS = ("train", "step", "continue", "reset")


def _keys(elements) -> set[str]:
    return {e.key for e in elements if getattr(e, "key", None)}


def _widget_keys(node) -> set[str]:
    kinds = ("slider", "select_slider", "selectbox", "toggle", "number_input")
    return set().union(*(_keys(node.get(kind)) for kind in kinds))


def test_every_group_has_a_tab():
    assert sorted(TABS) == sorted(GROUPS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_settings_are_in_the_main_column_in_one_expander(lang):
    at = make_app(PLAYGROUND, query={"lang": lang})
    no_exception(at)
    fields = {key_of("pg_", name) for names in GROUPS.values() for name in names}
    assert not _widget_keys(at.sidebar) & (fields | {"pg_preset"})  # the sidebar: menu, language
    panels = [e for e in at.expander if e.label == text(lang, "playground.settings")]
    assert len(panels) == 1
    inside = _widget_keys(panels[0])
    assert "pg_preset" in inside and fields - {"pg_init_std", "pg_clip_value"} <= inside
    tabs = [tab.label for tab in at.tabs]
    assert tabs[:3] == [text(lang, f"config.group_{g}") for g in TABS]


def test_a_control_in_the_main_column_changes_the_network():
    at = make_app(PLAYGROUND, query={"depth": "3", "width": "16"})
    at.main.slider(key="pg_depth").set_value(4).run()
    no_exception(at)
    assert at.session_state["lab"].cfg.depth == 4


def _block_of(at, key: str):
    """The innermost block holding the button with `key`."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "key", None) == key and child.type == "button":
                found.append(node)
            walk(child)

    walk(at.main)
    assert len(found) == 1, key
    return found[0]


def test_the_action_buttons_share_one_horizontal_row_train_first():
    at = make_app(PLAYGROUND, query={"depth": "3", "width": "16"})
    row = _block_of(at, "train")
    assert all(_block_of(at, key) is row for key in BUTTON_KEYS)
    flex = row.proto.flex_container
    assert flex.direction == flex.Direction.HORIZONTAL  # not st.columns: those stack on a phone
    order = [c.key for c in row.children.values() if c.type == "button"]
    assert order == list(BUTTON_KEYS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_text_sends_the_learner_to_controls_on_the_left(lang):
    how = text(lang, "home.how_body")
    assert "left" not in how and "左侧" not in how
    assert text(lang, "playground.settings") in how
