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


def _menu(at) -> tuple[list[str], str]:
    """(the pages the menu links to, the text of the current screen's entry)."""
    pages = [link.proto.page for link in at.sidebar.get("page_link")]
    here = " ".join(m.value for m in at.sidebar.markdown)
    return pages, here


def test_the_menu_links_every_other_screen_and_marks_the_current_one():
    """The current screen's entry is no link (a link to itself would cost a Tab stop), and the
    teacher view, which needs a room's key, is listed only once this session has opened it."""
    at = make_app(PLAYGROUND)
    pages, here = _menu(at)
    assert "Playground" in here and not any("playground" in page for page in pages)
    assert any("through_time" in page for page in pages) and not any("room" in p for p in pages)
    assert len(pages) == len(PAGES) - 2  # all but the Playground and the Room
    at.switch_page("app_pages/room.py").run()  # as a teacher link opens it
    assert "Teacher view" in _menu(at)[1]
    at.switch_page(PLAYGROUND).run()
    assert any("room" in page for page in _menu(at)[0])
