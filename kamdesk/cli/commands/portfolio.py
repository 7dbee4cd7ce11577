"""``portfolio``: the portfolio figures (income concentration, plan, growth, next meetings)
as a table, or the portfolio report as PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.cli.common import EXIT_OK

if TYPE_CHECKING:
    from kamdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "portfolio", help="the portfolio figures: income concentration, plan, growth, coverage"
    )
    p.add_argument("-o", "--output", type=Path, help="write the portfolio report as PDF")
    p.set_defaults(run=run)


def run(path: Path, args: argparse.Namespace) -> int:
    from kamdesk.core import settings
    from kamdesk.core.account import portfolio
    from kamdesk.core.documents import portfolio_report
    from kamdesk.core.storage.db import Database

    prefs = settings.current()
    with Database.open(path, readonly=True) as db, db.session() as session:
        if args.output is not None:
            from kamdesk.core.files import write_bytes_atomically

            html = portfolio_report.build_html(session, prefs)
            write_bytes_atomically(args.output, portfolio_report.build_pdf(html))
            print(f"Portfolio report written to {args.output}")
            return EXIT_OK
        figures = portfolio.compute(session, rates=prefs.exchange_rates)
    conc = figures.concentration

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    print(f"{'client':<32} {'share':>7} {'dependency':<16} {'plan':>7} {'growth':>7} next meeting")
    for c in sorted(figures.clients, key=lambda c: -(c.income_share or -1)):
        plan = c.attainment_year.value if c.attainment_year else None
        growth = c.growth_year.value if c.growth_year else None
        print(
            f"{c.key:<32} {pct(c.income_share):>7} {(c.dependency or '—'):<16} "
            f"{pct(plan):>7} {pct(growth):>7} {c.next_meeting_key or '—'}"
        )
    if conc.hhi is not None:
        print(
            f"Top client {pct(conc.top1_share)}, top three {pct(conc.top3_share)}, "
            f"Herfindahl {conc.hhi:,.0f}"
        )
    for warning in conc.warnings:
        print(f"! {warning}")
    return EXIT_OK
