"""``dossier``: a client's whole dossier as a bookmarked PDF (and HTML)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("dossier", help="a client's whole dossier as a bookmarked PDF")
    p.add_argument("client", metavar="CLIENT_KEY")
    p.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")
    p.add_argument("--html", type=Path, help="also write the dossier as HTML")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import settings
    from kamdesk.core.documents import dossier
    from kamdesk.core.files import write_atomically, write_bytes_atomically
    from kamdesk.core.storage.db import Database

    prefs = settings.current()
    with Database.open(path, readonly=True) as db, db.session() as session:
        html = dossier.build_html(session, args.client, prefs)
    if args.html:
        write_atomically(args.html, html)
    write_bytes_atomically(args.output, dossier.build_pdf(html))
    print(f"Dossier of {args.client} written to {args.output}")
    return EXIT_OK
