"""Writing a calendar import's plan: in one transaction (all of it or, on any error,
nothing), after a backup, and only when the dossier did not change since the preview (the
plan is made again in the transaction and must be the same). A new meeting gets a key from
its title and date; a meeting updated gets only what the invitation owns (:data:`.planning.OWNED`
and the start), and both get the newly matched attendees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from kamdesk.core.account.editing import slug, unique_key
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange.ics.model import CalendarEvent
from kamdesk.core.interchange.ics.planning import OWNED, Action, ImportPlan, PlannedEvent, plan_in
from kamdesk.core.model import enums
from kamdesk.core.model import models as m
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database


@dataclass(frozen=True)
class ImportSummary:
    created: tuple[str, ...]  # meeting keys
    updated: tuple[str, ...]
    unchanged: int
    skipped: int
    problems: int

    def __str__(self) -> str:
        parts = [
            f"{len(self.created)} meeting{'s' if len(self.created) != 1 else ''} created",
            f"{len(self.updated)} updated",
            f"{self.unchanged} unchanged",
            f"{self.skipped} skipped",
            f"{self.problems} with problems",
        ]
        return ", ".join(parts)


def _fingerprint(plan: ImportPlan) -> list[tuple[Any, ...]]:
    return [(r.action, r.line, r.meeting_id, r.new_attendee_ids, r.changes) for r in plan.rows]


def _new_meeting(client_id: int, keys: set[str], event: CalendarEvent) -> m.Meeting:
    stem = slug(event.title) if re.search(r"[a-z0-9]", search.fold(event.title)) else ""
    base = f"{(stem or 'meeting')[:40].rstrip('-')}-{event.starts_at:%Y-%m-%d}"
    meeting = m.Meeting(
        client_id=client_id,
        key=unique_key(keys, base),
        title=event.title,
        mode=event.mode or enums.MeetingMode.IN_PERSON.value,
        duration_min=event.duration_min,
        location=event.location,
        video_link=event.video_link,
        objective=event.objective,
        commitment_sought=event.commitment_sought,
        agenda=list(event.agenda),
        questions=[],  # given: pydantic's default factory costs ~0.2 ms a row
        ical_uid=event.uid,
        ical_recurrence_id=event.recurrence_id if event.uid else None,
    )
    keys.add(meeting.key)
    return meeting


def _updated_meeting(session: Session, row: PlannedEvent, event: CalendarEvent) -> m.Meeting:
    meeting = session.get(m.Meeting, row.meeting_id)
    assert meeting is not None  # the fresh plan just saw it
    for column in OWNED:
        value = getattr(event, column)
        if value is not None:
            setattr(meeting, column, value)
    return meeting


def _link(session: Session, links: list[tuple[m.Meeting, tuple[int, ...]]]) -> None:
    session.flush()  # once: the new meetings get their ids
    for meeting, people in links:
        assert meeting.id is not None
        for person_id in people:
            session.add(m.MeetingAttendee(meeting_id=meeting.id, stakeholder_id=person_id))
    session.flush()


def apply_calendar_import(db: Database, client_id: int, plan: ImportPlan) -> ImportSummary:
    """Write the plan in one transaction: all of it or, on any error, nothing. Refused when the
    dossier changed since the plan was made (make a new preview then)."""
    if plan.client_id != client_id:
        raise KamdeskError("This preview was made for another client; preview the import again.")
    created: list[str] = []
    updated: list[str] = []
    backup.before_import(db)
    with db.transaction() as session:
        fresh = plan_in(session, client_id, plan.calendar)
        if _fingerprint(fresh) != _fingerprint(plan):
            raise KamdeskError(
                "The dossier changed since the preview; nothing was imported. "
                "Preview the import again."
            )
        keys = set(session.exec(select(m.Meeting.key)))
        links: list[tuple[m.Meeting, tuple[int, ...]]] = []
        for row in fresh.rows:
            event = row.event
            if event is None or row.action not in (Action.CREATE, Action.UPDATE):
                continue
            if row.action is Action.CREATE:
                meeting = _new_meeting(client_id, keys, event)
                created.append(meeting.key)
            else:
                meeting = _updated_meeting(session, row, event)
                updated.append(meeting.key)
            if meeting.starts_at != event.starts_at:
                meeting.set_starts_at(event.starts_at)
            session.add(meeting)
            links.append((meeting, row.new_attendee_ids))
        if links:
            _link(session, links)
            search.reindex_client(session, client_id)
    return ImportSummary(
        tuple(created),
        tuple(updated),
        plan.count(Action.UNCHANGED),
        plan.count(Action.SKIP),
        plan.count(Action.PROBLEM),
    )
