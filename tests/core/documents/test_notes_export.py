"""Notes exports parsed back: Markdown text, DOCX paragraphs and table, PDF text, e-mail parts."""

from __future__ import annotations

import email
import io
from email import policy
from pathlib import Path

import docx
import pypdf
import pytest

from kamdesk.cli import main
from kamdesk.core import demo
from kamdesk.core.documents import notes_export
from kamdesk.core.storage.db import Database

KEY = "almaty-qbr-2026-q3"  # a past meeting of the demo with notes and Cyrillic attendees


@pytest.fixture
def data(db: Database) -> notes_export.NotesData:
    demo.load_demo(db)
    with db.session() as session:
        return notes_export.load_notes(session, KEY)


def test_markdown(data: notes_export.NotesData) -> None:
    text = notes_export.markdown(data)
    assert text.startswith("# Notes: ")
    assert any(p.name in text for p in data.ctx.attendees)
    assert "## Action items" in text and "| Action | Owner | Due | Done |" in text
    assert "## Self-review" in text
    assert "- Present: " in text and "## Next meeting" in text
    assert "(Partly achieved)" in text  # internal: how the objective went
    assert "Could not answer the reagent shelf-life question" in text  # a review comment
    assert "- Invited, absent: " not in text  # all three came
    assert all(
        p.personal_notes is None or p.personal_notes not in text for p in data.ctx.stakeholders
    )


def test_docx(data: notes_export.NotesData) -> None:
    document = docx.Document(io.BytesIO(notes_export.docx(data)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == data.title
    assert data.notes.summary in paragraphs
    assert any(p.startswith("Present: ") for p in paragraphs)
    assert "Next meeting" in paragraphs
    assert any(p.startswith("4. ") and "Astana branch" in p for p in paragraphs)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Action", "Owner", "Due", "Done"]
    assert [row.cells[0].text for row in table.rows[1:]] == [a.text for a in data.actions]


def test_pdf(data: notes_export.NotesData) -> None:
    reader = pypdf.PdfReader(io.BytesIO(notes_export.pdf(data, "ru")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert data.ctx.attendees[0].name.split()[0] in text  # Cyrillic survives
    assert data.actions[0].text[:30] in text.replace("\n", " ")


def test_email_draft_for_the_client(data: notes_export.NotesData) -> None:
    raw = notes_export.eml(data, "en", sender="Anna Kowalska <anna@vireo.example>")
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == data.title
    to = str(message["To"])
    assert all(p.email in to for p in data.ctx.attendees if p.email)
    assert all(p.name in to for p in data.ctx.attendees if p.email)  # Cyrillic names, intact
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert data.notes.summary in text and "Summary" in html
    assert "Self-review" not in text and "Self-review" not in html  # stays with the KAM
    for part in (text, html):
        assert "achieved" not in part and "shelf-life question" not in part
        assert "Next meeting" in part and "Analyser fleet renewal" in part
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"notes-{KEY}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")


def test_hostile_text_stays_text(db: Database, data: notes_export.NotesData) -> None:
    data.notes.summary = '<img src="file:///etc/passwd"> {{ 7*7 }} <script>x</script>'
    html = notes_export.html(data, "en")
    assert "<img src" not in html and "<script>" not in html and "{{ 7*7 }}" in html


def test_cli_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "n.db")
    assert main(["--db", db, "demo"]) == 0
    for fmt in notes_export.FORMATS:
        out = tmp_path / f"notes.{fmt}"
        assert main(["--db", db, "notes", KEY, "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 100
    code = main(
        ["--db", db, "notes", "pomorze-tender-2027", "--format", "md", "-o", str(tmp_path / "x.md")]
    )
    assert code == 1 and "no notes yet" in capsys.readouterr().err


def test_absent_people_are_named(db: Database) -> None:
    from kamdesk.core.account import editing
    from kamdesk.core.model import models as m

    demo.load_demo(db)
    with db.session() as session:
        data = notes_export.load_notes(session, KEY)
    assert data.notes.id is not None
    first = data.ctx.attendees[0]
    assert first.id is not None
    editing.set_present(db, data.notes.id, [first.id])
    with db.session() as session:
        data = notes_export.load_notes(session, KEY)
    text = notes_export.markdown(data)
    assert f"- Present: {first.name}" in text
    absent = text.split("- Invited, absent: ")[1].splitlines()[0]
    assert all(p.name in absent for p in data.ctx.attendees[1:])
    reader = pypdf.PdfReader(io.BytesIO(notes_export.pdf(data, "ru")))
    pdf_text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "Invited, absent" in pdf_text, pdf_text[:400]
    assert data.ctx.attendees[1].name.split()[0] in pdf_text.split("Invited, absent")[1]
    assert m.NotesPresent.__tablename__ == "notes_present"


PRIVATE = "addressed Dr De Santis as 'Signora'"  # the KAM's own remark (demo, Banca Adriatica)


def _eml_parts(raw: bytes) -> dict[str, str]:
    """Every part of a draft decoded: the text, the HTML and the attached PDF's text."""
    message = email.message_from_bytes(raw, policy=policy.default)
    (attachment,) = list(message.iter_attachments())
    pdf = pypdf.PdfReader(io.BytesIO(attachment.get_content()))
    return {
        "text": message.get_body(("plain",)).get_content(),
        "html": message.get_body(("html",)).get_content(),
        "pdf": " ".join(" ".join(page.extract_text().split()) for page in pdf.pages),
    }


def test_the_email_carries_only_the_shareable_part(db: Database, tmp_path: Path) -> None:
    from kamdesk.core.account import editing
    from kamdesk.core.model import models as m

    demo.load_demo(db)
    key = "adriatica-welfare-review-2026"
    with db.session() as session:
        data = notes_export.load_notes(session, key)
    assert PRIVATE in (data.notes.private or "") and data.notes.summary_shared
    shared = "Dr Ferrà wants colorectal screening"  # a sentence of the shared summary
    for name, part in _eml_parts(notes_export.eml(data, "en")).items():
        assert PRIVATE not in part and "Signora" not in part, name
        assert "Used first na" not in part, name  # a self-review comment
        assert shared in part, name
    # the KAM's own exports keep the private part
    assert PRIVATE in notes_export.markdown(data)
    assert "## Private remarks (not for the client)" in notes_export.markdown(data)
    assert PRIVATE not in notes_export.markdown(data, internal=False)

    # a summary not marked shareable stays out of the e-mail, and the KAM is told
    assert data.notes.id is not None
    editing.set_field(db, m.MeetingNotes, data.notes.id, "summary_shared", False)
    with db.session() as session:
        data = notes_export.load_notes(session, key)
    raw = notes_export.eml(data, "en")
    for name, part in _eml_parts(raw).items():
        assert shared not in part and PRIVATE not in part, name
        assert "Design a ColoScreen pilot" in part, name  # decisions are shared
    assert data.left_out()[:2] == [
        "the summary (not marked as shareable with the client)",
        "your private remarks",
    ]
    seen = notes_export.describe_eml(raw)
    assert seen.subject == data.title and seen.attachments == [f"notes-{key}.pdf"]
    assert seen.text == _eml_parts(raw)["text"].replace("\r\n", "\n") and seen.html
    assert all(p.name in seen.to for p in data.ctx.attendees if p.email)

    # the command line writes the same draft
    out = tmp_path / "notes.eml"
    db.close()
    assert main(["--db", str(db.path), "notes", key, "--format", "eml", "-o", str(out)]) == 0
    for name, part in _eml_parts(out.read_bytes()).items():
        assert shared not in part and PRIVATE not in part, name


OUTLOOK_TITLE = "Quarterly review\r\nAlmaty\tlab\x0b(moved)\u2028room 2"
LONG_TITLE = "Обзор поставок реагентов и сервисного договора, " * 12  # about 600 characters


@pytest.mark.parametrize("title", [OUTLOOK_TITLE, LONG_TITLE, "x" * 5000], ids=len)
def test_a_title_with_line_breaks_or_of_any_length_exports_to_email_and_docx(
    data: notes_export.NotesData, title: str
) -> None:
    """Outlook invitations bring titles with line breaks (a mail header cannot hold one);
    Word's title property holds 255 characters; Word's XML holds no vertical tab."""
    data.ctx.meeting.title = title
    data.ctx.attendees[0].name = "Ерлан\r\nНурланов"
    data.notes.summary = "Line one\x0bline two\x00 end"

    message = email.message_from_bytes(notes_export.eml(data, "en"), policy=policy.default)
    subject = str(message["Subject"])
    assert "\r" not in subject and "\n" not in subject and "\u2028" not in subject
    assert subject == " ".join(data.title.replace("\x0b", " ").split())
    assert "Ерлан Нурланов" in str(message["To"])
    assert "Line one" in message.get_body(("plain",)).get_content()

    document = docx.Document(io.BytesIO(notes_export.docx(data)))
    assert len(document.core_properties.title) <= 255
    assert document.core_properties.title.startswith(" ".join(data.title.split())[:100])
    assert document.paragraphs[0].text.replace("\n", " ").startswith("Notes: ")
    assert any(p.text == "Line one line two  end" for p in document.paragraphs)


def test_an_address_a_mail_program_cannot_use_is_left_out(data: notes_export.NotesData) -> None:
    data.ctx.attendees[0].email = "broken@@example..kz\r\nBcc: everyone@example.com"
    message = email.message_from_bytes(notes_export.eml(data, "en"), policy=policy.default)
    assert message["Bcc"] is None
    assert "everyone@example.com" not in str(message["To"])
    assert all(p.email in str(message["To"]) for p in data.ctx.attendees[1:] if p.email)
