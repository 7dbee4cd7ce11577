"""``brief``: the pre-meeting brief as PDF (and HTML). Refused while the meeting is not ready
(exit 3), unless an override reason is given; that reason is stored and printed on it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_INVALID, EXIT_NOT_READY, EXIT_OK, evaluate, fail

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("brief", help="the pre-meeting brief as PDF (refused if not ready)")
    p.add_argument("meeting")
    p.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")
    p.add_argument("--html", type=Path, help="also write the brief as HTML")
    p.add_argument(
        "--full",
        action="store_true",
        help="everything (client snapshot, every product and answer) instead of the two-page "
        "carry brief",
    )
    p.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="print a brief for a meeting that is not ready; the reason is stored and printed",
    )
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core.documents import brief
    from kamdesk.core.files import write_atomically, write_bytes_atomically
    from kamdesk.core.model import models as m
    from kamdesk.core.storage.db import Database

    reason = args.override_reason.strip() if args.override_reason is not None else None
    if args.override_reason is not None and not reason:
        return fail("--override-reason needs a reason", EXIT_INVALID)
    with Database.open(path, readonly=reason is None) as db:
        ctx, report, prefs = evaluate(db, args.meeting)
        if not report.ready:
            reason = reason or ctx.meeting.override_reason
            if not reason:
                print(
                    f"kamdesk: {args.meeting} is not ready; no brief was written. "
                    "Fix these, or give --override-reason:",
                    file=sys.stderr,
                )
                for check in report.blockers():
                    print(f"  [{check.mistake}] {check.message}", file=sys.stderr)
                return EXIT_NOT_READY
            if args.override_reason is not None:
                with db.transaction() as session:
                    meeting = session.get(m.Meeting, ctx.meeting.id)
                    assert meeting is not None
                    meeting.override_reason = reason
                    session.add(meeting)
                ctx.meeting.override_reason = reason
        elif args.override_reason is not None:
            print(
                "kamdesk: the meeting is ready; the override reason was not needed or stored.",
                file=sys.stderr,
            )
    html = brief.build_html(
        ctx, report, prefs, brief.BriefOptions(override_reason=reason, full=args.full)
    )
    if args.html:
        write_atomically(args.html, html)
    write_bytes_atomically(args.output, brief.build_pdf(html))
    state = "ready" if report.ready else "NOT READY, overridden"
    print(f"Brief for {args.meeting} ({state}) written to {args.output}")
    return EXIT_OK
