"""``readiness``: the seven-mistakes report of a meeting, as text or JSON (exit 3 when the
meeting is not ready, so a script can stop on it)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_NOT_READY, EXIT_OK, evaluate

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "readiness", help="the seven-mistakes report of a meeting (exit 3: not ready)"
    )
    p.add_argument("meeting")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    import json

    from kamdesk.core.meeting.readiness import MISTAKES, Level
    from kamdesk.core.storage.db import Database

    with Database.open(path, readonly=True) as db:
        _ctx, report, _prefs = evaluate(db, args.meeting)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        status = "READY" if report.ready else "NOT READY"
        print(f"{report.meeting_key}: {status} (score {report.score}/100)")
        for line in report.score_lines():
            print(f"  {line}")
        if report.leave_by:
            print(
                f"Leave by {report.leave_by.strftime('%H:%M')} (UTC{report.leave_by.strftime('%z')})"
            )
        marks = {Level.BLOCK: "BLOCK", Level.WARN: "warn ", Level.OK: "ok   "}
        for number, checks in report.by_mistake().items():
            print(f"{number} {MISTAKES[number]}")
            for check in checks:
                print(f"  {marks[check.level]} {check.message}")
    return EXIT_OK if report.ready else EXIT_NOT_READY
