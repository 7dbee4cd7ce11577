"""Reading a calendar file into candidate meetings: decoded (:mod:`.decode`), repaired
(:mod:`.repair`), parsed by icalendar, then each VCALENDAR's events read by a :class:`Reader`.

- **Times.** A time with a TZID is resolved in the file's zones (:mod:`.zones`); an unknown
  zone makes the event a problem rather than a guess. Floating times (no zone) are read as
  the user's local time and the preview says so. UTC times are shown in the calendar's
  ``X-WR-TIMEZONE`` when it has one, else in the user's local zone (the instant is exact
  either way).
- **All-day events** (``VALUE=DATE``: holidays, birthdays, out-of-office) are skipped as "not
  a meeting"; a meeting needs a start time. A cancelled meeting (or a whole file cancelling
  it) is skipped: kamdesk deletes nothing itself.
- **One meeting per UID** (across all VCALENDARs of the file): the copy with the highest
  SEQUENCE, and for a series one occurrence (:mod:`.series`).
- **What the invitation owns**: title, start, duration, place, video link and mode (from
  :mod:`.place`). The invitation's DESCRIPTION is not the KAM's objective and is not stored:
  it is searched for a video link and kept on the candidate for the preview. Files that
  kamdesk exported itself (``PRODID -//kamdesk//``) give back their title, objective,
  commitment and agenda. Every value is checked with the meeting's own rules.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Any

from dateutil import tz as du_tz  # type: ignore[import-untyped]
from icalendar import Calendar, Component

from kamdesk.core.account.editing import FieldError, validate
from kamdesk.core.interchange import textfile
from kamdesk.core.interchange.ics.decode import POLICY, check_raw, decode
from kamdesk.core.interchange.ics.model import (
    LINE_PROP,
    Attendee,
    CalendarEvent,
    CalendarFile,
    CalendarFileError,
    Rejected,
    RowError,
    Skip,
    short,
    text_of,
)
from kamdesk.core.interchange.ics.place import kamdesk_description, people, place
from kamdesk.core.interchange.ics.repair import repair
from kamdesk.core.interchange.ics.series import Instance, next_occurrence
from kamdesk.core.interchange.ics.zones import FileZones, fixed
from kamdesk.core.model import models as m


class Reader:
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
        self.kamdesk = text_of(cal.get("PRODID")).startswith("-//kamdesk//")
        self.cancel = text_of(cal.get("METHOD")).strip().upper() == "CANCEL"
        self.zones = FileZones(cal)
        shown = text_of(cal.get("X-WR-TIMEZONE")).strip()
        self.display_tz = (self.zones.zone(shown) if shown else None) or local_tz

    # times

    def when(
        self, prop: Any, what: str, floating_tz: dt.tzinfo | None = None
    ) -> tuple[dt.datetime | dt.date, str | None]:
        """A DTSTART-like value: an aware datetime in its zone (or a date) and a note."""
        try:
            value = prop.dt
        except (ValueError, AttributeError):
            raise RowError(f"its {what} cannot be read") from None
        if isinstance(value, dt.datetime):
            pass
        elif isinstance(value, dt.date):
            return value, None
        else:
            raise RowError(f"its {what} is not a date and time")
        params = getattr(prop, "params", {}) or {}
        tzid = text_of(params.get("TZID")).strip() if "TZID" in params else ""
        wall = value.replace(tzinfo=None)
        note = None
        if tzid and not _is_utc(prop):
            zone = self.zones.zone(tzid)
            if zone is None:
                raise RowError(f"its time zone {tzid!r} is unknown (no VTIMEZONE for it)")
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
            raise RowError(f"its {what} is out of range ({short(str(exc), 60)})") from None
        return moment, note

    def _shown(self, start: dt.datetime) -> dt.datetime:
        """A time given in UTC, shown in the calendar's zone (or the user's)."""
        return start.astimezone(self.display_tz) if start.tzinfo is dt.UTC else start

    # the events

    def instances(self) -> list[Instance]:
        """The VEVENTs that can be read; the others are reported as rejected."""
        instances: list[Instance] = []
        for event in self.cal.walk("VEVENT"):
            line = _line_of(event)
            title = text_of(event.get("SUMMARY")).strip()
            try:
                instance = self._instance(event, line, title)
            except RowError as exc:
                self.rejected.append(Rejected(line, title or None, str(exc), problem=True))
                continue
            except Skip as exc:
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

    def _instance(self, event: Component, line: int, title: str) -> Instance:
        uid = text_of(event.get("UID")).strip() or None
        start_prop = event.get("DTSTART")
        if start_prop is None:
            if not title:
                raise RowError("it has no start time (DTSTART) and no title (SUMMARY)")
            raise RowError("it has no start time (DTSTART)")
        start, note = self.when(start_prop, "start time (DTSTART)")
        if not isinstance(start, dt.datetime):
            raise Skip("an all-day event (a holiday or a reminder), not a meeting")
        if not title:
            raise RowError("it has no title (SUMMARY)")
        if self.cancel:
            raise Skip(
                "the invitation cancels this meeting; kamdesk deletes nothing itself "
                "(delete the meeting yourself if it is in the dossier)"
            )
        cancelled = text_of(event.get("STATUS")).strip().upper() == "CANCELLED"
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
            sequence = int(text_of(event.get("SEQUENCE")).strip() or 0)
        except ValueError:
            sequence = 0
        return Instance(
            line, event, uid, title, rid, start, duration, sequence, notes, cancelled, self
        )

    def _master(self, masters: list[Instance]) -> Instance | None:
        """The copy of a UID's event that is used (the highest SEQUENCE, then the last one);
        the others are skipped."""
        if not masters:
            return None
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
        return master

    def series(self, group: list[Instance]) -> None:
        """One UID: a single event, or a series with its changed occurrences; one meeting."""
        master = self._master([g for g in group if g.rid is None])
        overrides = [g for g in group if g.rid is not None]
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
        chosen, original, notes = next_occurrence(
            master, overrides, self.now, self.zones, self._shown
        )
        source = chosen if chosen is not None else master
        assert source is not None
        rid = original.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self._add(source, source.start if chosen is not None else original, rid, notes, master)

    def _add(
        self,
        instance: Instance,
        start: dt.datetime,
        rid: str | None,
        notes: list[str],
        master: Instance | None = None,
    ) -> None:
        try:
            self.events.append(self._candidate(instance, start, rid, notes, master))
        except RowError as exc:
            self.rejected.append(Rejected(instance.line, instance.title, str(exc), problem=True))

    def _candidate(
        self,
        instance: Instance,
        start: dt.datetime,
        rid: str | None,
        notes: list[str],
        master: Instance | None,
    ) -> CalendarEvent:
        event = instance.event
        notes = list(instance.notes) + notes
        title = instance.title
        if self.kamdesk and " — " in title:  # our export adds " — client name"
            title = title.rsplit(" — ", 1)[0].strip() or title
        title = _checked("title", title, required=True)
        starts_at = _checked("starts_at", fixed(self._shown(start)), required=True)
        duration = instance.duration
        if duration is None and master is not None:
            duration = master.duration
        duration_min = None
        if duration is not None:
            minutes = round(duration.total_seconds() / 60)
            duration_min = _checked("duration_min", minutes) if minutes > 0 else None
            if duration_min is None and minutes != 0:
                notes.append("its duration cannot be right and was left out")
        mode, location, link, place_notes = place(event)
        notes += place_notes
        attendees = people(event)
        objective = commitment = None
        agenda: tuple[str, ...] = ()
        if self.kamdesk:
            objective, commitment, agenda, also = kamdesk_description(
                text_of(event.get("DESCRIPTION"))
            )
            attendees += tuple(Attendee(name, None) for name in also)
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
            attendees=attendees,
            description=text_of(event.get("DESCRIPTION")).strip() or None,
            objective=_checked("objective", objective),
            commitment_sought=_checked("commitment_sought", commitment),
            agenda=tuple(_checked("agenda", list(agenda)) or ()),
            notes=tuple(notes),
        )


def _one_per_uid(instances: list[Instance]) -> None:
    """Group the file's events by UID (across all its VCALENDARs): each group gives one
    meeting, or its reasons for giving none."""
    groups: dict[str, list[Instance]] = {}
    for i, instance in enumerate(instances):
        groups.setdefault(instance.uid or f"\x00{i}", []).append(instance)
    for group in groups.values():
        first = min(group, key=lambda x: x.line)
        reader = next((g.reader for g in group if g.rid is None), first.reader)
        try:
            reader.series(group)
        except RowError as exc:
            reader.rejected.append(Rejected(first.line, first.title, str(exc), problem=True))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            reader.rejected.append(
                Rejected(first.line, first.title, "this event cannot be read", problem=True)
            )


def _line_of(event: Component) -> int:
    try:
        return int(text_of(event.get(LINE_PROP)))
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
            raise RowError(
                f"its {column.replace('_', ' ')} cannot be used: {exc.message}"
            ) from None
        return None


def read_calendar(
    path: Path | str,
    *,
    now: dt.datetime | None = None,
    local_tz: dt.tzinfo | None = None,
) -> CalendarFile:
    """Read an .ics file; a file over 10 MB is refused before it is read."""
    path = Path(path)
    raw = textfile.read_bytes(path, POLICY, source=path.name or str(path))
    return parse_calendar(raw, path.name or str(path), now=now, local_tz=local_tz)


def _components(data: bytes, source: str) -> list[Calendar]:
    """The VCALENDARs of the repaired text; refused when icalendar cannot parse it or it
    holds no event. (The caller silences icalendar's warnings: they are the file's.)"""
    try:
        components = Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError, UnicodeError) as exc:
        raise CalendarFileError(
            source, f"it is not a valid iCalendar file ({short(str(exc))})"
        ) from None
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not any(c.walk("VEVENT") for c in calendars):
        raise CalendarFileError(source, "the file holds no events (VEVENT) to import")
    return calendars


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
    check_raw(raw, source)
    text, notes = decode(raw, source)
    # a line of its own, whatever ends lines: CR alone too (old Mac exports), which re's ^/$ miss
    if not re.search(r"(?:\A|[\r\n])BEGIN:(?:VCALENDAR|VEVENT)[ \t]*(?:[\r\n]|\Z)", text, re.I):
        raise CalendarFileError(
            source, "it is not an iCalendar file (it has no BEGIN:VCALENDAR line)"
        )
    data, repair_notes = repair(text, source)
    notes += repair_notes
    with warnings.catch_warnings():
        # icalendar warns about oddities of the file: they are the file's, reported per event
        warnings.simplefilter("ignore")
        calendars = _components(data, source)
        now = now or dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        local = local_tz or du_tz.tzlocal()
        events: list[CalendarEvent] = []
        rejected: list[Rejected] = []
        instances: list[Instance] = []
        for cal in calendars:
            instances += Reader(cal, now, local, events, rejected).instances()
        _one_per_uid(instances)
    rejected.sort(key=lambda r: r.line or 0)
    events.sort(key=lambda e: e.line)
    return CalendarFile(source, tuple(events), tuple(rejected), tuple(notes))
