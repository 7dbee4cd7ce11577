"""Editing the dossier one field at a time: the API the desktop app (and its undo stack) uses.

Every edit is validated by the same rules as the exchange format (types, closed enums,
ranges, text limits) and fails with :class:`FieldError` naming the field and what is wrong;
nothing is written then. Each call is its own transaction, so an autosaved edit is durable
as soon as the call returns. Calls return the previous value, which is what undo needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy.exc
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import delete, insert, update
from sqlmodel import Session, SQLModel, col, select

from kamdesk.core import confirmations, enums, search
from kamdesk.core import exchange_schema as doc
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.core.errors import KamdeskError
from kamdesk.core.queries import meeting_attendees


class FieldError(KamdeskError):
    """A value the field cannot take. ``field`` names it; ``str()`` says what is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# Which document field validates each editable column (column -> (doc model, doc field)).
_VALIDATED_BY: dict[type[SQLModel], dict[str, tuple[type[doc.Doc], str]]] = {
    m.Client: {
        **{c: (doc.Client, c) for c in doc.Client.model_fields if c in m.Client.model_fields},
        "credit_limit": (doc.Credit, "limit"),
        "payment_terms_days": (doc.Credit, "payment_terms_days"),
        "credit_rating": (doc.Credit, "rating"),
        "previous_credit_rating": (doc.Credit, "previous_rating"),
        "discount_standard_pct": (doc.DiscountPolicy, "standard_pct"),
        "discount_max_pct": (doc.DiscountPolicy, "max_pct"),
    },
    m.Stakeholder: {
        c: (doc.Stakeholder, c)
        for c in doc.Stakeholder.model_fields
        if c in m.Stakeholder.model_fields
    },
    m.Meeting: {
        **{c: (doc.Meeting, c) for c in doc.Meeting.model_fields if c in m.Meeting.model_fields},
        "starts_at": (doc.Meeting, "starts_at"),
        "max_discount_pct": (doc.Limits, "max_discount_pct"),
        "walk_away": (doc.Limits, "walk_away"),
        "credit_line": (doc.Limits, "credit_line"),
    },
    m.Product: {
        c: (doc.Product, c) for c in doc.Product.model_fields if c in m.Product.model_fields
    },
    m.FinancialPeriod: {c: (doc.FinancialPeriod, c) for c in doc.FinancialPeriod.model_fields},
    m.SalesTarget: {c: (doc.Target, c) for c in doc.Target.model_fields},
    m.Need: {"text": (doc.Need, "text")},
    m.Plan: {c: (doc.Plan, c) for c in doc.Plan.model_fields},
    m.Competitor: {c: (doc.Competitor, c) for c in doc.Competitor.model_fields},
    m.ClientIssue: {c: (doc.Issue, c) for c in ("kind", "text", "response", "status")},
    m.RelationshipStep: {c: (doc.RelationshipStep, c) for c in doc.RelationshipStep.model_fields},
    m.Company: {c: (doc.Company, c) for c in doc.Company.model_fields},
    m.Relation: {"kind": (doc.Relation, "kind")},
    m.Proposal: {"text": (doc.Proposal, "text"), "no_product": (doc.Proposal, "no_product")},
    m.ProductFaq: {c: (doc.Faq, c) for c in doc.Faq.model_fields},
    m.MeetingNotes: {
        "summary": (doc.Notes, "summary"),
        "summary_shared": (doc.Notes, "summary_shared"),
        "private": (doc.Notes, "private"),
        "decisions": (doc.Notes, "decisions"),
        "objective_achieved": (doc.Notes, "objective_achieved"),
        "next_meeting_on": (doc.NextMeeting, "on"),
        "next_meeting_purpose": (doc.NextMeeting, "purpose"),
    },
    m.SelfReview: {"comment": (doc.SelfReviewComments, "m1")},
    m.ClientKeyReason: {"note": (doc.KeyReasonNotes, "reference")},
    m.ActionItem: {c: (doc.ActionItem, c) for c in doc.ActionItem.model_fields},
}

# Keys are identifiers that other objects and scripts refer to: not edited in place.
_READ_ONLY = {"key", "id", "client_id"}


@cache
def _adapter(model: type[SQLModel], column: str) -> TypeAdapter[Any]:
    try:
        doc_model, field = _VALIDATED_BY[model][column]
    except KeyError:
        raise FieldError(column, "this field cannot be edited here") from None
    info = doc_model.model_fields[field]
    return TypeAdapter(info.rebuild_annotation())  # the annotation with its validators


# What a record is called cannot be emptied afterwards either (adding one already refuses).
_NAMED_BY = {
    m.Client: ("name", "a client needs a name"),
    m.Stakeholder: ("name", "a person needs a name"),
    m.Meeting: ("title", "a meeting needs a title"),
    m.Product: ("name", "a product needs a name"),
}


def validate(model: type[SQLModel], column: str, value: Any) -> Any:
    """The value as the field stores it, or FieldError with a message for the user."""
    if column in _READ_ONLY:
        raise FieldError(column, "keys are identifiers and cannot be edited")
    named = _NAMED_BY.get(model)
    if named and column == named[0] and (value is None or not str(value).strip()):
        raise FieldError(column, named[1])
    if column in _ID_COLUMNS:  # a link chosen from a list; the database checks it exists
        if value is not None and not isinstance(value, int):
            raise FieldError(column, "not a valid choice")
        return value
    if isinstance(value, str) and column not in (
        "text",
        "name",
        "title",
        "step",
        "question",
        "answer",
    ):
        value = value.strip() or None  # an emptied optional text field means "not known"
    try:
        clean = _adapter(model, column).validate_python(value, strict=True)
        if isinstance(clean, doc.Lessons):  # stored as {"3": "…"}, emptied lines dropped
            return {str(n): t.strip() for n, t in clean.as_dict().items() if t.strip()}
        return clean
    except ValidationError as exc:
        raise FieldError(column, doc.error_text(exc.errors()[0])) from None


def _row(session: Session, model: type[SQLModel], row_id: int) -> Any:
    row = session.get(model, row_id)
    if row is None:
        what = getattr(model, "__tablename__", "record")
        raise KamdeskError(f"That {what} no longer exists (it was deleted).")
    return row


def set_field(db: Database, model: type[SQLModel], row_id: int, column: str, value: Any) -> Any:
    """Validate and store one field; returns the previous value."""
    clean = validate(model, column, value)
    try:
        return _set_field(db, model, row_id, column, clean)
    except sqlalchemy.exc.IntegrityError as exc:
        raise _unique_error(exc) or FieldError(
            column, "this value breaks a rule of the dossier"
        ) from exc


def _set_field(db: Database, model: type[SQLModel], row_id: int, column: str, clean: Any) -> Any:
    with db.transaction() as session:
        row = _row(session, model, row_id)
        if column == "starts_at":
            old = row.starts_at
            row.set_starts_at(clean)
        else:
            old = getattr(row, column)
            setattr(row, column, list(clean) if isinstance(clean, list) else clean)
        session.add(row)
        _reindex(session, row)
    return old


def _reindex(session: Session, row: Any) -> None:
    """Keep the search index in step, in the same transaction as the edit."""
    client_id = row.id if isinstance(row, m.Client) else getattr(row, "client_id", None)
    if client_id is not None:
        session.flush()
        search.reindex_client(session, client_id)


def get_field(db: Database, model: type[SQLModel], row_id: int, column: str) -> Any:
    with db.session() as session:
        row = _row(session, model, row_id)
        return row.starts_at if column == "starts_at" else getattr(row, column)


# --- meetings ------------------------------------------------------------------------------


def set_tick(db: Database, meeting_id: int, name: str, value: bool) -> bool:
    """Give (or withdraw) a tick: it vouches for the meeting as it is now, reviewed here (an
    imported tick given again is confirmed). Returns whether the tick counted before."""
    if name not in confirmations.NAMES:
        raise FieldError(name, "not one of the three ticks")
    with db.transaction() as session:
        meeting = _row(session, m.Meeting, meeting_id)
        attendees = meeting_attendees(session, meeting_id)
        before = confirmations.reviewed(meeting, attendees)[name]
        for column, fp in confirmations.stamped(meeting, attendees, {name: value}).items():
            setattr(meeting, column, fp)
        meeting.ticks_unreviewed = [n for n in meeting.ticks_unreviewed or [] if n != name]
        session.add(meeting)
    return before


def set_attendees(db: Database, meeting_id: int, stakeholder_ids: list[int]) -> list[int]:
    """Replace the attendees (people of the meeting's own client only); returns the old list."""
    if len(set(stakeholder_ids)) != len(stakeholder_ids):
        raise FieldError("attendees", "a person is listed twice")
    with db.transaction() as session:
        meeting = _row(session, m.Meeting, meeting_id)
        people = {
            p.id
            for p in session.exec(
                select(m.Stakeholder).where(m.Stakeholder.client_id == meeting.client_id)
            )
        }
        strangers = [i for i in stakeholder_ids if i not in people]
        if strangers:
            raise FieldError("attendees", "only people of this client can attend")
        old = [p.id for p in meeting_attendees(session, meeting_id) if p.id is not None]
        for link in session.exec(
            select(m.MeetingAttendee).where(m.MeetingAttendee.meeting_id == meeting_id)
        ):
            session.delete(link)
        session.flush()
        for sid in stakeholder_ids:
            session.add(m.MeetingAttendee(meeting_id=meeting_id, stakeholder_id=sid))
    return old


def set_meeting_products(db: Database, meeting_id: int, product_ids: list[int]) -> list[int]:
    """The products on the meeting's table; returns the previous list."""
    return _replace_product_links(
        db, m.Meeting, m.MeetingProduct, "meeting_id", meeting_id, product_ids
    )


def _replace_product_links(
    db: Database,
    parent: type[SQLModel],
    link: type[SQLModel],
    column: str,
    parent_id: int,
    product_ids: list[int],
) -> list[int]:
    """Replace the product links of one row (a meeting or a need); returns the old product ids."""
    table = _table(link)
    with db.transaction() as session:
        _row(session, parent, parent_id)
        rows = list(
            session.exec(select(link).where(table.c[column] == parent_id).order_by(table.c.id))
        )
        old = [row.product_id for row in rows]  # type: ignore[attr-defined]
        for row in rows:
            session.delete(row)
        session.flush()
        for pid in dict.fromkeys(product_ids):
            _row(session, m.Product, pid)
            session.add(link(**{column: parent_id, "product_id": pid}))
    return old


# --- people: add, delete (undoable) ----------------------------------------------------------


def slug(text: str) -> str:
    """A key-shaped version of a name: "Łukasz Wróbel" -> "lukasz-wrobel", "Соколов" -> "sokolov"."""
    from anyascii import anyascii

    ascii_text = re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")
    return ascii_text[:48] or "person"


def unique_key(existing: set[str], base: str) -> str:
    key, n = base, 2
    while key in existing:
        key = f"{base}-{n}"
        n += 1
    return key


def add_stakeholder(db: Database, client_id: int, name: str) -> int:
    """A new person of the client, keyed from the name; returns the new id."""
    clean = validate(m.Stakeholder, "name", name)
    if not clean.strip():
        raise FieldError("name", "a person needs a name")
    with db.transaction() as session:
        _row(session, m.Client, client_id)
        keys = set(
            session.exec(select(m.Stakeholder.key).where(m.Stakeholder.client_id == client_id))
        )
        person = m.Stakeholder(
            client_id=client_id, key=unique_key(keys, slug(clean)), name=clean.strip()
        )
        session.add(person)
        session.flush()
        assert person.id is not None
        search.reindex_client(session, client_id)
        return person.id


@dataclass
class Snapshot:
    """Rows removed by a delete, parents first, so that undo can put them back as they were."""

    rows: list[tuple[type[SQLModel], dict[str, Any]]] = field(default_factory=list)
    # references the delete set to NULL (ON DELETE SET NULL): (model, column, row ids, value)
    relinks: list[tuple[type[SQLModel], str, list[int], int]] = field(default_factory=list)
    client_id: int | None = None


def delete_stakeholder(db: Database, stakeholder_id: int) -> Snapshot:
    """Delete a person with their plan steps, relations and attendances; returns what undo needs."""
    snap = Snapshot()
    with db.transaction() as session:
        person = _row(session, m.Stakeholder, stakeholder_id)
        snap.rows.append((m.Stakeholder, person.model_dump()))
        for model, stmt in (
            (
                m.RelationshipStep,
                select(m.RelationshipStep).where(
                    m.RelationshipStep.stakeholder_id == stakeholder_id
                ),
            ),
            (
                m.Relation,
                select(m.Relation).where(
                    (m.Relation.from_id == stakeholder_id) | (m.Relation.to_id == stakeholder_id)
                ),
            ),
            (
                m.MeetingAttendee,
                select(m.MeetingAttendee).where(m.MeetingAttendee.stakeholder_id == stakeholder_id),
            ),
            (
                m.MapPosition,
                select(m.MapPosition).where(m.MapPosition.stakeholder_id == stakeholder_id),
            ),
            (
                m.NotesPresent,
                select(m.NotesPresent).where(m.NotesPresent.stakeholder_id == stakeholder_id),
            ),
        ):
            snap.rows += [(model, row.model_dump()) for row in session.exec(stmt)]
        issue_ids = [
            i.id
            for i in session.exec(
                select(m.ClientIssue).where(m.ClientIssue.raised_by_id == stakeholder_id)
            )
            if i.id is not None
        ]
        snap.relinks.append((m.ClientIssue, "raised_by_id", issue_ids, stakeholder_id))
        snap.client_id = person.client_id
        client_id = person.client_id
        session.delete(person)  # the database cascades to steps, relations and attendances
        session.flush()
        search.reindex_client(session, client_id)
    return snap


def restore(db: Database, snap: Snapshot) -> None:
    """Put deleted rows back with their ids (the undo of a delete)."""
    with db.transaction() as session:
        for model, values in snap.rows:
            session.execute(insert(_table(model)).values(**values))
        for model, column, ids, value in snap.relinks:
            table = _table(model)
            if ids:
                session.execute(update(table).where(table.c.id.in_(ids)).values({column: value}))
        if snap.client_id is not None:
            search.reindex_client(session, snap.client_id)


# --- rows of the client's lists: add, delete (undoable) -----------------------------------------

# Tables whose rows the desktop adds and deletes one at a time, with their parent column.
LIST_TABLES: dict[type[SQLModel], str] = {
    m.FinancialPeriod: "client_id",
    m.SalesTarget: "client_id",
    m.Plan: "client_id",
    m.Competitor: "client_id",
    m.ClientIssue: "client_id",
    m.Need: "client_id",
    m.RelationshipStep: "stakeholder_id",
    m.ProductFaq: "product_id",
    m.Relation: "client_id",
    m.Proposal: "meeting_id",
    m.ActionItem: "notes_id",
}
# id columns given by the program (checked by foreign keys), not typed by the user
_ID_COLUMNS = {"from_id", "to_id", "need_id", "raised_by_id"}


def _unique_error(exc: sqlalchemy.exc.IntegrityError) -> FieldError | None:
    text = str(exc.orig)
    if "UNIQUE" in text:
        column = text.rsplit(".", 1)[-1]
        return FieldError(column, "this value is already used by another entry of this list")
    return None


def add_row(db: Database, model: type[SQLModel], values: dict[str, Any]) -> int:
    """A new row of one of the client's lists; every value is validated first."""
    if model not in LIST_TABLES:
        raise FieldError(model.__name__, "rows of this kind cannot be added here")
    parent = LIST_TABLES[model]
    clean = {}
    for column, value in values.items():
        if column == parent or column in _ID_COLUMNS:
            clean[column] = value
        elif column == "key":
            try:
                clean[column] = doc._key_ok(value)
            except ValueError as exc:
                raise FieldError("key", str(exc)) from None
        else:
            clean[column] = validate(model, column, value)
    try:
        with db.transaction() as session:
            row = model(**clean)
            session.add(row)
            session.flush()
            _reindex(session, row)
            assert row.id is not None  # type: ignore[attr-defined]
            return int(row.id)  # type: ignore[attr-defined]
    except sqlalchemy.exc.IntegrityError as exc:
        raise _unique_error(exc) or FieldError(
            model.__name__, "this entry breaks a rule of the dossier"
        ) from exc


def delete_row(db: Database, model: type[SQLModel], row_id: int) -> Snapshot:
    if model not in LIST_TABLES:
        raise FieldError(model.__name__, "rows of this kind cannot be deleted here")
    snap = Snapshot()
    with db.transaction() as session:
        row = _row(session, model, row_id)
        snap.rows.append((model, row.model_dump()))
        if model is m.Need:
            snap.rows += [
                (m.NeedProduct, link.model_dump())
                for link in session.exec(
                    select(m.NeedProduct).where(m.NeedProduct.need_id == row_id)
                )
            ]
            proposals = [
                p.id
                for p in session.exec(select(m.Proposal).where(m.Proposal.need_id == row_id))
                if p.id is not None
            ]
            snap.relinks.append((m.Proposal, "need_id", proposals, row_id))
        snap.client_id = getattr(row, "client_id", None)
        session.delete(row)
        session.flush()
        if snap.client_id is not None:
            search.reindex_client(session, snap.client_id)
    return snap


def list_rows(db: Database, model: type[SQLModel], parent_id: int) -> list[Any]:
    """The rows of one list of a client (or person, product), in insertion order."""
    table = _table(model)
    with db.session() as session:
        stmt = select(model).where(table.c[LIST_TABLES[model]] == parent_id).order_by(table.c.id)
        return list(session.exec(stmt))


def _table(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


# --- the relationship map's layout ------------------------------------------------------------


def map_positions(db: Database, client_id: int) -> dict[int, tuple[float, float]]:
    with db.session() as session:
        stmt = (
            select(m.MapPosition)
            .join(m.Stakeholder, col(m.Stakeholder.id) == m.MapPosition.stakeholder_id)
            .where(m.Stakeholder.client_id == client_id)
        )
        return {p.stakeholder_id: (p.x, p.y) for p in session.exec(stmt)}


def set_map_position(db: Database, stakeholder_id: int, x: float, y: float) -> None:
    with db.transaction() as session:
        _row(session, m.Stakeholder, stakeholder_id)
        row = session.get(m.MapPosition, stakeholder_id) or m.MapPosition(
            stakeholder_id=stakeholder_id, x=x, y=y
        )
        row.x, row.y = float(x), float(y)
        session.add(row)


# --- clients and meetings: add, delete (undoable) ------------------------------------------------


def add_client(db: Database, name: str) -> int:
    clean = validate(m.Client, "name", name).strip()
    if not clean:
        raise FieldError("name", "a client needs a name")
    with db.transaction() as session:
        keys = set(session.exec(select(m.Client.key)))
        client = m.Client(key=unique_key(keys, slug(clean)[:40] or "client"), name=clean)
        session.add(client)
        session.flush()
        assert client.id is not None
        search.reindex_client(session, client.id)
        return client.id


def add_meeting(db: Database, client_id: int, title: str) -> int:
    """A new meeting of the client (in person, no time yet); its key comes from the title and
    is unique in the whole portfolio."""
    clean = validate(m.Meeting, "title", title).strip()
    if not clean:
        raise FieldError("title", "a meeting needs a title")
    with db.transaction() as session:
        _row(session, m.Client, client_id)
        keys = set(session.exec(select(m.Meeting.key)))
        meeting = m.Meeting(
            client_id=client_id, key=unique_key(keys, slug(clean)[:40] or "meeting"), title=clean
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        search.reindex_client(session, client_id)
        return meeting.id


def delete_meeting(db: Database, meeting_id: int) -> Snapshot:
    """Delete a meeting with its attendees, products, proposals and notes; returns what undo needs."""
    snap = Snapshot()
    with db.transaction() as session:
        meeting = _row(session, m.Meeting, meeting_id)
        snap.rows.append((m.Meeting, meeting.model_dump()))
        snap.client_id = meeting.client_id
        for model in (m.MeetingAttendee, m.MeetingProduct, m.Proposal, m.MeetingNotes):
            stmt = select(model).where(getattr(model, "meeting_id") == meeting_id)  # noqa: B009
            snap.rows += [(model, row.model_dump()) for row in session.exec(stmt)]
        note_ids = [values["id"] for model, values in snap.rows if model is m.MeetingNotes]
        for child in (m.ActionItem, m.SelfReview, m.NotesPresent):
            if note_ids:
                stmt = select(child).where(col(getattr(child, "notes_id")).in_(note_ids))  # noqa: B009
                snap.rows += [(child, row.model_dump()) for row in session.exec(stmt)]
        session.delete(meeting)  # the database cascades to everything under it
        session.flush()
        search.reindex_client(session, meeting.client_id)
    return snap


def delete_client(db: Database, client_id: int) -> Snapshot:
    """Delete a client that holds nothing yet (the undo of adding one); a client with a dossier
    is refused: removing a whole dossier is not a one-click action."""
    snap = Snapshot()
    with db.transaction() as session:
        client = _row(session, m.Client, client_id)
        for model in (m.Stakeholder, m.Meeting, m.FinancialPeriod, m.Need, m.Plan):
            if session.exec(select(model).where(getattr(model, "client_id") == client_id)).first():  # noqa: B009
                raise FieldError("client", "this client already has a dossier; it is not deleted")
        snap.rows.append((m.Client, client.model_dump()))
        snap.rows += [
            (m.ClientKeyReason, r.model_dump())
            for r in session.exec(
                select(m.ClientKeyReason).where(m.ClientKeyReason.client_id == client_id)
            )
        ]
        session.delete(client)
        session.flush()
        search.forget_client(session, client_id)
    snap.client_id = client_id
    return snap


# --- products ---------------------------------------------------------------------------------


def add_product(db: Database, name: str) -> int:
    clean = validate(m.Product, "name", name).strip()
    if not clean:
        raise FieldError("name", "a product needs a name")
    with db.transaction() as session:
        keys = set(session.exec(select(m.Product.key)))
        product = m.Product(key=unique_key(keys, slug(clean)[:40].upper() or "PRODUCT"), name=clean)
        session.add(product)
        session.flush()
        assert product.id is not None
        return product.id


def delete_product(db: Database, product_id: int) -> Snapshot:
    """Delete a product with its FAQs and its links to needs and meetings; undo restores all."""
    snap = Snapshot()
    with db.transaction() as session:
        product = _row(session, m.Product, product_id)
        snap.rows.append((m.Product, product.model_dump()))
        for child in (m.ProductFaq, m.NeedProduct, m.MeetingProduct):
            stmt = select(child).where(getattr(child, "product_id") == product_id)  # noqa: B009
            snap.rows += [(child, row.model_dump()) for row in session.exec(stmt)]
        session.delete(product)
    return snap


# --- meeting notes ----------------------------------------------------------------------------------


def notes_id(db: Database, meeting_id: int, create: bool = False) -> int | None:
    """The meeting's notes (created empty when ``create`` and there are none yet)."""
    with db.session() as session:
        found = session.exec(
            select(m.MeetingNotes.id).where(m.MeetingNotes.meeting_id == meeting_id)
        ).first()
    if found is not None or not create:
        return found
    with db.transaction() as session:
        meeting = _row(session, m.Meeting, meeting_id)
        notes = m.MeetingNotes(meeting_id=meeting_id, summary=None, decisions=[])
        session.add(notes)
        session.flush()
        # Until the KAM says otherwise, the invited attendees are taken as present.
        assert notes.id is not None
        for person in meeting_attendees(session, meeting_id):
            assert person.id is not None
            session.add(m.NotesPresent(notes_id=notes.id, stakeholder_id=person.id))
        search.reindex_client(session, meeting.client_id)
        assert notes.id is not None
        return notes.id


def present(db: Database, notes: int) -> list[int]:
    """Who was actually at the meeting (stakeholder ids, in the order they were recorded)."""
    with db.session() as session:
        return list(
            session.exec(
                select(m.NotesPresent.stakeholder_id)
                .where(m.NotesPresent.notes_id == notes)
                .order_by(col(m.NotesPresent.id))
            )
        )


def set_present(db: Database, notes: int, stakeholder_ids: list[int]) -> list[int]:
    """Record who was present (people of the meeting's client only); returns the old list."""
    with db.transaction() as session:
        row = _row(session, m.MeetingNotes, notes)
        meeting = _row(session, m.Meeting, row.meeting_id)
        allowed = set(
            session.exec(
                select(m.Stakeholder.id).where(m.Stakeholder.client_id == meeting.client_id)
            )
        )
        strangers = [i for i in stakeholder_ids if i not in allowed]
        if strangers:
            raise FieldError("present", "only people of this client can be recorded as present")
        old = list(
            session.exec(
                select(m.NotesPresent.stakeholder_id)
                .where(m.NotesPresent.notes_id == notes)
                .order_by(col(m.NotesPresent.id))
            )
        )
        session.execute(delete(m.NotesPresent).where(col(m.NotesPresent.notes_id) == notes))
        for person_id in dict.fromkeys(stakeholder_ids):
            session.add(m.NotesPresent(notes_id=notes, stakeholder_id=person_id))
    return old


def review_comments(db: Database, notes: int) -> dict[int, str]:
    with db.session() as session:
        return {
            r.mistake: r.comment
            for r in session.exec(select(m.SelfReview).where(m.SelfReview.notes_id == notes))
            if r.comment
        }


def _set_note(
    db: Database, stmt: Any, column: str, value: str | None, refusal: FieldError
) -> str | None:
    """Set a note column on the row ``stmt`` finds; without that row, a note is refused
    (clearing one is a no-op). Returns the old note."""
    with db.transaction() as session:
        row = session.exec(stmt).first()
        if row is None:
            if value is None:
                return None
            raise refusal
        old: str | None = getattr(row, column)
        setattr(row, column, value)
        session.add(row)
    return old


def set_review_comment(db: Database, notes: int, mistake: int, text: str | None) -> str | None:
    """Comment on a self-review verdict (the verdict must be given first); returns the old one."""
    return _set_note(
        db,
        select(m.SelfReview).where(m.SelfReview.notes_id == notes, m.SelfReview.mistake == mistake),
        "comment",
        validate(m.SelfReview, "comment", text.strip() if text else None) or None,
        FieldError("comment", "rate this point (OK or slip) before commenting on it"),
    )


def self_review(db: Database, notes: int) -> dict[int, str]:
    with db.session() as session:
        return {
            r.mistake: r.verdict
            for r in session.exec(select(m.SelfReview).where(m.SelfReview.notes_id == notes))
        }


def set_self_review(db: Database, notes: int, mistake: int, verdict: str | None) -> str | None:
    """Rate yourself on one mistake ("ok", "slip" or None to clear); returns the old verdict."""
    if mistake not in range(1, 8):
        raise FieldError("self_review", f"{mistake} is not in 1..7")
    if verdict is not None and verdict not in ("ok", "slip"):
        raise FieldError("self_review", f"{verdict!r} is not one of: ok, slip")
    with db.transaction() as session:
        row = session.exec(
            select(m.SelfReview).where(
                m.SelfReview.notes_id == notes, m.SelfReview.mistake == mistake
            )
        ).first()
        old = row.verdict if row else None
        if verdict is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(m.SelfReview(notes_id=notes, mistake=mistake, verdict=verdict))
        else:
            row.verdict = verdict
            session.add(row)
    return old


def need_products(db: Database, need_id: int) -> list[int]:
    with db.session() as session:
        return list(
            session.exec(
                select(m.NeedProduct.product_id)
                .where(m.NeedProduct.need_id == need_id)
                .order_by(col(m.NeedProduct.id))
            )
        )


def set_need_products(db: Database, need_id: int, product_ids: list[int]) -> list[int]:
    """Which of our products answer a need; returns the previous list."""
    return _replace_product_links(db, m.Need, m.NeedProduct, "need_id", need_id, product_ids)


def key_reasons(db: Database, client_id: int) -> list[str]:
    with db.session() as session:
        return list(
            session.exec(
                select(m.ClientKeyReason.reason)
                .where(m.ClientKeyReason.client_id == client_id)
                .order_by(col(m.ClientKeyReason.id))
            )
        )


def key_reason_notes(db: Database, client_id: int) -> dict[str, str]:
    with db.session() as session:
        return {
            r.reason: r.note
            for r in session.exec(
                select(m.ClientKeyReason).where(m.ClientKeyReason.client_id == client_id)
            )
            if r.note
        }


def set_key_reason_note(db: Database, client_id: int, reason: str, text: str | None) -> str | None:
    """The KAM's note on why a definition applies (the reason must be ticked); returns the old."""
    return _set_note(
        db,
        select(m.ClientKeyReason).where(
            m.ClientKeyReason.client_id == client_id, m.ClientKeyReason.reason == reason
        ),
        "note",
        validate(m.ClientKeyReason, "note", text),
        FieldError("note", "tick this definition before saying why it applies"),
    )


def set_key_reasons(db: Database, client_id: int, reasons: list[str]) -> list[str]:
    """Why the client is key (closed list); returns the previous reasons. Notes of reasons
    that stay are kept."""
    allowed = [r.value for r in enums.KeyReason]
    bad = [r for r in reasons if r not in allowed]
    if bad:
        raise FieldError("key_reasons", f"{bad[0]!r} is not one of: {', '.join(allowed)}")
    with db.transaction() as session:
        _row(session, m.Client, client_id)
        rows = list(
            session.exec(select(m.ClientKeyReason).where(m.ClientKeyReason.client_id == client_id))
        )
        old = [r.reason for r in rows]
        notes = {r.reason: r.note for r in rows}
        for row in rows:
            session.delete(row)
        session.flush()
        for reason in dict.fromkeys(reasons):
            session.add(
                m.ClientKeyReason(client_id=client_id, reason=reason, note=notes.get(reason))
            )
    return old


def company_id(db: Database) -> int:
    """Our company's row (made, with defaults, when the dossier has none yet)."""
    with db.session() as session:
        if session.get(m.Company, 1) is not None:
            return 1
    with db.transaction() as session:
        session.add(m.Company(id=1, name=""))
    return 1
