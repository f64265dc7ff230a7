"""The frame: one list of screens, all present, none in a `pages/` folder."""

from __future__ import annotations

from tests.app.helpers import PLAYGROUND, ROOT, make_app
from ui.common.frame import PAGES


def test_no_pages_folder_next_to_the_entrypoint():
    assert not (ROOT / "pages").exists(), (
        "Put screens in app_pages/ and list them in ui.common.frame.PAGES: with a pages/ folder, "
        "Streamlit serves a server's first request (and every AppTest run) in pages-folder "
        "mode, and a deep link to a screen runs without the frame."
    )


def test_every_listed_screen_exists():
    for path, _, _ in PAGES:
        assert (ROOT / path).is_file(), path


def test_a_screen_runs_inside_the_frame():
    at = make_app(PLAYGROUND)
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.main.selectbox(key="pg_preset")  # the screen ran: its settings, in the page
