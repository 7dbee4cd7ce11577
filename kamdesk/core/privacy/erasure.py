"""The right to be forgotten: what erasing a person removes, the erasure itself (secure
delete, the index merged, VACUUM, the WAL truncated), and which backups still hold them."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy.exc
from sqlalchemy import Connection, delete, func, update
from sqlmodel import Session, col, select

from kamdesk.core import errors
from kamdesk.core.account.editing import FieldError
from kamdesk.core.model import models as m
from kamdesk.core.privacy.mentions import (
    ERASED,
    REASON_MAX,
    Mention,
    NameMatcher,
    find_mentions,
    person_and_client,
)
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database

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
    person, client = person_and_client(session, stakeholder_id)
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
    person, client = person_and_client(session, pid)
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
