"""``import-json`` and ``export-json``: the portfolio in the exchange format
(PORTFOLIO_FORMAT.md), merged by key on import."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("import-json", help="import a portfolio JSON file (merge by key)")
    p.add_argument("file", type=Path)
    p.set_defaults(run=run_import)
    p = sub.add_parser("export-json", help="export the portfolio as JSON")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--client",
        action="append",
        dest="clients",
        metavar="KEY",
        help="export only this client (repeatable)",
    )
    p.set_defaults(run=run_export)


def run_import(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.interchange import exchange
    from kamdesk.core.storage.db import Database

    with Database.open(path) as db:
        summary = exchange.import_file(db, args.file)
    print(f"Imported {args.file}: {summary}")
    return EXIT_OK


def run_export(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.interchange import exchange
    from kamdesk.core.storage.db import Database

    with Database.open(path, readonly=True) as db:
        count = exchange.export_file(db, args.file, args.clients)
    print(f"Exported {count} clients to {args.file}")
    return EXIT_OK
