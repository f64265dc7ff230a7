"""`python -m classroom create | show | close | delete`: a room from the terminal.

The store is the one the app opens (GRADLAB_DATABASE_URL, else the SQLite file in
GRADLAB_DATA_DIR), or --database URL. Exit 0 on success; a wrong key, an unknown room or a
bad flag prints one line on stderr and exits 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

from classroom import export
from classroom.errors import RoomError
from classroom.store import Store, open_store

USAGE_EXIT = 2


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints its whole usage on a mistake; a mistake here is one line."""

    def error(self, message: str):  # type: ignore[override]
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(USAGE_EXIT)


def split_list(raw: list[str] | None) -> list[str]:
    """`a,b c` or `a b,c` -> [a, b, c]: lists accept commas or spaces."""
    return [part for chunk in raw or () for part in chunk.replace(",", " ").split()]


def _parser() -> argparse.ArgumentParser:
    p = _OneLineParser(prog="python -m classroom", description="Workshop rooms.")
    p.add_argument("--database", help="SQLAlchemy URL (default: GRADLAB_DATABASE_URL or SQLite)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    create = sub.add_parser("create", help="open a room; prints its code and teacher key")
    create.add_argument("--title", required=True)
    create.add_argument("--exercises", nargs="+", help="exercise ids (default: all)")
    create.add_argument("--format", choices=("text", "json"), default="text")
    show = sub.add_parser("show", help="the room's learners and their progress")
    show.add_argument("--format", choices=("table", "json", "csv"), default="table")
    show.add_argument("--checks", action="store_true", help="json/csv: every recorded check")
    close = sub.add_parser("close", help="take no more learners")
    delete = sub.add_parser("delete", help="delete the room and everything in it")
    for cmd in (show, close, delete):
        cmd.add_argument("code", help="room code, e.g. K7Q-M3X-P9W")
        cmd.add_argument("--key", required=True, help="the teacher key printed by create")
    return p


def _create(store: Store, args: argparse.Namespace) -> str:
    new = store.create_room(args.title, split_list(args.exercises))
    room = new.room
    if args.format == "json":
        data = {"room": room.shown_code, "teacher_key": new.teacher_key, "title": room.title}
        data.update(exercises=list(room.exercises), created=export.iso(room.created))
        return json.dumps(data, ensure_ascii=False)
    lines = [f"room {room.shown_code}", f"teacher key {new.teacher_key}"]
    return "\n".join([*lines, f"exercises {' '.join(room.exercises)}"])


def _show(store: Store, args: argparse.Namespace) -> str:
    if args.format == "table":
        return export.table(store.view(args.code, args.key))
    view, checks = store.export(args.code, args.key)
    if args.format == "json":
        return export.dumps(view, checks if args.checks else None)
    return (export.checks_csv(view, checks) if args.checks else export.progress_csv(view)).rstrip()


def _close(store: Store, args: argparse.Namespace) -> str:
    room = store.close(args.code, args.key)
    return f"room {room.shown_code} closed: it takes no new learners"


def _delete(store: Store, args: argparse.Namespace) -> str:
    store.delete(args.code, args.key)
    return f"room {args.code} deleted"


COMMANDS = {"create": _create, "show": _show, "close": _close, "delete": _delete}


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help exits 0; a mistake has printed its line
        return int(exc.code or 0)
    try:
        store = open_store(args.database)
        try:
            print(COMMANDS[args.command](store, args))
        finally:
            store.dispose()
    except RoomError as exc:
        print(f"python -m classroom {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_EXIT
    return 0
