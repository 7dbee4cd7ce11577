"""Everything a meeting's readiness check and brief need, loaded in one go.

The context is plain data after loading (model rows no longer tied to a session), so rules
and rendering are pure functions of it and can run on any thread.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select

from kamdesk.core.errors import UnknownKey
from kamdesk.core.model import models as m


@dataclass
class ProductInfo:
    product: m.Product
    faqs: list[m.ProductFaq]
    on_agenda: bool  # named on the meeting (else: tied to a need a proposal answers)


@dataclass
class PastMeeting:
    meeting: m.Meeting
    notes: m.MeetingNotes | None
    actions: list[m.ActionItem]
    reviews: list[m.SelfReview] = field(default_factory=list)  # the self-review, by mistake

    @property
    def slips(self) -> list[m.SelfReview]:
        return sorted((r for r in self.reviews if r.verdict == "slip"), key=lambda r: r.mistake)


@dataclass
class MeetingContext:
    meeting: m.Meeting
    client: m.Client
    company: m.Company | None
    attendees: list[m.Stakeholder]
    stakeholders: list[m.Stakeholder]
    steps: dict[int, list[m.RelationshipStep]]
    relations: list[m.Relation]
    issues: list[m.ClientIssue]
    needs: list[m.Need]
    need_products: dict[int, list[int]]
    proposals: list[m.Proposal]
    products: list[ProductInfo]
    financials: list[m.FinancialPeriod]
    targets: list[m.SalesTarget]
    plans: list[m.Plan]
    competitors: list[m.Competitor]
    key_reasons: list[str]
    previous: PastMeeting | None
    open_actions: list[tuple[m.Meeting, m.ActionItem]] = field(default_factory=list)
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)  # relationship map
    held: bool = False  # the meeting has its notes: it took place

    @property
    def person_by_id(self) -> dict[int, m.Stakeholder]:
        return {p.id: p for p in self.stakeholders if p.id is not None}

    @property
    def need_by_id(self) -> dict[int, m.Need]:
        return {n.id: n for n in self.needs if n.id is not None}

    @property
    def reference_day(self) -> dt.date:
        """The day the meeting happens (today when it has no time yet)."""
        start = self.meeting.starts_at
        return start.date() if start else dt.date.today()


T = TypeVar("T", bound=SQLModel)


def usable_email(email: str | None) -> str | None:
    """A person's e-mail address as a mail or calendar program can take it (trimmed), or
    ``None`` for an empty field or one that is not an address (markup, a line break, two
    addresses): the e-mail draft leaves such a person out of To, the calendar file names them
    among those attending without an address."""
    text = (email or "").strip()
    if not text or any(ch.isspace() or ord(ch) < 32 for ch in text):
        return None
    try:
        Address(addr_spec=text)
    except (HeaderParseError, ValueError, IndexError):
        return None
    return text


def _rows(session: Session, model: type[T], column: str, value: int | None) -> list[T]:
    """Rows of ``model`` whose ``column`` equals ``value``, in insertion order."""
    if value is None:
        return []
    stmt = select(model).where(getattr(model, column) == value).order_by(getattr(model, "id"))  # noqa: B009 - T has no declared id
    return list(session.exec(stmt))


def load_meeting_context(session: Session, meeting_key: str) -> MeetingContext:
    meeting = session.exec(select(m.Meeting).where(m.Meeting.key == meeting_key)).first()
    if meeting is None:
        raise UnknownKey(f"No meeting with key {meeting_key!r}.")
    client = session.get(m.Client, meeting.client_id)
    assert client is not None and client.id is not None and meeting.id is not None
    cid = client.id

    stakeholders = _rows(session, m.Stakeholder, "client_id", cid)
    by_id = {p.id: p for p in stakeholders}
    attendee_links = _rows(session, m.MeetingAttendee, "meeting_id", meeting.id)
    attendees = [by_id[a.stakeholder_id] for a in attendee_links]

    steps: dict[int, list[m.RelationshipStep]] = defaultdict(list)
    if by_id:
        for step in session.exec(
            select(m.RelationshipStep)
            .where(col(m.RelationshipStep.stakeholder_id).in_(list(by_id)))
            .order_by(col(m.RelationshipStep.id))
        ):
            steps[step.stakeholder_id].append(step)

    needs = _rows(session, m.Need, "client_id", cid)
    need_products: dict[int, list[int]] = defaultdict(list)
    if needs:
        for link in session.exec(
            select(m.NeedProduct)
            .where(col(m.NeedProduct.need_id).in_([n.id for n in needs]))
            .order_by(col(m.NeedProduct.id))
        ):
            need_products[link.need_id].append(link.product_id)

    proposals = _rows(session, m.Proposal, "meeting_id", meeting.id)
    agenda_ids = [
        link.product_id for link in _rows(session, m.MeetingProduct, "meeting_id", meeting.id)
    ]
    answered_needs = [p.need_id for p in proposals if p.need_id is not None]
    product_ids = list(
        dict.fromkeys(
            agenda_ids + [pid for nid in answered_needs for pid in need_products.get(nid, [])]
        )
    )
    # the products and their answers: one query each (not one per product)
    found = (
        {p.id: p for p in session.exec(select(m.Product).where(col(m.Product.id).in_(product_ids)))}
        if product_ids
        else {}
    )
    faqs: dict[int, list[m.ProductFaq]] = defaultdict(list)
    if product_ids:
        for faq in session.exec(
            select(m.ProductFaq)
            .where(col(m.ProductFaq.product_id).in_(product_ids))
            .order_by(col(m.ProductFaq.id))
        ):
            faqs[faq.product_id].append(faq)
    products = [
        ProductInfo(found[pid], faqs.get(pid, []), pid in agenda_ids) for pid in product_ids
    ]

    previous = None
    open_actions: list[tuple[m.Meeting, m.ActionItem]] = []
    start = meeting.starts_at_utc
    earlier_stmt = select(m.Meeting).where(m.Meeting.client_id == cid, m.Meeting.id != meeting.id)
    if start is not None:
        earlier_stmt = earlier_stmt.where(col(m.Meeting.starts_at_utc) < start)
    earlier = list(session.exec(earlier_stmt.order_by(col(m.Meeting.starts_at_utc))))
    # the notes of the earlier meetings and of this one, their actions: one query each
    notes_of = {
        n.meeting_id: n
        for n in session.exec(
            select(m.MeetingNotes).where(
                col(m.MeetingNotes.meeting_id).in_([p.id for p in earlier] + [meeting.id])
            )
        )
    }
    actions_of: dict[int, list[m.ActionItem]] = defaultdict(list)
    past_notes = [n.id for mid, n in notes_of.items() if mid != meeting.id]
    if past_notes:
        for action in session.exec(
            select(m.ActionItem)
            .where(col(m.ActionItem.notes_id).in_(past_notes))
            .order_by(col(m.ActionItem.id))
        ):
            actions_of[action.notes_id].append(action)
    for past in earlier:
        notes = notes_of.get(past.id) if past.id is not None else None
        actions = actions_of.get(notes.id, []) if notes and notes.id is not None else []
        open_actions += [(past, a) for a in actions if not a.done]
        if notes is not None:
            previous = PastMeeting(past, notes, actions)
    if previous is not None and previous.notes is not None:
        previous.reviews = _rows(session, m.SelfReview, "notes_id", previous.notes.id)

    return MeetingContext(
        meeting=meeting,
        client=client,
        company=session.get(m.Company, 1),
        attendees=attendees,
        stakeholders=stakeholders,
        steps=dict(steps),
        relations=_rows(session, m.Relation, "client_id", cid),
        issues=_rows(session, m.ClientIssue, "client_id", cid),
        needs=needs,
        need_products=dict(need_products),
        proposals=proposals,
        products=products,
        financials=_rows(session, m.FinancialPeriod, "client_id", cid),
        targets=_rows(session, m.SalesTarget, "client_id", cid),
        plans=_rows(session, m.Plan, "client_id", cid),
        competitors=_rows(session, m.Competitor, "client_id", cid),
        key_reasons=[r.reason for r in _rows(session, m.ClientKeyReason, "client_id", cid)],
        previous=previous,
        open_actions=open_actions,
        held=meeting.id in notes_of,
        positions={
            p.stakeholder_id: (p.x, p.y)
            for p in session.exec(
                select(m.MapPosition).where(col(m.MapPosition.stakeholder_id).in_(list(by_id)))
            )
        },
    )
