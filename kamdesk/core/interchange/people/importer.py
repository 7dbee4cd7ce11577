"""Planning an import of people into one client, and carrying the plan out.

- **Duplicates**: the same e-mail (ignoring case) or the same name after folding
  (:func:`~.model.name_key`) are one person. Duplicates inside a file are merged into the
  first (later ones only fill its empty fields). Against the client's people, a match is
  updated: e-mail, phone and position are replaced when the file has a different value,
  department and language only fill empty fields; the name and every relationship field the
  KAM entered are never touched.
- :func:`plan_import` reads only; :func:`apply_import` writes the plan in one transaction,
  after a backup, and refuses it when a person changed since the plan was made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session, col, select

from kamdesk.core.account.editing import slug, unique_key
from kamdesk.core.errors import KamdeskError, UnknownKey
from kamdesk.core.interchange.people.model import Candidate, client_of, name_key
from kamdesk.core.model import models as m
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database

Action = Literal["create", "update", "skip"]
# Replaced when the file has another value; the others only fill empty fields.
REPLACED = ("email", "phone", "position")
FILLED = ("department", "language")


def _email_key(email: str | None) -> str | None:
    return email.strip().casefold() if email else None


def _same(column: str, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    if column == "email":
        return a.strip().casefold() == b.strip().casefold()
    if column == "phone":

        def digits(v: str) -> str:
            return ("+" if v.strip().startswith("+") else "") + re.sub(r"\D", "", v)

        return digits(a) == digits(b)
    return a.strip() == b.strip()


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass
class PlanItem:
    """What happens to one person of the file (duplicates already merged into it)."""

    action: Action
    candidate: Candidate
    lines: list[int]  # every line merged into this person, first one first
    existing_id: int | None = None
    existing_key: str | None = None
    existing_name: str | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def merged(self) -> int:
        return len(self.lines) - 1


@dataclass
class ImportPlan:
    client_id: int
    items: list[PlanItem]

    def count(self, action: Action) -> int:
        return sum(1 for i in self.items if i.action == action)

    @property
    def merged(self) -> int:
        return sum(i.merged for i in self.items)

    @property
    def writes(self) -> bool:
        return any(i.action != "skip" for i in self.items)

    def summary(self) -> str:
        return _counts(self.count("create"), self.count("update"), self.count("skip"), self.merged)


def _counts(created: int, updated: int, unchanged: int, merged: int) -> str:
    text = f"{created} new, {updated} updated, {unchanged} unchanged"
    if merged:
        text += f", {merged} duplicate{'s' if merged != 1 else ''} merged"
    return text


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    merged: int

    def __str__(self) -> str:
        return _counts(self.created, self.updated, self.unchanged, self.merged)


def _merge(first: Candidate, other: Candidate) -> Candidate:
    values = first.values()
    for f, v in other.values().items():
        if values[f] is None and v is not None:
            values[f] = v
    return Candidate(line=first.line, **values)  # type: ignore[arg-type]


def _keys(c: Candidate) -> list[str]:
    out = []
    if c.email:
        out.append("e:" + c.email.strip().casefold())
    key = name_key(c.name)
    if key:
        out.append("n:" + key)
    return out


def _group(candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Likely duplicates inside the file, grouped (transitively), in file order."""
    parent = list(range(len(candidates)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, c in enumerate(candidates):
        for k in _keys(c):
            if k in seen:
                a, b = root(seen[k]), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                seen[k] = i
    groups: dict[int, list[Candidate]] = {}
    for i, c in enumerate(candidates):
        groups.setdefault(root(i), []).append(c)
    return [groups[r] for r in sorted(groups)]


def client_id_for_key(db: Database, key: str) -> int:
    with db.session() as session:
        found = session.exec(select(m.Client.id).where(m.Client.key == key)).first()
    if found is None:
        raise UnknownKey(f"No client with key {key!r}.")
    return found


def _people(session: Session, client_id: int) -> list[m.Stakeholder]:
    return list(
        session.exec(
            select(m.Stakeholder)
            .where(m.Stakeholder.client_id == client_id)
            .order_by(col(m.Stakeholder.id))
        )
    )


def _matched_items(people: list[m.Stakeholder], candidates: Sequence[Candidate]) -> list[PlanItem]:
    """One item per person of the file (duplicates merged), each with the existing person it
    matches, if any: by e-mail first, then by name. Two persons of the file matching one
    existing person are merged too."""
    by_key: dict[str, m.Stakeholder] = {}
    for person in people:
        for k in _keys(Candidate(0, person.name, email=person.email)):
            by_key.setdefault(k, person)
    items: list[PlanItem] = []
    targets: dict[int, PlanItem] = {}  # existing person id -> the item updating them
    for group in _group(candidates):
        merged = group[0]
        for other in group[1:]:
            merged = _merge(merged, other)
        lines = [c.line for c in group]
        keys = _keys(merged)
        match = next((by_key[k] for k in keys if k.startswith("e:") and k in by_key), None)
        match = match or next((by_key[k] for k in keys if k in by_key), None)
        if match is not None and match.id in targets:  # two file persons, one existing person
            item = targets[match.id]
            item.candidate = _merge(item.candidate, merged)
            item.lines += lines
            continue
        item = PlanItem("create", merged, lines)
        if match is not None:
            assert match.id is not None
            item.existing_id, item.existing_key, item.existing_name = (
                match.id,
                match.key,
                match.name,
            )
            targets[match.id] = item
        items.append(item)
    return items


def _decide(item: PlanItem, by_id: dict[int | None, m.Stakeholder]) -> None:
    """The item's changes, and whether it creates, updates or leaves a person as they are."""
    if item.existing_id is None:
        item.changes = [
            FieldChange(f, None, v) for f, v in item.candidate.values().items() if v is not None
        ]
        return
    person = by_id[item.existing_id]
    changes = []
    for f in REPLACED + FILLED:
        old, new = getattr(person, f), getattr(item.candidate, f)
        if new is None or _same(f, old, new) or (f in FILLED and old):
            continue
        changes.append(FieldChange(f, old, new))
    item.changes = changes
    item.action = "update" if changes else "skip"


def plan_import(db: Database, client_id: int, candidates: Sequence[Candidate]) -> ImportPlan:
    """What importing ``candidates`` into the client would do; nothing is written."""
    with db.session() as session:
        client_of(session, client_id)
        people = _people(session, client_id)
    items = _matched_items(people, candidates)
    by_id: dict[int | None, m.Stakeholder] = {p.id: p for p in people}
    for item in items:
        _decide(item, by_id)
    return ImportPlan(client_id, items)


def _stale() -> KamdeskError:
    return KamdeskError(
        "The client's people changed since the preview; nothing was imported. "
        "Preview the file again."
    )


def _create(session: Session, client_id: int, keys: set[str], c: Candidate) -> None:
    key = unique_key(keys, slug(c.name))
    keys.add(key)
    session.add(
        m.Stakeholder(
            client_id=client_id,
            key=key,
            name=c.name,
            position=c.position,
            department=c.department,
            email=c.email,
            phone=c.phone,
            language=c.language,
        )
    )


def _update(session: Session, client_id: int, item: PlanItem) -> None:
    person = session.get(m.Stakeholder, item.existing_id)
    if person is None or person.client_id != client_id:
        raise _stale()
    for change in item.changes:
        if not _same(change.field, getattr(person, change.field), change.old):
            raise _stale()
        setattr(person, change.field, change.new)
    session.add(person)


def apply_import(db: Database, client_id: int, plan: ImportPlan) -> ImportSummary:
    """Carry out a plan in one transaction: all of it or, on any problem, nothing. A person
    changed since the plan was made stops the import (make a new plan)."""
    if plan.client_id != client_id:
        raise KamdeskError("This preview was made for another client; nothing was imported.")
    summary = ImportSummary(
        plan.count("create"), plan.count("update"), plan.count("skip"), plan.merged
    )
    if not plan.writes:
        return summary
    backup.before_import(db)
    with db.transaction() as session:
        client_of(session, client_id)
        keys = set(
            session.exec(select(m.Stakeholder.key).where(m.Stakeholder.client_id == client_id))
        )
        for item in plan.items:
            if item.action == "create":
                _create(session, client_id, keys, item.candidate)
            elif item.action == "update":
                _update(session, client_id, item)
        session.flush()
        search.reindex_client(session, client_id)
    return summary
