"""``person-export`` and ``person-erase``: a person's rights over what the dossier keeps about
them (everything as JSON or PDF; erasure for good, with the reason recorded)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_INVALID, EXIT_OK, fail

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "person-export", help="everything kept about one person, as JSON or PDF (by extension)"
    )
    p.add_argument("client", metavar="CLIENT_KEY")
    p.add_argument("person", metavar="PERSON_KEY")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .json or .pdf file")
    p.set_defaults(run=run_export)
    p = sub.add_parser(
        "person-erase", help="erase one person for good (not undoable), with the reason recorded"
    )
    p.add_argument("client", metavar="CLIENT_KEY")
    p.add_argument("person", metavar="PERSON_KEY")
    p.add_argument(
        "--reason", required=True, metavar="TEXT", help="why (recorded; must not name them)"
    )
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(run=run_erase)


def run_export(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import privacy, settings
    from kamdesk.core.storage.db import Database

    with Database.open(path, readonly=True) as db:
        privacy.export_file(db, args.client, args.person, args.output, settings.current())
    print(f"Everything kept about {args.person} written to {args.output}")
    return EXIT_OK


def run_erase(path: Path, args: argparse.Namespace) -> int:
    """Show what goes, confirm (unless --yes), erase, then list what still names the person
    and the backups that still hold them."""
    from kamdesk.core import privacy
    from kamdesk.core.account.editing import FieldError
    from kamdesk.core.model import models as m
    from kamdesk.core.storage.db import Database

    if not args.reason.strip():
        return fail("--reason needs a reason", EXIT_INVALID)
    with Database.open(path) as db:
        with db.session() as session:
            person_id = privacy.person_id(session, args.client, args.person)
            plan = privacy.preview(session, person_id)
            try:
                privacy.check_reason(args.reason, session.get_one(m.Stakeholder, person_id))
            except FieldError as exc:
                return fail(f"--reason: {exc.message}", EXIT_INVALID)
        print(f"Erasing {args.person} of {args.client} removes for good (this cannot be undone):")
        for name, count in plan.counts.items():
            print(f"  {count:>4} {name.replace('_', ' ')}")
        if not args.yes:
            if not sys.stdin.isatty():
                return fail("give --yes to erase without a terminal to confirm", EXIT_INVALID)
            if input("Type 'erase' to go ahead: ").strip() != "erase":
                print("Nothing was erased.")
                return EXIT_OK
        result = privacy.erase(db, person_id, args.reason)
    print(f"Erased. Record {result.reference} keeps the time and reason, not the person.")
    if not result.purged:
        print(f"kamdesk: warning: {result.purge_problem}", file=sys.stderr)
    if result.mentions:
        print("These texts still name them; edit them yourself:")
        for mention in result.mentions:
            sure = "" if mention.certain else " (possible match)"
            print(f"  {mention.where}{sure}: {mention.excerpt}")
    for check in result.backups:
        state = "still holds them until it rotates out" if check.holds else "could not be read"
        print(f"  backup {check.path}: {state}")
    return EXIT_OK
