"""What the KAM's day starts with, across every client: the next meetings and whether each is
ready, the follow-ups already overdue, and the clients whose figures need attention.

``home(session, prefs, now)`` is one call (a fixed number of queries plus one readiness
evaluation per listed meeting), made off the GUI thread; the home view only shows it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from kamdesk.core.account import portfolio, queries
from kamdesk.core.formats import Formatter
from kamdesk.core.i18n import _, ngettext
from kamdesk.core.meeting import readiness
from kamdesk.core.meeting.readiness import Level
from kamdesk.core.meeting.readiness.headline import headline
from kamdesk.core.model import enums
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings

HORIZON_DAYS = 21  # "the coming weeks"
MAX_MEETINGS = 50  # a home page, not the whole calendar: the CLI's `meetings` lists them all
MAX_ROWS = 100  # overdue follow-ups and clients shown; the totals say how many more there are


@dataclass(frozen=True)
class AgendaMeeting:
    key: str
    title: str
    client_id: int
    client_key: str
    client_name: str
    starts_at: dt.datetime | None
    leave_by: dt.datetime | None
    blockers: tuple[str, ...]  # each blocker's message, in the gate's order
    warnings: int
    headline: str  # "3 things to fix before Wednesday 10:00", as the checklist says it

    @property
    def ready(self) -> bool:
        return not self.blockers


@dataclass(frozen=True)
class Attention:
    """A client whose figures need the KAM's attention, and why (each reason one short line)."""

    client_id: int
    client_key: str
    client_name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Home:
    now: dt.datetime
    horizon_days: int
    meetings: list[AgendaMeeting] = field(default_factory=list)
    overdue: list[queries.FollowUp] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)
    clients: int = 0  # how many clients the dossier holds (an empty dossier says so)
    overdue_total: int = 0  # all overdue follow-ups (``overdue`` holds the oldest MAX_ROWS)
    attention_total: int = 0  # all clients needing attention (``attention``: the worst)


def home(
    session: Session, prefs: Settings, now: dt.datetime, horizon_days: int = HORIZON_DAYS
) -> Home:
    today = now.date()
    meetings = _next_meetings(session, prefs, now, horizon_days)
    overdue = queries.follow_ups(session, overdue_on=today, limit=MAX_ROWS)
    attention = needing_attention(session, prefs, now)
    clients = session.exec(select(func.count()).select_from(m.Client)).one()
    return Home(
        now,
        horizon_days,
        meetings,
        overdue,
        attention[:MAX_ROWS],
        clients,
        queries.count_overdue(session, today),
        len(attention),
    )


def _next_meetings(
    session: Session, prefs: Settings, now: dt.datetime, horizon_days: int
) -> list[AgendaMeeting]:
    until = now + dt.timedelta(days=horizon_days)
    rows = queries.upcoming_meetings(session, now=now, until=until, limit=MAX_MEETINGS)
    found = readiness.reports(session, [r.key for r in rows], prefs, now)
    ids: dict[str, int] = {
        key: client_id
        for key, client_id in session.exec(select(m.Client.key, m.Client.id)).all()
        if client_id is not None
    }
    out = []
    for row in rows:
        report = found[row.key]
        levels = Counter(c.level for c in report.checks)
        out.append(
            AgendaMeeting(
                row.key,
                row.title,
                ids[row.client_key],
                row.client_key,
                row.client_name,
                row.starts_at,
                report.leave_by,
                tuple(c.message for c in report.checks if c.level is Level.BLOCK),
                levels[Level.WARN],
                headline(report, prefs.locale, now).text,
            )
        )
    return out


def needing_attention(
    session: Session,
    prefs: Settings,
    now: dt.datetime,
    client_ids: Collection[int] | None = None,
) -> list[Attention]:
    """Clients with overdue money or a credit limit exceeded, an ended year's plan not met or
    a plan past its date, or VIP/KOL contacts late — worst first (most reasons), then by name."""
    today = now.date()
    figures = portfolio.compute(
        session, today=today, now=now, rates=prefs.exchange_rates, client_ids=client_ids
    )
    late_plans = _late_plans(session, today)
    fmt = Formatter(prefs.locale)
    out = []
    for c in figures.clients:
        reasons = _reasons(c, late_plans.get(c.id, 0), fmt)
        if reasons:
            out.append(Attention(c.id, c.key, c.name, tuple(reasons)))
    out.sort(key=lambda a: (-len(a.reasons), a.client_name.casefold()))
    return out


def _reasons(c: portfolio.ClientFigures, late_plans: int, fmt: Formatter) -> list[str]:
    reasons = []
    if c.overdue_ratio is not None and c.overdue is not None and c.overdue > 0:
        reasons.append(
            _("{share} of receivables overdue").format(share=fmt.percent(c.overdue_ratio, 0))
        )
    if c.over_limit:
        reasons.append(_("credit limit exceeded"))
    year = c.attainment_year
    if year is not None and year.value is not None and year.value < 1:
        reasons.append(
            _("plan {year} met at {share}").format(
                year=year.period, share=fmt.percent(year.value, 0)
            )
        )
    if late_plans:
        reasons.append(
            ngettext("{n} plan past its date", "{n} plans past their date", late_plans).format(
                n=late_plans
            )
        )
    if c.contacts_overdue:
        reasons.append(
            ngettext(
                "{n} VIP/KOL contact late", "{n} VIP/KOL contacts late", c.contacts_overdue
            ).format(n=c.contacts_overdue)
        )
    return reasons


def _late_plans(session: Session, today: dt.date) -> dict[int, int]:
    stmt = (
        select(m.Plan.client_id, func.count())
        .where(col(m.Plan.status) == enums.PlanStatus.OPEN.value)
        .where(col(m.Plan.due).is_not(None))
        .where(col(m.Plan.due) < today)
        .group_by(col(m.Plan.client_id))
    )
    return {client_id: n for client_id, n in session.exec(stmt).all()}
