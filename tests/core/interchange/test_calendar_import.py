"""Calendar import (.ics): every real-world file in ../shared/fixtures/ics imports or is
rejected with its reason, read as it is; times, people, series, re-import, broken files and
a round trip through our own export. Real SQLite files throughout."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy.exc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from kamdesk.core import demo
from kamdesk.core.account import editing
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange.ics.apply import apply_calendar_import
from kamdesk.core.interchange.ics.model import (
    MAX_FILE_BYTES,
    CalendarEvent,
    CalendarFile,
    CalendarFileError,
)
from kamdesk.core.interchange.ics.planning import Action, describe, plan_calendar_import
from kamdesk.core.interchange.ics.reader import parse_calendar, read_calendar
from kamdesk.core.meeting import calendar
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.model import models as m
from kamdesk.core.storage import search
from kamdesk.core.storage.db import Database

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ics"  # copies of ../shared
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC

OUTLOOK = "outlook2010-request-vtimezone-attendees.ics"
CDO = "exchange-cdo-request-broken-attendee-fold.ics"
EXCHANGE = "exchange2010-request-unescaped-description.ics"
GOOGLE = "google-vtimezone-valarms.ics"
KIEV = "google-daily-recurrence-override-kiev.ics"
TEAMS = "thunderbird-teams-series-exdate-override.ics"
GROUPWISE = "groupwise-nonascii-tzid-trailing-space.ics"
EGROUPWARE = "egroupware-nonascii-attendee-cn.ics"
HOLIDAYS = "thunderbird-cyrillic-yearly-holidays.ics"
COVERED = {OUTLOOK, CDO, EXCHANGE, GOOGLE, KIEV, TEAMS, GROUPWISE, EGROUPWARE, HOLIDAYS}


def _read(name: str, now: dt.datetime = NOW, local_tz: dt.tzinfo = BERLIN) -> CalendarFile:
    return read_calendar(FIXTURES / name, now=now, local_tz=local_tz)


def _one(cal: CalendarFile) -> CalendarEvent:
    (event,) = cal.events
    return event


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def _offset_min(moment: dt.datetime) -> int:
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def _client(db: Database, name: str, people: list[tuple[str, str | None]]) -> tuple[int, list[int]]:
    client_id = editing.add_client(db, name)
    ids = []
    for person, email in people:
        pid = editing.add_stakeholder(db, client_id, person)
        if email:
            editing.set_field(db, m.Stakeholder, pid, "email", email)
        ids.append(pid)
    return client_id, ids


def _counts(path: Path) -> dict[str, int]:
    """Rows of every table, read with plain sqlite3 (what is on disk)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def _meetings(db: Database, client_id: int) -> list[m.Meeting]:
    with db.session() as session:
        return list(
            session.exec(
                select(m.Meeting)
                .where(m.Meeting.client_id == client_id)
                .order_by(col(m.Meeting.id))
            )
        )


def _attendee_names(db: Database, meeting_id: int) -> set[str]:
    with db.session() as session:
        rows = session.exec(
            select(m.Stakeholder.name)
            .join(m.MeetingAttendee, col(m.MeetingAttendee.stakeholder_id) == m.Stakeholder.id)
            .where(m.MeetingAttendee.meeting_id == meeting_id)
        )
        return set(rows)


def _vevent_lines(name: str) -> list[int]:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "BEGIN:VEVENT"]


# --- every fixture ------------------------------------------------------------------------------


def test_every_fixture_is_covered_here() -> None:
    assert {p.name for p in FIXTURES.glob("*.ics")} == COVERED


def test_outlook_2010_windows_zone_tab_folding_and_comma_names() -> None:
    cal = _read(OUTLOOK)
    event = _one(cal)
    assert event.line == _vevent_lines(OUTLOOK)[0] == 21
    assert event.title == "Team Meeting"
    # "Eastern Standard Time" from the file's VTIMEZONE: 12:00 EDT (-04:00) on 10 June 2013
    assert event.starts_at == dt.datetime(2013, 6, 10, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    assert event.starts_at.astimezone(UTC) == _utc(2013, 6, 10, 16, 0)
    assert _offset_min(event.starts_at) == -240
    assert event.duration_min == 60
    assert (event.mode, event.location, event.video_link) == ("in_person", "Auditorium 16", None)
    # the TAB-folded UID and address are unfolded without the TAB
    assert event.uid is not None and "\t" not in event.uid and " " not in event.uid
    people = {(a.name, a.email, a.organizer) for a in event.attendees}
    assert people == {
        ("Doe, John", "johndoe@example.com", False),  # address folded with a TAB mid-word
        ("Doe, Jane", "janedoe@example.com", False),
        ("Smith, Bob", "bobsmith@example.com", True),
    }
    assert event.description == (
        "Meeting will discuss objectives for next project.\nWill include a presentation and food."
    )
    assert event.recurrence_id is None and cal.rejected == ()


def test_exchange_cdo_attendee_split_over_lines_is_joined() -> None:
    cal = _read(CDO)
    event = _one(cal)
    assert event.title == "internal final review of mmc site changes"
    # the 1902-based VTIMEZONE (old US rules): 16 Nov 2001 is standard time, -05:00
    assert event.starts_at.astimezone(UTC) == _utc(2001, 11, 16, 19, 0)
    assert _offset_min(event.starts_at) == -300
    assert event.duration_min == 30
    assert event.location == "metcalfe"
    people = {(a.name, a.email, a.organizer) for a in event.attendees}
    assert people == {
        ("MHMN002", "MHMN002@bitgroup.com", False),  # ":" alone on line 28, address below
        ("Ann Cave", "acave@bitgroup.com", True),
    }
    assert any("Line 28" in n and "joined" in n for n in cal.notes)


def test_exchange_2010_raw_newlines_floating_series_and_stray_event() -> None:
    cal = _read(EXCHANGE)
    event = _one(cal)
    assert event.title == "Team Meeting"
    # the DESCRIPTION's raw lines (blank ones, "Passcode: …", a bare https:// line) stay text
    assert event.description is not None
    assert event.description.startswith("Dear Team,\n\nWe look forward to the meeting on Monday.")
    assert "Join Zoom Meeting\nhttps://zoom.us/j/XXXXXXXXXXXX?pwd=XXXXXXXXXXXXX\n" in (
        event.description
    )
    assert "\nPasscode: XXXXXXX\n" in event.description
    assert event.description.endswith("Find your local number: https://zoom.us/u/XXXXXXX")
    assert any(n.startswith("Lines 25–40: the text of DESCRIPTION") for n in cal.notes)
    # ... and the properties after it are read as properties
    assert event.mode == "video"
    assert event.video_link == "https://zoom.us/j/XXXXXXXXXXXX?pwd=XXXXXXXXXXXXX"
    assert event.location is None
    assert event.duration_min == 30
    assert {a.email for a in event.attendees} == {
        "organizer@example.com",
        "attendee1@example.com",
        "attendee2@example.com",
        "attendee3@example.com",
    }
    # floating DTSTART: read as the user's local time (here Berlin), and said so; the
    # fortnightly series ended on 7 Oct 2024 (UNTIL 08:00Z = 10:00 CEST): its last meeting
    assert event.starts_at.astimezone(UTC) == _utc(2024, 10, 7, 8, 0)
    assert _offset_min(event.starts_at) == 120
    assert event.recurrence_id == "20241007T080000Z"
    assert any("read as your local time" in n for n in event.notes)
    assert any("every 2 weeks" in n and "last meeting" in n for n in event.notes)
    # the stray VEVENT with only a UID, reported at its own line
    (stray,) = cal.rejected
    assert stray.line == _vevent_lines(EXCHANGE)[1] == 69
    assert stray.problem
    assert stray.reason == "it has no start time (DTSTART) and no title (SUMMARY)"


def test_exchange_2010_floating_time_follows_the_local_zone() -> None:
    before = dt.datetime(2024, 9, 20, tzinfo=UTC)
    berlin = _one(_read(EXCHANGE, now=before, local_tz=BERLIN))
    assert berlin.starts_at == dt.datetime(2024, 9, 23, 10, 0, tzinfo=BERLIN)
    assert berlin.recurrence_id == "20240923T080000Z"
    assert any("only the next meeting, on 2024-09-23" in n for n in berlin.notes)
    new_york = ZoneInfo("America/New_York")
    ny = _one(_read(EXCHANGE, now=_utc(2024, 9, 24), local_tz=new_york))
    # 10:00 in New York is 14:00Z, after UNTIL (08:00Z) on 7 Oct: the series ends on 23 Sep
    assert ny.starts_at == dt.datetime(2024, 9, 23, 10, 0, tzinfo=new_york)
    assert any("last meeting" in n for n in ny.notes)


def test_google_utc_times_are_shown_in_the_calendars_zone() -> None:
    event = _one(_read(GOOGLE))
    assert event.title == "event with alarms"
    assert event.starts_at.astimezone(UTC) == _utc(2024, 10, 4, 18, 15)
    # X-WR-TIMEZONE:Europe/London (BST): 19:15+01:00, the instant unchanged
    assert (event.starts_at.hour, event.starts_at.minute) == (19, 15)
    assert _offset_min(event.starts_at) == 60
    assert event.duration_min == 45
    assert event.attendees == ()  # the e-mail alarm's ATTENDEE is not a meeting attendee
    assert event.mode is None and event.location is None


@pytest.mark.parametrize(
    ("now", "title", "start_utc", "rid", "line", "words"),
    [
        (_utc(2016, 8, 24), "repeated", _utc(2016, 8, 25, 11), "20160825T110000Z", 42, "next"),
        # the override (before its master in the file) replaces the 26th
        (_utc(2016, 8, 26), "bla bla", _utc(2016, 8, 26, 11), "20160826T110000Z", 27, "next"),
        # the 27th ended at 12:00Z: the next is the 28th
        (
            _utc(2016, 8, 27, 12, 30),
            "repeated",
            _utc(2016, 8, 28, 11),
            "20160828T110000Z",
            42,
            "next",
        ),
        # UNTIL=20160828T110000Z includes the 28th; after it the series is over
        (NOW, "repeated", _utc(2016, 8, 28, 11), "20160828T110000Z", 42, "last"),
    ],
)
def test_google_kiev_daily_series_with_override(
    now: dt.datetime, title: str, start_utc: dt.datetime, rid: str, line: int, words: str
) -> None:
    cal = _read(KIEV, now=now)
    event = _one(cal)
    assert (event.title, event.line, event.recurrence_id) == (title, line, rid)
    assert event.starts_at.astimezone(UTC) == start_utc
    assert _offset_min(event.starts_at) == 180  # Europe/Kiev summer time, 14:00 local
    assert event.duration_min == 60
    assert event.uid == "6m2q7kb2l02798oagemrcgm6pk@google.com"
    assert any("a daily series" in n and f"{words} meeting" in n for n in event.notes)
    assert cal.rejected == ()


@pytest.mark.parametrize(
    ("now", "start_utc", "offset", "rid", "line"),
    [
        # the override moves 30 Jan from 11:00 to 10:30 (CET)
        (_utc(2026, 1, 24), _utc(2026, 1, 30, 9, 30), 60, "20260130T100000Z", 69),
        # 3 Apr is excluded by a floating EXDATE; 10 Apr is summer time: 11:00+02:00
        (_utc(2026, 3, 28), _utc(2026, 4, 10, 9, 0), 120, "20260410T090000Z", 19),
        (NOW, _utc(2026, 7, 31, 9, 0), 120, "20260731T090000Z", 19),  # over: the last one
    ],
)
def test_thunderbird_teams_series_exdate_and_override(
    now: dt.datetime, start_utc: dt.datetime, offset: int, rid: str, line: int
) -> None:
    cal = _read(TEAMS, now=now)
    event = _one(cal)
    assert event.title == "Billings-task-setting follow-up series"
    assert (event.line, event.recurrence_id) == (line, rid)
    assert event.starts_at.astimezone(UTC) == start_utc
    assert _offset_min(event.starts_at) == offset
    assert event.duration_min == 60
    assert (event.mode, event.location, event.video_link) == (
        "video",
        "Microsoft Teams-Besprechung",
        None,
    )
    assert any("no link" in n for n in event.notes)
    assert len(event.attendees) == 4  # 3 attendees and the organizer
    assert cal.rejected == ()


def test_groupwise_non_ascii_tzid_with_a_trailing_space() -> None:
    cal = _read(GROUPWISE)
    event = _one(cal)
    assert event.starts_at.astimezone(UTC) == _utc(2026, 7, 1, 15, 0)  # 17:00 CEST
    assert _offset_min(event.starts_at) == 120
    assert event.duration_min == 90
    assert event.location == "Stadtwerkstatt"
    assert ("Mario Voigt", "REDACTED@REDACTED") in {(a.name, a.email) for a in event.attendees}
    assert any("Mitteleuropäische Zeit" in n and "spaces" in n for n in cal.notes)


def test_egroupware_unquoted_non_ascii_cn() -> None:
    event = _one(_read(EGROUPWARE))
    assert event.title == "12345"
    assert event.starts_at.astimezone(UTC) == _utc(2007, 3, 1, 10, 0)
    assert event.location == "Dresden"
    (person,) = event.attendees
    assert (person.name, person.email) == ("Tobias König", "tobias.koenig@kde.de")
    assert event.description is not None
    assert event.description.startswith("Das ist eine längere Notiz\ndie über meherer Zeilen")


def test_cyrillic_all_day_holidays_are_rejected_with_the_reason(db: Database) -> None:
    cal = _read(HOLIDAYS)
    assert cal.events == ()
    assert [r.line for r in cal.rejected] == _vevent_lines(HOLIDAYS)
    assert [r.title for r in cal.rejected][:3] == [
        "Новый год",
        "Новогодние каникулы",
        "Рождество Христово",
    ]
    assert "День Победы" in {r.title for r in cal.rejected}
    assert all(
        not r.problem and r.reason == "an all-day event (a holiday or a reminder), not a meeting"
        for r in cal.rejected
    )
    client_id, _ = _client(db, "Almaty Lab", [])
    before = _counts(db.path)
    plan = plan_calendar_import(db, client_id, cal)
    assert {r.action for r in plan.rows} == {Action.SKIP} and not plan.writes
    lines = describe(plan)
    assert (
        "line 4: skip “Новый год”: an all-day event (a holiday or a reminder), not a meeting"
        in (lines)
    )
    assert lines[-1].endswith("9 skipped, 0 with problems. Nothing to import.")
    summary = apply_calendar_import(db, client_id, plan)
    assert (summary.created, summary.updated, summary.skipped) == ((), (), 9)
    assert _counts(db.path) == before


# --- time zones written in other ways --------------------------------------------------------------


def _ics(*event_lines: str, prodid: str = "-//test//EN", extra: tuple[str, ...] = ()) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", *extra]
    lines += ["BEGIN:VEVENT", *event_lines, "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_windows_zone_names_without_a_vtimezone_and_unknown_zones() -> None:
    raw = (
        _ics(
            "UID:w1",
            "SUMMARY:Winter review",
            'DTSTART;TZID="W. Europe Standard Time":20261201T093000',
            "DURATION:PT45M",
        )
        + _ics(
            "UID:e1",
            "SUMMARY:Summer call",
            "DTSTART;TZID=Eastern Standard Time:20260701T090000",
            "DTEND;TZID=Eastern Standard Time:20260701T093000",
        )
        + _ics("UID:x1", "SUMMARY:On Mars", "DTSTART;TZID=Mars/Olympus Mons:20260701T090000")
    )
    cal = parse_calendar(raw, "zones.ics", now=NOW, local_tz=BERLIN)
    winter, summer = cal.events
    assert winter.starts_at.astimezone(UTC) == _utc(2026, 12, 1, 8, 30)  # Berlin, CET
    assert (_offset_min(winter.starts_at), winter.duration_min) == (60, 45)
    assert summer.starts_at.astimezone(UTC) == _utc(2026, 7, 1, 13, 0)  # New York, EDT
    assert (_offset_min(summer.starts_at), summer.duration_min) == (-240, 30)
    (mars,) = cal.rejected
    assert mars.problem and mars.title == "On Mars"
    assert "time zone 'Mars/Olympus Mons' is unknown" in mars.reason


def test_a_files_own_zone_does_not_leak_into_the_next_file() -> None:
    """icalendar caches VTIMEZONEs process-wide; the import reads each file's own."""

    def zone_file(offset: str) -> bytes:
        return _ics(
            "UID:z",
            "SUMMARY:Call",
            "DTSTART;TZID=Kamdesk Test Zone:20260301T100000",
            extra=(
                "BEGIN:VTIMEZONE",
                "TZID:Kamdesk Test Zone",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                f"TZOFFSETFROM:{offset}",
                f"TZOFFSETTO:{offset}",
                "END:STANDARD",
                "END:VTIMEZONE",
            ),
        )

    first = _one(parse_calendar(zone_file("+0300"), "a.ics", now=NOW))
    second = _one(parse_calendar(zone_file("-0700"), "b.ics", now=NOW))
    assert first.starts_at.astimezone(UTC) == _utc(2026, 3, 1, 7, 0)
    assert second.starts_at.astimezone(UTC) == _utc(2026, 3, 1, 17, 0)


def test_cancellations_copies_links_and_odd_series() -> None:
    series = (
        "UID:s1",
        "SUMMARY:Weekly sync",
        "DTSTART;TZID=Europe/Warsaw:20261204T090000",
        "DURATION:PT30M",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "DESCRIPTION:Join: https://teams.microsoft.com/l/meetup-join/abc. Or call +48 22 1.",
    )
    cancelled = (
        "UID:s1",
        "SUMMARY:Weekly sync",
        "RECURRENCE-ID;TZID=Europe/Warsaw:20261204T090000",
        "DTSTART;TZID=Europe/Warsaw:20261204T090000",
        "STATUS:CANCELLED",
    )
    raw = (
        _ics(*series)
        + _ics(*cancelled)
        + _ics("UID:d", "SEQUENCE:1", "SUMMARY:Old copy", "DTSTART:20261210T090000Z")
        + _ics("UID:d", "SEQUENCE:2", "SUMMARY:New copy", "DTSTART:20261211T090000Z")
        + _ics("UID:h", "SUMMARY:Standup", "DTSTART:20261210T090000Z", "RRULE:FREQ=HOURLY")
        + _ics(
            "UID:r",
            "SUMMARY:Two dates",
            "DTSTART:20261101T090000Z",
            "RDATE:20261215T090000Z",
            "LOCATION:+48 22 555 01 02",
        )
        + _ics("UID:c", "SUMMARY:Dropped", "DTSTART:20261210T090000Z", "STATUS:CANCELLED")
    )
    cal = parse_calendar(raw, "odd.ics", now=NOW, local_tz=BERLIN)
    by_title = {e.title: e for e in cal.events}
    assert set(by_title) == {"Weekly sync", "New copy", "Two dates"}
    sync = by_title["Weekly sync"]  # 4 Dec is cancelled: the next one is 11 Dec
    assert sync.starts_at == dt.datetime(2026, 12, 11, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert (sync.mode, sync.video_link) == (
        "video",
        "https://teams.microsoft.com/l/meetup-join/abc",
    )
    assert sync.duration_min == 30
    assert by_title["Two dates"].starts_at.astimezone(UTC) == _utc(2026, 12, 15, 9, 0)
    assert by_title["Two dates"].mode == "phone"
    reasons = {(r.title, r.reason, r.problem) for r in cal.rejected}
    assert reasons == {
        ("Weekly sync", "this meeting of the series is cancelled", False),
        ("Old copy", "another copy of this event (line 37) is used", False),
        ("Standup", "it repeats every hour or more often: not a meeting series", True),
        ("Dropped", "the meeting is cancelled", False),
    }
    # a cancellation notice; and a bare VEVENT with no VCALENDAR around it
    cancel = parse_calendar(
        _ics("UID:x", "SUMMARY:Review", "DTSTART:20261210T090000Z", extra=("METHOD:CANCEL",)),
        "cancel.ics",
        now=NOW,
    )
    assert cancel.events == () and "cancels this meeting" in cancel.rejected[0].reason
    bare = b"BEGIN:VEVENT\nUID:b\nSUMMARY:Bare\nDTSTART:20261210T090000Z\nEND:VEVENT\n"
    assert _one(parse_calendar(bare, "bare.ics", now=NOW)).title == "Bare"


# --- planning and applying ---------------------------------------------------------------------


def test_attendees_match_by_email_then_folded_name(db: Database) -> None:
    client_id, (john, jane, _) = _client(
        db,
        "Example Corp",
        [
            ("John Doe", None),  # "Doe, John" by name, word order aside
            ("Jane Doe", "JaneDoe@Example.COM"),  # by e-mail, case aside
            ("Bobby Smith", None),  # not "Smith, Bob"
        ],
    )
    before = _counts(db.path)
    plan = plan_calendar_import(db, client_id, _read(OUTLOOK))
    assert _counts(db.path) == before  # planning writes nothing
    (row,) = plan.rows
    assert row.action is Action.CREATE
    assert {(p.stakeholder_id, p.by) for p in row.matched} == {(john, "name"), (jane, "e-mail")}
    assert [(str(a), why) for a, why in row.unmatched] == [
        ("Smith, Bob <bobsmith@example.com>", "not among the client's people")
    ]
    lines = describe(plan)
    assert "  attendees: John Doe (by name), Jane Doe (by e-mail)" in lines
    assert (
        "  not linked (organizer): Smith, Bob <bobsmith@example.com>: not among the client's people"
    ) in lines
    assert any(
        line.startswith("line 21: create “Team Meeting”, 2013-06-10 12:00 (UTC-04:00)")
        for line in lines
    )


def test_non_latin_names_match_after_folding(db: Database) -> None:
    client_id, (konig, mario) = _client(
        db, "KDE e.V.", [("TOBIAS KÖNIG", None), ("Mario Voigt", "mario@elsewhere.example")]
    )
    (row,) = plan_calendar_import(db, client_id, _read(EGROUPWARE)).rows
    assert [(p.stakeholder_id, p.by) for p in row.matched] == [(konig, "name")]
    (row,) = plan_calendar_import(db, client_id, _read(GROUPWISE)).rows
    assert [(p.stakeholder_id, p.by) for p in row.matched] == [(mario, "name")]
    # two people with the same name: not guessed
    editing.add_stakeholder(db, client_id, "Tobias Konig")
    (row,) = plan_calendar_import(db, client_id, _read(EGROUPWARE)).rows
    assert row.matched == ()
    assert row.unmatched[0][1] == "several of the client's people have this name"


def test_import_then_reimport_updates_instead_of_duplicating(db: Database) -> None:
    client_id, (john, jane) = _client(
        db, "Example Corp", [("John Doe", "johndoe@example.com"), ("Jane Doe", None)]
    )
    plan = plan_calendar_import(db, client_id, _read(OUTLOOK))
    summary = apply_calendar_import(db, client_id, plan)
    assert summary.created == ("team-meeting-2013-06-10",)
    assert str(summary) == "1 meeting created, 0 updated, 0 unchanged, 0 skipped, 0 with problems"
    (meeting,) = _meetings(db, client_id)
    assert meeting.key == "team-meeting-2013-06-10"
    assert (meeting.title, meeting.mode, meeting.location) == (
        "Team Meeting",
        "in_person",
        "Auditorium 16",
    )
    assert meeting.starts_at == _utc(2013, 6, 10, 16, 0)
    assert meeting.utc_offset_min == -240 and meeting.duration_min == 60
    assert meeting.ical_uid is not None and meeting.ical_uid.startswith("040000009200E000")
    assert meeting.ical_recurrence_id is None
    assert meeting.objective is None  # the invitation's text is not the KAM's objective
    assert _attendee_names(db, meeting.id) == {"John Doe", "Jane Doe"}
    with db.session() as session:  # the search index was rewritten in the same transaction
        hits = search.search(session, "auditorium")
    assert [(h.kind, h.ref_id) for h in hits] == [("meeting", meeting.id)]

    # the KAM prepares the meeting; the same file again changes nothing
    editing.set_field(db, m.Meeting, meeting.id, "objective", "Agree the pilot")
    before = _counts(db.path)
    plan = plan_calendar_import(db, client_id, _read(OUTLOOK))
    assert [r.action for r in plan.rows] == [Action.UNCHANGED]
    assert apply_calendar_import(db, client_id, plan).created == ()
    assert _counts(db.path) == before

    # the organizer moves it by an hour and renames it: the same meeting is updated
    raw = (FIXTURES / OUTLOOK).read_bytes()
    moved = raw.replace(b"20130610T120000", b"20130610T130000").replace(
        b"20130610T130000\r\nDTSTAMP", b"20130610T140000\r\nDTSTAMP"
    )
    moved = moved.replace(b"SUMMARY;LANGUAGE=en-us:Team Meeting", b"SUMMARY:Team Meeting (moved)")
    plan = plan_calendar_import(db, client_id, parse_calendar(moved, "moved.ics", now=NOW))
    (row,) = plan.rows
    assert row.action is Action.UPDATE and row.meeting_id == meeting.id
    assert row.changes == (
        "start → 2013-06-10 13:00 (UTC-04:00)",
        "title → Team Meeting (moved)",
    )
    summary = apply_calendar_import(db, client_id, plan)
    assert summary.updated == ("team-meeting-2013-06-10",)
    (again,) = _meetings(db, client_id)
    assert again.id == meeting.id and again.title == "Team Meeting (moved)"
    assert again.starts_at == _utc(2013, 6, 10, 17, 0) and again.duration_min == 60
    assert again.objective == "Agree the pilot"  # what the KAM prepared is kept
    assert _counts(db.path)["meeting"] == before["meeting"]


def test_each_meeting_of_a_series_is_its_own_meeting(db: Database) -> None:
    client_id, _ = _client(db, "Teams GmbH", [])
    first = plan_calendar_import(db, client_id, _read(TEAMS, now=_utc(2026, 1, 24)))
    assert apply_calendar_import(db, client_id, first).created == (
        "billings-task-setting-follow-up-series-2026-01-30",
    )
    # a week later the next one is added; the 30 January meeting keeps its place
    later = plan_calendar_import(db, client_id, _read(TEAMS, now=_utc(2026, 2, 2)))
    assert [r.action for r in later.rows] == [Action.CREATE]
    apply_calendar_import(db, client_id, later)
    meetings = _meetings(db, client_id)
    assert [(mt.starts_at, mt.ical_recurrence_id) for mt in meetings] == [
        (_utc(2026, 1, 30, 9, 30), "20260130T100000Z"),
        (_utc(2026, 2, 6, 10, 0), "20260206T100000Z"),
    ]
    assert len({mt.ical_uid for mt in meetings}) == 1
    again = plan_calendar_import(db, client_id, _read(TEAMS, now=_utc(2026, 2, 2)))
    assert [r.action for r in again.rows] == [Action.UNCHANGED]


def test_events_without_uid_match_on_title_and_start(db: Database) -> None:
    client_id, _ = _client(db, "Zoom Inc", [])
    cal = _read(EXCHANGE)
    plan = plan_calendar_import(db, client_id, cal)
    assert [r.action for r in plan.rows] == [Action.CREATE, Action.PROBLEM]
    assert describe(plan)[-2] == (
        "line 69: problem (no title): it has no start time (DTSTART) and no title (SUMMARY)"
    )
    apply_calendar_import(db, client_id, plan)
    (meeting,) = _meetings(db, client_id)
    assert (meeting.ical_uid, meeting.ical_recurrence_id) == (None, None)
    assert (meeting.mode, meeting.video_link) == (
        "video",
        "https://zoom.us/j/XXXXXXXXXXXX?pwd=XXXXXXXXXXXXX",
    )
    plan = plan_calendar_import(db, client_id, cal)
    assert [r.action for r in plan.rows] == [Action.UNCHANGED, Action.PROBLEM]


def test_every_fixture_goes_through_plan_and_apply(db: Database) -> None:
    client_id, _ = _client(db, "Everyone", [("Tobias König", None)])
    created = 0
    for name in sorted(COVERED):
        plan = plan_calendar_import(db, client_id, _read(name))
        summary = apply_calendar_import(db, client_id, plan)
        created += len(summary.created)
        assert all(describe(plan))
    assert created == 8  # all but the holidays file
    assert len(_meetings(db, client_id)) == 8
    for name in sorted(COVERED):  # and all of it again: nothing new
        plan = plan_calendar_import(db, client_id, _read(name))
        assert not plan.writes, name


def test_a_stale_preview_is_refused_and_writes_nothing(db: Database) -> None:
    client_id, _ = _client(db, "Example Corp", [])
    plan = plan_calendar_import(db, client_id, _read(OUTLOOK))
    apply_calendar_import(db, client_id, plan_calendar_import(db, client_id, _read(OUTLOOK)))
    before = _counts(db.path)
    with pytest.raises(KamdeskError, match="changed since the preview"):
        apply_calendar_import(db, client_id, plan)
    assert _counts(db.path) == before
    other, _ = _client(db, "Someone else", [])
    with pytest.raises(KamdeskError, match="another client"):
        apply_calendar_import(db, other, plan)


def test_apply_is_all_or_nothing(db: Database) -> None:
    raw = _ics("UID:a", "SUMMARY:First", "DTSTART:20261201T090000Z") + _ics(
        "UID:b", "SUMMARY:Second", "DTSTART:20261202T090000Z"
    )
    client_id, _ = _client(db, "Example Corp", [])
    plan = plan_calendar_import(db, client_id, parse_calendar(raw, "two.ics", now=NOW))
    assert [r.action for r in plan.rows] == [Action.CREATE, Action.CREATE]
    conn = sqlite3.connect(db.path)  # the database itself refuses the second meeting
    conn.execute(
        "CREATE TRIGGER no_second BEFORE INSERT ON meeting WHEN NEW.title = 'Second' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    conn.commit()
    before = _counts(db.path)
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        apply_calendar_import(db, client_id, plan)
    assert _counts(db.path) == before  # not even the first one
    conn.execute("DROP TRIGGER no_second")
    conn.commit()
    conn.close()
    assert len(apply_calendar_import(db, client_id, plan).created) == 2


# --- files that cannot be imported ---------------------------------------------------------------


def _refused(db: Database, path: Path, match: str) -> None:
    client_id = editing.add_client(db, f"Client {path.name}")
    before = _counts(db.path)
    with pytest.raises(CalendarFileError, match=match) as info:
        apply_calendar_import(
            db, client_id, plan_calendar_import(db, client_id, read_calendar(path, now=NOW))
        )
    assert str(info.value).startswith(f"{path.name}: ")
    assert str(info.value).endswith("; nothing was imported.")
    assert _counts(db.path) == before


def test_broken_empty_and_huge_files_are_refused_with_a_reason(
    db: Database, tmp_path: Path
) -> None:
    cases = {
        "empty.ics": (b"", "the file is empty"),
        "blank.ics": (b"\r\n \r\n", "the file is empty"),
        "letter.ics": (b"Dear Team,\nsee you Monday.\n", "not an iCalendar file"),
        "binary.ics": (b"BEGIN:VCALENDAR\r\n\x00\x01\x02", "binary data"),
        "no-events.ics": (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
            "holds no events",
        ),
        "too-deep.ics": (
            b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\n" * 40 + b"END:VCALENDAR\r\n",
            "nested too deeply",
        ),
    }
    for name, (content, match) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        _refused(db, path, match)
    _refused(db, tmp_path / "missing.ics", "there is no file")
    (tmp_path / "folder.ics").mkdir()
    _refused(db, tmp_path / "folder.ics", "is a folder")


def test_a_50_mb_file_is_refused_quickly(db: Database, tmp_path: Path) -> None:
    huge = tmp_path / "huge.ics"
    with open(huge, "wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.write(b"BEGIN:VCALENDAR\r\n")
        fh.seek(50 * 1024 * 1024)
        fh.write(b"END:VCALENDAR\r\n")
    assert os.path.getsize(huge) > 50 * 1024 * 1024
    started = time.perf_counter()
    _refused(db, huge, r"the file is 50\.0 MB; a calendar file to import may be at most 10 MB")
    assert time.perf_counter() - started < 1.0
    with pytest.raises(CalendarFileError, match="at most 10 MB"):
        parse_calendar(b" " * (MAX_FILE_BYTES + 1), "bytes.ics")


def test_encodings_bom_utf16_and_legacy() -> None:
    raw = (FIXTURES / EGROUPWARE).read_bytes()
    plain = _one(parse_calendar(raw, "a.ics", now=NOW))
    bom = parse_calendar(b"\xef\xbb\xbf" + raw, "b.ics", now=NOW)
    assert _one(bom) == plain and bom.notes == ()
    utf16 = parse_calendar(raw.decode("utf-8").encode("utf-16"), "c.ics", now=NOW)
    assert _one(utf16) == plain and "UTF-16" in utf16.notes[0]
    legacy = _ics("UID:l", "SUMMARY:Café Müller", "DTSTART:20261201T090000Z").decode()
    cal = parse_calendar(legacy.encode("cp1252"), "d.ics", now=NOW)
    assert _one(cal).title == "Café Müller"
    assert "not UTF-8" in cal.notes[0]


def test_a_file_cut_short_still_gives_what_it_holds() -> None:
    raw = (FIXTURES / OUTLOOK).read_bytes()
    cut = raw[: raw.index(b"X-ALT-DESC")]
    cal = parse_calendar(cut, "cut.ics", now=NOW)
    assert _one(cal).title == "Team Meeting"
    assert any("cut short" in n for n in cal.notes)


# --- round trip through our own export ------------------------------------------------------------


def test_round_trip_through_our_export_into_another_client(db: Database) -> None:
    demo.load_demo(db, today=dt.date(2026, 11, 22))
    with db.session() as session:
        ctx = load_meeting_context(session, "pomorze-tender-2027")
    exported = calendar.meeting_calendar(ctx, 15)
    original = ctx.meeting
    people = [(p.name, p.email) for p in ctx.attendees]
    assert len(people) == 4 and any("ł" in n.lower() or "ę" in n for n, _ in people)

    other_id, _ = _client(db, "Szpital Drugi", people)
    plan = plan_calendar_import(
        db, other_id, parse_calendar(exported, "meeting.ics", now=NOW, local_tz=BERLIN)
    )
    (row,) = plan.rows
    assert row.action is Action.CREATE
    assert {p.by for p in row.matched} == {"e-mail"}
    apply_calendar_import(db, other_id, plan)
    (copy,) = _meetings(db, other_id)
    assert copy.title == original.title  # " — client name" of the export is taken off
    assert copy.starts_at == original.starts_at  # the same instant
    assert copy.duration_min == original.duration_min
    assert copy.location == original.location and copy.mode == original.mode
    assert copy.objective == original.objective and copy.agenda == original.agenda
    assert copy.commitment_sought == original.commitment_sought
    assert _attendee_names(db, copy.id) == {n for n, _ in people}

    # into its own client it is the same meeting (matched by the key in our UID)
    own = plan_calendar_import(db, original.client_id, parse_calendar(exported, "m.ics", now=NOW))
    assert [(r.action, r.meeting_key) for r in own.rows] == [
        (Action.UNCHANGED, "pomorze-tender-2027")
    ]


# --- mutated files: only our own errors ------------------------------------------------------------

_SOURCES = sorted(COVERED)
_mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 200)),
    st.tuples(st.just("swap"), st.integers(0, 200)),
    st.tuples(st.just("insert"), st.integers(0, 200), st.text(max_size=40)),
    st.tuples(st.just("flip"), st.integers(0, 5000), st.characters()),
    st.tuples(st.just("truncate"), st.integers(0, 5000)),
)


def _mutate(text: str, mutations: list[tuple[object, ...]]) -> str:
    lines = text.split("\n")
    for mutation in mutations:
        kind, where = mutation[0], int(mutation[1])
        i = where % max(len(lines), 1)
        if kind == "delete" and lines:
            del lines[i]
        elif kind == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif kind == "swap" and len(lines) > 1:
            j = (i + 1) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            lines.insert(i, str(mutation[2]))
        elif kind in ("flip", "truncate"):
            joined = "\n".join(lines)
            k = where % max(len(joined), 1)
            joined = (
                joined[:k] + str(mutation[2]) + joined[k + 1 :] if kind == "flip" else joined[:k]
            )
            lines = joined.split("\n")
    return "\n".join(lines)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.sampled_from(_SOURCES),
    mutations=st.lists(_mutation, min_size=1, max_size=6),
    now=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)),
)
def test_mutated_real_files_give_only_kamdesk_errors(
    db: Database, source: str, mutations: list[tuple[object, ...]], now: dt.datetime
) -> None:
    text = _mutate((FIXTURES / source).read_bytes().decode("utf-8"), mutations)
    try:
        cal = parse_calendar(
            text.encode("utf-8", "surrogatepass"), source, now=now.replace(tzinfo=UTC)
        )
    except KamdeskError as exc:
        assert str(exc)
        return
    client_id = editing.add_client(db, "Fuzz")
    plan = plan_calendar_import(db, client_id, cal)
    assert all(isinstance(line, str) for line in describe(plan))
    with contextlib.suppress(KamdeskError):
        apply_calendar_import(db, client_id, plan)


_PROPERTY = st.sampled_from(
    [
        "DTSTART",
        "DTSTART;TZID=Europe/Berlin",
        "DTSTART;VALUE=DATE",
        "DTEND",
        "DURATION",
        "RRULE",
        "EXDATE",
        "RECURRENCE-ID",
        "SUMMARY",
        "UID",
        "ATTENDEE;CN=A",
        "LOCATION",
        "STATUS",
        "BEGIN",
        "END",
    ]
)
_VALUE = st.one_of(
    st.sampled_from(
        [
            "20261201T100000",
            "20261201T100000Z",
            "20261201",
            "PT1H",
            "-P1D",
            "FREQ=WEEKLY;COUNT=3",
            "FREQ=SECONDLY",
            "FREQ=DAILY;UNTIL=20261205",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "mailto:a@b.c",
            "CANCELLED",
            "VEVENT",
            "VALARM",
            "https://zoom.us/j/1",
            "99991231T235959Z",
            "00010101T000000",
        ]
    ),
    st.text(max_size=20),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(_PROPERTY, _VALUE), max_size=12))
def test_generated_events_give_only_kamdesk_errors(lines: list[tuple[str, str]]) -> None:
    raw = _ics(*(f"{name}:{value}" for name, value in lines))
    try:
        cal = parse_calendar(raw.decode("utf-8", "replace").encode(), "gen.ics", now=NOW)
    except KamdeskError as exc:
        assert str(exc)
        return
    for event in cal.events:
        assert event.starts_at.utcoffset() is not None and event.title
