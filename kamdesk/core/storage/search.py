"""Search-as-you-type over clients, people, plans, meetings and notes (SQLite FTS5).

The only module besides ``db.py`` with SQLite-specific SQL. The index holds, per client, one
row per searchable thing with its text *folded* (anyascii + lower case), because FTS5's own
diacritic removal does not turn "ł" into "l" nor Cyrillic into Latin: "lodz" finds "Łódź",
"sokolov" finds "Соколов". It is rewritten for a client inside the same transaction as any
import or edit of that client, and rebuilt whole when a database is opened with an empty
index (after the migration that created it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from kamdesk.core.model import models as m

MAX_HITS = 50
# Each client's index rows live in their own rowid range, so rewriting one client deletes by
# rowid (FTS5 columns have no index: a "WHERE client_id = ?" would scan the whole index, which
# made importing 2,000 clients quadratic).
ROWS_PER_CLIENT = 10_000_000


def _range(client_id: int) -> dict[str, int]:
    return {"lo": client_id * ROWS_PER_CLIENT, "hi": (client_id + 1) * ROWS_PER_CLIENT}


def fold(value: str) -> str:
    return anyascii(value).lower()


_WORD = re.compile(r"[a-z0-9]+")


def words(value: str) -> list[str]:
    """The folded words of a text ("Łukasz Wróbel-Nowak" -> lukasz, wrobel, nowak): what
    matching names across imports, duplicates and erasure compares."""
    return _WORD.findall(fold(value))


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def reindex_client(session: Session, client_id: int) -> None:
    """Rewrite the index rows of one client (call inside the writing transaction)."""
    session.execute(
        text("DELETE FROM fts_search WHERE rowid >= :lo AND rowid < :hi"), _range(client_id)
    )
    client = session.get(m.Client, client_id)
    if client is None:
        return
    rows = [_client_row(client, client_id), *_people_and_plans(session, client_id)]
    rows += _meeting_rows(session, client_id)
    base = client_id * ROWS_PER_CLIENT
    session.execute(
        text(
            "INSERT INTO fts_search (rowid, kind, ref_id, client_id, title, body) "
            "VALUES (:rowid, :kind, :ref_id, :client_id, :title, :body)"
        ),
        [
            {**r, "rowid": base + i, "client_id": client_id, "body": fold(str(r["body"]))}
            for i, r in enumerate(rows)
        ],
    )


def _client_row(client: m.Client, client_id: int) -> dict[str, object]:
    return {
        "kind": "client",
        "ref_id": client_id,
        "title": client.name,
        "body": _join(
            client.key,
            client.name,
            client.industry,
            client.address,
            client.what_they_do,
            client.history,
            client.market_position,
            client.reference_story,
        ),
    }


def _people_and_plans(session: Session, client_id: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for p in session.exec(select(m.Stakeholder).where(m.Stakeholder.client_id == client_id)):
        rows.append(
            {
                "kind": "person",
                "ref_id": p.id,
                "title": p.name,
                "body": _join(
                    p.key,
                    p.name,
                    p.position,
                    p.department,
                    p.email,
                    p.phone,
                    p.interests,
                    p.personal_notes,
                    p.communication_style,
                ),
            }
        )
    for plan in session.exec(select(m.Plan).where(m.Plan.client_id == client_id)):
        rows.append(
            {"kind": "plan", "ref_id": plan.id, "title": plan.text[:120], "body": plan.text}
        )
    return rows


def _meeting_rows(session: Session, client_id: int) -> list[dict[str, object]]:
    """Each meeting, and after it its notes when it has some."""
    meetings = list(session.exec(select(m.Meeting).where(m.Meeting.client_id == client_id)))
    notes = (
        {
            n.meeting_id: n
            for n in session.exec(
                select(m.MeetingNotes).where(
                    col(m.MeetingNotes.meeting_id).in_([mt.id for mt in meetings])
                )
            )
        }
        if meetings
        else {}
    )
    rows: list[dict[str, object]] = []
    for mt in meetings:
        rows.append(
            {
                "kind": "meeting",
                "ref_id": mt.id,
                "title": mt.title,
                "body": _join(mt.key, mt.title, mt.objective, mt.location),
            }
        )
        note = notes.get(mt.id)  # type: ignore[arg-type]
        if note is not None:
            rows.append(
                {
                    "kind": "notes",
                    "ref_id": mt.id,
                    "title": mt.title,
                    "body": _join(note.summary, note.private, *note.decisions),
                }
            )
    return rows


def forget_client(session: Session, client_id: int) -> None:
    session.execute(
        text("DELETE FROM fts_search WHERE rowid >= :lo AND rowid < :hi"), _range(client_id)
    )


def rebuild(session: Session) -> None:
    session.execute(text("DELETE FROM fts_search"))
    for client_id in session.exec(select(m.Client.id)):
        if client_id is not None:
            reindex_client(session, client_id)


def needs_rebuild(session: Session) -> bool:
    indexed = session.execute(text("SELECT count(*) FROM fts_search")).scalar_one()
    clients = session.exec(select(func.count()).select_from(m.Client)).one()
    return indexed == 0 and clients > 0


@dataclass(frozen=True)
class Hit:
    kind: str  # client | person | plan | meeting | notes
    ref_id: int
    client_id: int
    client_name: str
    title: str
    snippet: str = ""  # the matching words in their context, plain (folded) text


# what marks the matched words in a snippet: plain characters, never markup
SNIPPET_OPEN, SNIPPET_CLOSE, SNIPPET_ELLIPSIS = "«", "»", "…"
SNIPPET_TOKENS = 10


def query_text(user_text: str) -> str | None:
    """An FTS5 query where every word must match as a prefix; None when nothing to search."""
    words = re.findall(r"\w+", fold(user_text))
    if not words:
        return None
    return " AND ".join(f'"{w}"*' for w in words[:12])


def search(session: Session, user_text: str, limit: int = MAX_HITS) -> list[Hit]:
    """Clients first, then people, then the rest, each asked for separately with a limit and
    no ranking (each hit with FTS5's ``snippet()`` of its folded text: the matched words
    between « and », as plain text), so a common word matching a hundred thousand rows still stops at the first
    few (bm25 ranking had to score every match: ~200 ms on the large portfolio)."""
    fts = query_text(user_text)
    if fts is None:
        return []
    hits: list[Hit] = []
    for kinds in (("client",), ("person",), ("plan", "meeting", "notes")):
        if len(hits) >= limit:
            break
        placeholders = ", ".join(f"'{k}'" for k in kinds)
        rows = session.execute(
            text(
                "SELECT s.kind, s.ref_id, s.client_id, c.name, s.title, "
                "snippet(fts_search, 4, :open, :close, :more, :tokens) FROM fts_search s "
                "JOIN client c ON c.id = s.client_id "
                f"WHERE fts_search MATCH :q AND s.kind IN ({placeholders}) LIMIT :n"
            ),
            {
                "q": fts,
                "n": limit - len(hits),
                "open": SNIPPET_OPEN,
                "close": SNIPPET_CLOSE,
                "more": SNIPPET_ELLIPSIS,
                "tokens": SNIPPET_TOKENS,
            },
        ).all()
        hits += [
            Hit(kind, int(ref), int(cid), cname, title, snippet or "")
            for kind, ref, cid, cname, title, snippet in rows
        ]
    return hits


def compact(session: Session) -> None:
    """Merge the index into one segment. FTS5 deletes by writing "delete" markers into new
    segments, so text removed from the index stays in its old segments until they are merged;
    an erasure (core.privacy) runs this so nothing of the erased person is left in them."""
    session.execute(text("INSERT INTO fts_search (fts_search) VALUES ('optimize')"))
