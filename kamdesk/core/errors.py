"""Typed errors.

``KamdeskError`` and its subclasses carry a message meant for the user: the CLI prints it on
one line, the GUI shows it in a dialog. Anything else escaping the core is a bug.
``EnvironmentProblem`` separates "the user's environment is wrong" (disk full, read-only file,
newer schema, file in use) from mistakes in the user's input (``InvalidInput``).
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

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


class DatabaseDamaged(NotADossierDatabase):
    """The dossier file fails SQLite's checks (or is empty or missing while backups of it
    exist). Nothing was changed. ``newest_backup`` is the newest backup that passed its
    checks, if any: the message names it and the GUI offers to restore it."""

    def __init__(self, message: str, newest_backup: Path | None = None, detail: str | None = None):
        super().__init__(message)
        self.newest_backup = newest_backup
        # the finding alone (one sentence), without the advice that follows it
        self.detail = detail or message


class DiskFull(EnvironmentProblem):
    pass


class MigrationFailed(EnvironmentProblem):
    pass


class PassphraseNeeded(EnvironmentProblem):
    """The dossier is encrypted and no passphrase was given (or an empty one)."""


class WrongPassphrase(EnvironmentProblem):
    """The passphrase does not open the encrypted dossier."""


class OutputRefused(KamdeskError):
    """The output path the user gave would destroy something (the dossier, a backup) or is
    not a file kamdesk can replace (``kamdesk.core.files``); nothing was written."""


class RestoreRefused(KamdeskError):
    """The backup would change whether the dossier is encrypted; nothing was changed."""


class UnknownKey(KamdeskError):
    pass


@dataclass(frozen=True)
class Problem:
    """One error in an input document, located by a JSON path like ``clients[1].name``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class WeakPassphrase(KamdeskError):
    """A new passphrase that is too short, or the current one again (exit 2)."""


class InvalidInput(KamdeskError):
    """The input file is wrong; nothing was written. ``problems`` lists every error found."""

    def __init__(
        self, source: str, problems: list[Problem], *, outcome: str = "nothing was imported"
    ):
        self.source = source
        self.problems = problems
        count = len(problems)
        super().__init__(f"{source}: {count} error{'s' if count != 1 else ''}; {outcome}")


def translate_db_error(exc: BaseException, path: str) -> KamdeskError | None:
    """Map low-level SQLite failures to environment problems with a clear message.

    Returns ``None`` when the error is not an environment problem (then it is a bug and must
    propagate as it is).
    """
    orig = exc.orig if isinstance(exc, sqlalchemy.exc.DBAPIError) else exc
    # An encrypted dossier's errors come from sqlcipher3, whose classes do not derive from
    # sqlite3's (and it is only imported once an encrypted file was opened).
    cipher = sys.modules.get("sqlcipher3")
    if not isinstance(orig, sqlite3.Error) and not (
        cipher is not None and isinstance(orig, cipher.Error)
    ):
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
    if "malformed" in text or "could not decode" in text:
        # (the decode error quotes the stored text: personal data, so it is not repeated)
        what = "malformed" if "malformed" in text else "holding text that is not valid UTF-8"
        detail = f"{path} is damaged: SQLite found it {what}."
        return DatabaseDamaged(
            f"{detail} Nothing was changed. Restore a backup ('kamdesk backups' lists them).",
            detail=detail,
        )
    if "not a database" in text:
        return NotADossierDatabase(f"{path} is damaged or is not a kamdesk database.")
    if "unable to open" in text:
        return EnvironmentProblem(f"Cannot open {path}: {orig}.")
    return None
