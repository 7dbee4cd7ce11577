"""What the commands share: the exit codes, the one-line error, the database's path and a
meeting's readiness.

Imported by every command module when the parser is built, so only the standard library at
the top; the core is imported where it is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from kamdesk.core.storage.db import Database

    # what ``ArgumentParser.add_subparsers`` returns: each command module adds its parsers to it
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_OK = 0
EXIT_ENVIRONMENT = 1
EXIT_INVALID = 2
EXIT_NOT_READY = 3
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a reader that stopped


def fail(message: str, code: int) -> int:
    print(f"kamdesk: {message}", file=sys.stderr)
    return code


def db_path(args: argparse.Namespace) -> Path:
    from kamdesk.core.storage.db import default_db_path

    return args.db if args.db is not None else default_db_path()


def evaluate(db: Database, key: str) -> tuple[Any, Any, Any]:
    """A meeting's context, its readiness report and the settings they were judged by."""
    from kamdesk.core import settings
    from kamdesk.core.meeting import readiness
    from kamdesk.core.meeting.context import load_meeting_context

    prefs = settings.current()
    with db.session() as session:
        ctx = load_meeting_context(session, key)
    return ctx, readiness.evaluate(ctx, prefs), prefs
