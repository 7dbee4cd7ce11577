"""What a calendar file holds as candidate meetings, and how reading it fails.

A :class:`CalendarFile` is candidate meetings (:class:`CalendarEvent`, nothing of the
dossier yet) plus the events that are not imported (:class:`Rejected`: skipped on purpose,
or a problem in the file), each with the line of its BEGIN:VEVENT, and notes about the whole
file. A file that cannot be read at all raises :class:`CalendarFileError`; inside the reader,
one event that cannot become a meeting raises :class:`RowError` (a problem) or :class:`Skip`
(left out on purpose), and the reason becomes its :class:`Rejected`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kamdesk.core.errors import InvalidInput, KamdeskError

MAX_FILE_BYTES = 10 * 1024 * 1024
KAMDESK_UID_SUFFIX = "@kamdesk.invalid"  # our own export's UIDs (core.calendar)
LINE_PROP = "X-KAMDESK-LINE"  # put into each VEVENT by the repair step: its line in the file
VTIMEZONE = "X-KAMDESK-VTIMEZONE"  # VTIMEZONE renamed (see .repair)


class CalendarFileError(InvalidInput):
    """The whole file cannot be imported; ``reason`` says why. Nothing was written."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        self.problems = []
        KamdeskError.__init__(self, f"{source}: {reason}; nothing was imported.")


class RowError(Exception):
    """One event cannot become a meeting; the message is the reason shown for it."""


class Skip(Exception):
    """The event is deliberately not imported (all-day, cancelled); the reason is shown."""


@dataclass(frozen=True)
class Attendee:
    """A person named in an event (ATTENDEE or ORGANIZER)."""

    name: str | None
    email: str | None
    organizer: bool = False

    def __str__(self) -> str:
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email or "?"


@dataclass(frozen=True)
class CalendarEvent:
    """One event of the file as a candidate meeting (nothing of the dossier yet)."""

    line: int  # the line of its BEGIN:VEVENT in the file
    uid: str | None
    recurrence_id: str | None  # one occurrence of a series: its original start, UTC
    title: str
    starts_at: dt.datetime  # aware, in the event's own UTC offset at that instant
    duration_min: int | None
    mode: str | None  # None: the file says nothing about the place
    location: str | None
    video_link: str | None
    attendees: tuple[Attendee, ...]
    description: str | None = None  # the invitation's text: shown, never stored
    objective: str | None = None  # only from kamdesk's own export
    commitment_sought: str | None = None
    agenda: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what the preview should tell about this event


@dataclass(frozen=True)
class Rejected:
    """An event that is not imported: skipped on purpose, or a problem in the file."""

    line: int | None
    title: str | None
    reason: str
    problem: bool  # True: the event is broken; False: deliberately left out


@dataclass(frozen=True)
class CalendarFile:
    source: str
    events: tuple[CalendarEvent, ...]
    rejected: tuple[Rejected, ...]
    notes: tuple[str, ...]  # about the whole file: encoding, repairs made


def short(message: str, limit: int = 120) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(text_of(v) for v in value)
    return str(value)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
