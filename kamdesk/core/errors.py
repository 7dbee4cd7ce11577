"""Typed errors.

``KamdeskError`` and its subclasses carry a message meant for the user: the CLI prints it on
one line, the GUI shows it in a dialog. Anything else escaping the core is a bug.
``EnvironmentProblem`` separates "the user's environment is wrong" (disk full, read-only file,
newer schema, file in use) from mistakes in the user's input (``InvalidInput``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlalchemy.exc


class KamdeskError(Exception):
    """Base class: ``str(error)`` is a complete sentence for the user."""


class EnvironmentProblem(KamdeskError):
    """The machine, the file or another process is in the way; the data is fine."""


class DatabaseLocked(EnvironmentProblem):
    pass


class DatabaseReadOnly(EnvironmentProblem):
    pass


class DatabaseTooNew(EnvironmentProblem):
    pass


class NotADossierDatabase(EnvironmentProblem):
    pass


class DiskFull(EnvironmentProblem):
    pass


class MigrationFailed(EnvironmentProblem):
    pass


class UnknownKey(KamdeskError):
    pass


@dataclass(frozen=True)
class Problem:
    """One error in an input document, located by a JSON path like ``clients[1].name``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidInput(KamdeskError):
    """The input file is wrong; nothing was written. ``problems`` lists every error found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"{source}: {count} error{'s' if count != 1 else ''}; nothing was imported"
        )


def translate_db_error(exc: BaseException, path: str) -> KamdeskError | None:
    """Map low-level SQLite failures to environment problems with a clear message.

    Returns ``None`` when the error is not an environment problem (then it is a bug and must
    propagate as it is).
    """
    orig = exc.orig if isinstance(exc, sqlalchemy.exc.DBAPIError) else exc
    if not isinstance(orig, sqlite3.Error):
        return None
    text = str(orig).lower()
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnly(
            f"The database {path} is read-only: nothing was changed. "
            "Check the file's permissions or copy it somewhere writable."
        )
    if "database or disk is full" in text or "disk is full" in text:
        return DiskFull(
            f"The disk holding {path} is full: the last change was not saved, "
            "everything saved before it is intact. Free some space and try again."
        )
    if "locked" in text or "busy" in text:
        return DatabaseLocked(
            f"The database {path} is busy in another program; try again in a moment."
        )
    if "not a database" in text or "malformed" in text:
        return NotADossierDatabase(f"{path} is damaged or is not a kamdesk database.")
    if "unable to open" in text:
        return EnvironmentProblem(f"Cannot open {path}: {orig}.")
    return None
