"""The commands: one module per command or small family of them.

Each module's ``register(sub)`` adds its parsers and sets, with ``set_defaults(run=...)``, the
function that runs the command as ``run(path, args) -> exit code``. Every parser is built on
each start, ``kamdesk --help`` and ``--version`` too, so a command module imports only the
standard library and kamdesk.cli at the top and the core inside its run functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.cli.commands import (
    backups,
    brief,
    calendar_import,
    confirm,
    demo,
    dossier,
    encryption,
    exchange,
    export_csv,
    follow_ups,
    ics,
    meetings,
    notes,
    people_import,
    portfolio,
    privacy,
    readiness,
)

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers

# in the order ``kamdesk --help`` lists them
MODULES = (
    demo,
    exchange,
    meetings,
    readiness,
    brief,
    confirm,
    notes,
    ics,
    people_import,
    calendar_import,
    follow_ups,
    portfolio,
    export_csv,
    dossier,
    privacy,
    encryption,
    backups,
)


def register_all(sub: Subparsers) -> None:
    for module in MODULES:
        module.register(sub)
