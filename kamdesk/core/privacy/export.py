"""The right of access: everything kept about one person, as JSON or a readable PDF."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from kamdesk.core import formats
from kamdesk.core.account.editing import FieldError
from kamdesk.core.documents import reports
from kamdesk.core.files import write_atomically, write_bytes_atomically
from kamdesk.core.i18n import _
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.privacy.mentions import (
    EXPORT_SUFFIXES,
    FORMAT,
    VERSION,
    Mention,
    NameMatcher,
    find_mentions,
    person_and_client,
    person_id,
)
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database

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
    person, client = person_and_client(session, stakeholder_id)
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
