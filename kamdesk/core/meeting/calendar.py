"""A meeting as an iCalendar file (RFC 5545) through the icalendar library.

The event carries the place or the video link, the attendees (names with their diacritics),
the objective and agenda, and an alarm at the "leave by" time (start − travel − buffer) for
in-person meetings (a reminder 15 minutes before for the others). Open action items of the
client's earlier meetings come along as to-dos with their due dates.

The event is in its own time zone: the exchange format keeps the meeting's UTC offset (not a
named zone), so the file carries a VTIMEZONE of that fixed offset (TZID "UTC+01:00") and the
start and end in local time against it. Calendar programs show the right local time, and the
file still says which offset the meeting was planned in.
"""

from __future__ import annotations

import datetime as dt

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneStandard,
    Todo,
    vCalAddress,
    vText,
)

from kamdesk import __version__
from kamdesk.core.errors import KamdeskError
from kamdesk.core.meeting.context import MeetingContext, usable_email
from kamdesk.core.model import models as m
from kamdesk.core.model.exchange_schema import FIRST_YEAR, LAST_YEAR

PRODID = f"-//kamdesk//kamdesk {__version__}//EN"


def meeting_calendar(
    ctx: MeetingContext, default_buffer_min: int, now: dt.datetime | None = None
) -> bytes:
    meeting = ctx.meeting
    start = meeting.starts_at
    if start is None:
        raise KamdeskError(
            f"{meeting.key} has no start time yet; set it before exporting to a calendar."
        )
    if not FIRST_YEAR <= start.year <= LAST_YEAR:  # stored before the editor checked it
        raise KamdeskError(
            f"{meeting.key} starts in the year {start.year}; "
            "set its real start time before exporting to a calendar."
        )
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(fixed_offset_zone(start))
    cal.add_component(_event(ctx, start, stamp, default_buffer_min))
    for past, action in ctx.open_actions:
        cal.add_component(_todo(ctx, past, action, stamp))
    return cal.to_ical()


def _event(
    ctx: MeetingContext, start: dt.datetime, stamp: dt.datetime, default_buffer_min: int
) -> Event:
    """The meeting itself: its time in its own offset, place, description, the attendees
    with an address, and the alarm."""
    meeting = ctx.meeting
    tzid = offset_name(start)
    end = start + dt.timedelta(minutes=meeting.duration_min or 60)
    event = Event()
    event.add("uid", f"{meeting.key}@kamdesk.invalid")
    event.add("dtstamp", stamp)
    event.add("dtstart", start.replace(tzinfo=None), parameters={"TZID": tzid})
    event.add("dtend", end.replace(tzinfo=None), parameters={"TZID": tzid})
    event.add("summary", f"{meeting.title} — {ctx.client.name}")
    if meeting.mode == "video" and meeting.video_link:
        event.add("location", meeting.video_link)
        event.add("url", meeting.video_link)
    elif meeting.location:
        event.add("location", meeting.location)
    event.add("description", _description(ctx))
    for person in ctx.attendees:
        email = usable_email(person.email)
        if email is None:
            continue
        address = vCalAddress(f"mailto:{email}")
        address.params["cn"] = vText(person.name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=False)
    event.add_component(_alarm(meeting, start, default_buffer_min))
    return event


def _description(ctx: MeetingContext) -> str:
    """Objective, commitment, agenda, and those attending without an address."""
    meeting = ctx.meeting
    lines = []
    if meeting.objective:
        lines.append(f"Objective: {meeting.objective}")
    if meeting.commitment_sought:
        lines.append(f"Commitment to ask for: {meeting.commitment_sought}")
    if meeting.agenda:
        lines.append("Agenda:")
        lines += [f"{i}. {item}" for i, item in enumerate(meeting.agenda, 1)]
    without_email = [p.name for p in ctx.attendees if usable_email(p.email) is None]
    if without_email:  # an ATTENDEE needs an address; name the others in the text
        lines.append("Also attending: " + ", ".join(without_email))
    return "\n".join(lines)


def _alarm(meeting: m.Meeting, start: dt.datetime, default_buffer_min: int) -> Alarm:
    """When to leave for a meeting in person (travel and buffer known), else 15 minutes
    before."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    if meeting.mode == "in_person" and meeting.travel_min is not None:
        buffer = meeting.buffer_min if meeting.buffer_min is not None else default_buffer_min
        before = dt.timedelta(minutes=meeting.travel_min + buffer)
        leave = start - before
        alarm.add(
            "description", f"Leave now for {meeting.title} (leave by {leave.strftime('%H:%M')})"
        )
    else:
        before = dt.timedelta(minutes=15)
        alarm.add("description", f"{meeting.title} starts in 15 minutes")
    alarm.add("trigger", -before)
    return alarm


def _todo(ctx: MeetingContext, past: m.Meeting, action: m.ActionItem, stamp: dt.datetime) -> Todo:
    """An open action of an earlier meeting, as a to-do."""
    todo = Todo()
    todo.add("uid", f"action-{action.id}@kamdesk.invalid")
    todo.add("dtstamp", stamp)
    todo.add("summary", action.text)
    if action.due:
        todo.add("due", action.due)
    todo.add("status", "NEEDS-ACTION")
    todo.add(
        "description",
        f"From {past.title} ({ctx.client.name})"
        + (f"; owner: {action.owner}" if action.owner else ""),
    )
    return todo


def offset_name(moment: dt.datetime) -> str:
    """ "UTC+01:00" for a moment at +01:00 (the TZID of its fixed-offset zone)."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def fixed_offset_zone(moment: dt.datetime) -> Timezone:
    """A VTIMEZONE for the moment's UTC offset, with no daylight-saving rule."""
    offset = moment.utcoffset() or dt.timedelta(0)
    zone = Timezone()
    zone.add("tzid", offset_name(moment))
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", offset)
    standard.add("tzoffsetto", offset)
    standard.add("tzname", offset_name(moment))
    zone.add_component(standard)
    return zone
