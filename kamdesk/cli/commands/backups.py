"""``backup [-o FILE]``, ``backups`` and ``restore FILE`` (kamdesk.core.storage.backup). A backup FILE
that is damaged or not a kamdesk database is invalid input (exit 2); a database in use, a newer
backup or a full disk are environment problems (exit 1)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_INVALID, EXIT_OK, fail

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "backup", help="back up the database now (to its backups folder, or to FILE with -o)"
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the backup here")
    p.set_defaults(run=run_backup)
    p = sub.add_parser("backups", help="list the database's backups, newest first")
    p.set_defaults(run=run_backups)
    p = sub.add_parser(
        "restore",
        help="replace the database with a backup (checked first; the current file is kept aside)",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")
    p.set_defaults(run=run_restore)


def run_backup(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.storage import backup
    from kamdesk.core.storage.db import Database

    with Database.open(path, readonly=True) as db:
        written = backup.backup_now(db, "manual", args.output)
    print(f"Backup of {path} written to {written} ({_size(written.stat().st_size)}).")
    return EXIT_OK


def run_backups(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.storage import backup

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


def run_restore(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import errors
    from kamdesk.core.storage import backup

    if not args.file.is_file():
        return fail(f"{args.file}: no such file; nothing was changed", EXIT_INVALID)
    with _backup_key(args.file):
        try:
            backup.check_file(args.file)
        except errors.DatabaseTooNew:
            raise
        except errors.NotADossierDatabase as exc:  # damaged too
            return fail(f"{exc} Nothing was changed.", EXIT_INVALID)
        result = backup.restore(path, args.file)
    print(f"Restored {path} from {args.file}.")
    if result.replaced is not None:
        print(f"The previous file was kept as {result.replaced}.")
    return EXIT_OK


@contextlib.contextmanager
def _backup_key(file: Path) -> Iterator[None]:
    """While restoring an encrypted backup, its key (from the passphrase) is known."""
    from kamdesk.core.storage import crypto

    key = None
    if crypto.is_encrypted(file):
        key = crypto.key_for_file(file, crypto.provided_passphrase(file))
        crypto.remember(key)
    try:
        yield
    finally:
        if key is not None:
            crypto.forget(key)


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 10 * 1024 * 1024 else f"{size / 2**20:,.1f} MB"
