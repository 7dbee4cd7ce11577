"""Calendar export: parsed back with icalendar; the alarm fires at the 'leave by' time."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from kamdesk.cli import main
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange import exchange
from kamdesk.core.meeting import calendar
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.storage.db import Database


def _calendar(db: Database, doc: dict[str, Any], key: str = "wisla-tender-2027") -> Calendar:
    exchange.import_text(db, json.dumps(doc, ensure_ascii=False), "doc")
    with db.session() as session:
        ctx = load_meeting_context(session, key)
    return Calendar.from_ical(calendar.meeting_calendar(ctx, 15))


def test_event_attendees_alarm_and_todos(db: Database, ready: dict[str, Any]) -> None:
    past = {
        "key": "wisla-qbr",
        "title": "QBR",
        "starts_at": "2026-10-01T10:00:00+02:00",
        "notes": {
            "summary": "ok",
            "actions": [
                {"text": "Send the offer", "due": "2026-12-01"},
                {"text": "Done already", "done": True},
            ],
        },
    }
    ready["clients"][0]["meetings"].append(past)
    cal = _calendar(db, ready)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(
        2026, 11, 25, 9, 0, tzinfo=dt.UTC
    )  # 10:00 +01:00
    # ... written in the meeting's own zone: 10:00 local against a fixed +01:00 VTIMEZONE
    assert event["dtstart"].params["TZID"] == "UTC+01:00"
    assert event.decoded("dtstart").replace(tzinfo=None) == dt.datetime(2026, 11, 25, 10, 0)
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(hours=1)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "UTC+01:00"
    (standard,) = zone.walk("STANDARD")
    assert standard.decoded("tzoffsetto") == dt.timedelta(hours=1)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=90)
    assert str(event["location"]) == "Łódź HQ"
    assert "Agree the 2027 volume" in str(event["description"])
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    names = {str(a.params["cn"]) for a in attendees}
    assert names == {"Андрей Соколов"}  # Wróbel has no e-mail address ...
    assert "Łukasz Wróbel" in str(event["description"])  # ... and is named in the text
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -dt.timedelta(minutes=40 + 15)  # leave by 09:05 local
    todos = cal.walk("VTODO")
    assert [str(t["summary"]) for t in todos] == ["Send the offer"]
    assert todos[0].decoded("due") == dt.date(2026, 12, 1)


def test_video_meeting_and_missing_start(db: Database, ready: dict[str, Any]) -> None:
    meeting = ready["clients"][0]["meetings"][0]
    meeting.update(mode="video", video_link="https://meet.example.com/wisla", location=None)
    (event,) = _calendar(db, ready).walk("VEVENT")
    assert str(event["location"]) == "https://meet.example.com/wisla"
    assert event.walk("VALARM")[0].decoded("trigger") == -dt.timedelta(minutes=15)
    meeting["starts_at"] = None
    with pytest.raises(KamdeskError, match="no start time"):
        _calendar(db, ready)


def test_cli_ics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert main(["--db", db, "demo"]) == 0
    out = tmp_path / "m.ics"
    assert main(["--db", db, "ics", "pomorze-tender-2027", "-o", str(out)]) == 0
    cal = Calendar.from_ical(out.read_bytes())
    assert len(cal.walk("VEVENT")) == 1
    assert main(["--db", db, "ics", "nope", "-o", str(out)]) == 2
    capsys.readouterr()
