"""The command line of PORTFOLIO_FORMAT.md. No Qt here: ``kamdesk`` with no command imports
the GUI lazily.

Exit codes: 0 success; 1 the environment is in the way (file in use, read-only, newer
schema, disk full); 2 invalid input or unknown key; 3 refused because a meeting is not ready.
Errors go to stderr, one line each, never a traceback for a user error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamdesk import __version__
from kamdesk.core import errors
from kamdesk.core.db import Database

if TYPE_CHECKING:
    from kamdesk.core.interchange.people.importer import ImportPlan

EXIT_OK = 0
EXIT_ENVIRONMENT = 1
EXIT_INVALID = 2
EXIT_NOT_READY = 3

NOT_YET: tuple[str, ...] = ()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamdesk",
        description="Client dossiers and pre-meeting briefs for Key Account Managers. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"kamdesk {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="the dossier database (default: $KAMDESK_DB or the user-data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="with no command: load the demo portfolio first if the database is empty",
    )
    parser.add_argument(
        "--startup-check",
        action="store_true",
        help="with no command: open the app's main window on the database, wait until it is "
        "shown with the portfolio list filled, print 'startup-check: N ms' (since kamdesk "
        "started importing) and exit",
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="read an encrypted database's passphrase from the first line of FILE "
        "(else $KAMDESK_PASSPHRASE, else asked on the terminal)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("demo", help="fill an empty database with the demo portfolio")
    p = sub.add_parser("import-json", help="import a portfolio JSON file (merge by key)")
    p.add_argument("file", type=Path)
    p = sub.add_parser("export-json", help="export the portfolio as JSON")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--client",
        action="append",
        dest="clients",
        metavar="KEY",
        help="export only this client (repeatable)",
    )
    p = sub.add_parser("meetings", help="list upcoming meetings")
    p.add_argument("--all", action="store_true", help="include past meetings")
    p = sub.add_parser(
        "readiness", help="the seven-mistakes report of a meeting (exit 3: not ready)"
    )
    p.add_argument("meeting")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser("brief", help="the pre-meeting brief as PDF (refused if not ready)")
    p.add_argument("meeting")
    p.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")
    p.add_argument("--html", type=Path, help="also write the brief as HTML")
    p.add_argument(
        "--full",
        action="store_true",
        help="everything (client snapshot, every product and answer) instead of the two-page "
        "carry brief",
    )
    p.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="print a brief for a meeting that is not ready; the reason is stored and printed",
    )
    p = sub.add_parser(
        "confirm",
        help="confirm ticks you have checked yourself (default: those an import brought, "
        "shown as 'imported, not reviewed here')",
    )
    p.add_argument("meeting")
    p.add_argument(
        "ticks",
        nargs="*",
        metavar="TICK",  # checked in _confirm: argparse refuses "*" with choices when empty
        help="route_checked, listening_plan or etiquette_reviewed",
    )
    p = sub.add_parser(
        "notes", help="export a meeting's notes (Markdown, DOCX, PDF or an e-mail draft)"
    )
    p.add_argument("meeting")
    p.add_argument("--format", choices=("md", "docx", "pdf", "eml"), required=True)
    p.add_argument("-o", "--output", type=Path, required=True)
    p = sub.add_parser("ics", help="the meeting as a calendar file, with a 'leave by' alarm")
    p.add_argument("meeting")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .ics file to write")
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
    p = sub.add_parser(
        "import-ics", help="import meetings of a client from a calendar file (.ics invitations)"
    )
    p.add_argument("file", type=Path)
    p.add_argument("--client", required=True, metavar="KEY", help="the client they belong to")
    p.add_argument("--dry-run", action="store_true", help="only show what would be imported")
    p = sub.add_parser(
        "follow-ups", help="open action items of every client, overdue first (or as CSV)"
    )
    p.add_argument("--all", action="store_true", help="include done items")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write them as CSV instead")
    p = sub.add_parser(
        "portfolio", help="the portfolio figures: income concentration, plan, growth, coverage"
    )
    p.add_argument("-o", "--output", type=Path, help="write the portfolio report as PDF")
    p = sub.add_parser("export-csv", help="export people as CSV (for spreadsheets)")
    p.add_argument("file", type=Path)
    p.add_argument("--client", metavar="KEY", help="only this client's people (default: all)")
    p = sub.add_parser("dossier", help="a client's whole dossier as a bookmarked PDF")
    p.add_argument("client", metavar="CLIENT_KEY")
    p.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")
    p.add_argument("--html", type=Path, help="also write the dossier as HTML")
    p = sub.add_parser(
        "person-export", help="everything kept about one person, as JSON or PDF (by extension)"
    )
    p.add_argument("client", metavar="CLIENT_KEY")
    p.add_argument("person", metavar="PERSON_KEY")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .json or .pdf file")
    p = sub.add_parser(
        "person-erase", help="erase one person for good (not undoable), with the reason recorded"
    )
    p.add_argument("client", metavar="CLIENT_KEY")
    p.add_argument("person", metavar="PERSON_KEY")
    p.add_argument(
        "--reason", required=True, metavar="TEXT", help="why (recorded; must not name them)"
    )
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    # -- encryption (see _encryption_command) --
    sub.add_parser(
        "encrypt",
        help="encrypt the database with a passphrase ($KAMDESK_PASSPHRASE, --passphrase-file "
        "or asked twice)",
    )
    sub.add_parser("decrypt", help="turn an encrypted database back into a plain one")
    p = sub.add_parser(
        "change-passphrase",
        help="re-encrypt with a new passphrase ($KAMDESK_NEW_PASSPHRASE, --new-passphrase-file "
        "or asked twice)",
    )
    p.add_argument("--new-passphrase-file", type=Path, metavar="FILE")
    # -- backups (see _backup_command) --
    p = sub.add_parser(
        "backup", help="back up the database now (to its backups folder, or to FILE with -o)"
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the backup here")
    sub.add_parser("backups", help="list the database's backups, newest first")
    p = sub.add_parser(
        "restore",
        help="replace the database with a backup (checked first; the current file is kept aside)",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")
    for name in NOT_YET:
        p = sub.add_parser(name, help="(not available yet)")
        p.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _fail(message: str, code: int) -> int:
    print(f"kamdesk: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in NOT_YET:
        return _fail(f"'{args.command}' is not available yet", EXIT_INVALID)
    from kamdesk.core import crypto

    # every Database.open below gets an encrypted file's passphrase from here
    crypto.set_passphrase_provider(_passphrase_provider(args, interactive=args.command is not None))
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it cannot be caught
        return code
    except errors.InvalidInput as exc:
        print(f"kamdesk: {exc}", file=sys.stderr)
        for problem in exc.problems[:200]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > 200:
            print(f"  … and {len(exc.problems) - 200} more", file=sys.stderr)
        return EXIT_INVALID
    except (
        errors.UnknownKey,
        errors.OutputRefused,
        errors.RestoreRefused,
        errors.WeakPassphrase,
    ) as exc:
        return _fail(str(exc), EXIT_INVALID)
    except errors.KamdeskError as exc:
        return _fail(str(exc), EXIT_ENVIRONMENT)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
        return _crashed(exc, args.command)
    finally:
        crypto.set_passphrase_provider(None)


EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a reader that stopped


def _closed_pipe() -> int:
    """The reader of our output went away (``| head``): end quietly. What was done before
    (an import committed) stands; the rest of the output is dropped, not flushed at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_CLOSED_PIPE


def _crashed(exc: Exception, command: str | None) -> int:
    from datetime import UTC, datetime

    from kamdesk.core import crashlog

    log = crashlog.write(exc, command, __version__, now=datetime.now(UTC))
    return _fail(crashlog.one_line(exc, log), EXIT_ENVIRONMENT)


# -- passphrases: never on the command line (other users see it), never written anywhere --

ENV_PASSPHRASE = "KAMDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "KAMDESK_NEW_PASSPHRASE"


def _read_passphrase_file(file: Path) -> str:
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.KamdeskError(f"Cannot read the passphrase file {file}: {exc}.") from exc
    return text.splitlines()[0] if text.splitlines() else ""


def _given_passphrase(file: Path | None, env: str) -> str | None:
    if file is not None:
        return _read_passphrase_file(file)
    return os.environ.get(env) or None


def _passphrase_provider(args: argparse.Namespace, *, interactive: bool) -> Any:
    """Where an encrypted database's passphrase comes from: --passphrase-file, else
    $KAMDESK_PASSPHRASE, else a prompt when on a terminal (not for the desktop app)."""
    asked: dict[Path, str | None] = {}

    def provide(path: Path) -> str | None:
        if path not in asked:
            given = _given_passphrase(args.passphrase_file, ENV_PASSPHRASE)
            if given is None and interactive and sys.stdin.isatty():
                import getpass

                given = getpass.getpass(f"Passphrase for {path}: ")
            asked[path] = given
        return asked[path]

    return provide


def _new_passphrase(file: Path | None, env: str, what: str) -> str:
    """A new passphrase: from the file or the environment, or typed twice on a terminal."""
    given = _given_passphrase(file, env)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise errors.PassphraseNeeded(
            f"{what} needs the new passphrase: set ${env} or give a file "
            "(there is no terminal to ask on)."
        )
    import getpass

    first = getpass.getpass("New passphrase: ")
    if getpass.getpass("The same again: ") != first:
        raise errors.InvalidInput("passphrase", [errors.Problem("", "the two entries differ")])
    return first


def _encryption_command(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import crypto, encryption

    if args.command == "encrypt":
        if crypto.is_encrypted(path):  # before asking for a new passphrase
            return _fail(f"{path} is already encrypted; use change-passphrase", EXIT_ENVIRONMENT)
        result = encryption.encrypt(
            path, _new_passphrase(args.passphrase_file, ENV_PASSPHRASE, "encrypt")
        )
    else:
        current = ""  # a plain file: decrypt and change-passphrase say it is not encrypted
        if crypto.is_encrypted(path):
            current = crypto.provided_passphrase(path) or ""
            # checked before anything else is asked or done
            encryption.check_passphrase(path, current)
        if args.command == "decrypt":
            result = encryption.decrypt(path, current)
        else:
            new = _new_passphrase(args.new_passphrase_file, ENV_NEW_PASSPHRASE, "change-passphrase")
            result = encryption.change_passphrase(path, current, new)
    state = "encrypted" if result.encrypted else "decrypted"
    print(
        f"{path} {state}: {result.tables} tables, {result.rows} rows checked "
        f"({result.seconds:.1f} s)."
    )
    if result.encrypted:
        print("The passphrase is stored nowhere: without it the dossier cannot be opened.")
    if result.older_copies:
        print("These older backups are still protected the old way (delete them if needed):")
        for copy in result.older_copies:
            print(f"  {copy}")
    return EXIT_OK


def _db_path(args: argparse.Namespace) -> Path:
    from kamdesk.core.db import default_db_path

    return args.db if args.db is not None else default_db_path()


def _run(args: argparse.Namespace) -> int:
    if args.command is None:
        from kamdesk.gui.app import run_app

        return run_app(_db_path(args), load_demo=args.demo, startup_check=args.startup_check)
    if args.startup_check:
        return _fail("--startup-check opens the app: give it no command", EXIT_INVALID)

    path = _db_path(args)
    from kamdesk.core import backup, files

    # for the whole command, not only while the database is open: most commands close it
    # before they write their output (kamdesk.core.files)
    files.protect(path, backup.backup_dir(path))
    try:
        return _run_command(path, args)
    finally:
        files.unprotect(path)


def _run_command(path: Path, args: argparse.Namespace) -> int:
    if args.command in ("encrypt", "decrypt", "change-passphrase"):
        return _encryption_command(path, args)
    if args.command == "demo":
        from kamdesk.core import demo

        with Database.open(path) as db:
            summary = demo.load_demo(db)
        print(f"Demo portfolio loaded into {path}: {summary}")
        return EXIT_OK

    if args.command == "import-json":
        from kamdesk.core import exchange

        with Database.open(path) as db:
            summary = exchange.import_file(db, args.file)
        print(f"Imported {args.file}: {summary}")
        return EXIT_OK

    if args.command == "export-json":
        from kamdesk.core import exchange

        with Database.open(path, readonly=True) as db:
            count = exchange.export_file(db, args.file, args.clients)
        print(f"Exported {count} clients to {args.file}")
        return EXIT_OK

    if args.command == "meetings":
        from kamdesk.core import queries, readiness, settings
        from kamdesk.core.context import load_meeting_context

        prefs = settings.load()
        with Database.open(path, readonly=True) as db, db.session() as session:
            rows = queries.upcoming_meetings(session, include_past=args.all)
            reports = [
                readiness.evaluate(load_meeting_context(session, r.key), prefs) for r in rows
            ]
        if not rows:
            print("No upcoming meetings.")
        for row, report in zip(rows, reports, strict=True):
            start = (
                row.starts_at.strftime("%Y-%m-%d %H:%M %z") if row.starts_at else "(no time)      "
            )
            state = "ready    " if report.ready else f"{len(report.blockers()):>2} to fix"
            print(
                f"{start}  {state} {report.score:>3}  {row.key:<28} {row.client_name} — {row.title}"
            )
        return EXIT_OK

    if args.command == "readiness":
        return _readiness(path, args)
    if args.command == "brief":
        return _brief(path, args)
    if args.command == "confirm":
        return _confirm(path, args)
    if args.command == "notes":
        from kamdesk.core import notes_export, settings
        from kamdesk.core.files import write_bytes_atomically

        prefs = settings.load()
        with Database.open(path, readonly=True) as db, db.session() as session:
            data = notes_export.load_notes(session, args.meeting)
        content = notes_export.export(data, args.format, prefs.locale, sender=prefs.kam_name)
        write_bytes_atomically(args.output, content)
        print(f"Notes of {args.meeting} written to {args.output}")
        return EXIT_OK
    if args.command == "ics":
        from kamdesk.core import calendar, settings
        from kamdesk.core.context import load_meeting_context
        from kamdesk.core.files import write_bytes_atomically

        with Database.open(path, readonly=True) as db, db.session() as session:
            ctx = load_meeting_context(session, args.meeting)
        write_bytes_atomically(
            args.output, calendar.meeting_calendar(ctx, settings.load().default_buffer_min)
        )
        print(f"Calendar for {args.meeting} written to {args.output}")
        return EXIT_OK

    if args.command in ("import-vcard", "import-csv"):
        return _import_people(path, args)
    if args.command == "export-csv":
        from kamdesk.core.interchange.csv_export import export_people_csv
        from kamdesk.core.interchange.people.importer import client_id_for_key

        with Database.open(path, readonly=True) as db:
            client_id = client_id_for_key(db, args.client) if args.client else None
            count = export_people_csv(db, args.file, client_id)
        print(f"Exported {count} {'person' if count == 1 else 'people'} to {args.file}")
        return EXIT_OK

    if args.command == "dossier":
        return _dossier(path, args)
    if args.command == "import-ics":
        return _import_calendar(path, args)
    if args.command == "follow-ups":
        return _follow_ups(path, args)
    if args.command == "portfolio":
        return _portfolio(path, args)
    if args.command == "person-export":
        return _person_export(path, args)
    if args.command == "person-erase":
        return _person_erase(path, args)

    if args.command in ("backup", "backups", "restore"):
        return _backup_command(path, args)

    raise AssertionError(args.command)  # pragma: no cover


def _import_people(path: Path, args: argparse.Namespace) -> int:
    """Read the file, show the preview, and write it unless --dry-run. Bad rows stop the
    import (exit 2, nothing written) unless --skip-bad is given."""
    from kamdesk.core.interchange.people.csvfile import parse_map
    from kamdesk.core.interchange.people.files import read_contacts
    from kamdesk.core.interchange.people.importer import (
        apply_import,
        client_id_for_key,
        plan_import,
    )
    from kamdesk.core.interchange.people.presets import PRESETS

    kind = "vcard" if args.command == "import-vcard" else "csv"
    mapping: Any = getattr(args, "mapping", None)
    if getattr(args, "map", None):
        if mapping is not None:
            return _fail("give either --mapping (a preset) or --map (your own), not both", 2)
        mapping = parse_map(args.map)
    found = read_contacts(args.file, kind, mapping, args.encoding)
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
                    f"--mapping ({', '.join(PRESETS)}) or give your own with "
                    "--map 'COLUMN=first_name,COLUMN=last_name,…'",
                )
            ],
        )
    with Database.open(path, readonly=args.dry_run) as db:
        client_id = client_id_for_key(db, args.client)
        plan = plan_import(db, client_id, found.candidates)
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
        summary = apply_import(db, client_id, plan)
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


def _evaluate(db: Database, key: str) -> tuple[Any, Any, Any]:
    from kamdesk.core import readiness, settings
    from kamdesk.core.context import load_meeting_context

    prefs = settings.load()
    with db.session() as session:
        ctx = load_meeting_context(session, key)
    return ctx, readiness.evaluate(ctx, prefs), prefs


def _readiness(path: Path, args: argparse.Namespace) -> int:
    import json

    from kamdesk.core.readiness import MISTAKES, Level

    with Database.open(path, readonly=True) as db:
        _ctx, report, _prefs = _evaluate(db, args.meeting)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        status = "READY" if report.ready else "NOT READY"
        print(f"{report.meeting_key}: {status} (score {report.score}/100)")
        for line in report.score_lines():
            print(f"  {line}")
        if report.leave_by:
            print(
                f"Leave by {report.leave_by.strftime('%H:%M')} (UTC{report.leave_by.strftime('%z')})"
            )
        marks = {Level.BLOCK: "BLOCK", Level.WARN: "warn ", Level.OK: "ok   "}
        for number, checks in report.by_mistake().items():
            print(f"{number} {MISTAKES[number]}")
            for check in checks:
                print(f"  {marks[check.level]} {check.message}")
    return EXIT_OK if report.ready else EXIT_NOT_READY


def _brief(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import brief
    from kamdesk.core import models as m
    from kamdesk.core.files import write_atomically, write_bytes_atomically

    reason = args.override_reason.strip() if args.override_reason is not None else None
    if args.override_reason is not None and not reason:
        return _fail("--override-reason needs a reason", EXIT_INVALID)
    with Database.open(path, readonly=reason is None) as db:
        ctx, report, prefs = _evaluate(db, args.meeting)
        if not report.ready:
            reason = reason or ctx.meeting.override_reason
            if not reason:
                print(
                    f"kamdesk: {args.meeting} is not ready; no brief was written. "
                    "Fix these, or give --override-reason:",
                    file=sys.stderr,
                )
                for check in report.blockers():
                    print(f"  [{check.mistake}] {check.message}", file=sys.stderr)
                return EXIT_NOT_READY
            if args.override_reason is not None:
                with db.transaction() as session:
                    meeting = session.get(m.Meeting, ctx.meeting.id)
                    assert meeting is not None
                    meeting.override_reason = reason
                    session.add(meeting)
                ctx.meeting.override_reason = reason
        elif args.override_reason is not None:
            print(
                "kamdesk: the meeting is ready; the override reason was not needed or stored.",
                file=sys.stderr,
            )
    html = brief.build_html(
        ctx, report, prefs, brief.BriefOptions(override_reason=reason, full=args.full)
    )
    if args.html:
        write_atomically(args.html, html)
    write_bytes_atomically(args.output, brief.build_pdf(html))
    state = "ready" if report.ready else "NOT READY, overridden"
    print(f"Brief for {args.meeting} ({state}) written to {args.output}")
    return EXIT_OK


def _confirm(path: Path, args: argparse.Namespace) -> int:
    """The KAM vouches for ticks in this dossier: each then counts for the meeting as it is now
    (what an import brought stops being 'imported, not reviewed here')."""
    from kamdesk.core import confirmations, editing
    from kamdesk.core.context import load_meeting_context

    unknown = [t for t in args.ticks if t not in confirmations.NAMES]
    if unknown:
        return _fail(
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


def _dossier(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import dossier, settings
    from kamdesk.core.files import write_atomically, write_bytes_atomically

    prefs = settings.load()
    with Database.open(path, readonly=True) as db, db.session() as session:
        html = dossier.build_html(session, args.client, prefs)
    if args.html:
        write_atomically(args.html, html)
    write_bytes_atomically(args.output, dossier.build_pdf(html))
    print(f"Dossier of {args.client} written to {args.output}")
    return EXIT_OK


def _import_calendar(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.interchange.ics.apply import apply_calendar_import
    from kamdesk.core.interchange.ics.planning import describe, plan_calendar_import
    from kamdesk.core.interchange.ics.reader import read_calendar
    from kamdesk.core.interchange.people.importer import client_id_for_key

    found = read_calendar(args.file)
    with Database.open(path, readonly=args.dry_run) as db:
        client_id = client_id_for_key(db, args.client)
        plan = plan_calendar_import(db, client_id, found)
        print("\n".join(describe(plan)))
        if args.dry_run:
            print("Dry run: nothing was written.")
            return EXIT_OK
        print(apply_calendar_import(db, client_id, plan))
    return EXIT_OK


def _follow_ups(path: Path, args: argparse.Namespace) -> int:
    import datetime as dt

    from kamdesk.core import queries

    today = dt.date.today()
    with Database.open(path, readonly=True) as db, db.session() as session:
        rows = queries.follow_ups(session, include_done=args.all)
    if args.csv is not None:
        from kamdesk.core.files import write_atomically
        from kamdesk.core.interchange.csv_export import follow_ups_csv

        write_atomically(args.csv, follow_ups_csv(rows, today))
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


def _portfolio(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import portfolio, portfolio_report, settings

    prefs = settings.load()
    with Database.open(path, readonly=True) as db, db.session() as session:
        if args.output is not None:
            from kamdesk.core.files import write_bytes_atomically

            html = portfolio_report.build_html(session, prefs)
            write_bytes_atomically(args.output, portfolio_report.build_pdf(html))
            print(f"Portfolio report written to {args.output}")
            return EXIT_OK
        figures = portfolio.compute(session, rates=prefs.exchange_rates)
    conc = figures.concentration

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    print(f"{'client':<32} {'share':>7} {'dependency':<16} {'plan':>7} {'growth':>7} next meeting")
    for c in sorted(figures.clients, key=lambda c: -(c.income_share or -1)):
        plan = c.attainment_year.value if c.attainment_year else None
        growth = c.growth_year.value if c.growth_year else None
        print(
            f"{c.key:<32} {pct(c.income_share):>7} {(c.dependency or '—'):<16} "
            f"{pct(plan):>7} {pct(growth):>7} {c.next_meeting_key or '—'}"
        )
    if conc.hhi is not None:
        print(
            f"Top client {pct(conc.top1_share)}, top three {pct(conc.top3_share)}, "
            f"Herfindahl {conc.hhi:,.0f}"
        )
    for warning in conc.warnings:
        print(f"! {warning}")
    return EXIT_OK


def _person_export(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import privacy, settings

    with Database.open(path, readonly=True) as db:
        privacy.export_file(db, args.client, args.person, args.output, settings.load())
    print(f"Everything kept about {args.person} written to {args.output}")
    return EXIT_OK


def _person_erase(path: Path, args: argparse.Namespace) -> int:
    """Show what goes, confirm (unless --yes), erase, then list what still names the person
    and the backups that still hold them."""
    from kamdesk.core import models as m
    from kamdesk.core import privacy
    from kamdesk.core.editing import FieldError

    if not args.reason.strip():
        return _fail("--reason needs a reason", EXIT_INVALID)
    with Database.open(path) as db:
        with db.session() as session:
            person_id = privacy.person_id(session, args.client, args.person)
            plan = privacy.preview(session, person_id)
            try:
                privacy.check_reason(args.reason, session.get_one(m.Stakeholder, person_id))
            except FieldError as exc:
                return _fail(f"--reason: {exc.message}", EXIT_INVALID)
        print(f"Erasing {args.person} of {args.client} removes for good (this cannot be undone):")
        for name, count in plan.counts.items():
            print(f"  {count:>4} {name.replace('_', ' ')}")
        if not args.yes:
            if not sys.stdin.isatty():
                return _fail("give --yes to erase without a terminal to confirm", EXIT_INVALID)
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


def _backup_command(path: Path, args: argparse.Namespace) -> int:
    """``backup [-o FILE]``, ``backups`` and ``restore FILE`` (kamdesk.core.backup). A backup
    FILE that is damaged or not a kamdesk database is invalid input (exit 2); a database in
    use, a newer backup or a full disk are environment problems (exit 1)."""
    from kamdesk.core import backup

    if args.command == "backups":
        found = backup.list_backups(path)
        folder = backup.backup_dir(path)
        if not found:
            print(f"No backups of {path} yet; they are kept in {folder}.")
            return EXIT_OK
        print(f"Backups of {path}, newest first:")
        for info in found:
            print(
                f"  {info.taken_at:%Y-%m-%d %H:%M:%S}  {info.reason:<9} "
                f"{_size(info.size):>9}  {info.path}"
            )
        return EXIT_OK
    if args.command == "backup":
        with Database.open(path, readonly=True) as db:
            written = backup.backup_now(db, "manual", args.output)
        print(f"Backup of {path} written to {written} ({_size(written.stat().st_size)}).")
        return EXIT_OK
    if not args.file.is_file():
        return _fail(f"{args.file}: no such file; nothing was changed", EXIT_INVALID)
    with _backup_key(args.file):
        try:
            backup.check_file(args.file)
        except errors.DatabaseTooNew:
            raise
        except errors.NotADossierDatabase as exc:  # damaged too
            return _fail(f"{exc} Nothing was changed.", EXIT_INVALID)
        result = backup.restore(path, args.file)
    print(f"Restored {path} from {args.file}.")
    if result.replaced is not None:
        print(f"The previous file was kept as {result.replaced}.")
    return EXIT_OK


def _backup_key(file: Path) -> Any:
    """While restoring an encrypted backup, its key (from the passphrase) is known."""
    import contextlib

    from kamdesk.core import crypto

    @contextlib.contextmanager
    def known() -> Any:
        key = None
        if crypto.is_encrypted(file):
            key = crypto.key_for_file(file, crypto.provided_passphrase(file))
            crypto.remember(key)
        try:
            yield
        finally:
            if key is not None:
                crypto.forget(key)

    return known()


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 10 * 1024 * 1024 else f"{size / 2**20:,.1f} MB"
