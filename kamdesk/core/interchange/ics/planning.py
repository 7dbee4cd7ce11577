"""Planning a calendar import into one client's dossier (reads only), and its preview.

- **Matching** an existing meeting of the client: by UID (and occurrence); our own export's
  UIDs by the meeting's key; an event without a UID by the same title at the same instant.
  Two events of the file for one meeting: the first is used, the others skipped.
- **What the invitation owns** (:data:`OWNED`, and the start): a re-import updates those (a
  value the file lacks is kept) and adds newly matched attendees (nobody is removed).
  Everything the KAM prepares (objective, agenda, limits, ticks...) is never touched.
- **Attendees** are matched to the client's people by e-mail (case-insensitive), then by name
  folded like search does (case, diacritics, script, word order: "Doe, John" finds "John
  Doe"). Nobody is created: the preview lists the people it could not match, and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from kamdesk.core.errors import UnknownKey
from kamdesk.core.interchange.ics.model import (
    KAMDESK_UID_SUFFIX,
    Attendee,
    CalendarEvent,
    CalendarFile,
)
from kamdesk.core.model import models as m
from kamdesk.core.storage import search
from kamdesk.core.storage.db import Database


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    PROBLEM = "problem"


@dataclass(frozen=True)
class MatchedPerson:
    attendee: Attendee
    stakeholder_id: int
    stakeholder_name: str
    by: str  # "e-mail" | "name"


@dataclass(frozen=True)
class PlannedEvent:
    action: Action
    line: int | None
    title: str | None
    reason: str | None = None  # skip / problem
    event: CalendarEvent | None = None
    meeting_id: int | None = None  # update / unchanged
    meeting_key: str | None = None
    changes: tuple[str, ...] = ()  # update: what changes, for the preview
    matched: tuple[MatchedPerson, ...] = ()
    unmatched: tuple[tuple[Attendee, str], ...] = ()  # with why
    new_attendee_ids: tuple[int, ...] = ()  # people to link (not linked yet)


@dataclass(frozen=True)
class ImportPlan:
    client_id: int
    client_key: str
    client_name: str
    calendar: CalendarFile
    rows: tuple[PlannedEvent, ...]

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action is action)

    @property
    def writes(self) -> bool:
        return any(r.action in (Action.CREATE, Action.UPDATE) for r in self.rows)


def _name_keys(name: str) -> tuple[str, str]:
    """(exact, any word order) forms of a name folded like search: "Doe, John" and "John
    Doe" share the second; so do "Szőke Ildikó" and "Ildikó Szoke"."""
    words = search.words(name)
    return " ".join(words), " ".join(sorted(words))


@dataclass
class _People:
    by_email: dict[str, list[m.Stakeholder]]
    by_name: dict[str, list[m.Stakeholder]]
    by_words: dict[str, list[m.Stakeholder]]

    @classmethod
    def of(cls, people: Iterable[m.Stakeholder]) -> _People:
        found = cls({}, {}, {})
        for person in people:
            if person.email:
                found.by_email.setdefault(person.email.strip().casefold(), []).append(person)
            exact, words = _name_keys(person.name)
            if exact:
                found.by_name.setdefault(exact, []).append(person)
                found.by_words.setdefault(words, []).append(person)
        return found

    def match(self, who: Attendee) -> tuple[m.Stakeholder | None, str]:
        """(the person, how) or (None, why not)."""
        if who.email:
            hits = self.by_email.get(who.email.casefold(), [])
            if len(hits) == 1:
                return hits[0], "e-mail"
        if who.name:
            exact, words = _name_keys(who.name)
            for table, key in ((self.by_name, exact), (self.by_words, words)):
                hits = table.get(key, []) if key else []
                if len(hits) == 1:
                    return hits[0], "name"
                if len(hits) > 1:
                    return None, "several of the client's people have this name"
        if who.email and len(self.by_email.get(who.email.casefold(), [])) > 1:
            return None, "several of the client's people have this e-mail address"
        return None, "not among the client's people"


def plan_calendar_import(db: Database, client_id: int, calendar: CalendarFile) -> ImportPlan:
    """What importing the file into the client would do. Reads only."""
    with db.session() as session:
        return plan_in(session, client_id, calendar)


@dataclass
class _Dossier:
    """What of the client's dossier a plan is made against."""

    people: _People
    meetings: list[m.Meeting]
    by_uid: dict[tuple[str | None, str | None], m.Meeting]
    by_key: dict[str, m.Meeting]
    attendees: dict[int, set[int]]  # meeting id -> the people linked to it


def _dossier(session: Session, client_id: int) -> _Dossier:
    people = _People.of(
        session.exec(
            select(m.Stakeholder)
            .where(m.Stakeholder.client_id == client_id)
            .order_by(col(m.Stakeholder.id))
        )
    )
    meetings = list(
        session.exec(
            select(m.Meeting).where(m.Meeting.client_id == client_id).order_by(col(m.Meeting.id))
        )
    )
    attendees: dict[int, set[int]] = {}
    for link in session.exec(
        select(m.MeetingAttendee)
        .join(m.Meeting, col(m.Meeting.id) == m.MeetingAttendee.meeting_id)
        .where(m.Meeting.client_id == client_id)
    ):
        attendees.setdefault(link.meeting_id, set()).add(link.stakeholder_id)
    return _Dossier(
        people,
        meetings,
        {(mt.ical_uid, mt.ical_recurrence_id): mt for mt in meetings if mt.ical_uid},
        {mt.key: mt for mt in meetings},
        attendees,
    )


def _linked(
    event: CalendarEvent, people: _People
) -> tuple[list[MatchedPerson], list[tuple[Attendee, str]]]:
    """The event's attendees matched to the client's people (each person once), and those
    not matched with why."""
    matched: list[MatchedPerson] = []
    unmatched: list[tuple[Attendee, str]] = []
    for who in event.attendees:
        person, how = people.match(who)
        if person is None or person.id is None:
            unmatched.append((who, how))
        elif all(p.stakeholder_id != person.id for p in matched):
            matched.append(MatchedPerson(who, person.id, person.name, how))
    return matched, unmatched


class _Planner:
    """Plans the file's events one by one, remembering which meeting each already took."""

    def __init__(self, dossier: _Dossier) -> None:
        self.dossier = dossier
        self.taken: dict[int, int] = {}  # meeting id -> line of the event already planned for it
        self.new: dict[tuple[object, ...], int] = {}  # the same for meetings to create

    def row(self, event: CalendarEvent) -> PlannedEvent:
        d = self.dossier
        existing = _existing(event, d.by_uid, d.by_key, d.meetings)
        same = (
            (event.uid, event.recurrence_id)
            if event.uid
            else (None, event.title, event.starts_at.astimezone(dt.UTC))
        )
        if existing is None and same in self.new:
            return _same_as(event, self.new[same])
        matched, unmatched = _linked(event, d.people)
        ids = [p.stakeholder_id for p in matched]
        if existing is None:
            self.new[same] = event.line
            return PlannedEvent(
                Action.CREATE,
                event.line,
                event.title,
                event=event,
                matched=tuple(matched),
                unmatched=tuple(unmatched),
                new_attendee_ids=tuple(ids),
            )
        assert existing.id is not None
        if existing.id in self.taken:
            return _same_as(event, self.taken[existing.id])
        self.taken[existing.id] = event.line
        new_ids = tuple(i for i in ids if i not in d.attendees.get(existing.id, set()))
        changes = _changes(existing, event)
        if new_ids:
            changes.append(f"{len(new_ids)} more attendee{'s' if len(new_ids) != 1 else ''}")
        return PlannedEvent(
            Action.UPDATE if changes else Action.UNCHANGED,
            event.line,
            event.title,
            event=event,
            meeting_id=existing.id,
            meeting_key=existing.key,
            changes=tuple(changes),
            matched=tuple(matched),
            unmatched=tuple(unmatched),
            new_attendee_ids=new_ids,
        )


def _same_as(event: CalendarEvent, line: int) -> PlannedEvent:
    return PlannedEvent(
        Action.SKIP, event.line, event.title, f"the event at line {line} is the same meeting"
    )


def plan_in(session: Session, client_id: int, calendar: CalendarFile) -> ImportPlan:
    """The plan, made in an open session (the apply step makes it again in its transaction)."""
    client = session.get(m.Client, client_id)
    if client is None:
        raise UnknownKey("That client no longer exists (it was deleted).")
    planner = _Planner(_dossier(session, client_id))
    rows = [planner.row(event) for event in calendar.events]
    for rejected in calendar.rejected:
        rows.append(
            PlannedEvent(
                Action.PROBLEM if rejected.problem else Action.SKIP,
                rejected.line,
                rejected.title,
                rejected.reason,
            )
        )
    rows.sort(key=lambda r: r.line or 0)
    assert client.id is not None
    return ImportPlan(client.id, client.key, client.name, calendar, tuple(rows))


def _existing(
    event: CalendarEvent,
    by_uid: dict[tuple[str | None, str | None], m.Meeting],
    by_key: dict[str, m.Meeting],
    meetings: list[m.Meeting],
) -> m.Meeting | None:
    if event.uid:
        found = by_uid.get((event.uid, event.recurrence_id))
        if found is not None:
            return found
        if event.uid.endswith(KAMDESK_UID_SUFFIX) and event.recurrence_id is None:
            return by_key.get(event.uid.removesuffix(KAMDESK_UID_SUFFIX))
        return None
    for mt in meetings:  # no UID: the same title at the same instant is the same meeting
        if mt.ical_uid is None and mt.title == event.title and mt.starts_at == event.starts_at:
            return mt
    return None


# The fields an invitation owns: a re-import updates these (a value the file lacks is kept).
OWNED = ("title", "duration_min", "mode", "location", "video_link")


def _changes(meeting: m.Meeting, event: CalendarEvent) -> list[str]:
    changes = []
    if meeting.starts_at != event.starts_at:  # the instant: a file in UTC keeps our offset
        changes.append(f"start → {_when(event.starts_at)}")
    for column in OWNED:
        new = getattr(event, column)
        if new is not None and getattr(meeting, column) != new:
            changes.append(f"{column.replace('_', ' ')} → {new}")
    return changes


def _when(moment: dt.datetime) -> str:
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def describe(plan: ImportPlan) -> list[str]:
    """The preview, one line per item, for the command line and the GUI."""
    cal = plan.calendar
    lines = [f"{cal.source} → {plan.client_name} ({plan.client_key})"]
    lines += [f"  note: {n}" for n in cal.notes]
    for row in plan.rows:
        where = f"line {row.line}" if row.line else "file"
        title = f"“{row.title}”" if row.title else "(no title)"
        if row.action in (Action.SKIP, Action.PROBLEM):
            lines.append(f"{where}: {row.action.value} {title}: {row.reason}")
            continue
        event = row.event
        assert event is not None
        head = f"{where}: {row.action.value} {title}, {_when(event.starts_at)}"
        if event.duration_min:
            head += f", {event.duration_min} min"
        if row.meeting_key:
            head += f" [{row.meeting_key}]"
        lines.append(head)
        place = event.video_link or event.location
        if place:
            lines.append(f"  {(event.mode or 'place').replace('_', ' ')}: {place}")
        if row.changes:
            lines.append("  changes: " + "; ".join(row.changes))
        if row.matched:
            lines.append(
                "  attendees: "
                + ", ".join(f"{p.stakeholder_name} (by {p.by})" for p in row.matched)
            )
        for who, why in row.unmatched:
            role = "organizer" if who.organizer else "attendee"
            lines.append(f"  not linked ({role}): {who}: {why}")
        lines += [f"  note: {n}" for n in event.notes]
    counts = ", ".join(
        f"{plan.count(a)} {label}"
        for a, label in (
            (Action.CREATE, "to create"),
            (Action.UPDATE, "to update"),
            (Action.UNCHANGED, "unchanged"),
            (Action.SKIP, "skipped"),
            (Action.PROBLEM, "with problems"),
        )
    )
    lines.append(f"Summary: {counts}." + ("" if plan.writes else " Nothing to import."))
    return lines
