"""``encrypt``, ``decrypt`` and ``change-passphrase``: encryption at rest
(kamdesk.core.storage.encryption). The passphrases come from kamdesk.cli.passphrases, never from an
argument."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_ENVIRONMENT, EXIT_OK, fail
from kamdesk.cli.passphrases import ENV_NEW_PASSPHRASE, ENV_PASSPHRASE, new_passphrase

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers
    from kamdesk.core.storage.encryption import Converted


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "encrypt",
        help="encrypt the database with a passphrase ($KAMDESK_PASSPHRASE, --passphrase-file "
        "or asked twice)",
    )
    p.set_defaults(run=run_encrypt)
    p = sub.add_parser("decrypt", help="turn an encrypted database back into a plain one")
    p.set_defaults(run=run_decrypt)
    p = sub.add_parser(
        "change-passphrase",
        help="re-encrypt with a new passphrase ($KAMDESK_NEW_PASSPHRASE, --new-passphrase-file "
        "or asked twice)",
    )
    p.add_argument("--new-passphrase-file", type=Path, metavar="FILE")
    p.set_defaults(run=run_change_passphrase)


def run_encrypt(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.storage import crypto, encryption

    if crypto.is_encrypted(path):  # before asking for a new passphrase
        return fail(f"{path} is already encrypted; use change-passphrase", EXIT_ENVIRONMENT)
    new = new_passphrase(args.passphrase_file, ENV_PASSPHRASE, "encrypt")
    return _report(path, encryption.encrypt(path, new))


def run_decrypt(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.storage import encryption

    return _report(path, encryption.decrypt(path, _current_passphrase(path)))


def run_change_passphrase(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.storage import encryption

    current = _current_passphrase(path)
    new = new_passphrase(args.new_passphrase_file, ENV_NEW_PASSPHRASE, "change-passphrase")
    return _report(path, encryption.change_passphrase(path, current, new))


def _current_passphrase(path: Path) -> str:
    """The passphrase the file is encrypted with, checked before anything else is asked or
    done; "" for a plain file (decrypt and change-passphrase then say it is not encrypted)."""
    from kamdesk.core.storage import crypto, encryption

    if not crypto.is_encrypted(path):
        return ""
    current = crypto.provided_passphrase(path) or ""
    encryption.check_passphrase(path, current)
    return current


def _report(path: Path, result: Converted) -> int:
    state = "encrypted" if result.encrypted else "decrypted"
    print(
        f"{path} {state}: {result.tables} tables, {result.rows} rows checked "
        f"({result.seconds:.1f} s)."
    )
    if result.encrypted:
        print("The passphrase is stored nowhere: without it the dossier cannot be opened.")
    if result.older_copies:
        print("These older backups are still protected the old way (delete them if needed):")
        for copy in result.older_copies:
            print(f"  {copy}")
    return EXIT_OK
