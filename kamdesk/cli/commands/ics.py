"""``ics``: a meeting as a calendar file, with an alarm at the time to leave."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("ics", help="the meeting as a calendar file, with a 'leave by' alarm")
    p.add_argument("meeting")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .ics file to write")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import settings
    from kamdesk.core.files import write_bytes_atomically
    from kamdesk.core.meeting import calendar
    from kamdesk.core.meeting.context import load_meeting_context
    from kamdesk.core.storage.db import Database

    with Database.open(path, readonly=True) as db, db.session() as session:
        ctx = load_meeting_context(session, args.meeting)
    write_bytes_atomically(
        args.output, calendar.meeting_calendar(ctx, settings.current().default_buffer_min)
    )
    print(f"Calendar for {args.meeting} written to {args.output}")
    return EXIT_OK
