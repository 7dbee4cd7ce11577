"""``meetings``: the upcoming meetings (or all of them), each with its readiness."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("meetings", help="list upcoming meetings")
    p.add_argument("--all", action="store_true", help="include past meetings")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import settings
    from kamdesk.core.account import queries
    from kamdesk.core.meeting import readiness
    from kamdesk.core.meeting.context import load_meeting_context
    from kamdesk.core.storage.db import Database

    prefs = settings.current()
    with Database.open(path, readonly=True) as db, db.session() as session:
        rows = queries.upcoming_meetings(session, include_past=args.all)
        reports = [readiness.evaluate(load_meeting_context(session, r.key), prefs) for r in rows]
    if not rows:
        print("No upcoming meetings.")
    for row, report in zip(rows, reports, strict=True):
        start = row.starts_at.strftime("%Y-%m-%d %H:%M %z") if row.starts_at else "(no time)      "
        state = "ready    " if report.ready else f"{len(report.blockers()):>2} to fix"
        print(f"{start}  {state} {report.score:>3}  {row.key:<28} {row.client_name} — {row.title}")
    return EXIT_OK
