"""The dossier file's primitives, below every policy: where the migrations are and which
schema revisions they know, the one way to open a raw connection (plain or encrypted), the
one-writer lock, and the names of what an interrupted encrypt/decrypt leaves beside the file.

Opening policy (checks, backups before migrations, the daily backup, the search index) is
:mod:`kamdesk.core.storage.db`, which composes this module with :mod:`kamdesk.core.storage.backup`; both, and
:mod:`kamdesk.core.storage.encryption`, build on this one, which imports none of them (the layers
contract in ``pyproject.toml`` keeps it so).
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from pathlib import Path

import filelock
from alembic.config import Config
from alembic.script import ScriptDirectory

from kamdesk.core import errors
from kamdesk.core.storage import crypto

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"  # kamdesk/migrations
BUSY_TIMEOUT_MS = 5000


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return _script_revisions(str(MIGRATIONS_DIR))[0]


def known_revisions() -> set[str]:
    return set(_script_revisions(str(MIGRATIONS_DIR))[1])


@functools.lru_cache(maxsize=8)
def _script_revisions(folder: str) -> tuple[str, frozenset[str]]:
    """The head and all revisions of the migrations in ``folder`` (MIGRATIONS_DIR), read
    once: Alembic parses every script each time (about 10 ms, several times per open)."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    return head, frozenset(rev.revision for rev in script.walk_revisions())


def connect_raw(
    path: Path | str,
    key: crypto.Key | None = None,
    *,
    readonly: bool = False,
    immutable: bool = False,
) -> sqlite3.Connection:
    """A raw DB-API connection to a dossier file (or a copy of one): the one way to open a
    file outside the SQLAlchemy engine, plain or encrypted alike.

    - ``key``: the file's key. None: a plain file, or an encrypted file whose key is known in
      this process (the open dossier, and copies made from it with the backup API, which keep
      its salt: see :func:`crypto.known_key`); an encrypted file with no known key raises
      :class:`errors.PassphraseNeeded`. A new file gets ``key`` (None: plain).
    - ``readonly``: ``mode=ro``; ``immutable`` too: no ``-wal``/``-shm`` are created (only
      for a file no one is writing).

    Encrypted files give an ``sqlcipher3`` connection (the ``sqlite3`` API; its exceptions are
    in :func:`crypto.database_errors`, not ``sqlite3.Error``); the key is set first, and a
    wrong one fails on the first read (:func:`crypto.check_key` makes that a clear error).
    The connection is in autocommit mode (``isolation_level = None``), with the busy timeout.
    """
    path = Path(path).expanduser().resolve()
    if key is None:
        key = crypto.known_key(path)
    uri = path.as_uri()
    if readonly or immutable:
        uri += "?mode=ro" + ("&immutable=1" if immutable else "")
    timeout = BUSY_TIMEOUT_MS / 1000
    if key is None:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    else:
        conn = crypto.connect(uri, key, timeout=timeout, name=str(path))
    conn.isolation_level = None
    return conn


def writer_lock(path: Path, busy: str) -> filelock.BaseFileLock:
    """Take the one-writer lock of a dossier (``<file>.lock``; an OS lock, so it dies with
    its process). ``busy`` is the message when another kamdesk holds it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.EnvironmentProblem(f"Cannot create the folder {path.parent}: {exc}.") from exc
    lock = filelock.FileLock(str(path) + ".lock", timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise errors.DatabaseLocked(busy) from None
    except OSError as exc:
        raise errors.DatabaseReadOnly(
            f"Cannot write beside {path} ({exc.strerror}); the folder is read-only."
        ) from exc
    return lock


# What an encrypt/decrypt (kamdesk.core.storage.encryption) writes beside the dossier while it runs.
TEMP_SUFFIX = ".converting"  # the converted copy being made
ASIDE_SUFFIX = ".converting-old"  # the previous file, kept until the swap is done

COMPANIONS = ("-journal", "-wal", "-shm")


def remove_with_companions(path: Path, *, quietly: bool = False) -> None:
    """Delete a database file and its journal, WAL and shared-memory files. Missing files are
    no error; with ``quietly`` (cleaning up after a failure) no error at all is raised."""
    ignored: type[OSError] = OSError if quietly else FileNotFoundError
    for p in (path, *(path.with_name(path.name + s) for s in COMPANIONS)):
        with contextlib.suppress(ignored):
            p.unlink()


def clear_leftovers(path: Path) -> None:
    """Remove what an interrupted conversion left beside the dossier: the unfinished copy and
    the previous file kept aside (which may be unencrypted). Call only while holding the
    writer lock: then no conversion is running, and the file at ``path`` is complete."""
    remove_with_companions(path.with_name(path.name + TEMP_SUFFIX))
    with contextlib.suppress(FileNotFoundError):
        path.with_name(path.name + ASIDE_SUFFIX).unlink()
