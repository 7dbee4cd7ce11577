"""Backup files: the one way to open a database file here (:func:`connect`), where a
dossier's backups are and which there are (names only), and checking one file in full. Below
:mod:`kamdesk.core.storage.backup` (taking, rotating and restoring them), which names all of
this again, and the opening of a dossier, which reports damage naming the newest good backup.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kamdesk.core import errors
from kamdesk.core import settings as settings_mod
from kamdesk.core.storage import crypto
from kamdesk.core.storage.primitives import connect_raw, head_revision, known_revisions

REASONS = ("daily", "migration", "import", "manual")
FOLDER_NAME = "backups"

Mode = Literal["read", "check", "probe", "write"]


def connect(path: Path, mode: Mode, key: crypto.Key | None = None) -> sqlite3.Connection:
    """Open a database file: the only way this module (and the quick check on open) does.

    - ``read``: a live dossier, read-only but taking SQLite's locks, so a writer in another
      process is no danger (the source of a backup);
    - ``check``: a file no one is expected to be writing (a backup, a file being checked):
      opened ``immutable`` when no ``-wal`` file is beside it, so nothing at all is created
      or changed next to it;
    - ``probe``: the dossier about to be opened for writing, on a read-write connection made
      ``query_only`` (SQLite checks a schema strictly only on such a connection);
    - ``write``: a new copy being made.

    SQLCipher: :func:`kamdesk.core.storage.primitives.connect_raw` sets the key of an encrypted file (the
    open dossier's, found by the file's salt: its backups share it). A new copy
    (``write``) is encrypted with ``key`` (the source's: ``crypto.known_key(source)``), so
    backups of an encrypted database stay encrypted, and the checks can read them.
    Encrypted files raise ``sqlcipher3`` errors: catch ``crypto.database_errors()``.
    """
    if mode == "write":
        return connect_raw(path, key)
    if mode == "probe":
        conn = connect_raw(path, key)
        try:
            conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        return conn
    immutable = mode == "check" and not path.with_name(path.name + "-wal").exists()
    return connect_raw(path, key, readonly=True, immutable=immutable)


# --- where backups are, and which there are ---------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # local time, from the file name
    reason: str
    size: int  # bytes


def prefs_or_saved(prefs: settings_mod.Settings | None) -> settings_mod.Settings:
    """The given settings, else the saved ones; a broken settings file must not stop backups
    (it is reported where settings are used), so the defaults stand in for it."""
    if prefs is not None:
        return prefs
    try:
        return settings_mod.current()
    except errors.KamdeskError:
        return settings_mod.Settings()


def backup_dir(db_path: Path, prefs: settings_mod.Settings | None = None) -> Path:
    folder_setting = prefs_or_saved(prefs).backup_folder
    folder = Path(folder_setting).expanduser() if folder_setting else Path(FOLDER_NAME)
    return folder if folder.is_absolute() else Path(db_path).resolve().parent / folder


def _name_pattern(stem: str) -> re.Pattern[str]:
    reasons = "|".join(REASONS)
    return re.compile(rf"{re.escape(stem)}-(\d{{8}}-\d{{6}})-({reasons})(?:-(\d+))?\.db")


def list_backups(
    db_path: Path | str, prefs: settings_mod.Settings | None = None
) -> list[BackupInfo]:
    """The backups of ``db_path`` in its backup folder, newest first. Only the file names are
    read (cheap); :func:`check_file` tells whether one is sound."""
    db_path = Path(db_path).expanduser().resolve()
    folder = backup_dir(db_path, prefs)
    pattern = _name_pattern(db_path.stem)
    found: list[tuple[dt.datetime, int, int, BackupInfo]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder yet (or unreadable: taking a backup will say so)
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if not match or not entry.is_file():
            continue
        try:
            taken_at = dt.datetime.strptime(match[1], "%Y%m%d-%H%M%S")
            stat = entry.stat()
            size = stat.st_size
        except (ValueError, OSError):
            continue
        info = BackupInfo(Path(entry.path), taken_at, match[2], size)
        # within one second: the -N suffix, then the time of writing
        found.append((taken_at, int(match[3] or 1), stat.st_mtime_ns, info))
    found.sort(key=lambda item: item[:3], reverse=True)
    return [item[3] for item in found]


# --- checking a file --------------------------------------------------------------------------


def sqlite_problem(exc: Exception, path: Path, what: str) -> errors.KamdeskError:
    """A failure of SQLite on ``path``: an environment problem (locked, read-only, disk
    full) stays one; anything else means the file is damaged."""
    problem = errors.translate_db_error(exc, str(path))
    if problem is not None and not isinstance(problem, errors.NotADossierDatabase):
        return problem
    return errors.DatabaseDamaged(f"{what} is damaged or is not a database ({exc}).")


def check_file(path: Path | str) -> str:
    """Is ``path`` a sound kamdesk database that this version can open? Returns its schema
    revision. Checks: an SQLite file, ``PRAGMA integrity_check``, ``PRAGMA
    foreign_key_check``, a kamdesk schema, a revision this version knows (older ones are
    fine: they are upgraded when opened). Reads only; raises ``DatabaseDamaged``,
    ``NotADossierDatabase`` or ``DatabaseTooNew`` with a message naming the file."""
    path = Path(path).expanduser().resolve()
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except FileNotFoundError:
        raise errors.EnvironmentProblem(f"There is no file {path}.") from None
    except OSError as exc:
        raise errors.EnvironmentProblem(f"Cannot read {path}: {exc.strerror}.") from exc
    if not header:
        raise errors.DatabaseDamaged(f"{path} is empty: it holds no dossier.")
    if header != b"SQLite format 3\x00" and crypto.file_kind(path) != "encrypted":
        raise errors.NotADossierDatabase(f"{path} is not a kamdesk database (not an SQLite file).")
    try:
        conn = connect(path, "check")
        try:
            problems = conn.execute("PRAGMA integrity_check").fetchmany(3)
            if problems != [("ok",)]:
                raise errors.DatabaseDamaged(
                    f"{path} is damaged (SQLite's integrity check: {problems[0][0]})."
                )
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise errors.DatabaseDamaged(f"{path} is damaged: it has broken references.")
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                raise errors.NotADossierDatabase(
                    f"{path} is not a kamdesk database (an SQLite file without its schema)."
                )
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except crypto.database_errors() as exc:
        raise sqlite_problem(exc, path, str(path)) from exc
    if row is None or not isinstance(row[0], str):
        raise errors.DatabaseDamaged(f"{path} is damaged: it names no schema revision.")
    if row[0] not in known_revisions():
        raise errors.DatabaseTooNew(
            f"{path} was written by a newer version of kamdesk (schema {row[0]}); this version "
            f"knows schemas up to {head_revision()}."
        )
    return str(row[0])


def newest_good_backup(
    db_path: Path | str, prefs: settings_mod.Settings | None = None
) -> BackupInfo | None:
    """The newest backup that passes :func:`check_file` (each is checked in full, newest
    first, until one passes: use on the error path, not on every open)."""
    for info in list_backups(db_path, prefs):
        try:
            check_file(info.path)
        except errors.KamdeskError:
            continue
        return info
    return None


def damaged_error(db_path: Path | str, problem: str) -> errors.DatabaseDamaged:
    """The error for a dossier that cannot be opened as it is: ``problem`` (a sentence) plus
    the newest good backup, or where none was found."""
    db_path = Path(db_path).expanduser().resolve()
    good = newest_good_backup(db_path)
    if good is None:
        hint = f"No good backup of it was found in {backup_dir(db_path)}."
    else:
        hint = (
            f"The newest good backup is {good.path} ({good.taken_at:%Y-%m-%d %H:%M}, "
            f"{good.reason}): restore it with 'kamdesk restore {good.path}' or from the app "
            "(the current file is kept aside)."
        )
    return errors.DatabaseDamaged(
        f"{problem} Nothing was changed. {hint}", good.path if good else None, detail=problem
    )
