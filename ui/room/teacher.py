"""The teacher view: a room live, opened by the teacher link (`/room?room=CODE&key=KEY`).

The room's data is redrawn by a fragment every REFRESH_S seconds, so the page around it
(downloads, Close, Delete) stays as it is. Nothing of the room is drawn before the store has
accepted the key: a wrong key or an unknown code gets a notice and nothing else.
"""

from __future__ import annotations

import streamlit as st

from classroom import export
from classroom.errors import RoomError
from classroom.records import Room
from ui.charts.room import pass_rate_chart
from ui.charts.spec import show as show_chart
from ui.common.i18n import current_lang, t, translator
from ui.common.notices import show, url_notice
from ui.common.wording import md_escape
from ui.room import frames
from ui.room.opening import room_links
from ui.room.place import TEACHER, TEACHER_URL
from ui.room.store import call, get_store
from ui.workshop.links import base_url

REFRESH_S = 5  # seconds between redraws of the live part
TEACHER_KEY = "room_teacher"  # session: (code, key) of the room on this screen
DELETED_KEY = "room_deleted"  # session: the shown code of a room just deleted
WORKSHOP_PAGE = "app_pages/workshop.py"


def place() -> tuple[str | None, str | None]:
    """(code, key) from a new teacher link, else this session's; written back to the URL."""
    params = TEACHER_URL.incoming()
    if params is not None:
        values, found = TEACHER.read(params)
        url_notice(found)
        st.session_state[TEACHER_KEY] = (values.get("code"), values.get("key"))
    code, key = st.session_state.get(TEACHER_KEY) or (None, None)
    TEACHER_URL.write(TEACHER.query({"code": code, "key": key}))
    return code, key


def screen() -> None:
    """The whole screen: the room's header, its live part, downloads and the room's end."""
    deleted = st.session_state.pop(DELETED_KEY, None)
    if deleted:
        show("ok", t("room.deleted", room=deleted))
    code, key = place()
    if not (code and key):
        show("info", t("room.no_room"))
        st.page_link(WORKSHOP_PAGE, label=t("room.to_workshop"), icon=":material/school:")
        return
    ok, room = call("teacher_room", code, key)
    if not ok:
        return  # the notice said why; nothing of any room is shown
    header(room, key)
    live(code, key)
    downloads(room, key)
    ending(room, key)


def header(room: Room, key: str) -> None:
    st.subheader(md_escape(room.title))
    state = t("room.state_open") if room.is_open else t("room.state_closed")
    st.caption(t("room.header", room=room.shown_code, state=state))
    learner, _ = room_links(base_url(), room.code, key)
    st.code(learner, language=None, wrap_lines=True)


@st.fragment(run_every=REFRESH_S)
def live(code: str, key: str) -> None:
    """Learners x exercises, the pass rates and the remedies, as the store has them now."""
    ok, view = call("view", code, key)
    if not ok:
        return
    lang = current_lang()
    tr, titles = translator(lang), frames.exercise_titles(lang)
    st.caption(t("room.summary", learners=len(view.learners), checks=view.checks, s=REFRESH_S))
    if not view.learners:
        show("info", t("room.no_learners"))
    else:
        st.table(frames.grid(view, titles, tr))
    show_chart(st, pass_rate_chart(view.pass_rates, titles, tr))
    st.markdown(f"**{t('room.remedies')}**")
    tried = frames.remedies(view, titles, tr)
    if tried.empty:
        st.caption(t("room.no_remedies"))
    else:
        st.table(tried, hide_index=True)


def export_text(code: str, key: str, kind: str) -> str:
    """One download, made when it is clicked: the room as JSON, or a CSV."""
    try:
        view, checks = get_store().export(code, key)
    except RoomError as err:
        return str(err)
    if kind == "json":
        return export.dumps(view, checks)
    return export.progress_csv(view) if kind == "progress" else export.checks_csv(view, checks)


DOWNLOADS = (  # kind, label key, file suffix, MIME type
    ("json", "room.download_json", "json", "application/json"),
    ("progress", "room.download_progress", "progress.csv", "text/csv"),
    ("checks", "room.download_checks", "checks.csv", "text/csv"),
)


def downloads(room: Room, key: str) -> None:
    for column, (kind, label, suffix, mime) in zip(st.columns(3), DOWNLOADS, strict=True):
        column.download_button(
            t(label),
            lambda kind=kind: export_text(room.code, key, kind),
            file_name=f"room-{room.shown_code}-{suffix}",
            mime=mime,
            key=f"room_download_{kind}",
            on_click="ignore",
            icon=":material/download:",
        )


def ending(room: Room, key: str) -> None:
    """Close (no more joins) and Delete (everything, after a tick that confirms it)."""
    left, right = st.columns(2)
    close = room.is_open and left.button(t("room.close"), key="room_close", icon=":material/lock:")
    if close and call("close", room.code, key)[0]:
        st.rerun()
    sure = right.checkbox(t("room.delete_sure"), key="room_delete_sure")
    delete = right.button(
        t("room.delete"), key="room_delete", disabled=not sure, icon=":material/delete:"
    )
    if delete and call("delete", room.code, key)[0]:
        st.session_state[TEACHER_KEY] = (None, None)
        st.session_state[DELETED_KEY] = room.shown_code
        st.rerun()
