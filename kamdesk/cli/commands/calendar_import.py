"""``import-ics``: meetings of a client from a calendar file (.ics invitations); a preview
first, then the write unless --dry-run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "import-ics", help="import meetings of a client from a calendar file (.ics invitations)"
    )
    p.add_argument("file", type=Path)
    p.add_argument("--client", required=True, metavar="KEY", help="the client they belong to")
    p.add_argument("--dry-run", action="store_true", help="only show what would be imported")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.interchange.ics import apply, planning, reader
    from kamdesk.core.interchange.people import importer
    from kamdesk.core.storage.db import Database

    found = reader.read_calendar(args.file)
    with Database.open(path, readonly=args.dry_run) as db:
        client_id = importer.client_id_for_key(db, args.client)
        plan = planning.plan_calendar_import(db, client_id, found)
        print("\n".join(planning.describe(plan)))
        if args.dry_run:
            print("Dry run: nothing was written.")
            return EXIT_OK
        print(apply.apply_calendar_import(db, client_id, plan))
    return EXIT_OK
