"""The command line of PORTFOLIO_FORMAT.md. No Qt here: ``kamdesk`` with no command imports
the GUI lazily.

Exit codes: 0 success; 1 the environment is in the way (file in use, read-only, newer
schema, disk full); 2 invalid input or unknown key; 3 refused because a meeting is not ready.
Errors go to stderr, one line each, never a traceback for a user error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kamdesk import __version__
from kamdesk.core import errors

EXIT_OK = 0
EXIT_ENVIRONMENT = 1
EXIT_INVALID = 2
EXIT_NOT_READY = 3

NOT_YET = ("readiness", "brief", "dossier", "notes", "ics")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamdesk",
        description="Client dossiers and pre-meeting briefs for Key Account Managers. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"kamdesk {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="the dossier database (default: $KAMDESK_DB or the user-data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="with no command: load the demo portfolio first if the database is empty",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("demo", help="fill an empty database with the demo portfolio")
    p = sub.add_parser("import-json", help="import a portfolio JSON file (merge by key)")
    p.add_argument("file", type=Path)
    p = sub.add_parser("export-json", help="export the portfolio as JSON")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--client",
        action="append",
        dest="clients",
        metavar="KEY",
        help="export only this client (repeatable)",
    )
    p = sub.add_parser("meetings", help="list upcoming meetings")
    p.add_argument("--all", action="store_true", help="include past meetings")
    for name in NOT_YET:
        p = sub.add_parser(name, help="(not available yet)")
        p.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _fail(message: str, code: int) -> int:
    print(f"kamdesk: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in NOT_YET:
        return _fail(f"'{args.command}' is not available yet", EXIT_INVALID)
    try:
        return _run(args)
    except errors.InvalidInput as exc:
        print(f"kamdesk: {exc}", file=sys.stderr)
        for problem in exc.problems[:200]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > 200:
            print(f"  … and {len(exc.problems) - 200} more", file=sys.stderr)
        return EXIT_INVALID
    except errors.UnknownKey as exc:
        return _fail(str(exc), EXIT_INVALID)
    except errors.KamdeskError as exc:
        return _fail(str(exc), EXIT_ENVIRONMENT)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _db_path(args: argparse.Namespace) -> Path:
    from kamdesk.core.db import default_db_path

    return args.db if args.db is not None else default_db_path()


def _run(args: argparse.Namespace) -> int:
    from kamdesk.core.db import Database

    if args.command is None:
        from kamdesk.gui.app import run_app

        return run_app(_db_path(args), load_demo=args.demo)

    path = _db_path(args)
    if args.command == "demo":
        from kamdesk.core import demo

        with Database.open(path) as db:
            summary = demo.load_demo(db)
        print(f"Demo portfolio loaded into {path}: {summary}")
        return EXIT_OK

    if args.command == "import-json":
        from kamdesk.core import exchange

        with Database.open(path) as db:
            summary = exchange.import_file(db, args.file)
        print(f"Imported {args.file}: {summary}")
        return EXIT_OK

    if args.command == "export-json":
        from kamdesk.core import exchange

        with Database.open(path, readonly=True) as db:
            document = exchange.export_file(db, args.file, args.clients)
        print(f"Exported {len(document['clients'])} clients to {args.file}")
        return EXIT_OK

    if args.command == "meetings":
        from kamdesk.core import queries

        with Database.open(path, readonly=True) as db, db.session() as session:
            rows = queries.upcoming_meetings(session, include_past=args.all)
        if not rows:
            print("No upcoming meetings.")
        for row in rows:
            start = row.starts_at.strftime("%Y-%m-%d %H:%M %z") if row.starts_at else "(no time)"
            print(f"{start}  {row.key:<28} {row.client_name} — {row.title}")
        return EXIT_OK

    raise AssertionError(args.command)  # pragma: no cover
