"""A meeting's ticks, attendees and products on the agenda; its notes: who was present,
the self-review and its comments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlmodel import SQLModel, col, select

from kamdesk.core.account import confirmations
from kamdesk.core.account.editing.fields import FieldError, row_of, table_of, validate
from kamdesk.core.account.queries import meeting_attendees
from kamdesk.core.model import models as m
from kamdesk.core.storage import search
from kamdesk.core.storage.db import Database

# --- meetings ------------------------------------------------------------------------------


def set_tick(db: Database, meeting_id: int, name: str, value: bool) -> bool:
    """Give (or withdraw) a tick: it vouches for the meeting as it is now, reviewed here (an
    imported tick given again is confirmed). Returns whether the tick counted before."""
    if name not in confirmations.NAMES:
        raise FieldError(name, "not one of the three ticks")
    with db.transaction() as session:
        meeting = row_of(session, m.Meeting, meeting_id)
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
        meeting = row_of(session, m.Meeting, meeting_id)
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
    return replace_product_links(
        db, m.Meeting, m.MeetingProduct, "meeting_id", meeting_id, product_ids
    )


def replace_product_links(
    db: Database,
    parent: type[SQLModel],
    link: type[SQLModel],
    column: str,
    parent_id: int,
    product_ids: list[int],
) -> list[int]:
    """Replace the product links of one row (a meeting or a need); returns the old product ids."""
    table = table_of(link)
    with db.transaction() as session:
        row_of(session, parent, parent_id)
        rows = list(
            session.exec(select(link).where(table.c[column] == parent_id).order_by(table.c.id))
        )
        old = [row.product_id for row in rows]  # type: ignore[attr-defined]
        for row in rows:
            session.delete(row)
        session.flush()
        for pid in dict.fromkeys(product_ids):
            row_of(session, m.Product, pid)
            session.add(link(**{column: parent_id, "product_id": pid}))
    return old


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
        meeting = row_of(session, m.Meeting, meeting_id)
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
        row = row_of(session, m.MeetingNotes, notes)
        meeting = row_of(session, m.Meeting, row.meeting_id)
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


def set_note(
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
    return set_note(
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
