"""The command line's frame: the global options, the dispatch to a command's ``run`` and the
last line of defence around it (a user's error on one line with its exit code, a closed pipe
ended quietly, anything unexpected as one line and a crash log).

Nothing of the core is imported before the arguments are parsed: ``kamdesk --version`` and
``--help`` load no database, PDF or GUI library.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kamdesk import __version__
from kamdesk.cli import commands
from kamdesk.cli.common import (
    EXIT_CLOSED_PIPE,
    EXIT_ENVIRONMENT,
    EXIT_INVALID,
    db_path,
    fail,
)
from kamdesk.cli.passphrases import passphrase_provider

NOT_YET: tuple[str, ...] = ()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamdesk",
        description="Client dossiers and pre-meeting briefs for Key Account Managers. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"kamdesk {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="the dossier database (default: $KAMDESK_DB or the user-data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="with no command: load the demo portfolio first if the database is empty",
    )
    parser.add_argument(
        "--startup-check",
        action="store_true",
        help="with no command: open the app's main window on the database, wait until it is "
        "shown with the portfolio list filled, print 'startup-check: N ms' (since kamdesk "
        "started importing) and exit",
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="read an encrypted database's passphrase from the first line of FILE "
        "(else $KAMDESK_PASSPHRASE, else asked on the terminal)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.register_all(sub)
    for name in NOT_YET:
        p = sub.add_parser(name, help="(not available yet)")
        p.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in NOT_YET:
        return fail(f"'{args.command}' is not available yet", EXIT_INVALID)
    # only now, with the arguments parsed: --help and --version never wait for the core
    from kamdesk.core import errors
    from kamdesk.core.storage import crypto

    # every Database.open below gets an encrypted file's passphrase from here
    crypto.set_passphrase_provider(passphrase_provider(args, interactive=args.command is not None))
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it cannot be caught
        return code
    except errors.InvalidInput as exc:
        print(f"kamdesk: {exc}", file=sys.stderr)
        for problem in exc.problems[:200]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > 200:
            print(f"  … and {len(exc.problems) - 200} more", file=sys.stderr)
        return EXIT_INVALID
    except (
        errors.UnknownKey,
        errors.OutputRefused,
        errors.RestoreRefused,
        errors.WeakPassphrase,
    ) as exc:
        return fail(str(exc), EXIT_INVALID)
    except errors.KamdeskError as exc:
        return fail(str(exc), EXIT_ENVIRONMENT)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
        return _crashed(exc, args.command)
    finally:
        crypto.set_passphrase_provider(None)


def _run(args: argparse.Namespace) -> int:
    if args.command is None:
        from kamdesk.gui.app import run_app

        return run_app(db_path(args), load_demo=args.demo, startup_check=args.startup_check)
    if args.startup_check:
        return fail("--startup-check opens the app: give it no command", EXIT_INVALID)

    path = db_path(args)
    from kamdesk.core import files
    from kamdesk.core.storage import backup

    # for the whole command, not only while the database is open: most commands close it
    # before they write their output (kamdesk.core.files)
    files.protect(path, backup.backup_dir(path))
    try:
        run: Callable[[Path, argparse.Namespace], int] = args.run  # set by the command's parser
        return run(path, args)
    finally:
        files.unprotect(path)


def _closed_pipe() -> int:
    """The reader of our output went away (``| head``): end quietly. What was done before
    (an import committed) stands; the rest of the output is dropped, not flushed at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_CLOSED_PIPE


def _crashed(exc: Exception, command: str | None) -> int:
    from datetime import UTC, datetime

    from kamdesk.core import crashlog

    log = crashlog.write(exc, command, __version__, now=datetime.now(UTC))
    return fail(crashlog.one_line(exc, log), EXIT_ENVIRONMENT)
