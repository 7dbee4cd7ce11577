"""Personal-data rights for one stakeholder (a real person): see everything kept about them, or
erase them.

Export (the right of access):

- ``collect(session, person_id)`` reads what the dossier holds about the person, as plain data:
  their profile, relationship plan, relations (with the other people's names), the meetings they
  were invited to or present at, the issues they raised, the action items whose owner names them,
  and every other free text of their client that names them;
- ``to_json(export)`` is the machine-readable copy; ``render_html(export, settings)`` and
  ``build_pdf(html)`` the readable one (the brief's fonts and locked-down fetcher; user text is
  escaped data, never markup or a template). ``export_file`` picks by the file's extension.

Erasure (the right to be forgotten): ``preview`` says what would go; ``erase`` removes the person
with their relations, attendances and presences, map position and relationship plan; unlinks
the issues they raised; replaces their name in action-item owners with ``ERASED``; rewrites the
client's search index; records when and why in ``erasure_log`` (never who); then leaves no copy
in the file: the transaction runs with ``secure_delete`` on, the full-text index is merged, the
file is VACUUMed and the WAL checkpointed and truncated. Free text that still names the person
(notes, decisions, objectives…) is *not* rewritten: it is listed for the KAM to edit. Backups
made before the erasure still hold the person until they rotate out; ``erase`` says which.
Erasure cannot be undone.

Names in free text are found on folded text, like the search box (``search.fold``: "sokolov"
finds "Соколов", "szczesna" finds "Szczęsna"), word by word, on word beginnings, with the last
letters of longer name parts dropped so declined forms match ("Szczęsnej", "Wróbla"). Titles
("dr", "prof.", "Dott.ssa"…) and parts under three letters are ignored. A match is *certain*
when the text has the person's key (their surname in most dossiers), two parts of their name,
or their only name part; a single part (a first name, say) is only *possible*. Only certain
matches rewrite an owner field; both kinds are listed, so the KAM decides.

Nothing here logs: these are personal fields.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy.exc
from sqlalchemy import Connection, delete, func, update
from sqlmodel import Session, col, select

from kamdesk.core import errors, formats
from kamdesk.core.account.editing import FieldError
from kamdesk.core.documents import reports
from kamdesk.core.files import write_atomically, write_bytes_atomically
from kamdesk.core.i18n import _
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database

FORMAT = "kamdesk-person-export"
VERSION = 1
ERASED = "(erased person)"
REASON_MAX = 2000
EXPORT_SUFFIXES = (".json", ".pdf")

# Words that title a person rather than name them (folded, without dots).
_TITLES = frozenset(
    (
        *("dr", "dra", "drs", "prof", "hab", "med", "mgr", "inz", "ing", "avv", "dott", "ssa"),
        *("sig", "sra", "signor", "signora", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"),
        *("pan", "pani", "phd", "md", "jr", "sr", "ifj", "dipl", "mag", "doc", "rev", "herr"),
        *("frau", "mme", "mlle"),
    )
)
_WORD = re.compile(r"\w+")


# --- finding a person's name in free text --------------------------------------------------------


def _stem(part: str) -> str:
    """A name part without the letters declension changes: "szczesna" -> "szczes"."""
    if len(part) >= 6:
        return part[:-2]
    if len(part) == 5:
        return part[:-1]
    return part


@dataclass(frozen=True)
class NameMatcher:
    """Finds one person's name in free text (see the module's notes)."""

    parts: tuple[str, ...]  # folded name parts, titles and short parts left out
    key_parts: tuple[str, ...]  # folded parts of the key (the surname in most dossiers)

    @classmethod
    def for_person(cls, name: str, key: str) -> NameMatcher:
        words = [p for p in search.words(name) if p not in _TITLES]
        # parts under three letters are left out, unless the name has nothing longer ("Li Na")
        parts = [p for p in words if len(p) >= 3] or [p for p in words if len(p) == 2]
        key_parts = [p for p in search.words(key) if len(p) >= 3 and not p.isdigit()]
        return cls(tuple(dict.fromkeys(parts)), tuple(dict.fromkeys(key_parts)))

    @property
    def _stems(self) -> tuple[str, ...]:
        return tuple(_stem(p) for p in self.parts)

    def find(self, text: str | None) -> Match | None:
        """Where ``text`` names the person, or None."""
        if not text:
            return None
        folded = search.fold(text)
        stems = self._stems
        if not any(s in folded for s in stems + self.key_parts):  # quick rejection
            return None
        spans: list[tuple[int, int]] = []
        found_parts: set[str] = set()
        found_keys: set[str] = set()
        for word in _WORD.finditer(text):
            pieces = search.words(word.group())
            hit = False
            for piece in pieces:
                for part, stem in zip(self.parts, stems, strict=True):
                    if piece.startswith(stem):
                        found_parts.add(part)
                        hit = True
                for key_part in self.key_parts:
                    if piece.startswith(key_part):
                        found_keys.add(key_part)
                        hit = True
            if hit:
                spans.append(word.span())
        if not spans:
            return None
        certain = (
            (bool(self.key_parts) and found_keys == set(self.key_parts))
            or len(found_parts) >= 2
            or (len(self.parts) == 1 and bool(found_parts))
        )
        return Match(text, tuple(spans), certain)


@dataclass(frozen=True)
class Match:
    text: str
    spans: tuple[tuple[int, int], ...]
    certain: bool

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.text[a:b] for a, b in self.spans))

    def excerpt(self, width: int = 70) -> str:
        """The text around the first match, cut at word boundaries."""
        start, end = self.spans[0]
        lo, hi = max(0, start - width), min(len(self.text), end + width)
        while lo > 0 and not self.text[lo - 1].isspace():
            lo += 1
            if lo >= start:
                lo = start
                break
        while hi < len(self.text) and not self.text[hi].isspace():
            hi -= 1
            if hi <= end:
                hi = end
                break
        snippet = " ".join(self.text[lo:hi].split())
        return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(self.text) else "")


@dataclass(frozen=True)
class Mention:
    """One free-text field that names the person."""

    table: str  # the table of the row: meeting_notes, action_item, plan, …
    row_id: int
    field: str  # the column, with the item's number for lists: "decisions[2]"
    where: str  # for the reader: 'Notes of "Quarterly review" (2026-10-02): summary'
    text: str  # the whole field
    excerpt: str
    words: tuple[str, ...]  # the words that matched
    certain: bool
    meeting_key: str | None = None  # to open the meeting in the app
    stakeholder_key: str | None = None  # another person's profile that names them

    def as_json(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "table": self.table,
            "field": self.field,
            "meeting": self.meeting_key,
            "person": self.stakeholder_key,
            "text": self.text,
            "matched": list(self.words),
            "certain": self.certain,
        }


_CLIENT_TEXTS = ("what_they_do", "history", "market_position", "reference_story")
_PERSON_TEXTS = (
    "position",
    "department",
    "etiquette",
    "communication_style",
    "interests",
    "personal_notes",
    "competitor_affinity",
    "legal_basis",
)
_MEETING_TEXTS = ("title", "objective", "commitment_sought", "location", "walk_away")


def _date(meeting: m.Meeting) -> str:
    start = meeting.starts_at
    return start.date().isoformat() if start else _("no date")


class _Text(NamedTuple):
    table: str
    row_id: int
    field: str
    where: str
    text: str | None
    meeting_key: str | None = None
    person_key: str | None = None


def _texts(session: Session, client_id: int, skip_person: int | None) -> Iterator[_Text]:
    """Every free text of one client. The person ``skip_person`` is left out: their own
    profile is exported as such, or is being erased."""
    client = session.get(m.Client, client_id)
    assert client is not None
    for name in _CLIENT_TEXTS:
        where = _("Client profile: {field}").format(field=name.replace("_", " "))
        yield _Text("client", client_id, name, where, getattr(client, name))
    people = {
        p.id: p
        for p in session.exec(select(m.Stakeholder).where(m.Stakeholder.client_id == client_id))
        if p.id is not None and p.id != skip_person
    }
    for pid, p in people.items():
        for name in _PERSON_TEXTS:
            where = _("Profile of {person}: {field}").format(
                person=p.name, field=name.replace("_", " ")
            )
            yield _Text("stakeholder", pid, name, where, getattr(p, name), None, p.key)
    if people:
        stmt = select(m.RelationshipStep).where(
            col(m.RelationshipStep.stakeholder_id).in_(list(people))
        )
        for step in session.exec(stmt):
            holder = people[step.stakeholder_id]
            where = _("Relationship plan of {person}").format(person=holder.name)
            assert step.id is not None
            yield _Text("relationship_step", step.id, "step", where, step.step, None, holder.key)
    for plan in session.exec(select(m.Plan).where(m.Plan.client_id == client_id)):
        assert plan.id is not None
        yield _Text("plan", plan.id, "text", _("Plan"), plan.text)
    for need in session.exec(select(m.Need).where(m.Need.client_id == client_id)):
        assert need.id is not None
        yield _Text("need", need.id, "text", _("Need"), need.text)
    for comp in session.exec(select(m.Competitor).where(m.Competitor.client_id == client_id)):
        assert comp.id is not None
        where = _("Competitor {name}: notes").format(name=comp.name)
        yield _Text("competitor", comp.id, "notes", where, comp.notes)
    for issue in session.exec(select(m.ClientIssue).where(m.ClientIssue.client_id == client_id)):
        assert issue.id is not None
        for name in ("text", "response"):
            where = _("Complaint or objection: {field}").format(field=name)
            yield _Text("client_issue", issue.id, name, where, getattr(issue, name))
    meetings = {
        mt.id: mt
        for mt in session.exec(select(m.Meeting).where(m.Meeting.client_id == client_id))
        if mt.id is not None
    }
    for mid, mt in meetings.items():
        head = _('Meeting "{title}" ({date})').format(title=mt.title, date=_date(mt))
        for name in _MEETING_TEXTS:
            where = f"{head}: {name.replace('_', ' ')}"
            yield _Text("meeting", mid, name, where, getattr(mt, name), mt.key)
        for name in ("agenda", "questions"):
            for i, item in enumerate(getattr(mt, name)):
                yield _Text("meeting", mid, f"{name}[{i}]", f"{head}: {name}", item, mt.key)
    if not meetings:
        return
    stmt_p = select(m.Proposal).where(col(m.Proposal.meeting_id).in_(list(meetings)))
    for prop in session.exec(stmt_p):
        mt = meetings[prop.meeting_id]
        assert prop.id is not None
        where = _('Meeting "{title}" ({date}): proposal').format(title=mt.title, date=_date(mt))
        yield _Text("proposal", prop.id, "text", where, prop.text, mt.key)
    stmt_n = select(m.MeetingNotes).where(col(m.MeetingNotes.meeting_id).in_(list(meetings)))
    notes = {n.id: n for n in session.exec(stmt_n) if n.id is not None}

    def head_of(notes_id: int) -> tuple[str, str]:
        mt = meetings[notes[notes_id].meeting_id]
        return _('Notes of "{title}" ({date})').format(title=mt.title, date=_date(mt)), mt.key

    for nid, n in notes.items():
        head, key = head_of(nid)
        yield _Text("meeting_notes", nid, "summary", f"{head}: {_('summary')}", n.summary, key)
        where = f"{head}: {_('private remarks')}"
        yield _Text("meeting_notes", nid, "private", where, n.private, key)
        for i, decision in enumerate(n.decisions):
            where = f"{head}: {_('decision')}"
            yield _Text("meeting_notes", nid, f"decisions[{i}]", where, decision, key)
        where = f"{head}: {_('next meeting')}"
        yield _Text(
            "meeting_notes", nid, "next_meeting_purpose", where, n.next_meeting_purpose, key
        )
    if not notes:
        return
    stmt_a = select(m.ActionItem).where(col(m.ActionItem.notes_id).in_(list(notes)))
    for action in session.exec(stmt_a):
        assert action.id is not None
        head, key = head_of(action.notes_id)
        yield _Text(
            "action_item", action.id, "text", f"{head}: {_('action item')}", action.text, key
        )
        yield _Text(
            "action_item", action.id, "owner", f"{head}: {_('action owner')}", action.owner, key
        )
    stmt_r = select(m.SelfReview).where(col(m.SelfReview.notes_id).in_(list(notes)))
    for review in session.exec(stmt_r):
        assert review.id is not None
        head, key = head_of(review.notes_id)
        where = f"{head}: {_('self-review')}"
        yield _Text("self_review", review.id, "comment", where, review.comment, key)


def find_mentions(
    session: Session, client_id: int, matcher: NameMatcher, skip_person: int | None = None
) -> list[Mention]:
    """Every free text of the client that names the person (certain and possible matches)."""
    found = []
    for t in _texts(session, client_id, skip_person):
        match = matcher.find(t.text)
        if match is not None:
            found.append(
                Mention(
                    t.table,
                    t.row_id,
                    t.field,
                    t.where,
                    match.text,
                    match.excerpt(),
                    match.words,
                    match.certain,
                    t.meeting_key,
                    t.person_key,
                )
            )
    return found


# --- finding the person ----------------------------------------------------------------------------


def person_id(session: Session, client_key: str, person_key: str) -> int:
    """The id of a client's person, or UnknownKey."""
    found = session.exec(
        select(m.Stakeholder.id)
        .join(m.Client, col(m.Client.id) == m.Stakeholder.client_id)
        .where(m.Client.key == client_key, m.Stakeholder.key == person_key)
    ).first()
    if found is None:
        if session.exec(select(m.Client.id).where(m.Client.key == client_key)).first() is None:
            raise errors.UnknownKey(f"No client with key {client_key!r}.")
        raise errors.UnknownKey(f"{client_key!r} has no person with key {person_key!r}.")
    return found


def _person(session: Session, stakeholder_id: int) -> tuple[m.Stakeholder, m.Client]:
    person = session.get(m.Stakeholder, stakeholder_id)
    if person is None:
        raise errors.UnknownKey("That person no longer exists (they were deleted or erased).")
    client = session.get(m.Client, person.client_id)
    assert client is not None
    return person, client


# --- export ---------------------------------------------------------------------------------------

PROFILE_FIELDS = tuple(c for c in m.Stakeholder.model_fields if c not in ("id", "client_id"))


@dataclass(frozen=True)
class RelationInfo:
    kind: str
    outgoing: bool  # the person -> the other
    other_key: str
    other_name: str


@dataclass(frozen=True)
class MeetingInfo:
    meeting: m.Meeting
    invited: bool
    present: bool | None  # None: no notes record who was there


@dataclass(frozen=True)
class ActionInfo:
    meeting: m.Meeting
    action: m.ActionItem


@dataclass
class PersonExport:
    exported_at: dt.datetime
    client: m.Client
    person: m.Stakeholder
    steps: list[m.RelationshipStep]
    relations: list[RelationInfo]
    meetings: list[MeetingInfo]  # newest first
    issues: list[m.ClientIssue]
    actions: list[ActionInfo]  # the action items whose owner names them
    mentions: list[Mention]  # other free text naming them
    map_position: tuple[float, float] | None = None


def collect(session: Session, stakeholder_id: int, now: dt.datetime | None = None) -> PersonExport:
    """Everything the dossier holds about one person (plain data afterwards)."""
    person, client = _person(session, stakeholder_id)
    assert client.id is not None
    pid = stakeholder_id
    people = {
        p.id: p
        for p in session.exec(select(m.Stakeholder).where(m.Stakeholder.client_id == client.id))
    }
    relations = []
    for rel in session.exec(
        select(m.Relation)
        .where((col(m.Relation.from_id) == pid) | (col(m.Relation.to_id) == pid))
        .order_by(col(m.Relation.id))
    ):
        outgoing = rel.from_id == pid
        other = people[rel.to_id if outgoing else rel.from_id]
        relations.append(RelationInfo(rel.kind, outgoing, other.key, other.name))
    invited = set(
        session.exec(
            select(m.MeetingAttendee.meeting_id).where(m.MeetingAttendee.stakeholder_id == pid)
        )
    )
    present = set(
        session.exec(
            select(m.MeetingNotes.meeting_id)
            .join(m.NotesPresent, col(m.NotesPresent.notes_id) == m.MeetingNotes.id)
            .where(m.NotesPresent.stakeholder_id == pid)
        )
    )
    recorded = set(  # meetings whose notes say who was there
        session.exec(
            select(m.MeetingNotes.meeting_id)
            .join(m.NotesPresent, col(m.NotesPresent.notes_id) == m.MeetingNotes.id)
            .where(col(m.MeetingNotes.meeting_id).in_(invited | present))
        )
    )
    meetings = [
        MeetingInfo(mt, mt.id in invited, mt.id in present if mt.id in recorded else None)
        for mt in session.exec(
            select(m.Meeting)
            .where(col(m.Meeting.id).in_(invited | present))
            .order_by(
                col(m.Meeting.starts_at_utc).is_(None).desc(),
                col(m.Meeting.starts_at_utc).desc(),
                col(m.Meeting.id).desc(),
            )
        )
    ]
    issues = list(
        session.exec(
            select(m.ClientIssue)
            .where(m.ClientIssue.raised_by_id == pid)
            .order_by(col(m.ClientIssue.id))
        )
    )
    matcher = NameMatcher.for_person(person.name, person.key)
    mentions = find_mentions(session, client.id, matcher, skip_person=pid)
    owned = {
        x.row_id for x in mentions if x.table == "action_item" and x.field == "owner" and x.certain
    }
    raised = {i.id for i in issues}
    actions = []
    if owned:
        for action, meeting in session.exec(
            select(m.ActionItem, m.Meeting)
            .join(m.MeetingNotes, col(m.MeetingNotes.id) == m.ActionItem.notes_id)
            .join(m.Meeting, col(m.Meeting.id) == m.MeetingNotes.meeting_id)
            .where(col(m.ActionItem.id).in_(owned))
            .order_by(col(m.ActionItem.id))
        ):
            actions.append(ActionInfo(meeting, action))
    mentions = [
        x
        for x in mentions
        if not (x.table == "action_item" and x.field == "owner" and x.certain)
        and not (x.table == "client_issue" and x.row_id in raised)
    ]
    position = session.get(m.MapPosition, pid)
    return PersonExport(
        exported_at=now or dt.datetime.now(dt.UTC),
        client=client,
        person=person,
        steps=list(
            session.exec(
                select(m.RelationshipStep)
                .where(m.RelationshipStep.stakeholder_id == pid)
                .order_by(col(m.RelationshipStep.id))
            )
        ),
        relations=relations,
        meetings=meetings,
        issues=issues,
        actions=actions,
        mentions=mentions,
        map_position=(position.x, position.y) if position else None,
    )


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def relation_sentence(person_name: str, rel: RelationInfo) -> str:
    """ "A reports to B", in the dossier's words."""
    verb = labels.relation().get(rel.kind, rel.kind)
    first, second = (person_name, rel.other_name) if rel.outgoing else (rel.other_name, person_name)
    return f"{first} {verb} {second}"


def as_document(export: PersonExport) -> dict[str, Any]:
    """The export as a JSON-ready document."""
    p = export.person
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(export.exported_at.astimezone(dt.UTC)),
        "client": {"key": export.client.key, "name": export.client.name},
        "person": {name: _iso(getattr(p, name)) for name in PROFILE_FIELDS},
        "map_position": (
            {"x": export.map_position[0], "y": export.map_position[1]}
            if export.map_position
            else None
        ),
        "relationship_plan": [
            {"step": s.step, "due": _iso(s.due), "done": s.done} for s in export.steps
        ],
        "relations": [
            {
                "kind": r.kind,
                "direction": "outgoing" if r.outgoing else "incoming",
                "other_key": r.other_key,
                "other_name": r.other_name,
                "reads": relation_sentence(p.name, r),
            }
            for r in export.relations
        ],
        "meetings": [
            {
                "key": x.meeting.key,
                "title": x.meeting.title,
                "starts_at": _iso(x.meeting.starts_at),
                "invited": x.invited,
                "present": x.present,
            }
            for x in export.meetings
        ],
        "issues_raised": [
            {"kind": i.kind, "text": i.text, "response": i.response, "status": i.status}
            for i in export.issues
        ],
        "action_items": [
            {
                "meeting": a.meeting.key,
                "meeting_title": a.meeting.title,
                "text": a.action.text,
                "owner": a.action.owner,
                "due": _iso(a.action.due),
                "done": a.action.done,
            }
            for a in export.actions
        ],
        "mentions": [x.as_json() for x in export.mentions],
    }


def to_json(export: PersonExport) -> str:
    return json.dumps(as_document(export), ensure_ascii=False, indent=2) + "\n"


FIELD_LABELS = {
    "key": "Key",
    "name": "Name",
    "position": "Position",
    "department": "Department",
    "email": "E-mail",
    "phone": "Phone",
    "vip": "VIP",
    "kol": "KOL (key opinion leader)",
    "buying_role": "Role in the decision",
    "attitude": "Attitude to us",
    "influence": "Influence (1–5)",
    "stage": "Relationship stage",
    "target_stage": "Target stage",
    "last_contact_on": "Last contact",
    "contact_every_days": "Keep in touch every (days)",
    "competitor_affinity": "Ties to competitors",
    "form_of_address": "Form of address",
    "pronunciation": "Pronunciation",
    "language": "Preferred language",
    "etiquette": "Etiquette",
    "communication_style": "Communication style",
    "interests": "Interests",
    "personal_notes": "Personal notes",
    "info_source": "Source of the information",
    "legal_basis": "Legal basis for keeping it",
}


def render_html(export: PersonExport, settings: Settings) -> str:
    """The readable export: a pure function of the collected data."""
    texts = labels.labels()
    fmt = formats.Formatter(settings.locale)
    p = export.person
    profile = []
    for name in PROFILE_FIELDS:
        if name in ("info_source", "legal_basis"):
            continue  # shown on their own, first
        value = getattr(p, name)
        if name in ("buying_role", "attitude", "stage", "target_stage"):
            vocabulary = "stage" if name == "target_stage" else name
            shown = texts[vocabulary].get(value, value) if value else labels.DASH
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif isinstance(value, dt.date):
            shown = fmt.date(value)
        else:
            shown = "—" if value is None or value == "" else str(value)
        profile.append((_(FIELD_LABELS[name]), shown))
    return reports.render(
        "person.html.j2",
        settings.locale,
        x=export,
        p=p,
        labels=texts,
        profile=profile,
        source=texts["info_source"].get(p.info_source, p.info_source or labels.DASH),
        relations=[relation_sentence(p.name, r) for r in export.relations],
        kam_name=settings.kam_name,
    )


def build_pdf(html: str, fetcher: reports.ResourceOnlyFetcher | None = None) -> bytes:
    return reports.html_to_pdf(html, fetcher)


def export_file(
    db: Database,
    client_key: str,
    person_key: str,
    path: Path,
    settings: Settings,
    now: dt.datetime | None = None,
) -> PersonExport:
    """Write the export to ``path``: JSON or PDF by its extension (atomically)."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise FieldError("file", f"{Path(path).name} must end in .json or .pdf")
    with db.session() as session:
        export = collect(session, person_id(session, client_key, person_key), now)
    if suffix == ".json":
        write_atomically(path, to_json(export))
    else:
        write_bytes_atomically(path, build_pdf(render_html(export, settings)))
    return export


# --- erasure --------------------------------------------------------------------------------------


@dataclass
class ErasurePreview:
    """What erasing a person would do (nothing is written)."""

    name: str
    client_key: str
    counts: dict[str, int]
    owners: list[Mention]  # action-item owners that would read ERASED
    mentions: list[Mention]  # free text that would still name them
    backups: list[BackupCheck] = field(default_factory=list)  # the checks of the given backups


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    holds: bool | None  # None: it could not be read
    problem: str | None = None


@dataclass
class ErasureResult:
    reference: str
    erased_at: dt.datetime
    counts: dict[str, int]
    mentions: list[Mention]  # free text that still names them: for the KAM to edit
    backups: list[BackupCheck] = field(default_factory=list)  # those holding them or unreadable
    purged: bool = True  # free space cleared (VACUUM) and the WAL truncated
    purge_problem: str | None = None


def _counts(session: Session, pid: int) -> dict[str, int]:
    def count(model: Any, where: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model).where(where)).one())

    return {
        "person": 1,
        "relationship_steps": count(m.RelationshipStep, m.RelationshipStep.stakeholder_id == pid),
        "relations": count(
            m.Relation, (col(m.Relation.from_id) == pid) | (col(m.Relation.to_id) == pid)
        ),
        "meeting_attendances": count(m.MeetingAttendee, m.MeetingAttendee.stakeholder_id == pid),
        "presences": count(m.NotesPresent, m.NotesPresent.stakeholder_id == pid),
        "map_positions": count(m.MapPosition, m.MapPosition.stakeholder_id == pid),
        "issues_unlinked": count(m.ClientIssue, m.ClientIssue.raised_by_id == pid),
    }


def _split_owners(mentions: Iterable[Mention]) -> tuple[list[Mention], list[Mention]]:
    owners: list[Mention] = []
    rest: list[Mention] = []
    for x in mentions:
        (owners if x.table == "action_item" and x.field == "owner" and x.certain else rest).append(
            x
        )
    return owners, rest


def preview(session: Session, stakeholder_id: int, backups: Sequence[Path] = ()) -> ErasurePreview:
    """What erasing the person would remove and leave, and which of ``backups`` hold them."""
    person, client = _person(session, stakeholder_id)
    assert client.id is not None
    matcher = NameMatcher.for_person(person.name, person.key)
    owners, rest = _split_owners(
        find_mentions(session, client.id, matcher, skip_person=stakeholder_id)
    )
    counts = _counts(session, stakeholder_id)
    counts["action_owners_replaced"] = len(owners)
    checks = check_backups(backups, client.key, person.key, person.name)
    return ErasurePreview(person.name, client.key, counts, owners, rest, checks)


def check_reason(reason: str, person: m.Stakeholder) -> str:
    """The reason as recorded, or FieldError: it must be given, and must not say who."""
    clean = " ".join(reason.split())
    if not clean:
        raise FieldError("reason", "say why the person is erased (for example: their request of …)")
    if len(clean) > REASON_MAX:
        raise FieldError("reason", f"keep the reason under {REASON_MAX} characters")
    named = NameMatcher.for_person(person.name, person.key).find(clean)
    folded = clean.casefold()
    digits = re.sub(r"\D", "", clean)
    phone = re.sub(r"\D", "", person.phone or "")
    if (
        named is not None
        or (person.email and person.email.casefold() in folded)
        or (len(phone) >= 6 and phone in digits)
    ):
        raise FieldError(
            "reason",
            "the reason names the person; the record of an erasure must not say who was erased",
        )
    return clean


@contextlib.contextmanager
def _secure_connection(db: Database) -> Iterator[tuple[Connection, Any]]:
    """One connection of the dossier with ``secure_delete`` on, so SQLite zeroes what it
    deletes instead of leaving it in free space (put back as it was at the end). Low-level
    SQLite failures come out as user-facing errors, as in ``Database.transaction``."""
    if db.readonly:
        raise errors.DatabaseReadOnly(f"{db.path} is open read-only.")
    try:
        with db.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection  # the DB-API connection
            before = int(raw.execute("PRAGMA secure_delete").fetchone()[0])
            raw.execute("PRAGMA secure_delete = ON")
            try:
                yield conn, raw
            finally:
                if conn.in_transaction():
                    conn.rollback()
                raw.execute(f"PRAGMA secure_delete = {before}")
    except (sqlalchemy.exc.OperationalError, sqlite3.OperationalError) as exc:
        problem = errors.translate_db_error(exc, str(db.path))
        if problem:
            raise problem from exc
        raise


def _purge(raw: Any) -> tuple[bool, str | None]:
    """Rebuild the file without free space (VACUUM), then copy the WAL into it and truncate the
    WAL to nothing, so that neither file keeps a copy of a deleted page."""
    try:
        raw.execute("VACUUM")
        busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except Exception as exc:  # the driver's DB-API error (sqlite3, or an encrypting one)
        return False, f"the file could not be compacted ({exc}); it is retried at the next erasure"
    if busy:
        return False, "another program is reading the file, so its WAL could not be emptied yet"
    return True, None


def _erase_rows(
    session: Session, pid: int, reason: str, reference: str, now: dt.datetime
) -> tuple[str, str, str, dict[str, int], list[Mention]]:
    """The erasure itself, inside the caller's transaction; returns the client key, the
    person's key and name (for the backup check, never stored), the counts and what still
    names them."""
    person, client = _person(session, pid)
    clean = check_reason(reason, person)
    assert client.id is not None
    name, key, client_id, client_key = person.name, person.key, client.id, client.key
    matcher = NameMatcher.for_person(name, key)
    counts = _counts(session, pid)
    owners, _rest = _split_owners(find_mentions(session, client_id, matcher, skip_person=pid))
    owner_ids = sorted({x.row_id for x in owners})
    if owner_ids:
        session.execute(
            update(m.ActionItem).where(col(m.ActionItem.id).in_(owner_ids)).values(owner=ERASED)
        )
    counts["action_owners_replaced"] = len(owner_ids)
    session.execute(
        update(m.ClientIssue)
        .where(col(m.ClientIssue.raised_by_id) == pid)
        .values(raised_by_id=None)
    )
    for model, where in (
        (m.RelationshipStep, col(m.RelationshipStep.stakeholder_id) == pid),
        (m.Relation, (col(m.Relation.from_id) == pid) | (col(m.Relation.to_id) == pid)),
        (m.MeetingAttendee, col(m.MeetingAttendee.stakeholder_id) == pid),
        (m.NotesPresent, col(m.NotesPresent.stakeholder_id) == pid),
        (m.MapPosition, col(m.MapPosition.stakeholder_id) == pid),
        (m.Stakeholder, col(m.Stakeholder.id) == pid),
    ):
        session.execute(delete(model).where(where))
    session.expunge_all()  # no copy of the person stays in this session
    search.reindex_client(session, client_id)
    search.compact(session)
    mentions = find_mentions(session, client_id, matcher)
    counts["mentions_left"] = len(mentions)
    session.add(
        m.ErasureLog(
            reference=reference,
            erased_at_utc=now,
            client_key=client_key,
            reason=clean,
            counts=counts,
        )
    )
    return client_key, key, name, counts, mentions


def erase(
    db: Database,
    stakeholder_id: int,
    reason: str,
    *,
    backups: Sequence[Path] | None = None,
    now: dt.datetime | None = None,
) -> ErasureResult:
    """Erase one person for good (see the module's notes). Not undoable. A reason that is
    missing or names the person is refused (FieldError) and nothing is written."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    reference = "E-" + secrets.token_hex(6)
    with _secure_connection(db) as (conn, raw):
        with Session(bind=conn) as session, session.begin():
            client_key, key, name, counts, mentions = _erase_rows(
                session, stakeholder_id, reason, reference, now
            )
        purged, problem = _purge(raw)
    paths = default_backups(db.path) if backups is None else list(backups)
    checks = [c for c in check_backups(paths, client_key, key, name) if c.holds is not False]
    return ErasureResult(reference, now, counts, mentions, checks, purged, problem)


# --- backups --------------------------------------------------------------------------------------


def default_backups(db_path: Path) -> list[Path]:
    """The copies of a dossier file that may still hold an erased person: its backups
    (``backup.list_backups``), the files a restore kept aside (``NAME.replaced-STAMP``) and the
    copies older versions kept before schema upgrades (``NAME.before-REV-DATE.bak``)."""
    db_path = Path(db_path).expanduser().resolve()
    found = {info.path: None for info in backup.list_backups(db_path)}
    name = _glob_escape(db_path.name)
    for pattern in (f"{name}.replaced-*", f"{name}.before-*.bak"):
        for path in sorted(db_path.parent.glob(pattern)):
            if not path.name.endswith(("-wal", "-shm", "-journal")):
                found[path] = None
    return list(found)


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def check_backups(
    paths: Iterable[Path], client_key: str, person_key: str, name: str
) -> list[BackupCheck]:
    """Whether each backup file still holds the person (by client key, and person key or
    name). Read-only, through ``backup.connect``: the files are not changed."""
    out = []
    for path in paths:
        path = Path(path)
        try:
            conn = backup.connect(path, "check")
        except Exception as exc:  # the driver's DB-API error: unreadable, say so
            out.append(BackupCheck(path, None, str(exc)))
            continue
        try:
            row = conn.execute(
                "SELECT count(*) FROM stakeholder s JOIN client c ON c.id = s.client_id "
                "WHERE c.key = ? AND (s.key = ? OR s.name = ?)",
                (client_key, person_key, name),
            ).fetchone()
            out.append(BackupCheck(path, bool(row[0])))
        except Exception as exc:  # not a dossier, damaged, or another key: unreadable
            out.append(BackupCheck(path, None, str(exc)))
        finally:
            conn.close()
    return out


def erasure_log(session: Session) -> list[m.ErasureLog]:
    return list(session.exec(select(m.ErasureLog).order_by(col(m.ErasureLog.id))))
