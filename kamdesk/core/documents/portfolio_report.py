"""The portfolio report: the portfolio view on paper (A4 landscape) for the KAM and their
sales director. Built from ``portfolio.compute`` plus the readiness of each next meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from kamdesk.core.account import portfolio
from kamdesk.core.documents import charts, reports
from kamdesk.core.i18n import _
from kamdesk.core.meeting import readiness
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings


def meeting_readiness(
    session: Session, figures: portfolio.Portfolio, prefs: Settings, now: dt.datetime
) -> dict[str, readiness.Report]:
    """The seven-mistakes report of every client's next meeting."""
    keys = [c.next_meeting_key for c in figures.clients if c.next_meeting_key]
    return readiness.reports(session, keys, prefs, now)


def build_html(session: Session, prefs: Settings, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    figures = portfolio.compute(session, now=now, rates=prefs.exchange_rates)
    reports_by_meeting = meeting_readiness(session, figures, prefs, now)
    company = session.get(m.Company, 1)
    total = figures.concentration.company_income
    pareto_svg = (
        charts.pareto(
            figures.pareto,
            total,
            currency=figures.company_currency,
            locale=prefs.locale,
            width=1000,
            height=260,
            title=_("Our income by client (Pareto)"),
            labels=(_("Our income"), _("Cumulative share of our income")),
        )
        if total
        else None
    )
    context: dict[str, Any] = {
        "figures": figures,
        "company": company,
        "prepared_at": now,
        "kam_name": prefs.kam_name,
        "readiness": reports_by_meeting,
        "dependency": labels.dependency(),
        "pareto_svg": Markup(pareto_svg) if pareto_svg else None,  # noqa: S704 - our SVG
        "key_reasons": labels.key_reason(),
        "key_levels": labels.key_level(),
        # the largest share of our income first; clients without a known share last
        "ordered": sorted(
            figures.clients, key=lambda c: (c.income_share is None, -(c.income_share or 0))
        ),
        "hhi_high": portfolio.HHI_HIGH,
    }
    return reports.render("portfolio.html.j2", prefs.locale, **context)


def build_pdf(html: str) -> bytes:
    return reports.html_to_pdf(html)
