"""The command line of PORTFOLIO_FORMAT.md. No Qt here: ``kamdesk`` with no command imports
the GUI lazily.

Exit codes: 0 success; 1 the environment is in the way (file in use, read-only, newer
schema, disk full); 2 invalid input or unknown key; 3 refused because a meeting is not ready;
141 the reader of the output went away. Errors go to stderr, one line each, never a traceback
for a user error.

The package: ``app`` parses the arguments and holds the last line of defence, ``commands``
one module per command or small family of commands, ``common`` and ``passphrases`` what they
share. The entry point (``kamdesk.cli:main``) and the exit codes are imported from here.
"""

from kamdesk.cli.app import main
from kamdesk.cli.common import (
    EXIT_CLOSED_PIPE,
    EXIT_ENVIRONMENT,
    EXIT_INVALID,
    EXIT_NOT_READY,
    EXIT_OK,
)

__all__ = [
    "EXIT_CLOSED_PIPE",
    "EXIT_ENVIRONMENT",
    "EXIT_INVALID",
    "EXIT_NOT_READY",
    "EXIT_OK",
    "main",
]
