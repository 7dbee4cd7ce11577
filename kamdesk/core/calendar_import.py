"""Importing meetings from calendar files (.ics) that Outlook, Exchange, Google Calendar,
Thunderbird and others write.

Three steps; nothing is written before the last one:

1. :func:`read_calendar` / :func:`parse_calendar` turn the file into a :class:`CalendarFile`:
   candidate meetings plus the events that are skipped or broken, each with its line number.
   Common breakage is repaired *before* the text reaches the ``icalendar`` library (see
   ``_repair``). A file that cannot be read at all (too large, empty, not a calendar, not
   text) raises :class:`CalendarFileError` with a clear reason.
2. :func:`plan_calendar_import` matches the candidates against one client's dossier: create,
   update, unchanged, skip or problem, with the attendees matched to the client's people.
   :func:`describe` turns a plan into preview lines for the command line or the GUI.
3. :func:`apply_calendar_import` writes a plan in one transaction (all or nothing), after
   checking that the dossier did not change since the preview.

Choices:

- **Times.** A time with a TZID is resolved by the IANA name, else by the file's own
  VTIMEZONE (built through icalendar), else by mapping a Windows name ("W. Europe Standard
  Time") to its IANA zone; an unknown zone makes the event a problem rather than a guess.
  The meeting keeps the UTC offset of its own zone at that instant. Floating times (no zone)
  are read as the user's local time and the preview says so. UTC times are shown in the
  calendar's ``X-WR-TIMEZONE`` when it has one, else in the user's local zone (the instant is
  exact either way).
- **All-day events** (``VALUE=DATE``: holidays, birthdays, out-of-office) are skipped as "not
  a meeting"; a meeting needs a start time.
- **Series** (RRULE/RDATE with EXDATEs and RECURRENCE-ID overrides): one meeting is imported,
  the next one from now (or, for a series that has ended, its last one), and the preview says
  so. Each occurrence is its own meeting in kamdesk (it gets its own notes), so it is
  remembered by UID *and* the occurrence's original start: importing the file again next
  week adds the following meeting and keeps this one.
- **What the invitation owns**: title, start, duration, place, video link and mode; a
  re-import updates those (a value the file lacks is kept) and adds newly matched attendees
  (nobody is removed). Everything the KAM prepares (objective, agenda, limits, ticks...) is
  never touched. The invitation's DESCRIPTION is not the KAM's objective and is not stored:
  it is searched for a video link and kept on the candidate for the preview. Files that
  kamdesk exported itself (``PRODID -//kamdesk//``) give back their title, objective,
  commitment and agenda, and match their own meeting by the key in their UID.
- **Matching** an existing meeting of the client: by UID (and occurrence); an event without
  a UID by the same title at the same instant.
- **Attendees** (ATTENDEE and ORGANIZER; rooms and resources left out) are matched to the
  client's people by e-mail (case-insensitive), then by name folded like search does (case,
  diacritics, script, word order: "Doe, John" finds "John Doe"). Nobody is created: the
  preview lists the people it could not match.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as du_rrule  # type: ignore[import-untyped]
from dateutil import tz as du_tz
from icalendar import (
    Calendar,
    Component,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vRecur,
)
from sqlmodel import Session, col, select

from kamdesk.core import backup, enums, search
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.core.editing import FieldError, slug, unique_key, validate
from kamdesk.core.errors import InvalidInput, KamdeskError, UnknownKey

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_NESTING = 16  # VCALENDAR > VEVENT > VALARM is 3; deeper is not a real calendar
MAX_OCCURRENCES = 100_000  # occurrences of one series gone through to find the next one
KAMDESK_UID_SUFFIX = "@kamdesk.invalid"  # our own export's UIDs (core.calendar)
_LINE_PROP = "X-KAMDESK-LINE"  # put into each VEVENT by the repair step: its line in the file
_VTIMEZONE = "X-KAMDESK-VTIMEZONE"  # VTIMEZONE renamed (see _repair)


class CalendarFileError(InvalidInput):
    """The whole file cannot be imported; ``reason`` says why. Nothing was written."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        self.problems = []
        KamdeskError.__init__(self, f"{source}: {reason}; nothing was imported.")


class _RowError(Exception):
    """One event cannot become a meeting; the message is the reason shown for it."""


# --- what the file holds ------------------------------------------------------------------------


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


# --- reading the file ---------------------------------------------------------------------------


def read_calendar(
    path: Path | str,
    *,
    now: dt.datetime | None = None,
    local_tz: dt.tzinfo | None = None,
) -> CalendarFile:
    """Read an .ics file; a file over 10 MB is refused before it is read."""
    path = Path(path)
    source = path.name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CalendarFileError(source, _too_large(size))
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CalendarFileError(source, f"there is no file {path}") from None
    except IsADirectoryError:
        raise CalendarFileError(source, f"{path} is a folder, not a calendar file") from None
    except OSError as exc:
        raise CalendarFileError(source, f"the file cannot be read ({exc.strerror})") from None
    return parse_calendar(raw, source, now=now, local_tz=local_tz)


def _too_large(size: int) -> str:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return (
        f"the file is {size / (1024 * 1024):.1f} MB; a calendar file to import may be at "
        f"most {limit} MB (export only the meetings you need)"
    )


def parse_calendar(
    raw: bytes,
    source: str,
    *,
    now: dt.datetime | None = None,
    local_tz: dt.tzinfo | None = None,
) -> CalendarFile:
    """The candidate meetings of an iCalendar file's bytes.

    ``now`` (aware; default: the current time) decides which meeting of a series is the
    next one. ``local_tz`` (default: the computer's zone) is the zone of floating times.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise CalendarFileError(source, _too_large(len(raw)))
    if not raw.strip():
        raise CalendarFileError(source, "the file is empty")
    text, notes = _decode(raw, source)
    # a line of its own, whatever ends lines: CR alone too (old Mac exports), which re's ^/$ miss
    if not re.search(r"(?:\A|[\r\n])BEGIN:(?:VCALENDAR|VEVENT)[ \t]*(?:[\r\n]|\Z)", text, re.I):
        raise CalendarFileError(
            source, "it is not an iCalendar file (it has no BEGIN:VCALENDAR line)"
        )
    data, repair_notes = _repair(text, source)
    notes += repair_notes
    with warnings.catch_warnings():
        # icalendar warns about oddities of the file: they are the file's, reported per event
        warnings.simplefilter("ignore")
        try:
            components = Calendar.from_ical(data, multiple=True)
        except (ValueError, KeyError, IndexError, TypeError, UnicodeError) as exc:
            raise CalendarFileError(
                source, f"it is not a valid iCalendar file ({_short(str(exc))})"
            ) from None
        calendars = [c for c in components if c.name == "VCALENDAR"]
        if not any(c.walk("VEVENT") for c in calendars):
            raise CalendarFileError(source, "the file holds no events (VEVENT) to import")
        now = now or dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        local = local_tz or du_tz.tzlocal()
        events: list[CalendarEvent] = []
        rejected: list[Rejected] = []
        instances: list[_Instance] = []
        for cal in calendars:
            instances += _Reader(cal, now, local, events, rejected).instances()
        _one_per_uid(instances)
    rejected.sort(key=lambda r: r.line or 0)
    events.sort(key=lambda e: e.line)
    return CalendarFile(source, tuple(events), tuple(rejected), tuple(notes))


def _short(message: str, limit: int = 120) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _decode(raw: bytes, source: str) -> tuple[str, list[str]]:
    """The file's text: UTF-8 (with or without BOM) as the standard says; UTF-16 with a BOM
    or with its telltale zero bytes; otherwise a guessed legacy encoding, said in a note."""
    notes: list[str] = []
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    utf16 = None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        utf16 = "utf-16"
    elif len(raw) >= 2 and raw[0] == 0 and raw[1] != 0:
        utf16 = "utf-16-be"
    elif len(raw) >= 2 and raw[0] != 0 and raw[1] == 0:
        utf16 = "utf-16-le"
    if utf16:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError:
            raise CalendarFileError(
                source, "it looks like UTF-16 text but is not valid UTF-16"
            ) from None
        notes.append("The file is UTF-16 (calendar files are normally UTF-8); it was read as such.")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            encoding = _guess_encoding(raw)
            text = raw.decode(encoding, errors="replace")
            notes.append(
                f"The file is not UTF-8 (byte {exc.start + 1} is not); it was read as "
                f"{encoding}: check names with accents."
            )
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise CalendarFileError(source, "it is not a calendar file (it holds binary data)")
    return text, notes


# What a calendar that is not UTF-8 is written in, in practice: an old Windows program's
# code page for Western, Central European or Cyrillic text.
_LEGACY_ENCODINGS = ["cp1252", "cp1250", "cp1251"]


def _guess_encoding(raw: bytes) -> str:
    """The same letters-plausibility logic as contacts' (one answer for a file whichever
    importer reads it), limited to the code pages calendars come in."""
    from kamdesk.core.contacts import guess_legacy

    return guess_legacy(raw[:200_000], _LEGACY_ENCODINGS) or "cp1252"


# --- repairing common breakage before icalendar sees the text -----------------------------------

_LINE_BREAK = re.compile(r"\r*\n|\r")
_NAME_RE = re.compile(r"[A-Za-z0-9-]+")
_UNQUOTED = re.compile(r'[^";:,]*')
# Text properties whose value other programs write with raw, unescaped line breaks.
_TEXT_PROPS = {
    "DESCRIPTION",
    "SUMMARY",
    "LOCATION",
    "COMMENT",
    "CONTACT",
    "X-ALT-DESC",
    "STYLED-DESCRIPTION",
}
# Property names of RFC 5545, 5546, 7986, 9073 and 9074. A line starting with another name
# (and not X-) right after a text property is a raw line of that text ("Passcode: 123").
_RFC_NAMES = """
    BEGIN END CALSCALE METHOD PRODID VERSION ATTACH CATEGORIES CLASS COMMENT DESCRIPTION GEO
    LOCATION PERCENT-COMPLETE PRIORITY RESOURCES STATUS SUMMARY COMPLETED DTEND DUE DTSTART
    DURATION FREEBUSY TRANSP TZID TZNAME TZOFFSETFROM TZOFFSETTO TZURL ATTENDEE CONTACT
    ORGANIZER RECURRENCE-ID RELATED-TO URL UID EXDATE EXRULE RDATE RRULE ACTION REPEAT
    TRIGGER CREATED DTSTAMP LAST-MODIFIED SEQUENCE REQUEST-STATUS NAME REFRESH-INTERVAL
    SOURCE COLOR IMAGE CONFERENCE ACKNOWLEDGED PROXIMITY LOCATION-TYPE PARTICIPANT-TYPE
    CALENDAR-ADDRESS STYLED-DESCRIPTION STRUCTURED-DATA TZID-ALIAS-OF TZUNTIL BUSYTYPE
"""
_KNOWN_NAMES = frozenset(_RFC_NAMES.split())


def _split_line(line: str) -> tuple[str, list[tuple[str, list[str]]], str] | None:
    """``NAME[;PARAM=V[,V]...]:VALUE`` as (name, params, value); None when the line is not a
    content line. A linear scan (a regular expression here backtracks badly on long lines)."""
    match = _NAME_RE.match(line)
    if not match:
        return None
    name, i, n = match.group(), match.end(), len(line)
    params: list[tuple[str, list[str]]] = []
    while i < n and line[i] == ";":
        pmatch = _NAME_RE.match(line, i + 1)
        if not pmatch or pmatch.end() >= n or line[pmatch.end()] != "=":
            return None
        values: list[str] = []
        i = pmatch.end() + 1
        while True:
            if i < n and line[i] == '"':
                end = line.find('"', i + 1)
                if end < 0:
                    return None
                values.append(line[i : end + 1])
                i = end + 1
            else:
                end = _UNQUOTED.match(line, i).end()  # type: ignore[union-attr]
                values.append(line[i:end])
                i = end
            if i < n and line[i] == ",":
                i += 1
                continue
            break
        params.append((pmatch.group(), values))
    if i < n and line[i] == ":":
        return name, params, line[i + 1 :]
    return None


def _param_text(value: str) -> str:
    """A parameter value without spaces around it, quoted if it was or must be."""
    inner = value.strip().strip('"').strip()
    quoted = value.strip().startswith('"') or re.search(r"[:;,]", inner)
    return f'"{inner}"' if quoted else inner


def _join_line(name: str, params: list[tuple[str, list[str]]], value: str) -> str:
    rendered = "".join(f";{p}={','.join(vs)}" for p, vs in params)
    return f"{name}{rendered}:{value}"


@dataclass
class _Out:
    """The repaired logical lines, with what the notes need."""

    lines: list[list[str]] = field(default_factory=list)  # each: parts joined at the end
    names: list[str] = field(default_factory=list)  # property name of each line
    notes: list[str] = field(default_factory=list)

    starts: list[int] = field(default_factory=list)  # line in the file of each line

    def add(self, name: str, text: str, line: int = 0) -> None:
        self.lines.append([text])
        self.names.append(name)
        self.starts.append(line)


def _repair(text: str, source: str) -> tuple[bytes, list[str]]:
    """Fix what real files get wrong, keeping each event's line number:

    - line endings CRLF, LF, CR, CR CR LF; folding with a space or a TAB; over-long lines;
    - raw unescaped line breaks inside DESCRIPTION and other texts (Exchange 2010): the
      following lines that are not properties are joined to the text as line breaks;
    - a value separator ``:`` standing alone at the start of the next line (Exchange CDO);
    - spaces around a TZID, in the VTIMEZONE and where it is used (GroupWise);
    - lines outside any component, an END without its BEGIN, a file cut short (missing
      END lines are added), a bare VEVENT without a VCALENDAR around it.

    VTIMEZONE is renamed so that icalendar does not register the file's zones in its
    process-wide cache (a later file would otherwise get the first file's rules); they are
    resolved per file instead (``_Reader.zone``).
    """
    physical = _LINE_BREAK.split(text)
    starts: list[int] = []
    logical: list[list[str]] = []
    for number, line in enumerate(physical, 1):
        if line[:1] in (" ", "\t") and logical:
            logical[-1].append(line[1:])  # unfold: the line break and one blank go
        else:
            starts.append(number)
            logical.append([line])

    out = _Out()
    # Exchange CDO: "ATTENDEE;CN=x" then ":" alone on the next line, then the address folded
    # under it. Join the value separator (and what is folded under it) to its property.
    joined_starts: list[int] = []
    joined: list[str] = []
    for number, pieces in zip(starts, logical, strict=True):
        line = "".join(pieces)
        if (
            line.startswith(":")
            and joined
            and _NAME_RE.match(joined[-1])
            and _split_line(joined[-1]) is None
        ):
            joined[-1] += ":" + line[1:].lstrip()
            out.notes.append(
                f"Line {number}: a value that started on a line of its own was joined to its "
                "property."
            )
        else:
            joined_starts.append(number)
            joined.append(line)
    stack: list[str] = []
    spill_from: int | None = None  # the text property taking raw lines started here
    spill_to = 0
    dropped: list[int] = []
    tzid_fixed: set[str] = set()

    def end_spill() -> None:
        nonlocal spill_from
        if spill_from is not None:
            out.notes.append(
                f"Lines {spill_from}–{spill_to}: the text of {out.names[-1]} had raw line "
                "breaks; they were kept as part of the text."
            )
        spill_from = None

    for number, line in zip(joined_starts, joined, strict=True):
        prev_text = bool(out.lines) and bool(stack) and out.names[-1] in _TEXT_PROPS
        if not line.strip():
            if spill_from is not None:
                out.lines[-1].append("\\n")
                spill_to = number
            continue
        parts = _split_line(line)
        if prev_text and (
            parts is None
            or parts[0].upper() not in _KNOWN_NAMES
            and not parts[0].upper().startswith("X-")
            or (spill_from is not None and parts[0] != parts[0].upper())
        ):
            if spill_from is None:
                spill_from = out.starts[-1]
            out.lines[-1].append("\\n" + line)
            spill_to = number
            continue
        end_spill()
        if parts is None:
            dropped.append(number)
            continue
        name, params, value = parts
        uname = name.upper()
        if uname == "BEGIN":
            component = value.strip().upper()
            if not component or component == _VTIMEZONE:
                dropped.append(number)
                continue
            if not stack and component != "VCALENDAR":
                if component != "VEVENT":
                    dropped.append(number)
                    continue
                out.add("BEGIN", "BEGIN:VCALENDAR")  # a bare VEVENT: give it its calendar
                stack.append("VCALENDAR")
            if len(stack) >= MAX_NESTING:
                raise CalendarFileError(source, f"components are nested too deeply (line {number})")
            stack.append(component)
            shown = _VTIMEZONE if component == "VTIMEZONE" else component
            out.add("BEGIN", f"BEGIN:{shown}")
            if component == "VEVENT":
                out.add(_LINE_PROP, f"{_LINE_PROP}:{number}")
            continue
        if uname == "END":
            component = value.strip().upper()
            if component not in stack:
                dropped.append(number)
                continue
            while stack:
                top = stack.pop()
                out.add("END", f"END:{_VTIMEZONE if top == 'VTIMEZONE' else top}")
                if top == component:
                    break
                out.notes.append(f"Line {number}: END:{top} was missing before END:{component}.")
            continue
        if not stack or uname == _LINE_PROP:
            dropped.append(number)
            continue
        if uname == "TZID" and value != value.strip():
            tzid_fixed.add(value.strip())
            value = value.strip()
        if any(p.upper() == "TZID" for p, _ in params):
            fixed = []
            for p, values in params:
                if p.upper() == "TZID":
                    clean = [_param_text(v) for v in values]
                    if any(
                        c.strip('"') != v.strip('"') for c, v in zip(clean, values, strict=True)
                    ):
                        tzid_fixed.add(clean[0].strip('"'))
                    values = clean
                fixed.append((p, values))
            params = fixed
            line = _join_line(name, params, value)
        elif uname == "TZID":
            line = _join_line(name, params, value)
        out.add(uname, line, number)
    end_spill()
    if stack:
        out.notes.append(
            f"The file ends before END:{stack[0]} (it may be cut short); what it holds was read."
        )
        while stack:
            top = stack.pop()
            out.add("END", f"END:{_VTIMEZONE if top == 'VTIMEZONE' else top}")
    for tzid in sorted(tzid_fixed):
        out.notes.append(f"The time zone name {tzid!r} had spaces around it; they were removed.")
    if dropped:
        out.notes.append(
            f"{len(dropped)} line{'s' if len(dropped) != 1 else ''} that "
            f"{'are' if len(dropped) != 1 else 'is'} not calendar data "
            f"{'were' if len(dropped) != 1 else 'was'} ignored (line {dropped[0]}"
            f"{', …' if len(dropped) > 1 else ''})."
        )
    data = "\r\n".join("".join(parts) for parts in out.lines) + "\r\n"
    return data.encode("utf-8"), out.notes


# --- time zones ---------------------------------------------------------------------------------

# The common Windows zone names, in case icalendar's full CLDR table is missing (older icalendar).
_COMMON_WINDOWS_ZONES = {
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "Romance Standard Time": "Europe/Paris",
    "GMT Standard Time": "Europe/London",
    "GTB Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Kyiv",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Russian Standard Time": "Europe/Moscow",
    "Turkey Standard Time": "Europe/Istanbul",
    "Central Asia Standard Time": "Asia/Almaty",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles",
    "UTC": "Etc/UTC",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "India Standard Time": "Asia/Kolkata",
}


def _windows_zones() -> dict[str, str]:
    try:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
    except ImportError:  # pragma: no cover - icalendar before 6.1
        table = dict(_COMMON_WINDOWS_ZONES)
    else:
        table = {**_COMMON_WINDOWS_ZONES, **WINDOWS_TO_OLSON}
    return {name.casefold(): iana for name, iana in table.items()}


_WINDOWS_ZONES = _windows_zones()
_IANA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*\Z")


def _iana(name: str | None) -> dt.tzinfo | None:
    if not name or len(name) > 64 or not _IANA_NAME.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _fixed(moment: dt.datetime) -> dt.datetime:
    """The same instant in a fixed UTC offset (whole minutes): how a meeting keeps its time."""
    offset = moment.utcoffset()
    assert offset is not None
    minutes = round(offset.total_seconds() / 60)
    if abs(minutes) > 18 * 60:
        raise _RowError(f"its time zone is {minutes / 60:+.1f} hours from UTC, which cannot be")
    return moment.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))


# --- reading events -----------------------------------------------------------------------------


@dataclass
class _Instance:
    """One VEVENT as read: a single event, a series (master) or one changed occurrence."""

    line: int
    event: Component
    uid: str | None
    title: str
    rid: dt.datetime | None  # RECURRENCE-ID, aware
    start: dt.datetime  # aware, in its zone (for series: the zone the rule repeats in)
    duration: dt.timedelta | None
    sequence: int
    notes: list[str]
    cancelled: bool
    reader: _Reader  # of its VCALENDAR: its zones, its PRODID


_FREQ_WORDS = {
    "DAILY": ("daily", "days"),
    "WEEKLY": ("weekly", "weeks"),
    "MONTHLY": ("monthly", "months"),
    "YEARLY": ("yearly", "years"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


class _Reader:
    """Turns the VEVENTs of one VCALENDAR into candidate meetings and rejections."""

    def __init__(
        self,
        cal: Component,
        now: dt.datetime,
        local_tz: dt.tzinfo,
        events: list[CalendarEvent],
        rejected: list[Rejected],
    ) -> None:
        self.cal = cal
        self.now = now
        self.local_tz = local_tz
        self.events = events
        self.rejected = rejected
        self.kamdesk = _text(cal.get("PRODID")).startswith("-//kamdesk//")
        self.cancel = _text(cal.get("METHOD")).strip().upper() == "CANCEL"
        self.vtimezones = {
            _text(c.get("TZID")).strip().casefold(): c
            for c in cal.subcomponents
            if c.name == _VTIMEZONE and c.get("TZID") is not None
        }
        self.zones: dict[str, dt.tzinfo | None] = {}
        shown = _text(cal.get("X-WR-TIMEZONE")).strip()
        self.display_tz = (self.zone(shown) if shown else None) or local_tz

    # time zones and times

    def zone(self, tzid: str) -> dt.tzinfo | None:
        key = tzid.strip().strip('"').strip()
        if key.casefold() not in self.zones:
            zone = _iana(key) or self._vtimezone(key) or _iana(_WINDOWS_ZONES.get(key.casefold()))
            if zone is None and key.startswith("/"):  # "/vendor/Europe/Berlin" (RFC 5545 3.2.19)
                parts = key.strip("/").split("/")
                zone = next(
                    (z for i in range(1, len(parts)) if (z := _iana("/".join(parts[i:])))),
                    None,
                )
            self.zones[key.casefold()] = zone
        return self.zones[key.casefold()]

    def _vtimezone(self, key: str) -> dt.tzinfo | None:
        found = self.vtimezones.get(key.casefold())
        if found is None:
            return None
        component = Timezone()
        component.update(found)
        component.subcomponents = [
            c for c in found.subcomponents if isinstance(c, TimezoneStandard | TimezoneDaylight)
        ]
        try:
            zone = component.to_tz(lookup_tzid=False)
            dt.datetime(2000, 1, 1, tzinfo=zone).utcoffset()  # fails now rather than later
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            return None
        return zone if isinstance(zone, dt.tzinfo) else None

    def when(
        self, prop: Any, what: str, floating_tz: dt.tzinfo | None = None
    ) -> tuple[dt.datetime | dt.date, str | None]:
        """A DTSTART-like value: an aware datetime in its zone (or a date) and a note."""
        try:
            value = prop.dt
        except (ValueError, AttributeError):
            raise _RowError(f"its {what} cannot be read") from None
        if isinstance(value, dt.datetime):
            pass
        elif isinstance(value, dt.date):
            return value, None
        else:
            raise _RowError(f"its {what} is not a date and time")
        params = getattr(prop, "params", {}) or {}
        tzid = _text(params.get("TZID")).strip() if "TZID" in params else ""
        wall = value.replace(tzinfo=None)
        note = None
        if tzid and not _is_utc(prop):
            zone = self.zone(tzid)
            if zone is None:
                raise _RowError(f"its time zone {tzid!r} is unknown (no VTIMEZONE for it)")
        elif value.tzinfo is not None:
            zone = dt.UTC
            wall = value.astimezone(dt.UTC).replace(tzinfo=None)
        elif floating_tz is not None:
            zone = floating_tz
        else:
            zone = self.local_tz
            note = "no time zone in the file: the time was read as your local time"
        try:
            moment = wall.replace(tzinfo=zone)
            moment.astimezone(dt.UTC)
        except (OverflowError, ValueError) as exc:
            raise _RowError(f"its {what} is out of range ({_short(str(exc), 60)})") from None
        return moment, note

    def _shown(self, start: dt.datetime) -> dt.datetime:
        """A time given in UTC, shown in the calendar's zone (or the user's)."""
        return start.astimezone(self.display_tz) if start.tzinfo is dt.UTC else start

    # the events

    def instances(self) -> list[_Instance]:
        """The VEVENTs that can be read; the others are reported as rejected."""
        instances: list[_Instance] = []
        for event in self.cal.walk("VEVENT"):
            line = _line_of(event)
            title = _text(event.get("SUMMARY")).strip()
            try:
                instance = self._instance(event, line, title)
            except _RowError as exc:
                self.rejected.append(Rejected(line, title or None, str(exc), problem=True))
                continue
            except _Skip as exc:
                self.rejected.append(Rejected(line, title or None, str(exc), problem=False))
                continue
            except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
                # a value icalendar could not make sense of: reported, never a crash
                self.rejected.append(
                    Rejected(line, title or None, "this event cannot be read", problem=True)
                )
                continue
            instances.append(instance)
        return instances

    def _instance(self, event: Component, line: int, title: str) -> _Instance:
        uid = _text(event.get("UID")).strip() or None
        start_prop = event.get("DTSTART")
        if start_prop is None:
            if not title:
                raise _RowError("it has no start time (DTSTART) and no title (SUMMARY)")
            raise _RowError("it has no start time (DTSTART)")
        start, note = self.when(start_prop, "start time (DTSTART)")
        if not isinstance(start, dt.datetime):
            raise _Skip("an all-day event (a holiday or a reminder), not a meeting")
        if not title:
            raise _RowError("it has no title (SUMMARY)")
        if self.cancel:
            raise _Skip(
                "the invitation cancels this meeting; kamdesk deletes nothing itself "
                "(delete the meeting yourself if it is in the dossier)"
            )
        cancelled = _text(event.get("STATUS")).strip().upper() == "CANCELLED"
        notes = [note] if note else []
        duration = None
        end_prop = event.get("DTEND")
        if end_prop is not None:
            end, _ = self.when(end_prop, "end time (DTEND)", floating_tz=start.tzinfo)
            if isinstance(end, dt.datetime):
                duration = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
        elif event.get("DURATION") is not None:
            try:
                value = getattr(event["DURATION"], "dt", None)
            except ValueError:  # icalendar's broken-property error
                value = None
            if isinstance(value, dt.timedelta):
                duration = value
        rid = None
        if event.get("RECURRENCE-ID") is not None:
            rid_value, _ = self.when(
                event["RECURRENCE-ID"], "RECURRENCE-ID", floating_tz=start.tzinfo
            )
            if isinstance(rid_value, dt.datetime):
                rid = rid_value
        try:
            sequence = int(_text(event.get("SEQUENCE")).strip() or 0)
        except ValueError:
            sequence = 0
        return _Instance(
            line, event, uid, title, rid, start, duration, sequence, notes, cancelled, self
        )

    def series(self, group: list[_Instance]) -> None:
        """One UID: a single event, or a series with its changed occurrences; one meeting."""
        masters = [g for g in group if g.rid is None]
        overrides = [g for g in group if g.rid is not None]
        master = None
        if masters:
            master = max(masters, key=lambda g: (g.sequence, g.line))
            for other in masters:
                if other is not master:
                    self.rejected.append(
                        Rejected(
                            other.line,
                            other.title,
                            f"another copy of this event (line {master.line}) is used",
                            problem=False,
                        )
                    )
        if master is not None and master.cancelled:
            for instance in [master, *overrides]:
                self.rejected.append(
                    Rejected(instance.line, instance.title, "the meeting is cancelled", False)
                )
            return
        repeating = master is not None and (
            master.event.get("RRULE") is not None or master.event.get("RDATE") is not None
        )
        if master is not None and not repeating:
            for other in overrides:
                self.rejected.append(
                    Rejected(
                        other.line,
                        other.title,
                        f"it changes one meeting of a series, but the event at line "
                        f"{master.line} does not repeat",
                        problem=False,
                    )
                )
            self._add(master, master.start, None, [])
            return
        for other in overrides:
            if other.cancelled:
                self.rejected.append(
                    Rejected(
                        other.line,
                        other.title,
                        "this meeting of the series is cancelled",
                        problem=False,
                    )
                )
        chosen, original, notes = self._next_occurrence(master, overrides)
        source = chosen if chosen is not None else master
        assert source is not None
        rid = original.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self._add(source, source.start if chosen is not None else original, rid, notes, master)

    def _next_occurrence(
        self, master: _Instance | None, overrides: list[_Instance]
    ) -> tuple[_Instance | None, dt.datetime, list[str]]:
        """The occurrence to import: (its changed VEVENT or None, its original start, notes)."""
        moved = {o.rid.astimezone(dt.UTC): o for o in overrides if o.rid is not None}
        candidates: list[tuple[dt.datetime, dt.datetime, _Instance | None]] = [
            (o.start, rid, o) for rid, o in moved.items() if not o.cancelled
        ]  # (start, original start, the changed VEVENT)
        duration = master.duration if master else None
        ended_on = None
        if master is not None:
            generated = self._expand(master, set(moved))
            last = None
            for start in generated:
                last = start
                if start + (duration or dt.timedelta(0)) >= self.now:
                    candidates.append((start, start, None))
                    break
            else:
                ended_on = last
            if last is not None and ended_on is not None:
                candidates.append((last, last, None))
        if not candidates:
            raise _RowError("its series has no meeting left (every date is excluded)")

        def ends(c: tuple[dt.datetime, dt.datetime, _Instance | None]) -> dt.datetime:
            length = c[2].duration if c[2] is not None else duration
            return c[0] + (length or dt.timedelta(0))

        upcoming = [c for c in candidates if ends(c) >= self.now]
        start, original, override = (
            min(upcoming, key=lambda c: c[0]) if upcoming else max(candidates, key=lambda c: c[0])
        )
        when = _fixed(self._shown(start)).strftime("%Y-%m-%d")
        what = self._rule_words(master) if master is not None else "a changed meeting of a series"
        if upcoming:
            notes = [f"{what}: only the next meeting, on {when}, is imported"]
        else:
            notes = [f"{what}, over by now: its last meeting, on {when}, is imported"]
        return override, original, notes

    def _rule_words(self, master: _Instance) -> str:
        rules = _as_list(master.event.get("RRULE"))
        if not rules:
            return "a series on given dates"
        rule = rules[0]
        freq = _text(rule.get("FREQ")).upper()
        try:
            interval = int(_text(rule.get("INTERVAL")) or 1)
        except ValueError:
            interval = 1
        once, many = _FREQ_WORDS.get(freq, ("repeating", "times"))
        words = f"a {once} series" if interval == 1 else f"a series every {interval} {many}"
        return words

    def _expand(self, master: _Instance, moved: set[dt.datetime]) -> Iterator[dt.datetime]:
        """The series' own dates (aware, in its zone), EXDATEs and changed ones left out."""
        start = master.start
        zone = start.tzinfo
        rules = du_rrule.rruleset()
        for rule in _as_list(master.event.get("RRULE")):
            rules.rrule(self._rrule(rule, start))
        rules.rdate(start)  # DTSTART is always the first one (RFC 5545); doubles are dropped
        for moment in self._dates(master.event.get("RDATE"), zone):
            if isinstance(moment, dt.datetime):
                rules.rdate(moment)
        excluded_days = set()
        excluded = set(moved)
        for moment in self._dates(master.event.get("EXDATE"), zone):
            if isinstance(moment, dt.datetime):
                excluded.add(moment.astimezone(dt.UTC))
            else:
                excluded_days.add(moment)
        count = 0
        for occurrence in rules:
            count += 1
            if count > MAX_OCCURRENCES:
                raise _RowError("its series has too many meetings to go through")
            if occurrence.astimezone(dt.UTC) in excluded or occurrence.date() in excluded_days:
                continue
            yield occurrence

    def _rrule(self, rule: Any, start: dt.datetime) -> Any:
        if not isinstance(rule, dict):
            raise _RowError("its repeat rule (RRULE) cannot be read")
        parts = {str(k).upper(): v for k, v in rule.items()}
        freq = _text(parts.get("FREQ")).upper()
        if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
            raise _RowError("it repeats every hour or more often: not a meeting series")
        if freq not in _FREQ_WORDS:
            raise _RowError("its repeat rule (RRULE) has no valid FREQ")
        until = _as_list(parts.get("UNTIL"))
        if until:
            value = until[0]
            if isinstance(value, dt.datetime):
                value = value.replace(tzinfo=start.tzinfo) if value.tzinfo is None else value
            elif isinstance(value, dt.date):
                value = dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=start.tzinfo)
            else:
                raise _RowError("the end of its repeat rule (UNTIL) cannot be read")
            parts["UNTIL"] = [value.astimezone(dt.UTC)]
        try:
            return du_rrule.rrulestr(vRecur(parts).to_ical().decode(), dtstart=start)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError):
            raise _RowError("its repeat rule (RRULE) cannot be read") from None

    def _dates(self, props: Any, zone: dt.tzinfo | None) -> list[dt.datetime | dt.date]:
        """EXDATE/RDATE values, floating ones read in the series' zone."""
        found: list[dt.datetime | dt.date] = []
        for prop in _as_list(props):
            params = getattr(prop, "params", {}) or {}
            for item in getattr(prop, "dts", []) or []:
                value = getattr(item, "dt", None)
                if isinstance(value, tuple):  # PERIOD: its start
                    value = value[0]
                if isinstance(value, dt.datetime):
                    if value.tzinfo is None or "TZID" in params:
                        tzid = _text(params.get("TZID")).strip()
                        own = self.zone(tzid) if tzid else None
                        value = value.replace(tzinfo=own or zone)
                    found.append(value)
                elif isinstance(value, dt.date):
                    found.append(value)
        return found

    # the candidate meeting

    def _add(
        self,
        instance: _Instance,
        start: dt.datetime,
        rid: str | None,
        notes: list[str],
        master: _Instance | None = None,
    ) -> None:
        try:
            self.events.append(self._candidate(instance, start, rid, notes, master))
        except _RowError as exc:
            self.rejected.append(Rejected(instance.line, instance.title, str(exc), problem=True))

    def _candidate(
        self,
        instance: _Instance,
        start: dt.datetime,
        rid: str | None,
        notes: list[str],
        master: _Instance | None,
    ) -> CalendarEvent:
        event = instance.event
        notes = list(instance.notes) + notes
        title = instance.title
        if self.kamdesk and " — " in title:  # our export adds " — client name"
            title = title.rsplit(" — ", 1)[0].strip() or title
        title = _checked("title", title, required=True)
        starts_at = _checked("starts_at", _fixed(self._shown(start)), required=True)
        duration = instance.duration
        if duration is None and master is not None:
            duration = master.duration
        duration_min = None
        if duration is not None:
            minutes = round(duration.total_seconds() / 60)
            duration_min = _checked("duration_min", minutes) if minutes > 0 else None
            if duration_min is None and minutes != 0:
                notes.append("its duration cannot be right and was left out")
        mode, location, link, place_notes = _place(event)
        notes += place_notes
        people = _people(event)
        objective = commitment = None
        agenda: tuple[str, ...] = ()
        if self.kamdesk:
            objective, commitment, agenda, also = _kamdesk_description(
                _text(event.get("DESCRIPTION"))
            )
            people += tuple(Attendee(name, None) for name in also)
        return CalendarEvent(
            line=instance.line,
            uid=instance.uid,
            recurrence_id=rid,
            title=title,
            starts_at=starts_at,
            duration_min=duration_min,
            mode=mode,
            location=_checked("location", location),
            video_link=_checked("video_link", link),
            attendees=people,
            description=_text(event.get("DESCRIPTION")).strip() or None,
            objective=_checked("objective", objective),
            commitment_sought=_checked("commitment_sought", commitment),
            agenda=tuple(_checked("agenda", list(agenda)) or ()),
            notes=tuple(notes),
        )


def _one_per_uid(instances: list[_Instance]) -> None:
    """Group the file's events by UID (across all its VCALENDARs): each group gives one
    meeting, or its reasons for giving none."""
    groups: dict[str, list[_Instance]] = {}
    for i, instance in enumerate(instances):
        groups.setdefault(instance.uid or f"\x00{i}", []).append(instance)
    for group in groups.values():
        first = min(group, key=lambda x: x.line)
        reader = next((g.reader for g in group if g.rid is None), first.reader)
        try:
            reader.series(group)
        except _RowError as exc:
            reader.rejected.append(Rejected(first.line, first.title, str(exc), problem=True))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            reader.rejected.append(
                Rejected(first.line, first.title, "this event cannot be read", problem=True)
            )


class _Skip(Exception):
    """The event is deliberately not imported (all-day, cancelled); the reason is shown."""


def _line_of(event: Component) -> int:
    try:
        return int(_text(event.get(_LINE_PROP)))
    except ValueError:  # pragma: no cover - the repair step always adds it
        return 0


def _is_utc(prop: Any) -> bool:
    try:
        return bool(prop.to_ical().endswith(b"Z"))
    except (ValueError, AttributeError, TypeError):
        return False


def _checked(column: str, value: Any, required: bool = False) -> Any:
    """The value as the meeting stores it (the same rules as editing and the exchange format)."""
    if value is None:
        return None
    try:
        return validate(m.Meeting, column, value)
    except FieldError as exc:
        if required:
            raise _RowError(
                f"its {column.replace('_', ' ')} cannot be used: {exc.message}"
            ) from None
        return None


# Hosts of video meetings whose links may be taken from an invitation's text.
_VIDEO_HOSTS = (
    "zoom.us",
    "zoom.com",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "webex.com",
    "meet.jit.si",
    "whereby.com",
    "gotomeeting.com",
    "gotomeet.me",
    "skype.com",
    "bluejeans.com",
    "chime.aws",
)
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}\\]+", re.IGNORECASE)
_ONLINE_WORDS = re.compile(
    r"\b(microsoft teams|teams[- ](meeting|besprechung|call)|zoom|google meet|webex|skype|"
    r"jitsi|whereby|online[- ]meeting)\b",
    re.IGNORECASE,
)


def _video_host(url: str) -> bool:
    host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/", 1)[0].split(":")[0]
    host = host.lower().split("@")[-1]
    return any(host == h or host.endswith("." + h) for h in _VIDEO_HOSTS)


def _first_url(text: str, known_host: bool) -> str | None:
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?>")
        if url.lower().startswith("https://") and (not known_host or _video_host(url)):
            return url
    return None


def _place(event: Component) -> tuple[str | None, str | None, str | None, list[str]]:
    """(mode, location, video link, notes) from LOCATION, conference properties and links;
    the mode is None when the file says nothing about the place."""
    location = _text(event.get("LOCATION")).strip() or None
    notes: list[str] = []
    link = None
    for name in ("X-GOOGLE-CONFERENCE", "CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL"):
        for value in _as_list(event.get(name)):
            link = link or _first_url(_text(value), known_host=False)
    if location and _URL.fullmatch(location):  # a bare link is not a place
        link, location = link or location, None
    for value in _as_list(event.get("URL")):
        link = link or _first_url(_text(value), known_host=True)
    link = link or _first_url(_text(event.get("DESCRIPTION")), known_host=True)
    online = bool(link) or any(
        _ONLINE_WORDS.search(_text(v))
        for v in (
            location,
            event.get("X-MICROSOFT-LOCATIONDISPLAYNAME"),
        )
    )
    online = online or event.get("X-MICROSOFT-ONLINEMEETINGINFORMATION") is not None
    if online:
        if not link:
            notes.append("an online meeting, but the file has no link for it: add the link")
        return "video", location, link, notes
    if location and re.fullmatch(r"(tel:)?\+?[\d\s()./-]{6,}", location, re.IGNORECASE):
        return "phone", location, None, notes
    return ("in_person" if location else None), location, None, notes


_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+")


def _people(event: Component) -> tuple[Attendee, ...]:
    found: list[Attendee] = []
    seen: set[str] = set()
    for name, organizer in (("ORGANIZER", True), ("ATTENDEE", False)):
        for prop in _as_list(event.get(name)):
            params = getattr(prop, "params", {}) or {}
            if _text(params.get("CUTYPE")).strip().upper() in ("ROOM", "RESOURCE"):
                continue
            address = re.sub(r"^\s*mailto:", "", _text(prop), flags=re.IGNORECASE).strip()
            email = address if _EMAIL.fullmatch(address) else None
            cn = _text(params.get("CN")).strip().strip('"').strip() or None
            if cn and email and cn.casefold() == email.casefold():
                cn = None
            if not cn and not email:
                continue
            ident = (email or "").casefold() or f"name:{search.fold(cn or '')}"
            if ident in seen:
                continue
            seen.add(ident)
            found.append(Attendee(cn, email, organizer))
    return tuple(found)


def _kamdesk_description(
    text: str,
) -> tuple[str | None, str | None, tuple[str, ...], tuple[str, ...]]:
    """What our own export wrote into DESCRIPTION (core.calendar): objective, commitment,
    agenda and the attendees it had no address for."""
    objective = commitment = None
    agenda: list[str] = []
    also: list[str] = []
    in_agenda = False
    for line in text.splitlines():
        if line.startswith("Objective: "):
            objective, in_agenda = line.removeprefix("Objective: ").strip(), False
        elif line.startswith("Commitment to ask for: "):
            commitment = line.removeprefix("Commitment to ask for: ").strip()
            in_agenda = False
        elif line == "Agenda:":
            in_agenda = True
        elif line.startswith("Also attending: "):
            also += [n.strip() for n in line.removeprefix("Also attending: ").split(", ")]
            in_agenda = False
        elif in_agenda and (item := re.match(r"\d+\. (.*)", line)):
            agenda.append(item.group(1))
    return objective or None, commitment or None, tuple(agenda), tuple(n for n in also if n)


# --- the plan -----------------------------------------------------------------------------------


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
        return _plan(session, client_id, calendar)


def _plan(session: Session, client_id: int, calendar: CalendarFile) -> ImportPlan:
    client = session.get(m.Client, client_id)
    if client is None:
        raise UnknownKey("That client no longer exists (it was deleted).")
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
    by_uid: dict[tuple[str | None, str | None], m.Meeting] = {
        (mt.ical_uid, mt.ical_recurrence_id): mt for mt in meetings if mt.ical_uid
    }
    by_key = {mt.key: mt for mt in meetings}
    attendees: dict[int, set[int]] = {}
    for link in session.exec(
        select(m.MeetingAttendee)
        .join(m.Meeting, col(m.Meeting.id) == m.MeetingAttendee.meeting_id)
        .where(m.Meeting.client_id == client_id)
    ):
        attendees.setdefault(link.meeting_id, set()).add(link.stakeholder_id)

    rows: list[PlannedEvent] = []
    taken: dict[int, int] = {}  # meeting id -> line of the event already planned for it
    new: dict[tuple[object, ...], int] = {}  # the same for meetings to create
    for event in calendar.events:
        existing = _existing(event, by_uid, by_key, meetings)
        same = (
            (event.uid, event.recurrence_id)
            if event.uid
            else (None, event.title, event.starts_at.astimezone(dt.UTC))
        )
        if existing is None and same in new:
            rows.append(
                PlannedEvent(
                    Action.SKIP,
                    event.line,
                    event.title,
                    f"the event at line {new[same]} is the same meeting",
                )
            )
            continue
        matched: list[MatchedPerson] = []
        unmatched: list[tuple[Attendee, str]] = []
        for who in event.attendees:
            person, how = people.match(who)
            if person is None or person.id is None:
                unmatched.append((who, how))
            elif all(p.stakeholder_id != person.id for p in matched):
                matched.append(MatchedPerson(who, person.id, person.name, how))
        ids = [p.stakeholder_id for p in matched]
        if existing is None:
            new[same] = event.line
            rows.append(
                PlannedEvent(
                    Action.CREATE,
                    event.line,
                    event.title,
                    event=event,
                    matched=tuple(matched),
                    unmatched=tuple(unmatched),
                    new_attendee_ids=tuple(ids),
                )
            )
            continue
        assert existing.id is not None
        if existing.id in taken:
            rows.append(
                PlannedEvent(
                    Action.SKIP,
                    event.line,
                    event.title,
                    f"the event at line {taken[existing.id]} is the same meeting",
                )
            )
            continue
        taken[existing.id] = event.line
        new_ids = tuple(i for i in ids if i not in attendees.get(existing.id, set()))
        changes = _changes(existing, event)
        if new_ids:
            changes.append(f"{len(new_ids)} more attendee{'s' if len(new_ids) != 1 else ''}")
        action = Action.UPDATE if changes else Action.UNCHANGED
        rows.append(
            PlannedEvent(
                action,
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
        )
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
_OWNED = ("title", "duration_min", "mode", "location", "video_link")


def _changes(meeting: m.Meeting, event: CalendarEvent) -> list[str]:
    changes = []
    if meeting.starts_at != event.starts_at:  # the instant: a file in UTC keeps our offset
        changes.append(f"start → {_when(event.starts_at)}")
    for column in _OWNED:
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


# --- applying ------------------------------------------------------------------------------------


def _fingerprint(plan: ImportPlan) -> list[tuple[Any, ...]]:
    return [(r.action, r.line, r.meeting_id, r.new_attendee_ids, r.changes) for r in plan.rows]


def apply_calendar_import(db: Database, client_id: int, plan: ImportPlan) -> ImportSummary:
    """Write the plan in one transaction: all of it or, on any error, nothing. Refused when the
    dossier changed since the plan was made (make a new preview then)."""
    if plan.client_id != client_id:
        raise KamdeskError("This preview was made for another client; preview the import again.")
    created: list[str] = []
    updated: list[str] = []
    backup.before_import(db)
    with db.transaction() as session:
        fresh = _plan(session, client_id, plan.calendar)
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
                created.append(meeting.key)
            else:
                found = session.get(m.Meeting, row.meeting_id)
                assert found is not None  # the fresh plan just saw it
                meeting = found
                for column in _OWNED:
                    value = getattr(event, column)
                    if value is not None:
                        setattr(meeting, column, value)
                updated.append(meeting.key)
            if meeting.starts_at != event.starts_at:
                meeting.set_starts_at(event.starts_at)
            session.add(meeting)
            links.append((meeting, row.new_attendee_ids))
        if links:
            session.flush()  # once: the new meetings get their ids
            for meeting, people in links:
                assert meeting.id is not None
                for person_id in people:
                    session.add(m.MeetingAttendee(meeting_id=meeting.id, stakeholder_id=person_id))
            session.flush()
            search.reindex_client(session, client_id)
    return ImportSummary(
        tuple(created),
        tuple(updated),
        plan.count(Action.UNCHANGED),
        plan.count(Action.SKIP),
        plan.count(Action.PROBLEM),
    )
