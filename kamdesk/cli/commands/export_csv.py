"""``export-csv``: people as CSV, for spreadsheets (every client's, or one client's)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("export-csv", help="export people as CSV (for spreadsheets)")
    p.add_argument("file", type=Path)
    p.add_argument("--client", metavar="KEY", help="only this client's people (default: all)")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.interchange import csv_export
    from kamdesk.core.interchange.people import importer
    from kamdesk.core.storage.db import Database

    with Database.open(path, readonly=True) as db:
        client_id = importer.client_id_for_key(db, args.client) if args.client else None
        count = csv_export.export_people_csv(db, args.file, client_id)
    print(f"Exported {count} {'person' if count == 1 else 'people'} to {args.file}")
    return EXIT_OK
