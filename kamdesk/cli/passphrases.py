"""Where an encrypted database's passphrase comes from on the command line.

Never from an argument (other users see the command line) and never written anywhere: from a
file given with --passphrase-file (or --new-passphrase-file), else from the environment, else
typed on the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

ENV_PASSPHRASE = "KAMDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "KAMDESK_NEW_PASSPHRASE"


def _read_passphrase_file(file: Path) -> str:
    from kamdesk.core import errors

    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.KamdeskError(f"Cannot read the passphrase file {file}: {exc}.") from exc
    return text.splitlines()[0] if text.splitlines() else ""


def _given_passphrase(file: Path | None, env: str) -> str | None:
    if file is not None:
        return _read_passphrase_file(file)
    return os.environ.get(env) or None


def passphrase_provider(
    args: argparse.Namespace, *, interactive: bool
) -> Callable[[Path], str | None]:
    """Where an encrypted database's passphrase comes from: --passphrase-file, else
    $KAMDESK_PASSPHRASE, else a prompt when on a terminal (not for the desktop app)."""
    asked: dict[Path, str | None] = {}

    def provide(path: Path) -> str | None:
        if path not in asked:
            given = _given_passphrase(args.passphrase_file, ENV_PASSPHRASE)
            if given is None and interactive and sys.stdin.isatty():
                import getpass

                given = getpass.getpass(f"Passphrase for {path}: ")
            asked[path] = given
        return asked[path]

    return provide


def new_passphrase(file: Path | None, env: str, what: str) -> str:
    """A new passphrase: from the file or the environment, or typed twice on a terminal."""
    from kamdesk.core import errors

    given = _given_passphrase(file, env)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise errors.PassphraseNeeded(
            f"{what} needs the new passphrase: set ${env} or give a file "
            "(there is no terminal to ask on)."
        )
    import getpass

    first = getpass.getpass("New passphrase: ")
    if getpass.getpass("The same again: ") != first:
        raise errors.InvalidInput("passphrase", [errors.Problem("", "the two entries differ")])
    return first
