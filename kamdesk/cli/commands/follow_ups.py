"""``follow-ups``: the open action items of every client, overdue first, or all of them as
CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "follow-ups", help="open action items of every client, overdue first (or as CSV)"
    )
    p.add_argument("--all", action="store_true", help="include done items")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write them as CSV instead")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    import datetime as dt

    from kamdesk.core.account import queries
    from kamdesk.core.storage.db import Database

    today = dt.date.today()
    with Database.open(path, readonly=True) as db, db.session() as session:
        rows = queries.follow_ups(session, include_done=args.all)
    if args.csv is not None:
        from kamdesk.core.files import write_atomically
        from kamdesk.core.interchange import csv_export

        write_atomically(args.csv, csv_export.follow_ups_csv(rows, today))
        print(f"{len(rows)} follow-ups written to {args.csv}")
        return EXIT_OK
    for r in rows:
        late = r.days_overdue(today)
        due = r.due.isoformat() if r.due else "no date   "
        flag = f"{late:>4} d late" if late else ("  done    " if r.done else "          ")
        print(f"{due}  {flag}  {r.client_key:<24} {r.text}" + (f"  ({r.owner})" if r.owner else ""))
    overdue = sum(1 for r in rows if r.days_overdue(today))
    print(f"{len(rows)} follow-ups, {overdue} overdue")
    return EXIT_OK
