"""Meeting notes for the reader who wants them: Markdown, DOCX, PDF, or an e-mail draft.

Notes have a shareable part and a private part. Shareable: who was there, decisions, action
items, the next meeting, and the summary once the KAM marked it as one the client may read
(``summary_shared``; notes from before that choice existed are not shared, see migration 0008).
Private: the KAM's own remarks (``private``), whether the objective was achieved, and the
self-review with its comments. Exports for the KAM's own side (``internal``: Markdown, Word,
PDF) carry both; the e-mail draft goes to the client and carries only the shareable part, in
its text, its HTML and its attached PDF alike. ``describe_eml`` reads a draft back for the
preview the app shows before writing it. Nothing from the people's profiles (personal notes,
interests, etiquette) is ever included: notes are often forwarded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from sqlmodel import Session, col, select

from kamdesk.core.documents import reports
from kamdesk.core.errors import KamdeskError
from kamdesk.core.i18n import _
from kamdesk.core.meeting.context import MeetingContext, load_meeting_context, usable_email
from kamdesk.core.meeting.readiness import MISTAKES
from kamdesk.core.model import labels
from kamdesk.core.model import models as m

FORMATS = ("md", "docx", "pdf", "eml")


@dataclass
class NotesData:
    ctx: MeetingContext
    notes: m.MeetingNotes
    actions: list[m.ActionItem]
    review: dict[int, str]
    comments: dict[int, str]
    present: list[m.Stakeholder]

    @property
    def absent(self) -> list[m.Stakeholder]:
        """Invited but not there (only known once who was present is recorded)."""
        if not self.present:
            return []
        here = {p.id for p in self.present}
        return [p for p in self.ctx.attendees if p.id not in here]

    @property
    def people(self) -> list[m.Stakeholder]:
        """Who the notes are about: those present, or the invited if presence is not recorded."""
        return self.present or self.ctx.attendees

    def summary(self, internal: bool) -> str | None:
        """The summary for this reader: the client gets it only when marked shareable."""
        return self.notes.summary if internal or self.notes.summary_shared else None

    def left_out(self) -> list[str]:
        """What the client's copy (the e-mail draft) leaves out, for the KAM to see."""
        notes = self.notes
        out = []
        if notes.summary and not notes.summary_shared:
            out.append(_("the summary (not marked as shareable with the client)"))
        if notes.private:
            out.append(_("your private remarks"))
        if notes.objective_achieved:
            out.append(_("whether the objective was achieved"))
        if self.review:
            out.append(_("the self-review"))
        return out

    @property
    def achieved(self) -> str | None:
        if self.notes.objective_achieved is None:
            return None
        return labels.achieved().get(self.notes.objective_achieved)

    def verdict(self, mistake: int) -> str:
        """The self-review's verdict on one mistake, in words."""
        value = self.review[mistake]
        return labels.verdict().get(value, value)

    @property
    def next_meeting(self) -> str | None:
        on, purpose = self.notes.next_meeting_on, self.notes.next_meeting_purpose
        if on is None and not purpose:
            return None
        return " — ".join(part for part in (on.isoformat() if on else None, purpose) if part)

    @property
    def title(self) -> str:
        return f"Notes: {self.ctx.meeting.title} — {self.ctx.client.name}"

    @property
    def when(self) -> str:
        start = self.ctx.meeting.starts_at
        return start.strftime("%Y-%m-%d %H:%M (UTC%z)") if start else "—"


def load_notes(session: Session, meeting_key: str) -> NotesData:
    ctx = load_meeting_context(session, meeting_key)
    notes = session.exec(
        select(m.MeetingNotes).where(m.MeetingNotes.meeting_id == ctx.meeting.id)
    ).first()
    if notes is None:
        raise KamdeskError(f"{meeting_key} has no notes yet; write them first.")
    actions = list(
        session.exec(
            select(m.ActionItem)
            .where(m.ActionItem.notes_id == notes.id)
            .order_by(col(m.ActionItem.id))
        )
    )
    reviews = list(session.exec(select(m.SelfReview).where(m.SelfReview.notes_id == notes.id)))
    present = list(
        session.exec(
            select(m.Stakeholder)
            .join(m.NotesPresent, col(m.NotesPresent.stakeholder_id) == m.Stakeholder.id)
            .where(m.NotesPresent.notes_id == notes.id)
            .order_by(col(m.NotesPresent.id))
        )
    )
    return NotesData(
        ctx,
        notes,
        actions,
        review={r.mistake: r.verdict for r in reviews},
        comments={r.mistake: r.comment for r in reviews if r.comment},
        present=present,
    )


def _review_line(data: NotesData, n: int) -> str:
    comment = data.comments.get(n)
    return f"{n}. {MISTAKES[n]}: {data.verdict(n)}" + (f" — {comment}" if comment else "")


def _who(people: list[m.Stakeholder]) -> str:
    return ", ".join(p.name + (f" ({p.position})" if p.position else "") for p in people)


def markdown(data: NotesData, internal: bool = True) -> str:
    mt = data.ctx.meeting
    out = [f"# {data.title}", "", f"- When: {data.when}"]
    if mt.location or mt.video_link:
        out.append(
            f"- Where: {mt.video_link if mt.mode == 'video' and mt.video_link else mt.location}"
        )
    if data.people:
        out.append(f"- {'Present' if data.present else 'With'}: {_who(data.people)}")
    if data.absent:
        out.append(f"- Invited, absent: {_who(data.absent)}")
    if internal and mt.objective:
        out.append(
            f"- Objective: {mt.objective}" + (f" ({data.achieved})" if data.achieved else "")
        )
    summary = data.summary(internal)
    if internal or summary:
        out += ["", "## Summary", "", summary or "—"]
    out.append("")
    if data.notes.decisions:
        out += ["## Decisions", ""] + [f"- {d}" for d in data.notes.decisions] + [""]
    if data.actions:
        out += ["## Action items", "", "| Action | Owner | Due | Done |", "|---|---|---|---|"]
        for a in data.actions:
            cells = [
                a.text,
                a.owner or "",
                a.due.isoformat() if a.due else "",
                "yes" if a.done else "",
            ]
            out.append(
                "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
            )
        out.append("")
    if data.next_meeting:
        out += ["## Next meeting", "", data.next_meeting, ""]
    if internal and data.notes.private:
        out += ["## Private remarks (not for the client)", "", data.notes.private, ""]
    if internal and data.review:
        out += ["## Self-review", ""] + [f"- {_review_line(data, n)}" for n in sorted(data.review)]
        out.append("")
    return "\n".join(out)


def html(data: NotesData, locale: str, internal: bool = True) -> str:
    return reports.render("notes.html.j2", locale, data=data, mistakes=MISTAKES, internal=internal)


def pdf(data: NotesData, locale: str, internal: bool = True) -> bytes:
    return reports.html_to_pdf(html(data, locale, internal))


# What Word's XML cannot hold: C0 controls other than tab and line ends (a vertical tab is
# what Outlook puts for a line break in copied text), and the two non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CORE_PROPERTY_LIMIT = 255  # characters of a DOCX core property (the title)


def _xml(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def _core_property(text: str) -> str:
    one_line = " ".join(_xml(text).split())
    if len(one_line) <= CORE_PROPERTY_LIMIT:
        return one_line
    return one_line[: CORE_PROPERTY_LIMIT - 1].rstrip() + "…"


def docx(data: NotesData, internal: bool = True) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = _core_property(data.title)
    document.add_heading(_xml(data.title), level=1)
    document.add_paragraph(_xml(f"When: {data.when}"))
    if data.people:
        document.add_paragraph(
            _xml(f"{'Present' if data.present else 'With'}: {_who(data.people)}")
        )
    if data.absent:
        document.add_paragraph(_xml(f"Invited, absent: {_who(data.absent)}"))
    if internal and data.ctx.meeting.objective:
        achieved = f" ({data.achieved})" if data.achieved else ""
        document.add_paragraph(_xml(f"Objective: {data.ctx.meeting.objective}{achieved}"))
    summary = data.summary(internal)
    if internal or summary:
        document.add_heading("Summary", level=2)
        document.add_paragraph(_xml(summary or "—"))
    if data.notes.decisions:
        document.add_heading("Decisions", level=2)
        for decision in data.notes.decisions:
            document.add_paragraph(_xml(decision), style="List Bullet")
    if data.actions:
        document.add_heading("Action items", level=2)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Action", "Owner", "Due", "Done"), strict=True):
            cell.text = text
        for a in data.actions:
            cells = table.add_row().cells
            cells[0].text = _xml(a.text)
            cells[1].text = _xml(a.owner or "")
            cells[2].text = a.due.isoformat() if a.due else ""
            cells[3].text = "yes" if a.done else ""
    if data.next_meeting:
        document.add_heading("Next meeting", level=2)
        document.add_paragraph(_xml(data.next_meeting))
    if internal and data.notes.private:
        document.add_heading("Private remarks (not for the client)", level=2)
        document.add_paragraph(_xml(data.notes.private))
    if internal and data.review:
        document.add_heading("Self-review", level=2)
        for n in sorted(data.review):
            document.add_paragraph(_xml(_review_line(data, n)), style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _header(text: str) -> str:
    """One line for a mail header: a title imported from an Outlook invitation may hold line
    breaks, which a header cannot (the policy refuses them; folding is its own business)."""
    return " ".join(_xml(text).split())


def _address(name: str, email: str | None) -> Address | None:
    """A recipient, or ``None`` for an address a mail program could not use."""
    addr = usable_email(email)
    if addr is None:
        return None
    try:
        return Address(display_name=_header(name), addr_spec=addr)
    except (HeaderParseError, ValueError, IndexError):
        return None


def eml(data: NotesData, locale: str, sender: str = "", now: dt.datetime | None = None) -> bytes:
    """An e-mail draft to the attendees (invited and present): text and HTML parts and the
    PDF attached. It goes to the client, so only the shareable part goes in."""
    # Fold only past RFC 5322's hard limit: Python's folding of long encoded words splits
    # multi-byte names (Cyrillic, Polish) so that readers show stray spaces inside them.
    message = EmailMessage(policy=SMTP.clone(max_line_length=998))
    message["Subject"] = _header(data.title)
    people = {p.id: p for p in data.ctx.attendees + data.present}.values()
    recipients = [a for a in (_address(p.name, p.email) for p in people) if a is not None]
    if recipients:
        message["To"] = recipients  # the policy encodes names once (no pre-encoding)
    if sender and _header(sender):
        message["From"] = _header(sender)
    message["Date"] = formatdate((now or dt.datetime.now(dt.UTC)).timestamp(), localtime=False)
    message["Message-ID"] = make_msgid(domain="kamdesk.invalid")
    message["X-Unsent"] = "1"  # opens as a draft in Outlook
    message.set_content(markdown(data, internal=False))
    message.add_alternative(html(data, locale, internal=False), subtype="html")
    message.add_attachment(
        pdf(data, locale, internal=False),
        maintype="application",
        subtype="pdf",
        filename=f"notes-{data.ctx.meeting.key}.pdf",
    )
    return message.as_bytes()


@dataclass
class EmlContents:
    """What an e-mail draft holds, read back from its bytes (for the preview)."""

    to: str
    sender: str
    subject: str
    text: str
    attachments: list[str]
    html: bool  # an HTML alternative of the same text is included


def describe_eml(content: bytes) -> EmlContents:
    """Read a draft made by ``eml`` back: the headers as a mail reader shows them, the text
    part (with the reader's line ends), and the attachments' names."""
    from email import message_from_bytes
    from email.message import EmailMessage as Parsed
    from email.policy import default

    message = message_from_bytes(content, _class=Parsed, policy=default)
    body = message.get_body(preferencelist=("plain",))
    return EmlContents(
        to=str(message.get("To", "")),
        sender=str(message.get("From", "")),
        subject=str(message.get("Subject", "")),
        text=body.get_content().replace("\r\n", "\n") if body is not None else "",
        attachments=[part.get_filename() or "" for part in message.iter_attachments()],
        html=message.get_body(preferencelist=("html",)) is not None,
    )


def export(data: NotesData, fmt: str, locale: str, sender: str = "") -> bytes:
    """The notes in one of ``FORMATS`` as file content."""
    if fmt == "md":
        return markdown(data).encode("utf-8")
    if fmt == "docx":
        return docx(data)
    if fmt == "pdf":
        return pdf(data, locale)
    if fmt == "eml":
        return eml(data, locale, sender=sender)
    raise KamdeskError(f"{fmt!r} is not one of: {', '.join(FORMATS)}")
