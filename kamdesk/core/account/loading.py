"""One client loader: every row of a client's dossier, read once for the brief's meeting
context, the dossier and the portfolio JSON export.

``load(session, keys=...)`` (or ``ids=...``; neither: every client) reads the clients, the
company, every table hanging off a client (reasons, finances, targets, needs and the products
they name, plans, competitors, issues, people with their relationship steps and map places,
relations) and every meeting with its own rows (attendees, products, proposals, notes with
their actions, self-review and who was present; the details of some meetings only, when
asked). Each table is one query, whatever the number
of clients: the parents are named by subqueries, never by a list of ids (SQLite's limit on
bound parameters never comes into it). Rows are grouped by their parent's id, each group in
insertion (id) order; ``of(grouped, parent_id)`` reads a group.

The products are those the needs and the meetings read in detail name (every product when
all clients are loaded), with their answers. What each caller makes of the rows (sorting, picking one
meeting's history) stays with the caller.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, or_, select

from kamdesk.core.model import models as m

T = TypeVar("T", bound=SQLModel)


def grouped(session: Session, table: type[T], parent: str, ids: Any | None) -> dict[int, list[T]]:
    """Rows of ``table`` grouped by their ``parent`` column, in id order (a map position,
    which has no id, in its person's order); ``ids`` (a subquery of parent ids) limits them,
    None means all rows."""
    order = getattr(table, "id", None)
    stmt = select(table).order_by(col(order if order is not None else getattr(table, parent)))
    if ids is not None:
        stmt = stmt.where(col(getattr(table, parent)).in_(ids))
    out: dict[int, list[T]] = defaultdict(list)
    for row in session.exec(stmt):
        out[getattr(row, parent)].append(row)
    return dict(out)


def _under(table: Any, column: str, parent_ids: Any | None) -> Any | None:
    """The ids of ``table``'s rows whose ``column`` is among ``parent_ids`` (a subquery)."""
    if parent_ids is None:
        return None
    return select(table.id).where(col(getattr(table, column)).in_(parent_ids))


@dataclass
class ClientRows:
    """The loaded rows, plain data once the session is gone."""

    clients: list[m.Client]  # in id order
    company: m.Company | None
    # by client id
    key_reasons: dict[int, list[m.ClientKeyReason]]
    financials: dict[int, list[m.FinancialPeriod]]
    targets: dict[int, list[m.SalesTarget]]
    needs: dict[int, list[m.Need]]
    plans: dict[int, list[m.Plan]]
    competitors: dict[int, list[m.Competitor]]
    issues: dict[int, list[m.ClientIssue]]
    people: dict[int, list[m.Stakeholder]]
    relations: dict[int, list[m.Relation]]
    meetings: dict[int, list[m.Meeting]]
    # by need id, by person id
    need_products: dict[int, list[m.NeedProduct]]
    steps: dict[int, list[m.RelationshipStep]]
    positions: dict[int, m.MapPosition]
    # by meeting id
    attendees: dict[int, list[m.MeetingAttendee]]
    meeting_products: dict[int, list[m.MeetingProduct]]
    proposals: dict[int, list[m.Proposal]]
    notes: dict[int, m.MeetingNotes]
    # by notes id
    actions: dict[int, list[m.ActionItem]]
    reviews: dict[int, list[m.SelfReview]]
    present: dict[int, list[m.NotesPresent]]
    # by product id
    products: dict[int, m.Product]
    faqs: dict[int, list[m.ProductFaq]]

    @staticmethod
    def of(groups: dict[int, list[T]], parent_id: int | None) -> list[T]:
        """The rows of one parent (none for a parent without an id)."""
        return groups.get(parent_id, []) if parent_id is not None else []


def load(
    session: Session,
    *,
    keys: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    details_of: Sequence[int] | None = None,
) -> ClientRows:
    """The rows of the clients named by ``keys`` or ``ids`` (every client when neither).

    ``details_of`` names the meetings (of these clients) whose attendees, products,
    proposals, self-review and who was present are read; None: every meeting's. The meetings
    themselves, their notes and actions are always read whole (a meeting's history needs
    them): one meeting's context need not read the details of a hundred others."""
    if keys is not None and ids is not None:
        raise ValueError("name the clients by keys or by ids, not both")
    stmt = select(m.Client).order_by(col(m.Client.id))
    cids: Any = None
    if keys is not None:
        cids = select(m.Client.id).where(col(m.Client.key).in_(keys))
    elif ids is not None:
        cids = select(m.Client.id).where(col(m.Client.id).in_(ids))
    if cids is not None:
        stmt = stmt.where(col(m.Client.id).in_(cids))
    clients = list(session.exec(stmt))

    need_ids = _under(m.Need, "client_id", cids)
    person_ids = _under(m.Stakeholder, "client_id", cids)
    meeting_ids = _under(m.Meeting, "client_id", cids)
    notes_ids = _under(m.MeetingNotes, "meeting_id", meeting_ids)
    detailed: Any = meeting_ids if details_of is None else list(details_of)
    detailed_notes = _under(m.MeetingNotes, "meeting_id", detailed)
    products, faqs = _products(session, need_ids, detailed)
    return ClientRows(
        clients=clients,
        company=session.get(m.Company, 1),
        key_reasons=grouped(session, m.ClientKeyReason, "client_id", cids),
        financials=grouped(session, m.FinancialPeriod, "client_id", cids),
        targets=grouped(session, m.SalesTarget, "client_id", cids),
        needs=grouped(session, m.Need, "client_id", cids),
        plans=grouped(session, m.Plan, "client_id", cids),
        competitors=grouped(session, m.Competitor, "client_id", cids),
        issues=grouped(session, m.ClientIssue, "client_id", cids),
        people=grouped(session, m.Stakeholder, "client_id", cids),
        relations=grouped(session, m.Relation, "client_id", cids),
        meetings=grouped(session, m.Meeting, "client_id", cids),
        need_products=grouped(session, m.NeedProduct, "need_id", need_ids),
        steps=grouped(session, m.RelationshipStep, "stakeholder_id", person_ids),
        positions={
            pid: found[0]
            for pid, found in grouped(session, m.MapPosition, "stakeholder_id", person_ids).items()
        },
        attendees=grouped(session, m.MeetingAttendee, "meeting_id", detailed),
        meeting_products=grouped(session, m.MeetingProduct, "meeting_id", detailed),
        proposals=grouped(session, m.Proposal, "meeting_id", detailed),
        notes={
            mid: found[0]
            for mid, found in grouped(session, m.MeetingNotes, "meeting_id", meeting_ids).items()
        },
        actions=grouped(session, m.ActionItem, "notes_id", notes_ids),
        reviews=grouped(session, m.SelfReview, "notes_id", detailed_notes),
        present=grouped(session, m.NotesPresent, "notes_id", detailed_notes),
        products=products,
        faqs=faqs,
    )


def _products(
    session: Session, need_ids: Any | None, meeting_ids: Any | None
) -> tuple[dict[int, m.Product], dict[int, list[m.ProductFaq]]]:
    """The products the needs and the (detailed) meetings name (all when every client is
    loaded), by id, and their answers: two queries."""
    named: Any = None
    if need_ids is not None and meeting_ids is not None:
        named = select(m.Product.id).where(
            or_(
                col(m.Product.id).in_(
                    select(m.NeedProduct.product_id).where(col(m.NeedProduct.need_id).in_(need_ids))
                ),
                col(m.Product.id).in_(
                    select(m.MeetingProduct.product_id).where(
                        col(m.MeetingProduct.meeting_id).in_(meeting_ids)
                    )
                ),
            )
        )
    stmt = select(m.Product).order_by(col(m.Product.id))
    if named is not None:
        stmt = stmt.where(col(m.Product.id).in_(named))
    products = {p.id: p for p in session.exec(stmt) if p.id is not None}
    return products, grouped(session, m.ProductFaq, "product_id", named)


_NO_TIME = dt.datetime.min


def utc_start(meeting: m.Meeting) -> dt.datetime:
    """A meeting's start as a naive UTC time for sorting (the earliest time when it has
    none): a start read back from the file and one just assigned compare alike."""
    start = meeting.starts_at_utc
    if start is None:
        return _NO_TIME
    return start.astimezone(dt.UTC).replace(tzinfo=None) if start.tzinfo is not None else start
