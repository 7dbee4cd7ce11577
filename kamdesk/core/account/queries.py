"""Read-only queries shared by the CLI and the GUI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from kamdesk.core.model import models as m


@dataclass(frozen=True)
class MeetingRow:
    key: str
    title: str
    client_key: str
    client_name: str
    starts_at: dt.datetime | None


def upcoming_meetings(
    session: Session,
    *,
    include_past: bool = False,
    now: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
) -> list[MeetingRow]:
    """Meetings from now on (or all), soonest first; meetings without a time come last.
    ``until``: only those starting by then (none without a time); ``limit``: the first so many."""
    now_utc = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stmt = select(m.Meeting, m.Client.key, m.Client.name).join(
        m.Client, col(m.Client.id) == m.Meeting.client_id
    )
    if not include_past:
        stmt = stmt.where(
            (col(m.Meeting.starts_at_utc) >= now_utc) | col(m.Meeting.starts_at_utc).is_(None)
        )
    if until is not None:
        stmt = stmt.where(col(m.Meeting.starts_at_utc) <= until.astimezone(dt.UTC))
    stmt = stmt.order_by(col(m.Meeting.starts_at_utc).is_(None), col(m.Meeting.starts_at_utc))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        MeetingRow(meeting.key, meeting.title, ckey, cname, meeting.starts_at)
        for meeting, ckey, cname in session.exec(stmt)
    ]


def _among(column: Any, ids: Collection[int] | None) -> Any:
    """A filter on ``column`` (no filter when ``ids`` is None)."""
    return true() if ids is None else column.in_(list(ids))


@dataclass(frozen=True)
class ClientRow:
    id: int
    key: str
    name: str
    industry: str | None
    stakeholders: int
    vips: int
    next_meeting: MeetingRow | None
    income_share: float | None = None
    dependency: str | None = None  # enums.Dependency value
    attainment: float | None = None  # latest period with both a target and actual sales
    attainment_period: str | None = None


def portfolio_rows(
    session: Session,
    now: dt.datetime | None = None,
    rates: dict[str, float] | None = None,
    client_ids: Collection[int] | None = None,
) -> list[ClientRow]:
    """One row per client for the portfolio list (only ``client_ids`` when given), in name
    order, with a few queries in all."""
    from collections import defaultdict

    from kamdesk.core.account import analytics

    today = (now or dt.datetime.now(dt.UTC)).date()
    counts = {
        cid: (total, vips or 0)
        for cid, total, vips in session.exec(
            select(
                m.Stakeholder.client_id,
                func.count(col(m.Stakeholder.id)),
                func.sum(case((or_(col(m.Stakeholder.vip), col(m.Stakeholder.kol)), 1), else_=0)),
            )
            .where(_among(m.Stakeholder.__table__.c.client_id, client_ids))  # type: ignore[attr-defined]
            .group_by(col(m.Stakeholder.client_id))
        )
    }
    financials: dict[int, list[Any]] = defaultdict(list)  # rows shaped like FinancialPeriod
    # plain rows (attribute access like the models), not ORM objects: 10x cheaper in bulk
    periods = m.FinancialPeriod.__table__  # type: ignore[attr-defined]
    for period in session.execute(select(periods).where(_among(periods.c.client_id, client_ids))):
        financials[period.client_id].append(period)
    targets: dict[int, list[Any]] = defaultdict(list)  # rows shaped like SalesTarget
    goals = m.SalesTarget.__table__  # type: ignore[attr-defined]
    for target in session.execute(select(goals).where(_among(goals.c.client_id, client_ids))):
        targets[target.client_id].append(target)
    company = session.get(m.Company, 1)
    next_by_client: dict[str, MeetingRow] = {}
    for row in upcoming_meetings(session, now=now):
        next_by_client.setdefault(row.client_key, row)
    rows = []
    clients = select(m.Client).where(_among(m.Client.__table__.c.id, client_ids))  # type: ignore[attr-defined]
    for client in session.exec(clients.order_by(col(m.Client.name))):
        cid = client.id or 0
        total, vips = counts.get(cid, (0, 0))
        share = analytics.income_share(client, financials[cid], company, rates or {}, today)
        reached = [
            a for a in analytics.attainment(targets[cid], financials[cid]) if a.ratio is not None
        ]
        latest = reached[-1] if reached else None
        rows.append(
            ClientRow(
                cid,
                client.key,
                client.name,
                client.industry,
                total,
                vips,
                next_by_client.get(client.key),
                income_share=share.share,
                dependency=share.level.value if share.level else None,
                attainment=latest.ratio if latest else None,
                attainment_period=latest.period if latest else None,
            )
        )
    return rows


def meeting_attendees(session: Session, meeting_id: int) -> list[m.Stakeholder]:
    """The people attending a meeting, in the order they were added."""
    stmt = (
        select(m.Stakeholder)
        .join(m.MeetingAttendee, col(m.MeetingAttendee.stakeholder_id) == m.Stakeholder.id)
        .where(m.MeetingAttendee.meeting_id == meeting_id)
        .order_by(col(m.MeetingAttendee.id))
    )
    return list(session.exec(stmt))


@dataclass(frozen=True)
class FollowUp:
    """An action item from a meeting's notes, with where it came from."""

    action_id: int
    text: str
    owner: str | None
    due: dt.date | None
    done: bool
    client_id: int
    client_key: str
    client_name: str
    meeting_key: str
    meeting_title: str
    meeting_id: int

    def days_overdue(self, today: dt.date) -> int:
        """How many days past due an open item is (0 when not overdue)."""
        if self.done or self.due is None or self.due >= today:
            return 0
        return (today - self.due).days


def _overdue(today: dt.date) -> Any:
    return (
        col(m.ActionItem.done).is_(False)
        & col(m.ActionItem.due).is_not(None)
        & (col(m.ActionItem.due) < today)
    )


def count_overdue(session: Session, today: dt.date) -> int:
    """How many open action items are past their date on ``today``."""
    stmt = sa_select(func.count()).select_from(m.ActionItem).where(_overdue(today))
    return int(session.execute(stmt).scalar_one())


def follow_ups(
    session: Session,
    *,
    include_done: bool = False,
    client_ids: Collection[int] | None = None,
    overdue_on: dt.date | None = None,
    limit: int | None = None,
) -> list[FollowUp]:
    """Action items across the portfolio: open ones by due date, so the overdue come first
    (oldest first); items without a date come last, done ones after everything."""
    stmt = (
        sa_select(  # SQLModel's select is typed for up to four columns
            m.ActionItem,
            col(m.Client.id),
            col(m.Client.key),
            col(m.Client.name),
            col(m.Meeting.key),
            col(m.Meeting.title),
            col(m.Meeting.id),
        )
        .join(m.MeetingNotes, col(m.MeetingNotes.id) == m.ActionItem.notes_id)
        .join(m.Meeting, col(m.Meeting.id) == m.MeetingNotes.meeting_id)
        .join(m.Client, col(m.Client.id) == m.Meeting.client_id)
        .order_by(
            col(m.ActionItem.done),
            col(m.ActionItem.due).is_(None),
            col(m.ActionItem.due),
            col(m.Client.name),
            col(m.ActionItem.id),
        )
    )
    if not include_done:
        stmt = stmt.where(col(m.ActionItem.done).is_(False))
    if client_ids is not None:
        stmt = stmt.where(col(m.Client.id).in_(list(client_ids)))
    if overdue_on is not None:  # only the open ones past their date on that day
        stmt = stmt.where(_overdue(overdue_on))
    if limit is not None:
        stmt = stmt.limit(limit)
    out = []
    for action, cid, ckey, cname, mkey, mtitle, mid in session.execute(stmt).all():
        assert action.id is not None
        out.append(
            FollowUp(
                action.id,
                action.text,
                action.owner,
                action.due,
                action.done,
                cid,
                ckey,
                cname,
                mkey,
                mtitle,
                mid,
            )
        )
    return out
