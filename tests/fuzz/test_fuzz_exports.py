"""Hostile text and extreme numbers, typed in through the core's editing functions, through
every export: the notes (Markdown, Word, HTML, e-mail draft), the brief and dossier pages, the
portfolio JSON, the people and follow-up CSVs, the meeting's .ics and the person export.

Each example starts from a fresh copy of the sample dossier (a real SQLite file), makes 1-8
edits with hostile values (an edit the field refuses with FieldError is simply not made), then
runs the exports and reads each output back: no exception but KamdeskError; no user markup
unescaped in HTML; JSON that parses (no NaN/Infinity) and imports again; an .eml whose headers
hold no CR or LF; a .docx that python-docx opens; CSV cells that cannot run as formulas."""

from __future__ import annotations

import contextlib
import csv
import email
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape
from sqlmodel import col, select

from kamdesk.core import privacy
from kamdesk.core.account import editing, queries
from kamdesk.core.account.editing import FieldError
from kamdesk.core.documents import brief, dossier, notes_export
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange import exchange
from kamdesk.core.interchange.cells import FORMULA_STARTS, unneutralise
from kamdesk.core.interchange.csv_export import PEOPLE_HEADER, follow_ups_csv, people_csv
from kamdesk.core.interchange.ics.reader import parse_calendar
from kamdesk.core.interchange.people.csvfile import parse_csv
from kamdesk.core.meeting import calendar
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.meeting.readiness import evaluate
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database
from tests.fuzz import strategies as fz
from tests.fuzz.conftest import FUZZ, budget
from tests.fuzz.dossier import CLIENT, MEETING, NOW, TODAY, Dossier

# Markup no template of ours writes: if one of these is in the output, user text got through.
RAW_MARKUP = ("<img src=file", '<img src="file', "<svg onload", "<script>alert")
PREFS = Settings(kam_name="Anna Kowalska")

TEXT = fz.hostile_text(5000)
SHORT = fz.hostile_text(300)
LINES = st.lists(fz.hostile_text(300), max_size=4)
NAME = fz.names(nul=True)
NUMBER = fz.numbers()
WHOLE = fz.numbers(integers_only=True)
DATE = st.one_of(fz.dates(), fz.date_texts(), st.none())


@dataclass(frozen=True)
class Target:
    model: type[Any]
    row_id: int
    column: str
    values: st.SearchStrategy[Any]


def _ids(session: Any, model: type[Any], *where: Any) -> list[int]:
    return list(session.exec(select(model.id).where(*where).order_by(col(model.id))))


def _targets(db: Database) -> list[Target]:
    """The fields the exports print, with what to type into each."""
    with db.session() as session:
        client = _ids(session, m.Client, m.Client.key == CLIENT)[0]
        people = _ids(session, m.Stakeholder, m.Stakeholder.client_id == client)
        meeting = _ids(session, m.Meeting, m.Meeting.key == MEETING)[0]
        notes = _ids(session, m.MeetingNotes, m.MeetingNotes.meeting_id == meeting)[0]
        actions = _ids(session, m.ActionItem, m.ActionItem.notes_id == notes)
        periods = _ids(session, m.FinancialPeriod, m.FinancialPeriod.client_id == client)
        rivals = _ids(session, m.Competitor, m.Competitor.client_id == client)
    out = [
        Target(m.Client, client, "name", NAME),
        Target(m.Client, client, "what_they_do", TEXT),
        Target(m.Client, client, "history", SHORT),
        Target(m.Client, client, "website", SHORT),
        Target(m.Client, client, "credit_limit", NUMBER),
        Target(m.Client, client, "discount_max_pct", NUMBER),
        Target(m.Meeting, meeting, "title", SHORT),
        Target(m.Meeting, meeting, "location", SHORT),
        Target(m.Meeting, meeting, "objective", TEXT),
        Target(m.Meeting, meeting, "commitment_sought", SHORT),
        Target(m.Meeting, meeting, "agenda", LINES),
        Target(m.Meeting, meeting, "max_discount_pct", NUMBER),
        Target(m.Meeting, meeting, "duration_min", WHOLE),
        Target(m.Meeting, meeting, "starts_at", st.one_of(fz.datetimes(), fz.date_texts())),
        Target(m.MeetingNotes, notes, "summary", TEXT),
        Target(m.MeetingNotes, notes, "summary_shared", st.booleans()),
        Target(m.MeetingNotes, notes, "private", TEXT),
        Target(m.MeetingNotes, notes, "decisions", LINES),
        Target(m.MeetingNotes, notes, "next_meeting_purpose", SHORT),
        Target(m.MeetingNotes, notes, "next_meeting_on", DATE),
        Target(m.Company, 1, "annual_income", NUMBER),
        Target(m.Company, 1, "key_share_threshold", NUMBER),
        Target(m.Company, 1, "name", NAME),
    ]
    for person in people:
        out += [
            Target(m.Stakeholder, person, "name", NAME),
            Target(m.Stakeholder, person, "position", SHORT),
            Target(m.Stakeholder, person, "email", fz.emails()),
            Target(m.Stakeholder, person, "phone", fz.phones()),
            Target(m.Stakeholder, person, "personal_notes", SHORT),
        ]
    for action in actions:
        out += [
            Target(m.ActionItem, action, "text", SHORT),
            Target(m.ActionItem, action, "owner", NAME),
            Target(m.ActionItem, action, "due", DATE),
        ]
    for period in periods:
        out += [
            Target(m.FinancialPeriod, period, column, NUMBER)
            for column in ("client_revenue", "our_sales", "our_income", "receivables", "overdue")
        ]
    out += [Target(m.Competitor, rival, "share_of_wallet", NUMBER) for rival in rivals]
    return out


class Pristine:
    """The sample dossier, made once; each example works on its own copy of the file."""

    def __init__(self) -> None:
        made = Dossier()
        self.targets = _targets(made.db)
        made.db.close()
        self.made = made
        self.count = 0

    @contextlib.contextmanager
    def copy(self) -> Iterator[Database]:
        self.count += 1
        path = self.made.dir / f"example-{self.count}.db"
        shutil.copyfile(self.made.path, path)
        db = Database.open(path)
        try:
            yield db
        finally:
            db.close()
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        self.made.tmp.cleanup()


@pytest.fixture(scope="module")
def pristine() -> Iterator[Pristine]:
    made = Pristine()
    yield made
    made.close()


def _edit(db: Database, targets: list[Target], data: st.DataObject) -> dict[tuple[Any, ...], Any]:
    """1-8 hostile edits, and one more action item; returns what was stored."""
    chosen = data.draw(
        st.lists(st.sampled_from(range(len(targets))), min_size=1, max_size=8, unique=True),
        label="fields",
    )
    stored: dict[tuple[Any, ...], Any] = {}
    for index in chosen:
        target = targets[index]
        value = data.draw(target.values, label=f"{target.model.__name__}.{target.column}")
        try:
            editing.set_field(db, target.model, target.row_id, target.column, value)
        except FieldError as exc:
            assert str(exc)
            continue
        key = (target.model, target.row_id, target.column)
        stored[key] = editing.get_field(db, target.model, target.row_id, target.column)
    if data.draw(st.booleans(), label="another action item"):
        notes = editing.notes_id(db, _meeting_id(db), create=True)
        assert notes is not None
        with contextlib.suppress(FieldError):
            editing.add_row(
                db,
                m.ActionItem,
                {
                    "notes_id": notes,
                    "text": data.draw(fz.hostile_line(300), label="action text"),
                    "owner": data.draw(st.none() | NAME, label="action owner"),
                    "due": data.draw(st.none() | fz.dates(), label="action due"),
                },
            )
    if data.draw(st.booleans(), label="a self-review comment"):
        notes = editing.notes_id(db, _meeting_id(db))
        assert notes is not None
        with contextlib.suppress(FieldError):
            editing.set_review_comment(db, notes, 2, data.draw(SHORT, label="comment"))
    return stored


def _meeting_id(db: Database) -> int:
    with db.session() as session:
        return _ids(session, m.Meeting, m.Meeting.key == MEETING)[0]


def _no_raw_markup(html: str, where: str) -> None:
    for marker in RAW_MARKUP:
        assert marker not in html, f"{where}: unescaped user markup {marker!r}"


def _client_name(db: Database) -> str:
    with db.session() as session:
        client = session.exec(select(m.Client).where(m.Client.key == CLIENT)).one()
        return client.name


# --- notes --------------------------------------------------------------------------------------


def _notes(db: Database) -> notes_export.NotesData:
    with db.session() as session:
        return notes_export.load_notes(session, MEETING)


@FUZZ
@given(data=st.data())
def test_notes_exports_keep_hostile_text_as_text(pristine: Pristine, data: st.DataObject) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            notes = _notes(db)
            text = notes_export.markdown(notes)
            shared = notes_export.markdown(notes, internal=False)
            word = notes_export.docx(notes)
            pages = [notes_export.html(notes, PREFS.locale, internal) for internal in (True, False)]
        except KamdeskError as exc:
            assert str(exc)
            return
    assert text.startswith("# Notes: ")
    if notes.notes.private and not notes.notes.summary_shared:
        assert notes.notes.private not in shared.replace(notes.notes.summary or "", "")
    document = docx.Document(io.BytesIO(word))  # opens back
    paragraphs = [p.text for p in document.paragraphs]
    # what XML 1.0 cannot hold (control characters, lone surrogates) becomes a space
    title = notes_export._xml(notes.title)
    assert paragraphs[0] == title.replace("\r\n", "\n").replace("\r", "\n")
    for page in pages:
        _no_raw_markup(page, "notes HTML")


def _eml_check(raw: bytes, notes: notes_export.NotesData) -> None:
    message = email.message_from_bytes(raw, policy=policy.default)
    for name, value in message.items():
        assert "\r" not in str(value) and "\n" not in str(value), f"header {name} breaks"
    assert message["Subject"] is not None and message["X-Unsent"] == "1"
    assert message.get_body(("plain",)) is not None
    html = message.get_body(("html",))
    assert html is not None
    _no_raw_markup(html.get_content(), "e-mail HTML")
    shown = notes_export.describe_eml(raw)
    assert "\n" not in shown.subject and "\n" not in shown.to
    if notes.notes.private and notes.notes.private.strip() not in (notes.notes.summary or ""):
        body = shown.text + html.get_content()
        assert notes.notes.private not in body, "private remarks in the client's e-mail"


@FUZZ
@given(data=st.data(), sender=st.one_of(st.just(""), fz.names(), fz.hostile_text(200)))
def test_email_drafts_have_clean_headers(
    pristine: Pristine, data: st.DataObject, sender: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The e-mail draft, with the attached PDF's rendering left out (WeasyPrint takes ~0.2-2 s
    a page; the next test renders it for real a few times): every header must stay one line."""
    monkeypatch.setattr(notes_export, "pdf", lambda *args, **kwargs: b"%PDF-1.7 not rendered")
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            notes = _notes(db)
            raw = notes_export.eml(notes, PREFS.locale, sender=sender, now=NOW)
        except KamdeskError as exc:
            assert str(exc)
            return
    _eml_check(raw, notes)


@budget(3)
@given(data=st.data())
def test_email_drafts_with_the_real_pdf(pristine: Pristine, data: st.DataObject) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            notes = _notes(db)
            raw = notes_export.eml(notes, PREFS.locale, sender=PREFS.kam_name, now=NOW)
        except KamdeskError as exc:
            assert str(exc)
            return
    _eml_check(raw, notes)
    (attachment,) = email.message_from_bytes(raw, policy=policy.default).iter_attachments()
    assert attachment.get_content().startswith(b"%PDF-")


# --- brief and dossier pages ------------------------------------------------------------------


@FUZZ
@given(data=st.data(), full=st.booleans())
def test_brief_html_escapes_everything(pristine: Pristine, data: st.DataObject, full: bool) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            with db.session() as session:
                ctx = load_meeting_context(session, MEETING)
            report = evaluate(ctx, PREFS, NOW)
            html = brief.build_html(ctx, report, PREFS, brief.BriefOptions(now=NOW, full=full))
        except KamdeskError as exc:
            assert str(exc)
            return
    _no_raw_markup(html, "brief")
    assert str(escape(ctx.meeting.title)) in html


@FUZZ
@given(data=st.data())
def test_dossier_html_escapes_everything(pristine: Pristine, data: st.DataObject) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        name = _client_name(db)
        try:
            with db.session() as session:
                html = dossier.build_html(session, CLIENT, PREFS, NOW)
        except KamdeskError as exc:
            assert str(exc)
            return
    _no_raw_markup(html, "dossier")
    assert str(escape(name)) in html


@FUZZ
@given(data=st.data())
def test_person_export_escapes_everything(pristine: Pristine, data: st.DataObject) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            with db.session() as session:
                person = privacy.collect(
                    session, privacy.person_id(session, CLIENT, "sokolov"), NOW
                )
            html = privacy.render_html(person, PREFS)
            text = privacy.to_json(person)
        except KamdeskError as exc:
            assert str(exc)
            return
    _no_raw_markup(html, "person export")
    json.loads(text, parse_constant=_no_constant)


# --- portfolio JSON -----------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the JSON holds {name}, which is not JSON")


@FUZZ
@given(data=st.data())
def test_portfolio_json_parses_back_and_imports_again(
    pristine: Pristine, data: st.DataObject
) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            with db.session() as session:
                document = exchange.export_document(session, now=NOW)
                streamed = "".join(exchange.iter_export_text(session, now=NOW))
        except KamdeskError as exc:
            assert str(exc)
            return
    text = exchange.dumps(document)
    assert streamed == text  # the streamed export is the same document
    assert json.loads(text, parse_constant=_no_constant) == json.loads(json.dumps(document))
    with (
        tempfile.TemporaryDirectory(prefix="kamdesk-fuzz-") as tmp,
        Database.open(Path(tmp) / "again.db") as again,
    ):
        # not trusted: another dossier keeps the seal it got, and exports the same document
        exchange.import_text(again, text, "export.json")
        with again.session() as session:
            back = exchange.export_document(session, now=NOW)
    assert back == document, "the exported portfolio does not import back to itself"


# --- CSV ----------------------------------------------------------------------------------------


def _cells(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _safe_cell(cell: str) -> None:
    if cell.startswith(FORMULA_STARTS):
        float(cell)  # only numbers may start like a formula ("-1")


@FUZZ
@given(data=st.data())
def test_csv_exports_are_formula_safe_and_read_back(
    pristine: Pristine, data: st.DataObject
) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            people = people_csv(db)
            with db.session() as session:
                rows = queries.follow_ups(session, include_done=True)
                names = list(
                    session.exec(select(m.Stakeholder.name).order_by(col(m.Stakeholder.id)))
                )
            follow = follow_ups_csv(rows, TODAY)
        except KamdeskError as exc:
            assert str(exc)
            return
    table = _cells(people)
    assert tuple(table[0]) == PEOPLE_HEADER
    for row in table[1:]:
        assert len(row) == len(PEOPLE_HEADER)
        for cell in row:
            _safe_cell(cell)
    exported = [unneutralise(row[3]) for row in table[1:]]
    assert sorted(exported) == sorted(names)  # every name, exactly
    follow_table = _cells(follow)
    assert len(follow_table) == len(rows) + 1
    for row in follow_table[1:]:
        for cell in row:
            _safe_cell(cell)
    # and our own importer reads our own export
    try:
        again = parse_csv(people.encode("utf-8"), "people.csv")
    except KamdeskError as exc:
        assert str(exc)
        return
    assert again.preset == "kamdesk"
    assert {c.name for c in again.candidates} <= {" ".join(n.split()) for n in names}


# --- the meeting's calendar file ----------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_meeting_ics_reads_back(pristine: Pristine, data: st.DataObject) -> None:
    with pristine.copy() as db:
        _edit(db, pristine.targets, data)
        try:
            with db.session() as session:
                ctx = load_meeting_context(session, MEETING)
            raw = calendar.meeting_calendar(ctx, 15, now=NOW)
        except KamdeskError as exc:
            assert str(exc)
            return
    try:
        found = parse_calendar(raw, "meeting.ics", now=NOW)
    except KamdeskError as exc:
        raise AssertionError(f"our own .ics is refused: {exc}") from exc
    (meeting,) = found.events
    title = ctx.meeting.title
    assert title.strip(), "a meeting's title was emptied"
    if " — " not in title:  # the export appends " — client"; the import cuts at the last one
        # iCalendar has one escape for a line break (\n): a CR comes back as LF, so the
        # words and their order are what must survive.
        assert meeting.title.split() == title.split()
    assert meeting.starts_at == ctx.meeting.starts_at
