"""Encrypting, decrypting and re-keying a dossier file, safely (``kamdesk encrypt``,
``decrypt``, ``change-passphrase``).

A conversion never changes the file in place:

1. the dossier is opened as a writer: its lock is held to the end, its schema brought to
   head, its passphrase checked; the WAL is checkpointed into the file;
2. a converted copy is written beside it (``NAME.converting``) with SQLCipher's
   ``sqlcipher_export`` (schema, rows, the search index), then fsynced;
3. the copy is verified with its new key: ``integrity_check``, ``foreign_key_check``, the
   same tables with the same row counts, the same schema revision;
4. the swap: the old file is kept aside (``NAME.converting-old``, a hard link or a copy),
   the copy replaces the file in one atomic rename, the folder is fsynced;
5. the file now at the path is verified again with the new key; only then is the old file
   deleted (it would still open with the old passphrase, or unencrypted).

Until step 4 the original is untouched and a failure removes the copy; a crash leaves either
the old or the new file at the path, both complete, and the next conversion clears the
leftovers. Backups taken earlier keep their old encryption (or none): see
:attr:`Converted.older_copies`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kamdesk.core import errors, files
from kamdesk.core.storage import backup, crypto
from kamdesk.core.storage.db import Database
from kamdesk.core.storage.primitives import (
    ASIDE_SUFFIX,
    BUSY_TIMEOUT_MS,
    TEMP_SUFFIX,
    connect_raw,
    remove_with_companions,
)


@dataclass(frozen=True)
class Converted:
    path: Path
    encrypted: bool  # the file's state now
    tables: int
    rows: int  # rows checked, every table together
    seconds: float
    # backups of the dossier that keep the previous protection: unencrypted after
    # ``encrypt``, openable with the old passphrase after ``change-passphrase``
    older_copies: list[Path] = field(default_factory=list)


def encrypt(path: Path | str, passphrase: str) -> Converted:
    """Encrypt a plain dossier with a passphrase."""
    path = _resolve(path)
    kind = _existing_kind(path)
    if kind == "encrypted":
        raise errors.EnvironmentProblem(
            f"{path} is already encrypted; use change-passphrase to choose another passphrase."
        )
    crypto.check_new_passphrase(passphrase)  # before any work
    return _convert(path, None, lambda: crypto.new_key(passphrase))


def decrypt(path: Path | str, passphrase: str) -> Converted:
    """Turn an encrypted dossier back into a plain SQLite file."""
    path = _resolve(path)
    if _existing_kind(path) != "encrypted":
        raise errors.EnvironmentProblem(f"{path} is not encrypted; nothing to do.")
    return _convert(path, passphrase, lambda: None)


def change_passphrase(path: Path | str, old: str, new: str) -> Converted:
    """Re-encrypt a dossier under a new passphrase (and a new salt)."""
    path = _resolve(path)
    if _existing_kind(path) != "encrypted":
        raise errors.EnvironmentProblem(
            f"{path} is not encrypted; use encrypt to give it a passphrase."
        )
    crypto.check_new_passphrase(new, old)  # before any work
    return _convert(path, old, lambda: crypto.new_key(new))


def check_passphrase(path: Path | str, passphrase: str) -> None:
    """Raise :class:`errors.PassphraseNeeded` or :class:`errors.WrongPassphrase` unless the
    passphrase opens the encrypted file at ``path`` (reads only)."""
    path = _resolve(path)
    if not passphrase:
        crypto.key_for_file(path, None)  # raises PassphraseNeeded, naming the ways to give it
    conn = connect_raw(path, crypto.key_for_file(path, passphrase), readonly=True)
    try:
        crypto.check_key(conn, path)
    finally:
        conn.close()


# --- the steps ---------------------------------------------------------------------------


def _resolve(path: Path | str) -> Path:
    return Path(path).expanduser().resolve()


def _existing_kind(path: Path) -> crypto.FileKind:
    kind = crypto.file_kind(path)
    if kind in ("missing", "empty"):
        raise errors.EnvironmentProblem(f"There is no dossier at {path} to convert.")
    if kind == "other":
        raise errors.NotADossierDatabase(f"{path} is not a kamdesk database. Nothing was changed.")
    return kind


def _failed(path: Path, exc: BaseException) -> errors.KamdeskError:
    """A failure before the swap: the original is untouched."""
    if isinstance(exc, errors.KamdeskError):
        return type(exc)(f"{exc} {path} was not changed.")
    problem = errors.translate_db_error(exc, str(path.with_name(path.name + TEMP_SUFFIX)))
    if isinstance(problem, errors.DiskFull):
        return errors.DiskFull(
            f"The disk is full: the converted copy of {path} could not be written. "
            f"{path} was not changed."
        )
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return errors.EnvironmentProblem(
        f"The converted copy of {path} could not be written ({detail}). {path} was not changed."
    )


def _counts(conn: sqlite3.Connection) -> tuple[dict[str, int], str | None]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
    ]
    counts = {
        name: conn.execute(
            f'SELECT count(*) FROM "{name.replace(chr(34), chr(34) * 2)}"'
        ).fetchone()[0]
        for name in names
    }
    revision = None
    if "alembic_version" in counts:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    return counts, revision


def _verify(
    path: Path, key: crypto.Key | None, expected: tuple[dict[str, int], str | None]
) -> None:
    conn = connect_raw(path, key, readonly=True)
    try:
        if key is not None:
            crypto.check_key(conn, path)
        found = conn.execute("PRAGMA integrity_check").fetchmany(3)
        if found != [("ok",)]:
            raise errors.DatabaseDamaged(
                f"the converted copy failed SQLite's check ({found[0][0]})."
            )
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise errors.DatabaseDamaged("the converted copy has broken references.")
        counts = _counts(conn)
    finally:
        conn.close()
    if counts != expected:
        differ = sorted(
            name
            for name in set(counts[0]) | set(expected[0])
            if counts[0].get(name) != expected[0].get(name)
        )
        raise errors.DatabaseDamaged(
            "the converted copy differs from the original "
            f"({', '.join(differ) or 'schema revision'})."
        )


def _export(
    source: Path, source_key: crypto.Key | None, target: Path, target_key: crypto.Key | None
) -> None:
    """Write ``target`` (a new file) with the whole content of ``source``."""
    conn = crypto.connect(
        target.as_uri(), target_key, timeout=BUSY_TIMEOUT_MS / 1000, name=str(target)
    )
    try:
        conn.isolation_level = None
        conn.execute(
            "ATTACH DATABASE ? AS source KEY ?",
            (source.as_uri() + "?mode=ro", source_key.sql()[1:-1] if source_key else ""),
        )
        if source_key is not None:
            crypto.check_key(conn, source)
        conn.execute("SELECT sqlcipher_export('main', 'source')").fetchall()
        # sqlcipher_export leaves out the header's user fields
        for pragma in ("user_version", "application_id"):
            value = int(conn.execute(f"PRAGMA source.{pragma}").fetchone()[0])
            conn.execute(f"PRAGMA main.{pragma} = {value}")
        conn.execute("DETACH DATABASE source")
    finally:
        conn.close()


def _set_aside(path: Path, aside: Path) -> None:
    """Keep the current file under a second name: a hard link (instant), else a copy."""
    try:
        os.link(path, aside)
    except OSError:
        shutil.copy2(path, aside)
        files.fsync_file(aside)


def _older_copies(path: Path, now_encrypted_with: crypto.Key | None) -> list[Path]:
    """Backups of the dossier not protected like it is now."""
    if now_encrypted_with is None:
        return []
    try:
        found = [info.path for info in backup.list_backups(path)]
    except errors.KamdeskError:
        return []
    older = []
    for copy in found:
        kind = crypto.file_kind(copy)
        if kind == "plain" or (
            kind == "encrypted" and crypto.file_salt(copy) != now_encrypted_with.salt
        ):
            older.append(copy)
    return older


def _convert(
    path: Path,
    passphrase: str | None,
    make_key: Callable[[], crypto.Key | None],
) -> Converted:
    start = time.perf_counter()
    temp = path.with_name(path.name + TEMP_SUFFIX)
    aside = path.with_name(path.name + ASIDE_SUFFIX)
    db = Database.open(path, passphrase=passphrase)  # the writer lock, held to the end
    try:
        source_key = db.key
        new_key = make_key()
        # Database.open has cleared what an interrupted conversion left
        with db.engine.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
        db.engine.dispose()
        wal = path.with_name(path.name + "-wal")
        if busy or (wal.exists() and wal.stat().st_size > 0):
            raise errors.DatabaseLocked(
                f"{path} is being read by another program; close it and try again. "
                "Nothing was changed."
            )
        conn_src = connect_raw(path, source_key, readonly=True)
        try:
            expected = _counts(conn_src)
        finally:
            conn_src.close()

        try:
            _export(path, source_key, temp, new_key)
            files.fsync_file(temp)
            _verify(temp, new_key, expected)
        except BaseException as exc:
            remove_with_companions(temp)
            if isinstance(exc, Exception):
                raise _failed(path, exc) from exc
            raise

        try:
            _set_aside(path, aside)
            os.replace(temp, path)
            files.fsync_dir(path.parent)
        except OSError as exc:
            remove_with_companions(temp)
            with contextlib.suppress(OSError):
                aside.unlink()
            raise _failed(path, exc) from exc
        try:
            _verify(path, new_key, expected)
        except BaseException:
            os.replace(aside, path)  # back to the original: it was never modified
            files.fsync_dir(path.parent)
            raise
        aside.unlink()
        files.fsync_dir(path.parent)
    finally:
        db.close()
    counts = expected[0]
    return Converted(
        path=path,
        encrypted=new_key is not None,
        tables=len(counts),
        rows=sum(counts.values()),
        seconds=time.perf_counter() - start,
        older_copies=_older_copies(path, new_key),
    )
