"""``confirm``: the KAM vouches for ticks in this dossier: each then counts for the meeting as
it is now (what an import brought stops being 'imported, not reviewed here')."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_INVALID, EXIT_OK, fail

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "confirm",
        help="confirm ticks you have checked yourself (default: those an import brought, "
        "shown as 'imported, not reviewed here')",
    )
    p.add_argument("meeting")
    p.add_argument(
        "ticks",
        nargs="*",
        metavar="TICK",  # checked in run: argparse refuses "*" with choices when empty
        help="route_checked, listening_plan or etiquette_reviewed",
    )
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.account import confirmations, editing
    from kamdesk.core.meeting.context import load_meeting_context
    from kamdesk.core.storage.db import Database

    unknown = [t for t in args.ticks if t not in confirmations.NAMES]
    if unknown:
        return fail(
            f"{unknown[0]!r} is not a tick (route_checked, listening_plan, etiquette_reviewed)",
            EXIT_INVALID,
        )
    with Database.open(path) as db:
        with db.session() as session:
            ctx = load_meeting_context(session, args.meeting)
        names = list(dict.fromkeys(args.ticks)) or confirmations.unreviewed(
            ctx.meeting, ctx.attendees
        )
        if not names:
            print(f"Nothing to confirm: no imported tick of {args.meeting} waits for review.")
            return EXIT_OK
        assert ctx.meeting.id is not None
        for name in names:
            editing.set_tick(db, ctx.meeting.id, name, True)
    print(f"Confirmed for {args.meeting}: {', '.join(names)}.")
    return EXIT_OK
