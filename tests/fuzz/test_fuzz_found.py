"""The crashes and wrong answers the fuzz tests found, each kept as its smallest input: a
value the editor takes must print everywhere, a value no export could print is refused where
it is typed (FieldError, with the field), and what an older dossier already holds is shown, not
a traceback. Each edit goes through the core's own editing functions, each export is the one
the command line runs."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from kamdesk.core.account import editing
from kamdesk.core.account.editing import FieldError
from kamdesk.core.documents import dossier, notes_export
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange import exchange
from kamdesk.core.interchange.ics.reader import parse_calendar
from kamdesk.core.meeting import calendar
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.model import models as m
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


def _stored_behind_the_editor(made: Dossier, sql: str, *args: Any) -> None:
    """Write as an older version or another program could have, past today's checks."""
    with contextlib.closing(sqlite3.connect(made.path)) as conn, conn:
        conn.execute(sql, args)


@pytest.mark.parametrize("sales", [1e-30, -1e-30, 1e17])
def test_tiny_or_huge_sales_still_print_in_the_dossier(sample: Dossier, sales: float) -> None:
    """A share or growth over a near-zero figure is astronomically large: Babel's 28-digit
    decimal context failed on it (decimal.InvalidOperation)."""
    editing.set_field(
        sample.db, m.FinancialPeriod, _first(sample, m.FinancialPeriod), "our_sales", sales
    )
    html = _dossier_html(sample)
    assert "Wisła" in html


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e300, -2e18])
@pytest.mark.parametrize("column", ["client_revenue", "our_sales", "receivables"])
def test_figures_no_report_can_print_are_refused_where_typed(
    sample: Dossier, column: str, value: float
) -> None:
    period = _first(sample, m.FinancialPeriod)
    before = editing.get_field(sample.db, m.FinancialPeriod, period, column)
    files = sample.files()
    with pytest.raises(FieldError, match=column):
        editing.set_field(sample.db, m.FinancialPeriod, period, column, value)
    assert editing.get_field(sample.db, m.FinancialPeriod, period, column) == before
    assert sample.files() == files


@pytest.mark.parametrize("value", ["9e999", "-9e999", "1e300"])
def test_an_unprintable_figure_stored_earlier_shows_in_the_dossier(
    sample: Dossier, value: str
) -> None:
    """OverflowError (cannot convert float infinity to integer) and Babel's InvalidOperation
    came out of the dossier page for an Infinity or a 1e300 already in the file."""
    period = _first(sample, m.FinancialPeriod)
    _stored_behind_the_editor(
        sample, f"UPDATE financial_period SET client_revenue = {value} WHERE id = ?", period
    )
    html = _dossier_html(sample)
    assert "Wisła" in html
    if value == "1e300":
        assert "1E300" in html  # scientific notation, not 300 digits


def test_a_tiny_revenue_draws_its_chart(sample: Dossier) -> None:
    """pygal's axis raised 'math domain error' on a revenue of 1.2e-38."""
    period = _first(sample, m.FinancialPeriod)
    editing.set_field(sample.db, m.FinancialPeriod, period, "client_revenue", 1.175494351e-38)
    assert "<svg" in _dossier_html(sample)


def test_the_json_export_is_json_whatever_the_editor_took(sample: Dossier) -> None:
    period = _first(sample, m.FinancialPeriod)
    with pytest.raises(FieldError):
        editing.set_field(sample.db, m.FinancialPeriod, period, "our_sales", math.inf)
    editing.set_field(sample.db, m.FinancialPeriod, period, "our_sales", 1e18)
    with sample.db.session() as session:
        text = exchange.dumps(exchange.export_document(session, now=NOW))

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    assert json.loads(text, parse_constant=refuse)["clients"]


def test_a_control_character_in_the_summary_makes_a_word_file(sample: Dossier) -> None:
    """lxml: 'All strings must be XML compatible'."""
    import io

    import docx

    notes = _first(sample, m.MeetingNotes)
    editing.set_field(sample.db, m.MeetingNotes, notes, "summary", "a\x01b")
    document = docx.Document(io.BytesIO(notes_export.docx(_notes(sample))))
    assert any(p.text == "a b" for p in document.paragraphs)


def test_a_sender_with_a_line_break_adds_no_header(sample: Dossier) -> None:
    # the sender is Settings.kam_name, which takes any text
    raw = notes_export.eml(_notes(sample), "en", sender="Anna\nBcc: x@example.com", now=NOW)
    assert b"\nBcc:" not in raw and b"Anna Bcc: x@example.com" in raw


def test_a_person_name_with_a_line_break_stays_in_its_header(sample: Dossier) -> None:
    person = _first(sample, m.Stakeholder)  # Андрей Соколов, who has an e-mail address
    editing.set_field(sample.db, m.Stakeholder, person, "name", "A\nB")
    raw = notes_export.eml(_notes(sample), "en", now=NOW)
    to = notes_export.describe_eml(raw).to
    assert "A B" in to and "\n" not in to


@pytest.mark.parametrize("address", ["<script>alert(1)</script>", "a@b<c"])
def test_an_odd_email_address_is_left_out_of_to(sample: Dossier, address: str) -> None:
    """HeaderParseError / 'Invalid addr_spec' came out of the draft."""
    person = _first(sample, m.Stakeholder)
    editing.set_field(sample.db, m.Stakeholder, person, "email", address)
    raw = notes_export.eml(_notes(sample), "en", now=NOW)
    assert address.encode() not in raw.split(b"\r\n\r\n", 1)[0]


def test_a_meeting_in_year_one_is_refused_where_typed(sample: Dossier) -> None:
    meeting = _first(sample, m.Meeting)
    before = editing.get_field(sample.db, m.Meeting, meeting, "starts_at")
    for moment in (
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        # before year 1 once in UTC: OverflowError came out of the model
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ):
        with pytest.raises(FieldError, match="starts_at: .* is not a meeting time"):
            editing.set_field(sample.db, m.Meeting, meeting, "starts_at", moment)
    assert editing.get_field(sample.db, m.Meeting, meeting, "starts_at") == before


def test_a_meeting_in_year_one_stored_earlier_is_named_by_the_calendar_export(
    sample: Dossier,
) -> None:
    """calendar.meeting_calendar raised OverflowError (date value out of range)."""
    meeting = _first(sample, m.Meeting)
    _stored_behind_the_editor(
        sample,
        "UPDATE meeting SET starts_at_utc = '0001-01-01 00:00:00.000000', utc_offset_min = 0 "
        "WHERE id = ?",
        meeting,
    )
    with sample.db.session() as session:
        ctx = load_meeting_context(session, MEETING)
    with pytest.raises(KamdeskError, match=f"{MEETING} starts in the year 1"):
        calendar.meeting_calendar(ctx, 15, now=NOW)


@pytest.mark.parametrize(
    ("model", "column", "message"),
    [
        (m.Meeting, "title", "a meeting needs a title"),
        (m.Client, "name", "a client needs a name"),
        (m.Stakeholder, "name", "a person needs a name"),
    ],
)
@pytest.mark.parametrize("emptied", ["", "  \t", None])
def test_a_name_cannot_be_emptied_after_it_was_given(
    sample: Dossier, model: type[Any], column: str, message: str, emptied: str | None
) -> None:
    """Adding a meeting refused an empty title; editing one took it (and the calendar export
    then wrote a summary of nothing)."""
    row = _first(sample, model)
    before = editing.get_field(sample.db, model, row, column)
    with pytest.raises(FieldError, match=message):
        editing.set_field(sample.db, model, row, column, emptied)
    assert editing.get_field(sample.db, model, row, column) == before


def test_a_calendar_with_cr_line_ends_is_read() -> None:
    """Old Mac exports end lines with CR alone: the file was refused as 'not an iCalendar
    file' although the repair step reads such lines."""
    raw = (
        b"BEGIN:VCALENDAR\rVERSION:2.0\rBEGIN:VEVENT\rUID:a@x\rSUMMARY:Hi\r"
        b"DTSTART:20261125T100000Z\rEND:VEVENT\rEND:VCALENDAR\r"
    )
    found = parse_calendar(raw, "mac.ics", now=NOW, local_tz=dt.UTC)
    assert [e.title for e in found.events] == ["Hi"]


@pytest.mark.parametrize("address", ["<b>\r<b>", "a@b.example\nx@y.example"])
def test_an_odd_email_address_is_named_in_the_calendar_file_not_invited(
    sample: Dossier, address: str
) -> None:
    """ValueError 'A CAL-ADDRESS value may not contain CR or LF' came out of the .ics export."""
    person = _first(sample, m.Stakeholder)  # Андрей Соколов, invited, with an address
    name = editing.get_field(sample.db, m.Stakeholder, person, "name")
    editing.set_field(sample.db, m.Stakeholder, person, "email", address)
    with sample.db.session() as session:
        ctx = load_meeting_context(session, MEETING)
    assert person in {p.id for p in ctx.attendees}
    raw = calendar.meeting_calendar(ctx, 15, now=NOW)
    (event,) = parse_calendar(raw, "meeting.ics", now=NOW).events
    assert b"mailto:" + address.split("\n")[0].encode() not in raw
    assert f"Also attending: {name}" in (event.description or "")
