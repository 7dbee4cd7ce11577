"""Opening the dossier database: engine, PRAGMAs, the writer lock, schema checks, migrations.

SQLite-specific SQL lives here (and in the storage, search and backup modules), nowhere else;
the primitives it builds on (raw connections, the writer lock, the revisions) are in
:mod:`kamdesk.core.storage.primitives`.

Opening a file goes through these steps, each able to refuse with a clear message before
anything is written:

1. preflight on a read-only connection: is it SQLite, is it ours, is its schema known to us?
   A database from a newer kamdesk is refused and left byte-for-byte untouched. Then
   ``PRAGMA quick_check`` and the schema's columns: a damaged file is refused, naming its
   newest good backup (``_checked_preflight``, over :mod:`kamdesk.core.storage.preflight`);
2. the writer lock (a lock file beside the database): a second writer is refused;
3. migrations to head, if needed, after a backup of the file; they run with foreign keys
   off inside one transaction and end with ``PRAGMA foreign_key_check``;
4. the working engine: WAL, foreign keys on, a busy timeout, full sync; then today's backup
   if none was taken yet (:mod:`kamdesk.core.storage.backup`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock
import sqlalchemy.exc
from alembic import command
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from kamdesk.core import errors, files
from kamdesk.core.storage import backup, crypto, preflight, search
from kamdesk.core.storage import primitives as storage
from kamdesk.core.storage.preflight import immutable, read_only_reason
from kamdesk.core.storage.primitives import (
    BUSY_TIMEOUT_MS,
    alembic_config,
    connect_raw,
    head_revision,
    writer_lock,
)

ENV_DB = "KAMDESK_DB"


def default_db_path() -> Path:
    """Where the user's dossier lives: ``$KAMDESK_DB`` or the platform's user-data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kamdesk", appauthor=False)) / "kamdesk.db"


CACHE_KIB = 32 * 1024


def _install_pragmas(
    engine: Engine, *, foreign_keys: bool, readonly: bool, cache_kib: int = CACHE_KIB
) -> None:
    """Connection set-up, plus SQLAlchemy's recipe for real transactions on pysqlite
    (Python's sqlite3 would otherwise not BEGIN before DDL, making migrations non-atomic)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        # A 32 MB page cache (the default is 2 MB): portfolio-wide queries re-read the same
        # tables; memory is only taken as pages are read.
        cur.execute(f"PRAGMA cache_size = -{cache_kib}")
        if not readonly:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def _make_engine(
    path: Path,
    *,
    foreign_keys: bool = True,
    readonly: bool = False,
    key: crypto.Key | None = None,
) -> Engine:
    if key is not None:
        # Encrypted: SQLAlchemy's pysqlite dialect over sqlcipher3, each connection made by
        # connect_raw (the raw key set first). Not the stock pysqlcipher dialect: it puts a
        # passphrase into PRAGMA key itself and pools one connection per thread.
        engine = create_engine(
            f"sqlite:///{path}",
            module=crypto.dbapi(),
            creator=lambda: connect_raw(
                path, key, readonly=readonly, immutable=readonly and immutable(path)
            ),
        )
        _install_pragmas(
            engine, foreign_keys=foreign_keys, readonly=readonly, cache_kib=crypto.CACHE_KIB
        )
        return engine
    url = f"sqlite:///{path}"
    if readonly:
        url = f"sqlite:///file:{path}?mode=ro{'&immutable=1' if immutable(path) else ''}&uri=true"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _install_pragmas(engine, foreign_keys=foreign_keys, readonly=readonly)
    return engine


def _backup_copy(path: Path, revision: str) -> Path:
    """The pre-migration backup (of schema ``revision``): a verified snapshot in the backup
    folder, reason ``migration`` (see :mod:`kamdesk.core.storage.backup`)."""
    return backup.take_backup(path, "migration")


FULL_CHECK_ALWAYS_BYTES = 64 * 1024 * 1024


def _wants_page_check(path: Path) -> bool:
    """Whether this open reads every page (``quick_check``): always for files up to 64 MB
    (under ~0.1 s); for larger ones when no backup was taken today. A backup is checked page
    by page (``integrity_check`` of the copy), so a large dossier is still checked whole at
    least once a day (at its first open, before the daily backup) without paying 0.7-1.1 s
    (430 MB; 3.4 s encrypted) at every open. Pages read later are checked by SQLite as they
    are read (and by SQLCipher's page HMACs); a damaged one surfaces as ``DatabaseDamaged``."""
    try:
        if path.stat().st_size <= FULL_CHECK_ALWAYS_BYTES:
            return True
    except OSError:
        return True
    today = dt.date.today()
    return not any(b.taken_at.date() == today for b in backup.list_backups(path))


def _checked_preflight(path: Path, *, readonly: bool = False) -> str | None:
    """The file's checks before opening (:func:`preflight.checked`), reading every page when
    :func:`_wants_page_check` says so."""
    return preflight.checked(path, readonly=readonly, thorough=_wants_page_check)


def _migrate(path: Path, key: crypto.Key | None = None) -> None:
    engine = _make_engine(path, foreign_keys=False, key=key)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
    except sqlalchemy.exc.OperationalError as exc:
        problem = errors.translate_db_error(exc, str(path))
        if problem:
            raise problem from exc
        raise
    finally:
        engine.dispose()


def _stored_value_damage(exc: ValueError, path: Path) -> errors.DatabaseDamaged | None:
    """A ValueError raised while SQLAlchemy turned a stored value into a Python one (a date
    that is no date, a JSON list that does not parse) means damaged content: SQLite has no
    checksums and its checks see structure, not values. Any other ValueError is a bug and is
    left as it is. (The value itself is not quoted: it may be personal data.)"""
    reading = False
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(_KAMDESK_DIR):
            reading = False  # kamdesk's own code came after: not a conversion
        elif frame.name.endswith("_apply_processors"):
            reading = True
    if not reading:
        return None
    return backup.damaged_error(
        path, f"{path} is damaged: a stored value in it cannot be read ({type(exc).__name__})."
    )


def _naming_backup(problem: errors.KamdeskError, path: Path) -> errors.KamdeskError:
    """Damage found while reading: the same finding, naming the newest good backup."""
    if isinstance(problem, errors.DatabaseDamaged) and problem.newest_backup is None:
        return backup.damaged_error(path, problem.detail)
    return problem


_KAMDESK_DIR = str(Path(__file__).resolve().parents[2])  # the kamdesk package


def _daily_backup(db: Database) -> None:
    """Today's backup on the first open for writing of the day (kamdesk.core.storage.backup)."""
    backup.daily_if_due(db)


class Database:
    """An open dossier: a SQLAlchemy engine plus, for writers, the lock that keeps other
    writers out. Use as a context manager or call :meth:`close`."""

    # set when today's automatic backup could not be taken (the open still succeeds)
    backup_warning: str | None = None

    def __init__(self, path: Path, engine: Engine, lock: filelock.BaseFileLock | None):
        self.path = path
        self.engine = engine
        self._lock = lock
        # no export may write over this file, its companions or its backups (core.files)
        files.protect(path, backup.backup_dir(path))
        self._protected = True
        self.backup_path: Path | None = None
        # the key of an encrypted dossier (None: a plain file); see kamdesk.core.storage.crypto
        self.key: crypto.Key | None = None

    @property
    def readonly(self) -> bool:
        return self._lock is None

    # -- encryption (kamdesk.core.storage.crypto) --

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def check_passphrase(self, passphrase: str) -> bool:
        """Whether the passphrase is this encrypted dossier's (about 0.35 s: the key
        derivation). Always False for a plain file."""
        if self.key is None or not passphrase:
            return False
        return self.key.matches(passphrase)

    def connect_raw(self, *, readonly: bool = False) -> sqlite3.Connection:
        """A raw connection to this dossier's file, with its key (see :func:`connect_raw`)."""
        return connect_raw(self.path, self.key, readonly=readonly)

    # why a dossier opened with ``or_read_only`` is read-only (None: it was asked so, or
    # it is writable)
    read_only_reason: str | None = None

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        readonly: bool = False,
        passphrase: str | None = None,
        or_read_only: bool = False,
    ) -> Database:
        """Open (or create) a dossier. ``passphrase`` is needed for an encrypted file
        (:class:`errors.PassphraseNeeded` without it, :class:`errors.WrongPassphrase` when it
        does not open the file); a new or empty file is created encrypted when one is given;
        a plain file ignores it.

        A file that cannot be changed here (see :func:`read_only_reason`) is refused for
        writing with the reason, or, with ``or_read_only``, opened read-only with the reason
        in ``read_only_reason`` (the app: show it, export it, say why editing is off)."""
        path = Path(path).expanduser().resolve()
        reason = None if readonly else read_only_reason(path)
        if reason is not None and path.exists():
            if not or_read_only:
                raise errors.DatabaseReadOnly(
                    f"{path} cannot be changed: {reason}. Reading and exporting work; to edit "
                    "it, copy it to a writable folder."
                )
            db = cls.open(path, readonly=True, passphrase=passphrase)
            db.read_only_reason = reason
            return db
        kind = crypto.file_kind(path)
        key = None
        if kind == "encrypted":
            if passphrase is None:  # the command line's (environment, file or prompt)
                passphrase = crypto.provided_passphrase(path)
            key = crypto.key_for_file(path, passphrase)
        elif kind in ("missing", "empty") and passphrase is not None and not readonly:
            key = crypto.new_key(passphrase)
        if key is None:
            db = cls._open(path, readonly=readonly, key=None)
        else:
            crypto.remember(key)
            try:
                db = cls._open(path, readonly=readonly, key=key)
            except BaseException:
                crypto.forget(key)
                raise
        if not db.readonly:
            # what an interrupted encrypt/decrypt left beside the file (safe with the lock)
            try:
                storage.clear_leftovers(path)
            except BaseException:
                db.close()
                raise
        return db

    @classmethod
    def _open(cls, path: Path, *, readonly: bool, key: crypto.Key | None) -> Database:
        revision = _checked_preflight(path, readonly=readonly)
        if readonly:
            if not path.exists():
                raise errors.EnvironmentProblem(f"There is no database at {path}.")
            if revision is None:
                raise errors.EnvironmentProblem(
                    f"{path} holds no kamdesk dossier yet (it is empty); "
                    "load one with 'kamdesk demo' or 'kamdesk import-json'."
                )
            if revision != head_revision():
                raise errors.EnvironmentProblem(
                    f"{path} needs an upgrade; open it once in kamdesk for writing first."
                )
            db = cls(path, _make_engine(path, readonly=True, key=key), None)
            db.key = key
            return db

        lock = writer_lock(
            path,
            f"{path} is already open for writing in another kamdesk window or process. "
            "Close it there first (or open this one read-only).",
        )
        engine = None
        try:
            backup = None
            if revision != head_revision():
                if revision is not None:
                    backup = _backup_copy(path, revision)
                _migrate(path, key)
            engine = _make_engine(path, key=key)
            db = cls(path, engine, lock)
            db.key = key
            db.backup_path = backup
            db._ensure_search_index()
            _daily_backup(db)
            return db
        except BaseException:
            # a refused open leaves nothing behind: the pooled connection closed, the lock freed
            if engine is not None:
                engine.dispose()
            lock.release()
            raise

    def _ensure_search_index(self) -> None:
        """Fill the search index when it is empty but the dossier is not (after the migration
        that created it, or if it was lost)."""
        with self.transaction() as session:
            if search.needs_rebuild(session):
                search.rebuild(session)

    def close(self) -> None:
        self.engine.dispose()
        if getattr(self, "_protected", False):
            files.unprotect(self.path)
            self._protected = False
        if self.key is not None and not getattr(self, "_key_forgotten", False):
            crypto.forget(self.key)
            self._key_forgotten = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading; nothing is committed."""
        with Session(self.engine) as session:
            try:
                yield session
            except sqlalchemy.exc.DatabaseError as exc:  # operational, or damage found reading
                problem = errors.translate_db_error(exc, str(self.path))
                if problem:
                    raise _naming_backup(problem, self.path) from exc
                raise
            except ValueError as exc:
                damage = _stored_value_damage(exc, self.path)
                if damage is not None:
                    raise damage from exc
                raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back whole
        on any error. Low-level SQLite failures come out as user-facing errors."""
        if self.readonly:
            why = f": {self.read_only_reason}; editing is off" if self.read_only_reason else ""
            raise errors.DatabaseReadOnly(f"{self.path} is open read-only{why}.")
        with Session(self.engine) as session:
            try:
                yield session
                session.commit()
            except (sqlalchemy.exc.DatabaseError, sqlite3.DatabaseError) as exc:
                session.rollback()
                problem = errors.translate_db_error(exc, str(self.path))
                if problem:
                    raise _naming_backup(problem, self.path) from exc
                raise
            except ValueError as exc:
                session.rollback()
                damage = _stored_value_damage(exc, self.path)
                if damage is not None:
                    raise damage from exc
                raise
            except BaseException:
                session.rollback()
                raise
