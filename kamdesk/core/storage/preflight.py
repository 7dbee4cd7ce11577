"""Checking a dossier file before it is opened, writing nothing: whether it can be changed
here, whether it is SQLite, ours and of a schema we know (:func:`inspect`), then whether it is
sound (:func:`checked`: ``PRAGMA quick_check`` and the schema's columns). Step 1 of
:mod:`kamdesk.core.storage.db`'s opening; a damaged file is refused naming its newest good
backup (:mod:`kamdesk.core.storage.backupfiles`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kamdesk.core import errors
from kamdesk.core.model.models import metadata
from kamdesk.core.storage import backupfiles, crypto
from kamdesk.core.storage.primitives import connect_raw, head_revision, known_revisions


def read_only_reason(path: Path) -> str | None:
    """Why the dossier at ``path`` cannot be changed here, in words for the user; ``None``
    when it can. A read-only disk (a CD, a locked share, a write-protected backup disk), a
    folder or a file without write permission, an immutable file."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"it is on a read-only disk ({folder})"
    except OSError:
        return None  # a missing folder: the writer's open creates it or says why
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} cannot be written"
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path.name} cannot be written"
    return None


def immutable(path: Path) -> bool:
    """Open read-only media immutable: no ``-shm`` could be created there (a WAL-mode file
    then fails to open at all), and nothing can change the file under us. Not when a
    ``-wal`` is beside it: immutable would not see the changes it holds."""
    return read_only_reason(path) is not None and not path.with_name(path.name + "-wal").exists()


def inspect(path: Path) -> str | None:
    """Inspect an existing file without writing to it. Returns its schema revision (None for
    an empty database) or raises a user-facing error."""
    kind = crypto.file_kind(path)
    if kind in ("missing", "empty"):
        return None
    if kind == "other":
        raise errors.NotADossierDatabase(
            f"{path} is not a kamdesk database (it is not an SQLite file). "
            "Nothing was changed; choose another file with --db."
        )
    # An encrypted file needs its key known (Database.open derives it from the passphrase);
    # a wrong key fails on the first read, as WrongPassphrase.
    key = crypto.known_key(path)
    # With no WAL file beside it, nothing is half-written and no one has it open in WAL mode:
    # open it immutable so not even the -shm/-wal companions are created. Otherwise read it
    # normally (read-only) so committed changes still in the WAL are seen.
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and not path.with_name(path.name + "-shm").exists() and read_only_reason(path):
        # SQLite cannot read a WAL on read-only media without its -shm; immutable would
        # skip the committed changes the WAL holds
        raise errors.DatabaseReadOnly(
            f"{path} has changes not yet merged into it ({wal.name}) and they cannot be read "
            f"where they are: copy {path.name} and {wal.name} together to a writable folder "
            "and open the copy."
        )
    try:
        conn = connect_raw(path, key, readonly=True, immutable=not wal.exists())
    except crypto.database_errors() as exc:
        raise errors.EnvironmentProblem(f"Cannot open {path}: {exc}.") from exc
    try:
        if key is not None:
            crypto.check_key(conn, path)
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise errors.NotADossierDatabase(
                f"{path} is an SQLite database but not a kamdesk one. Nothing was changed."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except crypto.database_errors() as exc:
        problem = errors.translate_db_error(exc, str(path))
        raise (problem or errors.NotADossierDatabase(f"{path} is damaged: {exc}.")) from exc
    finally:
        conn.close()
    revision = row[0] if row else None
    if revision is not None and revision not in known_revisions():
        raise errors.DatabaseTooNew(
            f"{path} was written by a newer version of kamdesk (schema {revision}); this "
            f"version knows schemas up to {head_revision()}. The file was not touched: "
            "update kamdesk to open it."
        )
    return revision


def missing_columns(conn: sqlite3.Connection) -> str | None:
    """The first table or column of the models missing from the file (a damaged schema text
    can rename one and still parse). Extra columns are no concern here."""
    for table in metadata.sorted_tables:
        found = {row[1] for row in conn.execute(f'PRAGMA table_info("{table.name}")')}
        for column in table.columns:
            if column.name not in found:
                return f"{table.name}.{column.name}"
    return None


def checked(path: Path, *, readonly: bool, thorough: Callable[[Path], bool]) -> str | None:
    """The preflight (:func:`inspect`), then ``PRAGMA quick_check`` (every page when
    ``thorough(path)`` says so, else the schema only) (3 ms for the demo, 0.7 s for 430 MB). A file
    that fails them while backups of it exist, or that fails the quick check, is refused as
    damaged, naming the newest good backup; so is a missing or empty file whose backups
    exist (never a silent new empty dossier in its place). Nothing is written.

    For a writer the check runs on a read-write connection (``query_only``): only there does
    SQLite parse the schema strictly and verify every CHECK constraint (a damaged enum value),
    at about 1.5x the cost (1.1 s for 430 MB). Not when a ``-wal`` is left over from a crash:
    closing that connection would checkpoint the WAL into a file perhaps found damaged; the
    read-only check (and the working engine's own errors) serve then. Nor when the file cannot
    be opened for writing: the lock step says why."""
    try:
        revision = inspect(path)
    except errors.NotADossierDatabase as exc:
        if isinstance(exc, errors.DatabaseDamaged) or backupfiles.list_backups(path):
            raise backupfiles.damaged_error(
                path, f"{path} can no longer be read as a kamdesk database."
            ) from exc
        raise
    except UnicodeDecodeError as exc:  # sqlite3 could not even decode its error message
        raise backupfiles.damaged_error(
            path, f"{path} is damaged (its schema is unreadable)."
        ) from exc
    if revision is None:
        if backupfiles.list_backups(path):
            state = "is empty" if path.exists() else "is missing"
            raise backupfiles.damaged_error(path, f"{path} {state}, but backups of it exist.")
        return None
    strict = not readonly and not path.with_name(path.name + "-wal").exists()
    every_page = thorough(path)

    def quick_check(mode: backupfiles.Mode) -> list[Any]:
        conn = backupfiles.connect(path, mode)
        try:
            found = (
                conn.execute("PRAGMA quick_check").fetchmany(3)
                if every_page
                else conn.execute("SELECT 'ok' FROM sqlite_schema LIMIT 1").fetchall()
            )
            if found == [("ok",)] and revision == head_revision():
                missing = missing_columns(conn)
                if missing:
                    found = [(f"the schema lacks {missing}",)]
            return found
        finally:
            conn.close()

    try:
        try:
            found = quick_check("probe" if strict else "check")
        except crypto.database_errors() as exc:
            problem = errors.translate_db_error(exc, str(path))
            if not strict or problem is None or isinstance(problem, errors.NotADossierDatabase):
                raise
            found = quick_check("check")  # not writable here: the lock step says why
    except crypto.database_errors() as exc:
        problem = errors.translate_db_error(exc, str(path))
        if problem is not None and not isinstance(problem, errors.NotADossierDatabase):
            raise problem from exc
        raise backupfiles.damaged_error(path, f"{path} is damaged ({exc}).") from exc
    except UnicodeDecodeError as exc:
        raise backupfiles.damaged_error(
            path, f"{path} is damaged (its schema is unreadable)."
        ) from exc
    if found != [("ok",)]:
        detail = str(found[0][0]).replace("*** in database main ***", "") if found else "-"
        detail = "; ".join(line.strip() for line in detail.splitlines() if line.strip())
        detail = detail if len(detail) <= 160 else detail[:157] + "..."
        raise backupfiles.damaged_error(path, f"{path} is damaged (SQLite's check: {detail}).")
    return revision
