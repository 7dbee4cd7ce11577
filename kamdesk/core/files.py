"""Where kamdesk may write a file the user named: one output-path policy for every command
and dialog (issue 14).

An output path is refused, with a one-line message and nothing written, when it is:

- an open dossier itself, or one of its companion files (``-wal``, ``-shm``, ``-journal``,
  ``.lock``), or inside its backups folder: writing there would replace the live data or a
  backup with a PDF or a JSON file;
- an existing thing that is not a regular file (a folder, a device such as ``/dev/full``, a
  FIFO, a socket): the temp-and-rename write would replace the node with a regular file.

A symbolic link is never followed to overwrite its target: the write goes through a temporary
file renamed over the link's own name, so the link is replaced and its target untouched; a
link that points at a protected file is refused like the file itself.

Dossiers are registered here when they are opened (``kamdesk.core.storage.db.Database``) and forgotten
when closed, so the check needs no argument beyond the path.

Every file kamdesk writes for the user (exports, PDFs, settings) is written here, atomically
(:func:`write_chunks_atomically`). Qt-free and free of kamdesk imports except ``errors`` and
``i18n``: every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from kamdesk.core import errors
from kamdesk.core.i18n import _

COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock")

_lock = threading.Lock()
# resolved path of an open dossier -> its backups folder (resolved), with a count of opens
_open: dict[Path, tuple[Path | None, int]] = {}


def protect(db_path: Path, backups: Path | None) -> None:
    """Register an open dossier (and its backups folder) as a place no export may write."""
    key = Path(db_path).expanduser().resolve()
    folder = Path(backups).expanduser().resolve() if backups is not None else None
    with _lock:
        _, count = _open.get(key, (folder, 0))
        _open[key] = (folder, count + 1)


def unprotect(db_path: Path) -> None:
    key = Path(db_path).expanduser().resolve()
    with _lock:
        folder, count = _open.get(key, (None, 0))
        if count <= 1:
            _open.pop(key, None)
        else:
            _open[key] = (folder, count - 1)


def _protected_reason(resolved: Path) -> str | None:
    with _lock:
        items = list(_open.items())
    for db_path, (folder, _count) in items:
        if resolved.parent == db_path.parent and resolved.name in {
            db_path.name + suffix for suffix in COMPANION_SUFFIXES
        }:
            return _("it is the dossier's database (or one of its companion files)")
        if folder is not None and (resolved == folder or folder in resolved.parents):
            return _("it is in the dossier's backups folder")
    return None


def check_output(path: Path | str) -> Path:
    """The path to write, or :class:`errors.OutputRefused` saying why not (see the module)."""
    path = Path(path).expanduser()
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise errors.OutputRefused(
            _("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror)
        ) from exc
    if info is not None and not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        kind = _("a folder") if stat.S_ISDIR(info.st_mode) else _("not a regular file")
        raise errors.OutputRefused(
            _("Will not write {path}: it is {kind}; give the name of a file.").format(
                path=path, kind=kind
            )
        )
    # the file itself and, for a link, what it points at
    candidates = [path.parent.resolve() / path.name]
    if info is not None and stat.S_ISLNK(info.st_mode):
        candidates.append(path.resolve())
    for candidate in candidates:
        reason = _protected_reason(candidate)
        if reason is not None:
            raise errors.OutputRefused(
                _("Will not write {path}: {reason}; choose another name.").format(
                    path=path, reason=reason
                )
            )
    return path


# --- durable writes -----------------------------------------------------------------------------


def fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles, and its
    renames are durable anyway)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that either the whole new file or the old one is
    there: see :func:`write_chunks_atomically`."""
    write_chunks_atomically(path, [text])


def write_bytes_atomically(path: Path, data: bytes) -> None:
    write_chunks_atomically(path, [data])


def write_chunks_atomically(path: Path, chunks: Iterable[str | bytes]) -> None:
    """A temporary file beside ``path``, fsynced, then renamed over it. On any error the
    temporary file is removed and the old file is untouched. The path must pass the output
    policy above (never the dossier, its backups, a device or a folder;
    a symlink is replaced, its target untouched)."""
    path = check_output(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise errors.EnvironmentProblem(f"Cannot write in {directory}: {exc.strerror}.") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if exc.errno == 28:  # ENOSPC
            raise errors.DiskFull(
                f"The disk is full: {path} was not written (any older copy is intact)."
            ) from exc
        raise errors.EnvironmentProblem(f"Cannot write {path}: {exc.strerror}.") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
