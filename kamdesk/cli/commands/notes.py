"""``notes``: a meeting's notes as Markdown, DOCX, PDF or an e-mail draft."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "notes", help="export a meeting's notes (Markdown, DOCX, PDF or an e-mail draft)"
    )
    p.add_argument("meeting")
    p.add_argument("--format", choices=("md", "docx", "pdf", "eml"), required=True)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import settings
    from kamdesk.core.documents import notes_export
    from kamdesk.core.files import write_bytes_atomically
    from kamdesk.core.storage.db import Database

    prefs = settings.current()
    with Database.open(path, readonly=True) as db, db.session() as session:
        data = notes_export.load_notes(session, args.meeting)
    content = notes_export.export(data, args.format, prefs.locale, sender=prefs.kam_name)
    write_bytes_atomically(args.output, content)
    print(f"Notes of {args.meeting} written to {args.output}")
    return EXIT_OK
