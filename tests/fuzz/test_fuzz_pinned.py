"""The crashes and wrong refusals the fuzz tests found, each pinned as its smallest input in a
plain test marked ``xfail(strict=True)``: the suite stays green while the bug is there, and
turns red (XPASS) the day it is fixed, so that the entry in tests/fuzz/known.py goes too.

Each edit goes through the core's own editing functions (which accept the value), and each
export is the one the command line runs."""

from __future__ import annotations

import datetime as dt
import decimal
import email.errors
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from kamdesk.core import calendar, calendar_import, dossier, editing, exchange, notes_export
from kamdesk.core import models as m
from kamdesk.core.context import load_meeting_context
from kamdesk.core.settings import Settings
from tests.fuzz.dossier import CLIENT, MEETING, NOW, Dossier


@pytest.fixture
def sample() -> Iterator[Dossier]:
    with Dossier() as made:
        yield made


def _first(made: Dossier, model: type[Any]) -> int:
    with made.db.session() as session:
        found = session.exec(select(model.id).order_by(model.id)).first()
    assert found is not None
    return int(found)


def _dossier_html(made: Dossier) -> str:
    with made.db.session() as session:
        return dossier.build_html(session, CLIENT, Settings(), NOW)


def _notes(made: Dossier) -> notes_export.NotesData:
    with made.db.session() as session:
        return notes_export.load_notes(session, MEETING)


@pytest.mark.xfail(
    strict=True,
    reason="dossier.build_html: decimal.InvalidOperation in babel (reports.percent)",
    raises=decimal.InvalidOperation,
)
@pytest.mark.parametrize("sales", [1e-30, -1e-30, 1e300])
def test_tiny_or_huge_sales_crash_the_dossier(sample: Dossier, sales: float) -> None:
    editing.set_field(
        sample.db, m.FinancialPeriod, _first(sample, m.FinancialPeriod), "our_sales", sales
    )
    assert "Wisła" in _dossier_html(sample)


@pytest.mark.xfail(
    strict=True,
    reason="dossier.build_html: OverflowError: cannot convert float infinity to integer",
    raises=OverflowError,
)
def test_infinite_revenue_crashes_the_dossier(sample: Dossier) -> None:
    period = _first(sample, m.FinancialPeriod)
    editing.set_field(sample.db, m.FinancialPeriod, period, "client_revenue", math.inf)
    assert "Wisła" in _dossier_html(sample)


@pytest.mark.xfail(
    strict=True,
    reason="charts.revenue_trend: pygal majorize ValueError: math domain error",
    raises=ValueError,
)
def test_tiny_revenue_crashes_the_dossier_chart(sample: Dossier) -> None:
    period = _first(sample, m.FinancialPeriod)
    editing.set_field(sample.db, m.FinancialPeriod, period, "client_revenue", 1.175494351e-38)
    assert "Wisła" in _dossier_html(sample)


@pytest.mark.xfail(
    strict=True,
    reason="exchange export writes Infinity (editing accepts inf), its own import refuses it",
    raises=ValueError,
)
def test_infinite_figures_make_the_json_export_invalid(sample: Dossier) -> None:
    period = _first(sample, m.FinancialPeriod)
    editing.set_field(sample.db, m.FinancialPeriod, period, "our_sales", math.inf)
    with sample.db.session() as session:
        text = exchange.dumps(exchange.export_document(session, now=NOW))

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    json.loads(text, parse_constant=refuse)


@pytest.mark.xfail(
    strict=True,
    reason="notes_export.docx: lxml ValueError: All strings must be XML compatible",
    raises=ValueError,
)
def test_control_character_crashes_the_docx_notes(sample: Dossier) -> None:
    notes = _first(sample, m.MeetingNotes)
    editing.set_field(sample.db, m.MeetingNotes, notes, "summary", "a\x01b")
    assert notes_export.docx(_notes(sample)).startswith(b"PK")


@pytest.mark.xfail(
    strict=True,
    reason="notes_export.eml: ValueError: Header values may not contain linefeed or carriage return",
    raises=ValueError,
)
def test_sender_with_a_line_break(sample: Dossier) -> None:
    # the sender is Settings.kam_name, which takes any text
    assert Settings(kam_name="Anna\nBcc: x@example.com").kam_name
    raw = notes_export.eml(_notes(sample), "en", sender="Anna\nBcc: x@example.com", now=NOW)
    assert b"\nBcc:" not in raw


@pytest.mark.xfail(
    strict=True,
    reason="notes_export.eml: ValueError: address parts cannot contain CR or LF",
    raises=ValueError,
)
def test_person_name_with_a_line_break_crashes_eml(sample: Dossier) -> None:
    person = _first(sample, m.Stakeholder)  # Андрей Соколов, who has an e-mail address
    editing.set_field(sample.db, m.Stakeholder, person, "name", "A\nB")
    assert notes_export.eml(_notes(sample), "en", now=NOW)


@pytest.mark.xfail(
    strict=True,
    reason="notes_export.eml: HeaderParseError / ValueError: Invalid addr_spec (To address)",
    raises=(email.errors.HeaderParseError, ValueError),
)
@pytest.mark.parametrize("address", ["<script>alert(1)</script>", "a@b<c"])
def test_odd_email_address_crashes_eml(sample: Dossier, address: str) -> None:
    person = _first(sample, m.Stakeholder)
    editing.set_field(sample.db, m.Stakeholder, person, "email", address)
    assert notes_export.eml(_notes(sample), "en", now=NOW)


@pytest.mark.xfail(
    strict=True,
    reason="calendar.meeting_calendar: OverflowError: date value out of range",
    raises=OverflowError,
)
def test_meeting_in_year_one_crashes_the_ics_export(sample: Dossier) -> None:
    meeting = _first(sample, m.Meeting)
    editing.set_field(
        sample.db, m.Meeting, meeting, "starts_at", dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    )
    with sample.db.session() as session:
        ctx = load_meeting_context(session, MEETING)
    assert calendar.meeting_calendar(ctx, 15, now=NOW)


@pytest.mark.xfail(
    strict=True,
    reason="editing.set_field(starts_at): OverflowError: date value out of range (models.py)",
    raises=OverflowError,
)
def test_start_before_year_one_in_utc(sample: Dossier) -> None:
    meeting = _first(sample, m.Meeting)
    east = dt.timezone(dt.timedelta(hours=14))
    with pytest.raises(editing.FieldError):
        editing.set_field(
            sample.db, m.Meeting, meeting, "starts_at", dt.datetime(1, 1, 1, tzinfo=east)
        )


@pytest.mark.xfail(
    strict=True,
    reason="editing.set_field takes an empty meeting title (add_meeting refuses one)",
)
def test_an_empty_meeting_title_is_accepted(sample: Dossier) -> None:
    meeting = _first(sample, m.Meeting)
    with pytest.raises(editing.FieldError):
        editing.set_field(sample.db, m.Meeting, meeting, "title", "")


@pytest.mark.xfail(
    strict=True,
    reason="parse_calendar refuses a CR-only file as 'not an iCalendar file' (_repair handles CR)",
    raises=calendar_import.CalendarFileError,
)
def test_a_calendar_with_cr_line_ends_is_read() -> None:
    raw = (
        b"BEGIN:VCALENDAR\rVERSION:2.0\rBEGIN:VEVENT\rUID:a@x\rSUMMARY:Hi\r"
        b"DTSTART:20261125T100000Z\rEND:VEVENT\rEND:VCALENDAR\r"
    )
    found = calendar_import.parse_calendar(raw, "mac.ics", now=NOW, local_tz=dt.UTC)
    assert [e.title for e in found.events] == ["Hi"]
