"""A series (RRULE/RDATE with EXDATEs and RECURRENCE-ID overrides) gives one meeting: the next
one from now (or, for a series that has ended, its last one), and the preview says so. Each
occurrence is its own meeting in kamdesk (it gets its own notes), so it is remembered by UID
*and* the occurrence's original start: importing the file again next week adds the following
meeting and keeps this one. A series that repeats hourly or more often is not a meeting
series; one is gone through for at most :data:`MAX_OCCURRENCES` occurrences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dateutil import rrule as du_rrule  # type: ignore[import-untyped]
from icalendar import Component, vRecur

from kamdesk.core.interchange.ics.model import RowError, as_list, text_of
from kamdesk.core.interchange.ics.zones import FileZones, fixed

if TYPE_CHECKING:  # an instance names the reader of its VCALENDAR, which reads series
    from kamdesk.core.interchange.ics.reader import Reader

MAX_OCCURRENCES = 100_000  # occurrences of one series gone through to find the next one


@dataclass
class Instance:
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
    reader: Reader  # of its VCALENDAR: its zones, its PRODID


_FREQ_WORDS = {
    "DAILY": ("daily", "days"),
    "WEEKLY": ("weekly", "weeks"),
    "MONTHLY": ("monthly", "months"),
    "YEARLY": ("yearly", "years"),
}


def next_occurrence(
    master: Instance | None,
    overrides: list[Instance],
    now: dt.datetime,
    zones: FileZones,
    shown: Callable[[dt.datetime], dt.datetime],
) -> tuple[Instance | None, dt.datetime, list[str]]:
    """The occurrence to import: (its changed VEVENT or None, its original start, notes)."""
    moved = {o.rid.astimezone(dt.UTC): o for o in overrides if o.rid is not None}
    candidates: list[tuple[dt.datetime, dt.datetime, Instance | None]] = [
        (o.start, rid, o) for rid, o in moved.items() if not o.cancelled
    ]  # (start, original start, the changed VEVENT)
    duration = master.duration if master else None
    ended_on = None
    if master is not None:
        generated = _expand(master, set(moved), zones)
        last = None
        for start in generated:
            last = start
            if start + (duration or dt.timedelta(0)) >= now:
                candidates.append((start, start, None))
                break
        else:
            ended_on = last
        if last is not None and ended_on is not None:
            candidates.append((last, last, None))
    if not candidates:
        raise RowError("its series has no meeting left (every date is excluded)")

    def ends(c: tuple[dt.datetime, dt.datetime, Instance | None]) -> dt.datetime:
        length = c[2].duration if c[2] is not None else duration
        return c[0] + (length or dt.timedelta(0))

    upcoming = [c for c in candidates if ends(c) >= now]
    start, original, override = (
        min(upcoming, key=lambda c: c[0]) if upcoming else max(candidates, key=lambda c: c[0])
    )
    when = fixed(shown(start)).strftime("%Y-%m-%d")
    what = _rule_words(master) if master is not None else "a changed meeting of a series"
    if upcoming:
        notes = [f"{what}: only the next meeting, on {when}, is imported"]
    else:
        notes = [f"{what}, over by now: its last meeting, on {when}, is imported"]
    return override, original, notes


def _rule_words(master: Instance) -> str:
    rules = as_list(master.event.get("RRULE"))
    if not rules:
        return "a series on given dates"
    rule = rules[0]
    freq = text_of(rule.get("FREQ")).upper()
    try:
        interval = int(text_of(rule.get("INTERVAL")) or 1)
    except ValueError:
        interval = 1
    once, many = _FREQ_WORDS.get(freq, ("repeating", "times"))
    words = f"a {once} series" if interval == 1 else f"a series every {interval} {many}"
    return words


def _expand(master: Instance, moved: set[dt.datetime], zones: FileZones) -> Iterator[dt.datetime]:
    """The series' own dates (aware, in its zone), EXDATEs and changed ones left out."""
    start = master.start
    zone = start.tzinfo
    rules = du_rrule.rruleset()
    for rule in as_list(master.event.get("RRULE")):
        rules.rrule(_rrule(rule, start))
    rules.rdate(start)  # DTSTART is always the first one (RFC 5545); doubles are dropped
    for moment in _dates(master.event.get("RDATE"), zone, zones):
        if isinstance(moment, dt.datetime):
            rules.rdate(moment)
    excluded_days = set()
    excluded = set(moved)
    for moment in _dates(master.event.get("EXDATE"), zone, zones):
        if isinstance(moment, dt.datetime):
            excluded.add(moment.astimezone(dt.UTC))
        else:
            excluded_days.add(moment)
    count = 0
    for occurrence in rules:
        count += 1
        if count > MAX_OCCURRENCES:
            raise RowError("its series has too many meetings to go through")
        if occurrence.astimezone(dt.UTC) in excluded or occurrence.date() in excluded_days:
            continue
        yield occurrence


def _rrule(rule: Any, start: dt.datetime) -> Any:
    if not isinstance(rule, dict):
        raise RowError("its repeat rule (RRULE) cannot be read")
    parts = {str(k).upper(): v for k, v in rule.items()}
    freq = text_of(parts.get("FREQ")).upper()
    if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
        raise RowError("it repeats every hour or more often: not a meeting series")
    if freq not in _FREQ_WORDS:
        raise RowError("its repeat rule (RRULE) has no valid FREQ")
    until = as_list(parts.get("UNTIL"))
    if until:
        value = until[0]
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=start.tzinfo) if value.tzinfo is None else value
        elif isinstance(value, dt.date):
            value = dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=start.tzinfo)
        else:
            raise RowError("the end of its repeat rule (UNTIL) cannot be read")
        parts["UNTIL"] = [value.astimezone(dt.UTC)]
    try:
        return du_rrule.rrulestr(vRecur(parts).to_ical().decode(), dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise RowError("its repeat rule (RRULE) cannot be read") from None


def _dates(props: Any, zone: dt.tzinfo | None, zones: FileZones) -> list[dt.datetime | dt.date]:
    """EXDATE/RDATE values, floating ones read in the series' zone."""
    found: list[dt.datetime | dt.date] = []
    for prop in as_list(props):
        params = getattr(prop, "params", {}) or {}
        for item in getattr(prop, "dts", []) or []:
            value = getattr(item, "dt", None)
            if isinstance(value, tuple):  # PERIOD: its start
                value = value[0]
            if isinstance(value, dt.datetime):
                if value.tzinfo is None or "TZID" in params:
                    tzid = text_of(params.get("TZID")).strip()
                    own = zones.zone(tzid) if tzid else None
                    value = value.replace(tzinfo=own or zone)
                found.append(value)
            elif isinstance(value, dt.date):
                found.append(value)
    return found


# the candidate meeting
