"""What the desktop app reads, one call each: the read half of the GUI's service layer
(``editing`` is the write half).

The GUI never opens a session (an import-linter contract keeps it from importing SQLModel or
SQLAlchemy): it calls these, each of which opens its own short read session on the
``Database``, loads what one view shows and returns it detached — plain values, the
dataclasses of ``queries``/``search``/``privacy``, or table rows whose columns are loaded (no
lazy relationship is touched after the session closed). The same functions serve the CLI and
the workers where they fit; they add no policy of their own, so a view and the command line
that show the same thing read it the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sqlmodel import Session, SQLModel, col, select

from kamdesk.core import privacy
from kamdesk.core.account import portfolio as analytics
from kamdesk.core.account import queries
from kamdesk.core.collation import sort_key
from kamdesk.core.documents import dossier, notes_export, portfolio_report
from kamdesk.core.errors import UnknownKey
from kamdesk.core.meeting import agenda, readiness
from kamdesk.core.meeting.context import MeetingContext, load_meeting_context
from kamdesk.core.model import models as m
from kamdesk.core.storage import search

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    from kamdesk.core.account.portfolio import Portfolio
    from kamdesk.core.documents.notes_export import NotesData
    from kamdesk.core.meeting.readiness import Report
    from kamdesk.core.privacy import ErasurePreview, PersonExport
    from kamdesk.core.settings import Settings
    from kamdesk.core.storage.db import Database

Row = TypeVar("Row", bound=SQLModel)


# -- keys and ids --------------------------------------------------------------------------


def _id_of(db: Database, table: type[m.Client] | type[m.Meeting], key: str, what: str) -> int:
    """The id of the row of ``table`` with this key (``UnknownKey`` naming ``what`` if none)."""
    with db.session() as session:
        found = session.exec(select(table.id).where(table.key == key)).first()
    if found is None:
        raise UnknownKey(f"No {what} with key {key!r}.")
    return found


def client_id(db: Database, client_key: str) -> int:
    """The id of the client with this key (``UnknownKey`` if there is none)."""
    return _id_of(db, m.Client, client_key, "client")


def client_key(db: Database, client_id: int) -> str | None:
    with db.session() as session:
        return session.exec(select(m.Client.key).where(m.Client.id == client_id)).first()


def client_keys(db: Database) -> dict[int, str]:
    """Every client's key by its id."""
    with db.session() as session:
        return {cid: key for cid, key in session.exec(select(m.Client.id, m.Client.key)) if cid}


def client_name(db: Database, client_key: str) -> str | None:
    with db.session() as session:
        return session.exec(select(m.Client.name).where(m.Client.key == client_key)).first()


def meeting_id(db: Database, meeting_key: str) -> int:
    """The id of the meeting with this key (``UnknownKey`` if there is none)."""
    return _id_of(db, m.Meeting, meeting_key, "meeting")


def product_id(db: Database, product_key: str) -> int | None:
    with db.session() as session:
        return session.exec(select(m.Product.id).where(m.Product.key == product_key)).first()


def row(db: Database, table: type[Row], row_id: int) -> Row | None:
    """One row of ``table`` by its id, or None when it is gone (deleted, undone)."""
    with db.session() as session:
        return session.get(table, row_id)


# -- search --------------------------------------------------------------------------------


def search_hits(db: Database, text: str) -> list[search.Hit]:
    with db.session() as session:
        return search.search(session, text)


SEARCH_GROUPS = ("client", "person", "meeting", "notes", "plan")


def search_groups(db: Database, text: str) -> list[tuple[str, list[search.Hit]]]:
    """The hits of a search by kind (clients, people, meetings, notes, plans; kinds without a
    hit left out), each kind's hits in the order of their titles (``collation``)."""
    found = search_hits(db, text)
    groups = []
    for kind in SEARCH_GROUPS:
        hits = [h for h in found if h.kind == kind]
        if hits:
            hits.sort(key=lambda h: (sort_key(h.title), sort_key(h.client_name)))
            groups.append((kind, hits))
    return groups


@dataclass(frozen=True)
class HitTarget:
    """Where a search hit leads: its client, and the meeting or person it names."""

    client_key: str
    meeting_key: str | None
    person_key: str | None


def hit_target(db: Database, hit: search.Hit) -> HitTarget | None:
    """Where ``hit`` leads, or None when its client is gone since the search."""
    with db.session() as session:
        client = session.get(m.Client, hit.client_id)
        if client is None:
            return None
        meeting_key = person_key = None
        if hit.kind in ("meeting", "notes"):
            meeting = session.get(m.Meeting, hit.ref_id)
            meeting_key = meeting.key if meeting else None
        if hit.kind == "person":
            person = session.get(m.Stakeholder, hit.ref_id)
            person_key = person.key if person else None
        return HitTarget(client.key, meeting_key, person_key)


# -- lists of one client -------------------------------------------------------------------


def client(db: Database, client_key: str) -> m.Client:
    with db.session() as session:
        found = session.exec(select(m.Client).where(m.Client.key == client_key)).first()
    if found is None:
        raise UnknownKey(f"No client with key {client_key!r}.")
    return found


def _meetings_of(session: Session, client_id: int) -> list[m.Meeting]:
    """The client's meetings, the latest first."""
    return list(
        session.exec(
            select(m.Meeting)
            .where(m.Meeting.client_id == client_id)
            .order_by(col(m.Meeting.starts_at_utc).desc())
        )
    )


def meetings(db: Database, client_id: int) -> list[m.Meeting]:
    """The client's meetings, the latest first."""
    with db.session() as session:
        return _meetings_of(session, client_id)


def people(db: Database, client_id: int, *, by: str = "name") -> list[m.Stakeholder]:
    """The client's people, by name (lists; ``collation``: "Łukasz" among the L's) or by id
    (the map keeps its layout stable)."""
    with db.session() as session:
        found = list(
            session.exec(
                select(m.Stakeholder)
                .where(m.Stakeholder.client_id == client_id)
                .order_by(col(m.Stakeholder.id))
            )
        )
    if by == "name":
        found.sort(key=lambda p: sort_key(p.name))
    return found


def relations(db: Database, client_id: int) -> list[m.Relation]:
    with db.session() as session:
        return list(
            session.exec(
                select(m.Relation)
                .where(m.Relation.client_id == client_id)
                .order_by(col(m.Relation.id))
            )
        )


def needs(db: Database, client_id: int) -> list[m.Need]:
    with db.session() as session:
        return list(
            session.exec(
                select(m.Need).where(m.Need.client_id == client_id).order_by(col(m.Need.id))
            )
        )


def products(db: Database) -> list[m.Product]:
    """Our products, by name."""
    with db.session() as session:
        return list(session.exec(select(m.Product).order_by(col(m.Product.name))))


@dataclass(frozen=True)
class Finances:
    """What the figures of one client are computed from."""

    client: m.Client
    periods: list[m.FinancialPeriod]
    targets: list[m.SalesTarget]
    company: m.Company | None


def finances(db: Database, client_id: int) -> Finances | None:
    """The client with its financial periods and sales targets, and our company (for the
    income share); None when the client is gone."""
    with db.session() as session:
        found = session.get(m.Client, client_id)
        if found is None:
            return None
        periods = list(
            session.exec(select(m.FinancialPeriod).where(m.FinancialPeriod.client_id == client_id))
        )
        targets = list(
            session.exec(select(m.SalesTarget).where(m.SalesTarget.client_id == client_id))
        )
        return Finances(found, periods, targets, session.get(m.Company, 1))


# -- one meeting ---------------------------------------------------------------------------


def meeting_context(db: Database, meeting_key: str) -> MeetingContext:
    with db.session() as session:
        return load_meeting_context(session, meeting_key)


def attendee_ids(db: Database, meeting_id: int) -> list[int]:
    """The ids of the people invited to the meeting."""
    with db.session() as session:
        return [p.id for p in queries.meeting_attendees(session, meeting_id) if p.id is not None]


def notes(db: Database, meeting_id: int) -> NotesData:
    """The meeting's notes with what their exports need."""
    with db.session() as session:
        key = session.exec(select(m.Meeting.key).where(m.Meeting.id == meeting_id)).first()
        if key is None:
            raise UnknownKey(f"No meeting with id {meeting_id}.")
        return notes_export.load_notes(session, key)


def meetings_with_readiness(
    db: Database, client_id: int, prefs: Settings, now: dt.datetime
) -> list[tuple[m.Meeting, Report | None]]:
    """The client's meetings, the latest first, each with its readiness report; a meeting
    already held (started before ``now``) has none."""
    with db.session() as session:
        rows = _meetings_of(session, client_id)
        held = {mt.key for mt in rows if mt.starts_at is not None and mt.starts_at < now}
        found = readiness.reports(session, [mt.key for mt in rows if mt.key not in held], prefs)
        return [(mt, found.get(mt.key)) for mt in rows]


# -- across clients ------------------------------------------------------------------------


def home(db: Database, prefs: Settings, now: dt.datetime) -> agenda.Home:
    """The home page: the next meetings with their readiness, overdue follow-ups, the clients
    needing attention (run it off the GUI thread: it evaluates each listed meeting)."""
    with db.session() as session:
        return agenda.home(session, prefs, now)


def portfolio_rows(
    db: Database, rates: dict[str, float], client_ids: Collection[int] | None = None
) -> list[queries.ClientRow]:
    with db.session() as session:
        return queries.portfolio_rows(session, rates=rates, client_ids=client_ids)


def follow_ups(db: Database, *, include_done: bool) -> list[queries.FollowUp]:
    with db.session() as session:
        return queries.follow_ups(session, include_done=include_done)


@dataclass(frozen=True)
class CurrenciesInUse:
    """Our company's currency, and the other currencies clients count in (code -> the names
    of those clients, in collation order): each needs an exchange rate for income shares."""

    company: str
    foreign: dict[str, list[str]]

    def missing(self, rates: dict[str, float]) -> dict[str, list[str]]:
        return {code: names for code, names in self.foreign.items() if code not in rates}


def currencies_in_use(db: Database) -> CurrenciesInUse:
    with db.session() as session:
        company = session.get(m.Company, 1)
        ours = (company.currency if company else "EUR").upper()
        pairs = session.exec(select(m.Client.currency, m.Client.name)).all()
    foreign: dict[str, list[str]] = {}
    for code, name in pairs:
        if code and code.upper() != ours:
            foreign.setdefault(code.upper(), []).append(name)
    return CurrenciesInUse(ours, {c: sorted(n, key=sort_key) for c, n in sorted(foreign.items())})


def portfolio(db: Database, rates: dict[str, float]) -> Portfolio:
    """The portfolio's figures (Pareto, dependency, concentration)."""
    with db.session() as session:
        return analytics.compute(session, rates=rates)


# -- documents -----------------------------------------------------------------------------


def dossier_html(db: Database, client_key: str, prefs: Settings) -> str:
    with db.session() as session:
        return dossier.build_html(session, client_key, prefs)


def portfolio_report_html(db: Database, prefs: Settings) -> str:
    with db.session() as session:
        return portfolio_report.build_html(session, prefs)


def person_export(db: Database, person_id: int) -> PersonExport:
    """All that is kept about one person (the right of access)."""
    with db.session() as session:
        return privacy.collect(session, person_id)


def erasure_preview(db: Database, person_id: int, backups: list[Path]) -> ErasurePreview:
    """What erasing the person would remove, and which backups still hold them."""
    with db.session() as session:
        return privacy.preview(session, person_id, backups)
