"""The crash log: what a developer needs from an unexpected exception, and nothing personal.

A dossier holds personal data about real people, and an exception's message, its arguments
and the frames' local variables may all carry it (a name in a ValueError, a title in a
KeyError, a row in an IntegrityError). The log therefore keeps only what the program is made
of: the exception's type, and for each frame the module file, line, function and source line
of *our* code. Messages, arguments, locals, command-line arguments and paths given by the user
are never written.
"""

from __future__ import annotations

import os
import platform
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

ENV_CRASH_DIR = "KAMDESK_CRASH_DIR"
KEEP = 20  # the newest logs kept; older ones are deleted when a new one is written


def crash_dir() -> Path:
    """``$KAMDESK_CRASH_DIR`` or the platform's user log folder."""
    env = os.environ.get(ENV_CRASH_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir("kamdesk", appauthor=False))


PACKAGE = Path(__file__).resolve().parents[1]  # the kamdesk package folder


def _ours(filename: str) -> str | None:
    """``kamdesk/…`` for a file of our package (wherever it is installed), else None."""
    try:
        return "kamdesk/" + Path(filename).resolve().relative_to(PACKAGE).as_posix()
    except ValueError:
        return None


def _frames(tb: TracebackType | None) -> list[str]:
    lines: list[str] = []
    for frame in traceback.extract_tb(tb):
        # the file's name relative to the package or the library it comes from, never the
        # user's home folder
        ours = _ours(frame.filename)
        parts = Path(frame.filename).parts
        anchor = next((i for i, p in enumerate(parts) if p in ("site-packages", "lib")), None)
        name = ours or (
            "/".join(parts[anchor:]) if anchor is not None else Path(frame.filename).name
        )
        lines.append(f"  {name}:{frame.lineno} in {frame.name}")
        if frame.line and ours:
            lines.append(f"    {frame.line.strip()}")
    return lines


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    return list(reversed(chain))


def where(exc: BaseException) -> str:
    """Where it happened, as ``module.py:line``: the innermost frame of our own code."""
    ours = [f for f in traceback.extract_tb(exc.__traceback__) if _ours(f.filename)]
    if not ours:
        return "?"
    return f"{Path(ours[-1].filename).name}:{ours[-1].lineno}"


def report(exc: BaseException, command: str | None, version: str, *, now: datetime) -> str:
    """The text of the log (no personal data: see the module's docstring)."""
    out = [
        f"kamdesk {version} crash report, {now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"command: {command or '(the app)'}",
        f"python: {platform.python_version()} on {platform.system()} {platform.machine()}",
        "",
    ]
    for link in _chain(exc):
        out.append(f"{type(link).__module__}.{type(link).__qualname__} (message withheld)")
        out += _frames(link.__traceback__)
        out.append("")
    return "\n".join(out)


def write(exc: BaseException, command: str | None, version: str, *, now: datetime) -> Path | None:
    """Write a crash log and return its path; ``None`` when it cannot be written (the caller
    still reports the crash on one line)."""
    folder = crash_dir()
    name = f"crash-{now.astimezone(UTC):%Y%m%d-%H%M%S}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(report(exc, command, version, now=now))
        old = sorted(folder.glob("crash-*.log"))[:-KEEP]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError:
        return None
    return path


def one_line(exc: BaseException, log: Path | None) -> str:
    """The line the user sees."""
    what = f"an unexpected error ({type(exc).__name__} at {where(exc)})"
    if log is None:
        return f"{what}; no crash log could be written."
    return f"{what}; a crash log without personal data is in {log}. Please send it to us."
