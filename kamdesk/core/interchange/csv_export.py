"""CSV for spreadsheets: people (of one client or of all) and follow-ups.

UTF-8 with a BOM (Excel opens it), comma-separated, CR LF, quotes where needed. Text cells
that start like a formula get a leading ``'`` (:mod:`.cells`), so no spreadsheet runs them;
numbers stay numbers, dates are ISO, booleans "yes"/"no". Personal notes, interests and other
private fields of people are never exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from kamdesk.core.account.queries import FollowUp
from kamdesk.core.files import write_atomically
from kamdesk.core.interchange.cells import neutralise
from kamdesk.core.interchange.people.model import client_of
from kamdesk.core.model import models as m

if TYPE_CHECKING:  # the exports only read through the dossier they are given
    from kamdesk.core.storage.db import Database


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)  # numbers stay numbers
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return neutralise(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV for spreadsheets: UTF-8 BOM first (write it with ``write_atomically``), commas,
    CR LF, quotes where needed, text cells neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write :func:`csv_text` atomically (the old file stays whole on any error)."""
    write_atomically(Path(path), csv_text(header, rows))


PEOPLE_HEADER = (
    "Client key",
    "Client",
    "Key",
    "Name",
    "Position",
    "Department",
    "E-mail",
    "Phone",
    "Language",
    "VIP",
    "KOL",
    "Buying role",
    "Attitude",
    "Influence",
    "Stage",
    "Last contact",
)


def _people_rows(session: Session, client_id: int | None) -> Iterator[list[object]]:
    stmt = (
        select(m.Stakeholder, m.Client)
        .join(m.Client, col(m.Client.id) == m.Stakeholder.client_id)
        .order_by(
            col(m.Client.name), col(m.Client.id), col(m.Stakeholder.name), col(m.Stakeholder.id)
        )
    )
    if client_id is not None:
        stmt = stmt.where(m.Stakeholder.client_id == client_id)
    for p, c in session.exec(stmt):
        yield [
            c.key,
            c.name,
            p.key,
            p.name,
            p.position,
            p.department,
            p.email,
            p.phone,
            p.language,
            p.vip,
            p.kol,
            p.buying_role,
            p.attitude,
            p.influence,
            p.stage,
            p.last_contact_on,
        ]


def people_csv(db: Database, client_id: int | None = None) -> str:
    """The people of one client (or of every client) as CSV text. Personal notes, interests
    and other private fields are never exported."""
    with db.session() as session:
        if client_id is not None:
            client_of(session, client_id)
        return csv_text(PEOPLE_HEADER, list(_people_rows(session, client_id)))


def export_people_csv(db: Database, path: Path | str, client_id: int | None = None) -> int:
    """Write :func:`people_csv` atomically; returns how many people were written."""
    with db.session() as session:
        if client_id is not None:
            client_of(session, client_id)
        rows = list(_people_rows(session, client_id))
    write_atomically(Path(path), csv_text(PEOPLE_HEADER, rows))
    return len(rows)


FOLLOW_UPS_HEADER = (
    "Due",
    "Days overdue",
    "Client key",
    "Client",
    "Meeting key",
    "Meeting",
    "Action",
    "Owner",
    "Done",
)


def follow_ups_csv(rows: Iterable[FollowUp], today: dt.date) -> str:
    """Action items (``queries.follow_ups``) as CSV text, neutralised like the people export."""
    return csv_text(
        FOLLOW_UPS_HEADER,
        (
            (
                r.due.isoformat() if r.due else "",
                r.days_overdue(today) or "",
                r.client_key,
                r.client_name,
                r.meeting_key,
                r.meeting_title,
                r.text,
                r.owner or "",
                "yes" if r.done else "",
            )
            for r in rows
        ),
    )
