"""Everything a meeting's readiness check and brief need, loaded in one go.

The context is plain data after loading (model rows no longer tied to a session), so rules
and rendering are pure functions of it and can run on any thread.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select

from kamdesk.core.account import loading
from kamdesk.core.account.loading import utc_start as utc
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


def load_meeting_context(session: Session, meeting_key: str) -> MeetingContext:
    """The meeting and its client's dossier (``account.loading``: one query per table), and
    from them what this meeting's rules and brief read."""
    return load_meeting_contexts(session, [meeting_key])[meeting_key]


CLIENTS_PER_LOAD = 20  # clients whose rows are held at a time
MEETINGS_PER_LOAD = 400  # meetings read in detail at a time (well under SQLite's limit)


def load_meeting_contexts(
    session: Session, meeting_keys: Iterable[str]
) -> dict[str, MeetingContext]:
    """The context of each of these meetings, in their order: the meetings of one client (a
    list's worth) share one load of its dossier, whatever their number. Raises
    :class:`UnknownKey` for the first key that names no meeting."""
    keys = list(dict.fromkeys(meeting_keys))
    found: dict[str, m.Meeting] = {}
    for start in range(0, len(keys), MEETINGS_PER_LOAD):
        chunk = keys[start : start + MEETINGS_PER_LOAD]
        found |= {
            mt.key: mt
            for mt in session.exec(select(m.Meeting).where(col(m.Meeting.key).in_(chunk)))
        }
    missing = next((key for key in keys if key not in found), None)
    if missing is not None:
        raise UnknownKey(f"No meeting with key {missing!r}.")
    by_client: dict[int, list[m.Meeting]] = defaultdict(list)
    for key in keys:
        by_client[found[key].client_id].append(found[key])
    contexts: dict[str, MeetingContext] = {}
    for batch in _batches(by_client):
        # the details (attendees, products, proposals) of these meetings only; the history whole
        rows = loading.load(
            session,
            ids=list(batch),
            details_of=[mt.id for mts in batch.values() for mt in mts if mt.id],
        )
        clients = {c.id: c for c in rows.clients}
        made = [_context(mt, clients[cid], rows) for cid, mts in batch.items() for mt in mts]
        _add_reviews(session, made)
        contexts |= {ctx.meeting.key: ctx for ctx in made}
    return {key: contexts[key] for key in keys}


def _batches(by_client: dict[int, list[m.Meeting]]) -> Iterator[dict[int, list[m.Meeting]]]:
    """The meetings in loads of at most CLIENTS_PER_LOAD clients and MEETINGS_PER_LOAD
    meetings (a client with more is loaded once per part)."""
    batch: dict[int, list[m.Meeting]] = {}
    size = 0
    for cid, meetings in by_client.items():
        for start in range(0, len(meetings), MEETINGS_PER_LOAD):
            piece = meetings[start : start + MEETINGS_PER_LOAD]
            if batch and (size + len(piece) > MEETINGS_PER_LOAD or len(batch) >= CLIENTS_PER_LOAD):
                yield batch
                batch, size = {}, 0
            batch[cid] = piece
            size += len(piece)
    if batch:
        yield batch


def _add_reviews(session: Session, contexts: list[MeetingContext]) -> None:
    """The self-review of each context's last meeting held: one query for them all, once
    those meetings are known."""
    held = [ctx.previous for ctx in contexts if ctx.previous and ctx.previous.notes]
    notes_ids = [p.notes.id for p in held if p.notes and p.notes.id is not None]
    if not notes_ids:
        return
    reviews = loading.grouped(session, m.SelfReview, "notes_id", list(dict.fromkeys(notes_ids)))
    for past in held:
        past.reviews = list(loading.ClientRows.of(reviews, past.notes.id if past.notes else None))


def _context(meeting: m.Meeting, client: m.Client, rows: loading.ClientRows) -> MeetingContext:
    """One meeting's context from its client's loaded rows (lists of its own: contexts of
    one client share the rows, never a list)."""
    assert client.id is not None and meeting.id is not None
    cid = client.id

    def of(groups: dict[int, list[T]], parent_id: int | None) -> list[T]:
        return list(rows.of(groups, parent_id))

    stakeholders = of(rows.people, cid)
    by_id = {p.id: p for p in stakeholders}
    needs = of(rows.needs, cid)
    need_products = {
        n.id: [link.product_id for link in rows.of(rows.need_products, n.id)]
        for n in needs
        if n.id is not None and rows.of(rows.need_products, n.id)
    }
    proposals = of(rows.proposals, meeting.id)
    previous, open_actions = _history(meeting, rows)
    return MeetingContext(
        meeting=meeting,
        client=client,
        company=rows.company,
        attendees=[by_id[a.stakeholder_id] for a in of(rows.attendees, meeting.id)],
        stakeholders=stakeholders,
        steps={pid: list(rows.steps[pid]) for pid in by_id if pid in rows.steps},
        relations=of(rows.relations, cid),
        issues=of(rows.issues, cid),
        needs=needs,
        need_products=need_products,
        proposals=proposals,
        products=_products(meeting, rows, proposals, need_products),
        financials=of(rows.financials, cid),
        targets=of(rows.targets, cid),
        plans=of(rows.plans, cid),
        competitors=of(rows.competitors, cid),
        key_reasons=[r.reason for r in of(rows.key_reasons, cid)],
        previous=previous,
        open_actions=open_actions,
        held=meeting.id in rows.notes,
        positions={
            pid: (rows.positions[pid].x, rows.positions[pid].y)
            for pid in by_id
            if pid in rows.positions
        },
    )


def _products(
    meeting: m.Meeting,
    rows: loading.ClientRows,
    proposals: list[m.Proposal],
    need_products: dict[int, list[int]],
) -> list[ProductInfo]:
    """The products on the agenda, then those of the needs the proposals answer."""
    agenda_ids = [link.product_id for link in rows.of(rows.meeting_products, meeting.id)]
    answered_needs = [p.need_id for p in proposals if p.need_id is not None]
    product_ids = list(
        dict.fromkeys(
            agenda_ids + [pid for nid in answered_needs for pid in need_products.get(nid, [])]
        )
    )
    return [
        ProductInfo(rows.products[pid], list(rows.of(rows.faqs, pid)), pid in agenda_ids)
        for pid in product_ids
    ]


def _history(
    meeting: m.Meeting, rows: loading.ClientRows
) -> tuple[PastMeeting | None, list[tuple[m.Meeting, m.ActionItem]]]:
    """The client's last earlier meeting that has notes, and the open actions of all earlier
    ones. Earlier: started before this one (every other meeting when this one has no time
    yet), oldest first, meetings without a time before the rest."""
    start = meeting.starts_at_utc
    earlier = [
        past
        for past in rows.of(rows.meetings, meeting.client_id)
        if past.id != meeting.id
        and (start is None or (past.starts_at_utc is not None and utc(past) < utc(meeting)))
    ]
    earlier.sort(key=lambda past: (past.starts_at_utc is not None, utc(past), past.id or 0))
    previous = None
    open_actions: list[tuple[m.Meeting, m.ActionItem]] = []
    for past in earlier:
        notes = rows.notes.get(past.id) if past.id is not None else None
        actions = list(rows.of(rows.actions, notes.id)) if notes is not None else []
        open_actions += [(past, a) for a in actions if not a.done]
        if notes is not None:
            previous = PastMeeting(past, notes, actions)
    return previous, open_actions
