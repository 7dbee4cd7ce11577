"""Adding and deleting whole records (people, list rows, clients, meetings, products),
each delete returning the snapshot its undo restores."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy.exc
from sqlalchemy import insert, update
from sqlmodel import SQLModel, col, select

from kamdesk.core.account.editing.fields import (
    ID_COLUMNS,
    FieldError,
    reindex,
    row_of,
    table_of,
    unique_error,
    validate,
)
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m
from kamdesk.core.storage import search
from kamdesk.core.storage.db import Database

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
        row_of(session, m.Client, client_id)
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
        person = row_of(session, m.Stakeholder, stakeholder_id)
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
            session.execute(insert(table_of(model)).values(**values))
        for model, column, ids, value in snap.relinks:
            table = table_of(model)
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
def add_row(db: Database, model: type[SQLModel], values: dict[str, Any]) -> int:
    """A new row of one of the client's lists; every value is validated first."""
    if model not in LIST_TABLES:
        raise FieldError(model.__name__, "rows of this kind cannot be added here")
    parent = LIST_TABLES[model]
    clean = {}
    for column, value in values.items():
        if column == parent or column in ID_COLUMNS:
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
            reindex(session, row)
            assert row.id is not None  # type: ignore[attr-defined]
            return int(row.id)  # type: ignore[attr-defined]
    except sqlalchemy.exc.IntegrityError as exc:
        raise unique_error(exc) or FieldError(
            model.__name__, "this entry breaks a rule of the dossier"
        ) from exc


def delete_row(db: Database, model: type[SQLModel], row_id: int) -> Snapshot:
    if model not in LIST_TABLES:
        raise FieldError(model.__name__, "rows of this kind cannot be deleted here")
    snap = Snapshot()
    with db.transaction() as session:
        row = row_of(session, model, row_id)
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
    table = table_of(model)
    with db.session() as session:
        stmt = select(model).where(table.c[LIST_TABLES[model]] == parent_id).order_by(table.c.id)
        return list(session.exec(stmt))


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
        row_of(session, m.Client, client_id)
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
        meeting = row_of(session, m.Meeting, meeting_id)
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
        client = row_of(session, m.Client, client_id)
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
        product = row_of(session, m.Product, product_id)
        snap.rows.append((m.Product, product.model_dump()))
        for child in (m.ProductFaq, m.NeedProduct, m.MeetingProduct):
            stmt = select(child).where(getattr(child, "product_id") == product_id)  # noqa: B009
            snap.rows += [(child, row.model_dump()) for row in session.exec(stmt)]
        session.delete(product)
    return snap
