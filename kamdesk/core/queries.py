"""Read-only queries shared by the CLI and the GUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from kamdesk.core import models as m


@dataclass(frozen=True)
class MeetingRow:
    key: str
    title: str
    client_key: str
    client_name: str
    starts_at: dt.datetime | None


def upcoming_meetings(
    session: Session, *, include_past: bool = False, now: dt.datetime | None = None
) -> list[MeetingRow]:
    """Meetings from now on (or all), soonest first; meetings without a time come last."""
    now_utc = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stmt = select(m.Meeting, m.Client.key, m.Client.name).join(
        m.Client, col(m.Client.id) == m.Meeting.client_id
    )
    if not include_past:
        stmt = stmt.where(
            (col(m.Meeting.starts_at_utc) >= now_utc) | col(m.Meeting.starts_at_utc).is_(None)
        )
    stmt = stmt.order_by(col(m.Meeting.starts_at_utc).is_(None), col(m.Meeting.starts_at_utc))
    return [
        MeetingRow(meeting.key, meeting.title, ckey, cname, meeting.starts_at)
        for meeting, ckey, cname in session.exec(stmt)
    ]


@dataclass(frozen=True)
class ClientRow:
    id: int
    key: str
    name: str
    industry: str | None
    stakeholders: int
    vips: int
    next_meeting: MeetingRow | None


def portfolio_rows(session: Session, now: dt.datetime | None = None) -> list[ClientRow]:
    """One row per client for the portfolio list, in name order."""
    counts = {
        cid: (total, vips or 0)
        for cid, total, vips in session.exec(
            select(
                m.Stakeholder.client_id,
                func.count(col(m.Stakeholder.id)),
                func.sum(case((or_(col(m.Stakeholder.vip), col(m.Stakeholder.kol)), 1), else_=0)),
            ).group_by(col(m.Stakeholder.client_id))
        )
    }
    next_by_client: dict[str, MeetingRow] = {}
    for row in upcoming_meetings(session, now=now):
        next_by_client.setdefault(row.client_key, row)
    rows = []
    for client in session.exec(select(m.Client).order_by(col(m.Client.name))):
        cid = client.id or 0
        total, vips = counts.get(cid, (0, 0))
        rows.append(
            ClientRow(
                cid,
                client.key,
                client.name,
                client.industry,
                total,
                vips,
                next_by_client.get(client.key),
            )
        )
    return rows
