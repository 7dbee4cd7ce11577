"""Backups of the dossier database: taken, verified, rotated, listed and restored. Qt-free.

A backup is a consistent snapshot made with SQLite's backup API into a temporary file beside
its destination, switched to a self-contained rollback journal, fsynced, checked
(``PRAGMA integrity_check``, ``PRAGMA foreign_key_check``, a known kamdesk schema) and only
then renamed into place. A copy that fails its check is never kept, so a damaged dossier
cannot rotate good backups away.

Backups live in ``backups/`` beside the database (or the ``backup_folder`` setting), named
``<stem>-YYYYMMDD-HHMMSS-<reason>.db`` in local time, e.g. ``kamdesk-20261122-091503-daily.db``.
The reasons:

- ``daily``: the first open for writing of each day (:func:`daily_if_due`, called by
  ``Database.open``; deciding costs a folder listing); skipped for an empty dossier;
- ``migration``: before a schema upgrade (``db._backup_copy``);
- ``import``: before every bulk import into a dossier that holds data (:func:`before_import`,
  called by the JSON, vCard/CSV and calendar importers in the core, so every caller is
  covered);
- ``manual``: ``kamdesk backup`` or "Back up now".

Rotation (after each backup into the folder): daily backups are kept like restic's
``--keep-daily N --keep-weekly M``: the newest backup of each of the last N days that have one,
plus the newest of each of the last M ISO weeks that have one (settings
``backup_keep_daily`` = 7, ``backup_keep_weekly`` = 4). Of each other reason the newest
:data:`KEEP_OTHER` (5) are kept. Files written with ``kamdesk backup -o FILE`` and files kept
aside by a restore are never rotated.

Every database file this module reads or writes is opened through :func:`connect`, the one
place where an encrypted dossier's key has to be set. It, the backup folder's listing and the
check of one file are in :mod:`kamdesk.core.storage.backupfiles` (named here again).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.core import errors, files
from kamdesk.core import settings as settings_mod
from kamdesk.core.model import models as m
from kamdesk.core.storage import crypto
from kamdesk.core.storage import primitives as storage
from kamdesk.core.storage.backupfiles import (
    FOLDER_NAME,
    REASONS,
    BackupInfo,
    Mode,
    backup_dir,
    check_file,
    connect,
    damaged_error,
    list_backups,
    newest_good_backup,
    prefs_or_saved,
    sqlite_problem,
)
from kamdesk.core.storage.primitives import writer_lock

if TYPE_CHECKING:
    from kamdesk.core.storage.db import Database

__all__ = [  # what is named here: taking, rotating, restoring, and (from backupfiles) finding
    "FOLDER_NAME",
    "KEEP_OTHER",
    "REASONS",
    "BackupInfo",
    "Mode",
    "RestoreResult",
    "backup_dir",
    "backup_now",
    "before_import",
    "check_file",
    "connect",
    "daily_if_due",
    "damaged_error",
    "list_backups",
    "newest_good_backup",
    "restore",
    "rotate",
    "take_backup",
]

KEEP_OTHER = 5
STALE_TEMP_SECONDS = 24 * 3600
BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class RestoreResult:
    path: Path  # the database, now holding the backup's content
    replaced: Path | None  # where the previous file was kept (None: there was none)
    revision: str  # the restored file's schema revision (older ones are upgraded on open)


# --- making copies ----------------------------------------------------------------------------


def _verified_copy(source: Path, folder: Path, source_mode: Mode, what: str) -> tuple[Path, str]:
    """A consistent copy of ``source`` in a temporary file in ``folder``: SQLite's backup API,
    rollback-journal mode (one self-contained file), fsynced, then checked with
    :func:`check_file`. Returns the temporary file (the caller renames it) and the revision.
    On any failure nothing is left behind."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{source.stem}-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _os_problem(exc, f"Cannot write in {folder}") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        src = connect(source, source_mode)
        try:
            dst = connect(tmp, "write", crypto.known_key(source))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE").fetchone()
            finally:
                dst.close()
        finally:
            src.close()
        files.fsync_file(tmp)
        try:
            revision = check_file(tmp)
        except errors.KamdeskError as exc:
            raise errors.DatabaseDamaged(
                f"The copy of {what} failed its check, so it was not kept: {exc}"
            ) from exc
        return tmp, revision
    except crypto.database_errors() as exc:
        storage.remove_with_companions(tmp, quietly=True)
        raise sqlite_problem(exc, source, what) from exc
    except OSError as exc:
        storage.remove_with_companions(tmp, quietly=True)
        raise _os_problem(exc, f"Cannot copy {what}") from exc
    except BaseException:
        storage.remove_with_companions(tmp, quietly=True)
        raise


def _os_problem(exc: OSError, doing: str) -> errors.EnvironmentProblem:
    if exc.errno == errno.ENOSPC:
        return errors.DiskFull(f"{doing}: the disk is full. Nothing was changed.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return errors.DatabaseReadOnly(f"{doing}: {exc.strerror}.")
    return errors.EnvironmentProblem(f"{doing}: {exc.strerror or exc}.")


def _same_file_as_database(target: Path, db_path: Path) -> bool:
    names = {db_path.name + s for s in ("", "-wal", "-shm", "-journal", ".lock")}
    return target.parent == db_path.parent and target.name in names


def take_backup(
    db_path: Path | str,
    reason: str,
    prefs: settings_mod.Settings | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """A verified backup of the dossier at ``db_path`` into its backup folder, then rotation.
    Works whether or not another kamdesk has the file open (the copy is a snapshot)."""
    if reason not in REASONS:
        raise ValueError(reason)
    prefs = prefs_or_saved(prefs)
    db_path = Path(db_path).expanduser().resolve()
    folder = backup_dir(db_path, prefs)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_problem(exc, f"Cannot create the backup folder {folder}") from exc
    tmp, _revision = _verified_copy(db_path, folder, "read", str(db_path))
    try:
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = folder / f"{db_path.stem}-{stamp}-{reason}.db"
        count = 1
        while target.exists():
            count += 1
            target = folder / f"{db_path.stem}-{stamp}-{reason}-{count}.db"
        os.replace(tmp, target)
        files.fsync_dir(folder)
    except OSError as exc:
        storage.remove_with_companions(tmp, quietly=True)
        raise _os_problem(exc, f"Cannot write the backup in {folder}") from exc
    rotate(db_path, prefs)
    return target


def backup_now(db: Database, reason: str = "manual", target: Path | str | None = None) -> Path:
    """A backup of an open dossier (read-only or not): into the backup folder, or to
    ``target`` (written atomically, never rotated; an older file there is replaced)."""
    if target is None:
        return take_backup(db.path, reason)
    # the output policy (core.files): never the dossier, a device or a folder; a symlink is
    # replaced by the backup, never followed to overwrite what it points at
    target = files.check_output(target)
    target = target.parent.resolve() / target.name
    if _same_file_as_database(target, Path(db.path).resolve()):
        raise errors.OutputRefused(
            f"{target} is the database itself (or one of its companion files); "
            "choose another name for the backup."
        )
    tmp, _revision = _verified_copy(db.path, target.parent, "read", str(db.path))
    try:
        os.replace(tmp, target)
        files.fsync_dir(target.parent)
    except OSError as exc:
        storage.remove_with_companions(tmp, quietly=True)
        raise _os_problem(exc, f"Cannot write {target}") from exc
    return target


def _is_empty(db: Database) -> bool:
    from sqlmodel import Session, select

    with Session(db.engine) as session:
        return all(
            session.exec(select(table.id).limit(1)).first() is None
            for table in (m.Client, m.Product, m.Company)
        )


def daily_if_due(
    db: Database, prefs: settings_mod.Settings | None = None, today: dt.date | None = None
) -> Path | None:
    """Take today's daily backup if none exists yet (writers only; not for an empty dossier;
    not when both daily and weekly keep counts are 0). A failure does not stop the open: it
    is left in ``db.backup_warning`` for the caller to show."""
    if db.readonly:
        return None
    prefs = prefs_or_saved(prefs)
    if prefs.backup_keep_daily == 0 and prefs.backup_keep_weekly == 0:
        return None
    today = today or dt.date.today()
    newest = next((b for b in list_backups(db.path, prefs) if b.reason == "daily"), None)
    if newest is not None and newest.taken_at.date() >= today:
        return None
    if _is_empty(db):
        return None
    try:
        return take_backup(db.path, "daily", prefs)
    except errors.KamdeskError as exc:
        db.backup_warning = f"Today's backup of {db.path} could not be taken: {exc}"
        return None


def before_import(db: Database) -> Path | None:
    """The backup taken before a bulk import, when the dossier holds data. Called by the
    importers in the core right before their write transaction; if it cannot be taken, the
    import is refused (nothing was written)."""
    if db.readonly or _is_empty(db):
        return None
    try:
        return take_backup(db.path, "import")
    except errors.KamdeskError as exc:
        raise errors.EnvironmentProblem(
            f"No backup could be taken before the import, so nothing was imported. {exc}"
        ) from exc


# --- rotation ---------------------------------------------------------------------------------


def _newest_per(
    backups: list[BackupInfo], key: Callable[[BackupInfo], object], count: int
) -> set[Path]:
    kept: set[Path] = set()
    seen: set[object] = set()
    for info in backups:  # newest first
        period = key(info)
        if period in seen:
            continue
        if len(seen) == count:
            break
        seen.add(period)
        kept.add(info.path)
    return kept


def rotate(db_path: Path | str, prefs: settings_mod.Settings | None = None) -> list[Path]:
    """Delete the backups of ``db_path`` that the keep rules no longer cover (see the module
    help), and temporary files of interrupted backups older than a day. Returns what went."""
    prefs = prefs_or_saved(prefs)
    db_path = Path(db_path).expanduser().resolve()
    backups = list_backups(db_path, prefs)
    daily = [b for b in backups if b.reason == "daily"]
    keep = _newest_per(daily, lambda b: b.taken_at.date(), prefs.backup_keep_daily)
    keep |= _newest_per(daily, lambda b: b.taken_at.isocalendar()[:2], prefs.backup_keep_weekly)
    for reason in REASONS[1:]:
        keep |= {b.path for b in [b for b in backups if b.reason == reason][:KEEP_OTHER]}
    removed: list[Path] = []
    for info in backups:
        if info.path not in keep:
            with contextlib.suppress(OSError):
                info.path.unlink()
                removed.append(info.path)
    folder = backup_dir(db_path, prefs)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if (
                entry.name.startswith(f".{db_path.stem}-")
                and ".tmp" in entry.name
                and time.time() - entry.stat().st_mtime > STALE_TEMP_SECONDS
            ):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    return removed


# --- restoring --------------------------------------------------------------------------------


def restore(
    db_path: Path | str, backup_file: Path | str, now: dt.datetime | None = None
) -> RestoreResult:
    """Put ``backup_file``'s content in place of the dossier at ``db_path``.

    The backup is checked first (:func:`check_file`: nothing changes if it fails). Then, with
    the writer lock held (refused while another kamdesk has the file open for writing; a
    kamdesk window must close its database first), a verified copy is made beside the
    database, the current file is kept aside as ``<name>.replaced-YYYYMMDD-HHMMSS`` (with its
    ``-wal``, so nothing it held is lost) and the copy is renamed into place. The backup file
    itself is left as it is. A backup with an older schema is upgraded on the next open.
    """
    db_path = Path(db_path).expanduser().resolve()
    backup_file = Path(backup_file).expanduser().resolve()
    if backup_file == db_path or _same_file_as_database(backup_file, db_path):
        raise errors.EnvironmentProblem(f"{backup_file} is the database itself.")
    _refuse_encryption_change(db_path, backup_file)
    check_file(backup_file)
    lock = writer_lock(  # the same lock as Database.open
        db_path,
        f"{db_path} is open for writing in a kamdesk window or process; close it there "
        "first. Nothing was changed.",
    )
    try:
        tmp, revision = _verified_copy(backup_file, db_path.parent, "check", str(backup_file))
        try:
            replaced = _set_aside(db_path, now or dt.datetime.now())
            os.replace(tmp, db_path)
            files.fsync_dir(db_path.parent)
        except OSError as exc:
            storage.remove_with_companions(tmp, quietly=True)
            raise _os_problem(exc, f"Cannot restore into {db_path}") from exc
    finally:
        lock.release()
    return RestoreResult(db_path, replaced, revision)


def _refuse_encryption_change(db_path: Path, backup_file: Path) -> None:
    """A restore never undoes or adds encryption without a word: a plain backup would leave an
    encrypted dossier readable by anyone with the file, an encrypted one would lock a plain
    dossier behind the backup's passphrase. Both are refused, saying how to do it on purpose."""
    current, restored = crypto.file_kind(db_path), crypto.file_kind(backup_file)
    if current == "encrypted" and restored == "plain":
        raise errors.RestoreRefused(
            f"{db_path} is encrypted and the backup {backup_file} is not: restoring it would "
            "leave the dossier unencrypted. Nothing was changed. To restore it on purpose, run "
            "`kamdesk decrypt`, then `restore`, then `kamdesk encrypt` again."
        )
    if current == "plain" and restored == "encrypted":
        raise errors.RestoreRefused(
            f"{backup_file} is encrypted and the dossier {db_path} is not: restoring it would "
            "lock the dossier behind the backup's passphrase. Nothing was changed. To restore "
            "it on purpose, run `kamdesk encrypt` with that passphrase first, then `restore`."
        )


def _set_aside(db_path: Path, now: dt.datetime) -> Path | None:
    """Keep the current file (and its -wal/-journal) under a ``.replaced-STAMP`` name. The
    main file is hard-linked (copied where links are not possible), so until the restored
    copy is renamed over it the database is never missing."""
    if not db_path.exists():
        return None
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.replaced-{stamp}")
    count = 1
    while aside.exists():
        count += 1
        aside = db_path.with_name(f"{db_path.name}.replaced-{stamp}-{count}")
    try:
        os.link(db_path, aside)
    except OSError:
        shutil.copy2(db_path, aside)
        files.fsync_file(aside)
    # SQLite finds a database's WAL by name: moved along, it belongs to the file kept aside
    # and can never be replayed onto the restored one.
    for suffix in ("-wal", "-journal"):
        companion = db_path.with_name(db_path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)
    files.fsync_dir(db_path.parent)
    return aside
