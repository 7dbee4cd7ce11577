"""``demo``: fill an empty database with the demo portfolio."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("demo", help="fill an empty database with the demo portfolio")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import demo
    from kamdesk.core.storage.db import Database

    with Database.open(path) as db:
        summary = demo.load_demo(db)
    print(f"Demo portfolio loaded into {path}: {summary}")
    return EXIT_OK
