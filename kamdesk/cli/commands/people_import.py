"""``import-vcard`` and ``import-csv``: people of a client from a vCard or CSV file. The file
is read and a preview printed first; bad rows stop the import (exit 2, nothing written) unless
--skip-bad is given, and --dry-run writes nothing at all."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kamdesk.cli.common import EXIT_INVALID, EXIT_OK, fail

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers
    from kamdesk.core.interchange.people.importer import ImportPlan


def register(sub: Subparsers) -> None:
    for command, kind in (("import-vcard", "a vCard (.vcf)"), ("import-csv", "a CSV")):
        p = sub.add_parser(
            command, help=f"import people of a client from {kind} file (preview, then write)"
        )
        p.add_argument("file", type=Path)
        p.add_argument("--client", required=True, metavar="KEY", help="the client they belong to")
        if command == "import-csv":
            p.add_argument(
                "--mapping",
                metavar="NAME",
                help="the column preset: google, outlook, outlook-pl, outlook-ru, outlook-it, "
                "outlook-hu, yahoo, thunderbird, crm, kamdesk (default: the one matching the "
                "header)",
            )
            p.add_argument(
                "--map",
                action="append",
                metavar="COLUMN=FIELD,…",
                help="your own column mapping instead of a preset, e.g. "
                "'Imię=first_name,Nazwisko=last_name,Adres e-mail=email' (repeatable; fields: "
                "name, first_name, middle_name, last_name, position, department, email, phone, "
                "language)",
            )
        p.add_argument("--encoding", metavar="NAME", help="the file's encoding (default: detected)")
        p.add_argument("--dry-run", action="store_true", help="only show what would be imported")
        p.add_argument(
            "--skip-bad",
            action="store_true",
            help="import the good rows even when some rows are bad (default: import nothing)",
        )
        p.set_defaults(run=run_vcard if command == "import-vcard" else run_csv)


def run_vcard(path: Path, args: argparse.Namespace) -> int:
    return _import_people(path, args, "vcard")


def run_csv(path: Path, args: argparse.Namespace) -> int:
    return _import_people(path, args, "csv")


def _import_people(path: Path, args: argparse.Namespace, kind: Literal["vcard", "csv"]) -> int:
    """Read the file, show the preview, and write it unless --dry-run."""
    from kamdesk.core import errors
    from kamdesk.core.interchange.people import csvfile, files, importer, presets
    from kamdesk.core.storage.db import Database

    mapping: Any = getattr(args, "mapping", None)  # import-vcard has neither option
    if getattr(args, "map", None):
        if mapping is not None:
            return fail(
                "give either --mapping (a preset) or --map (your own), not both", EXIT_INVALID
            )
        mapping = csvfile.parse_map(args.map)
    found = files.read_contacts(args.file, kind, mapping, args.encoding)
    details = [found.encoding]
    if found.delimiter is not None:
        details.append(f"delimiter {'TAB' if found.delimiter == chr(9) else found.delimiter!r}")
    if found.preset:
        details.append(f"preset {found.preset}")
    what = ("card" if kind == "vcard" else "row") + ("" if found.records == 1 else "s")
    print(f"Read {args.file}: {found.records} {what} ({', '.join(details)})")
    if found.needs_mapping:
        raise errors.InvalidInput(
            str(args.file),
            [
                errors.Problem(
                    "",
                    "no preset matches the header (no name column found); name one with "
                    f"--mapping ({', '.join(presets.PRESETS)}) or give your own with "
                    "--map 'COLUMN=first_name,COLUMN=last_name,…'",
                )
            ],
        )
    with Database.open(path, readonly=args.dry_run) as db:
        client_id = importer.client_id_for_key(db, args.client)
        plan = importer.plan_import(db, client_id, found.candidates)
        _print_plan(plan)
        bad = len(found.problems)
        rows = f"{bad} bad {'row' if bad == 1 else 'rows'}"
        if bad and not args.skip_bad:
            print(
                f"kamdesk: {args.file}: {rows}; nothing was imported "
                "(fix them, or give --skip-bad to import the others)",
                file=sys.stderr,
            )
            for problem in found.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_INVALID
        if bad:
            print(f"Skipping {rows}:")
            for problem in found.problems:
                print(f"  {problem}")
        if args.dry_run:
            print("Dry run: nothing was written.")
            return EXIT_OK
        summary = importer.apply_import(db, client_id, plan)
    print(f"Imported into {args.client}: {summary}")
    return EXIT_OK


def _print_plan(plan: ImportPlan) -> None:
    labels = {"create": "new      ", "update": "update   ", "skip": "unchanged"}
    for item in plan.items:
        c = item.candidate
        line = f"  {labels[item.action]} line {item.lines[0]:<5} {c.name}"
        if c.email:
            line += f" <{c.email}>"
        if item.existing_key:
            line += f"  = {item.existing_key}"
        if item.action == "update":
            line += "  (" + ", ".join(ch.field for ch in item.changes) + ")"
        if item.merged:
            line += "  merged with line" + ("s " if item.merged > 1 else " ")
            line += ", ".join(str(n) for n in item.lines[1:])
        print(line)
    print(f"Preview: {plan.summary()}")
