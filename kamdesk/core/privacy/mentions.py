"""Finding a person: by key, and by name in the free text of their client (folded, word
beginnings, declined forms; certain or possible matches)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from kamdesk.core import errors
from kamdesk.core.i18n import _
from kamdesk.core.model import models as m
from kamdesk.core.storage import search

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


def texts(session: Session, client_id: int, skip_person: int | None) -> Iterator[_Text]:
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
    for t in texts(session, client_id, skip_person):
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


def person_and_client(session: Session, stakeholder_id: int) -> tuple[m.Stakeholder, m.Client]:
    person = session.get(m.Stakeholder, stakeholder_id)
    if person is None:
        raise errors.UnknownKey("That person no longer exists (they were deleted or erased).")
    client = session.get(m.Client, person.client_id)
    assert client is not None
    return person, client
