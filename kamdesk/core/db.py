"""Opening the dossier database: engine, PRAGMAs, the writer lock, schema checks, migrations.

SQLite-specific SQL lives here (and in one search module later), nowhere else.

Opening a file goes through these steps, each able to refuse with a clear message before
anything is written:

1. preflight on a read-only connection: is it SQLite, is it ours, is its schema known to us?
   A database from a newer kamdesk is refused and left byte-for-byte untouched;
2. the writer lock (a lock file beside the database): a second writer is refused;
3. migrations to head, if needed, after keeping a copy of the file; they run with foreign keys
   off inside one transaction and end with ``PRAGMA foreign_key_check``;
4. the working engine: WAL, foreign keys on, a busy timeout, full sync.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock
import sqlalchemy.exc
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from kamdesk.core import errors

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 5000
ENV_DB = "KAMDESK_DB"


def default_db_path() -> Path:
    """Where the user's dossier lives: ``$KAMDESK_DB`` or the platform's user-data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kamdesk", appauthor=False)) / "kamdesk.db"


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


CACHE_KIB = 32 * 1024


def _install_pragmas(engine: Engine, *, foreign_keys: bool, readonly: bool) -> None:
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
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if not readonly:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def _make_engine(path: Path, *, foreign_keys: bool = True, readonly: bool = False) -> Engine:
    url = f"sqlite:///file:{path}?mode=ro&uri=true" if readonly else f"sqlite:///{path}"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _install_pragmas(engine, foreign_keys=foreign_keys, readonly=readonly)
    return engine


def _preflight(path: Path) -> str | None:
    """Inspect an existing file without writing to it. Returns its schema revision (None for
    an empty database) or raises a user-facing error."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise errors.NotADossierDatabase(
            f"{path} is not a kamdesk database (it is not an SQLite file). "
            "Nothing was changed; choose another file with --db."
        )
    # With no WAL file beside it, nothing is half-written and no one has it open in WAL mode:
    # open it immutable so not even the -shm/-wal companions are created. Otherwise read it
    # normally (read-only) so committed changes still in the WAL are seen.
    wal = path.with_name(path.name + "-wal")
    uri = f"file:{path}?mode=ro" if wal.exists() else f"file:{path}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise errors.EnvironmentProblem(f"Cannot open {path}: {exc}.") from exc
    try:
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
    except sqlite3.DatabaseError as exc:
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


def _backup_copy(path: Path, revision: str) -> Path:
    """A consistent copy through SQLite's backup API, fsynced, beside the database."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-{revision}-{stamp}.bak")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())
    return target


def _migrate(path: Path) -> None:
    engine = _make_engine(path, foreign_keys=False)
    try:
        with engine.connect() as conn:
            cfg = _alembic_config()
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


class Database:
    """An open dossier: a SQLAlchemy engine plus, for writers, the lock that keeps other
    writers out. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path, engine: Engine, lock: filelock.BaseFileLock | None):
        self.path = path
        self.engine = engine
        self._lock = lock
        self.backup_path: Path | None = None

    @property
    def readonly(self) -> bool:
        return self._lock is None

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> Database:
        path = Path(path).expanduser().resolve()
        revision = _preflight(path)
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
            return cls(path, _make_engine(path, readonly=True), None)

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise errors.EnvironmentProblem(
                f"Cannot create the folder {path.parent}: {exc}."
            ) from exc
        lock = filelock.FileLock(str(path) + ".lock", timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise errors.DatabaseLocked(
                f"{path} is already open for writing in another kamdesk window or process. "
                "Close it there first (or open this one read-only)."
            ) from None
        except OSError as exc:
            raise errors.DatabaseReadOnly(
                f"Cannot write beside {path} ({exc.strerror}); the folder is read-only."
            ) from exc
        try:
            backup = None
            if revision != head_revision():
                if revision is not None:
                    backup = _backup_copy(path, revision)
                _migrate(path)
            db = cls(path, _make_engine(path), lock)
            db.backup_path = backup
            db._ensure_search_index()
            return db
        except BaseException:
            lock.release()
            raise

    def _ensure_search_index(self) -> None:
        """Fill the search index when it is empty but the dossier is not (after the migration
        that created it, or if it was lost)."""
        from kamdesk.core import search

        with self.transaction() as session:
            if search.needs_rebuild(session):
                search.rebuild(session)

    def close(self) -> None:
        self.engine.dispose()
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
            except sqlalchemy.exc.OperationalError as exc:
                problem = errors.translate_db_error(exc, str(self.path))
                if problem:
                    raise problem from exc
                raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back whole
        on any error. Low-level SQLite failures come out as user-facing errors."""
        if self.readonly:
            raise errors.DatabaseReadOnly(f"{self.path} is open read-only.")
        with Session(self.engine) as session:
            try:
                yield session
                session.commit()
            except (sqlalchemy.exc.OperationalError, sqlite3.OperationalError) as exc:
                session.rollback()
                problem = errors.translate_db_error(exc, str(self.path))
                if problem:
                    raise problem from exc
                raise
            except BaseException:
                session.rollback()
                raise
