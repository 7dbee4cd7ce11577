"""Writing the dossier as a portfolio document: the whole or some clients, streamed a batch
of clients at a time, every number finite, sealed ticks kept sealed."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from kamdesk.core import files
from kamdesk.core.account import confirmations, loading
from kamdesk.core.errors import InvalidInput, Problem, UnknownKey
from kamdesk.core.interchange.exchange import columns as cols
from kamdesk.core.interchange.exchange.reading import MAX_REPORTED, format_path
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database

T = TypeVar("T", bound=SQLModel)


# --- exporting --------------------------------------------------------------------------------


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _kids(grouped: dict[int, list[T]], row_id: int | None) -> list[T]:
    return grouped.get(row_id, []) if row_id is not None else []


def _header(session: Session, now: dt.datetime | None) -> dict[str, Any]:
    """The document without its clients: format, stamp, company, products."""
    company = session.get(m.Company, 1)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    faqs = loading.grouped(session, m.ProductFaq, "product_id", None)
    return {
        "format": doc.FORMAT_NAME,
        "version": doc.FORMAT_VERSION,
        "exported_at": stamp.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "company": None
        if company is None
        else {
            "name": company.name,
            "currency": company.currency,
            "annual_income": _num(company.annual_income),
            "key_share_threshold": _num(company.key_share_threshold),
        },
        "products": [
            {
                "key": p.key,
                "name": p.name,
                "summary": p.summary,
                "key_facts": list(p.key_facts),
                "faqs": [
                    {"question": f.question, "answer": f.answer, "tags": list(f.tags)}
                    for f in _kids(faqs, p.id)
                ],
                "reviewed_on": _date(p.reviewed_on),
            }
            for p in session.exec(select(m.Product).order_by(col(m.Product.id)))
        ],
        "clients": [],
    }


def export_document(
    session: Session, client_keys: Sequence[str] | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The portfolio (or the named clients) as a format-v1 document (a plain dict)."""
    document = _header(session, now)
    document["clients"] = _client_docs(session, client_keys)
    return document


class _Rows:
    """The rows of the named clients (all when None), read by ``account.loading`` (each table
    once, grouped by parent), and the format-v1 objects made from them."""

    def __init__(self, session: Session, client_keys: Sequence[str] | None):
        rows = loading.load(session, keys=client_keys)
        self.rows = rows
        self.clients = rows.clients
        self.product_key = {pid: p.key for pid, p in rows.products.items()}
        self.person_key = {p.id: p.key for found in rows.people.values() for p in found}
        self.need_key = {n.id: n.key for found in rows.needs.values() for n in found}
        self.person_by_id = {p.id: p for found in rows.people.values() for p in found}
        self.secret = confirmations.dossier_secret(session)

    def ticks(self, mt: m.Meeting) -> dict[str, bool]:
        """Ticks as they count now: a tick whose state has changed since is exported false."""
        if not (mt.route_checked_fp or mt.listening_plan_fp or mt.etiquette_reviewed_fp):
            return dict.fromkeys(confirmations.NAMES, False)
        attending = [self.person_by_id[a.stakeholder_id] for a in _kids(self.rows.attendees, mt.id)]
        return confirmations.effective(mt, attending)

    def meeting_doc(self, mt: m.Meeting) -> dict[str, Any]:
        start = mt.starts_at
        nt = self.rows.notes.get(mt.id) if mt.id is not None else None
        counting = self.ticks(mt)
        return {
            "key": mt.key,
            "title": mt.title,
            "kind": mt.kind,
            "starts_at": start.isoformat() if start else None,
            "duration_min": mt.duration_min,
            "mode": mt.mode,
            "location": mt.location,
            "on_site": mt.on_site,
            "video_link": mt.video_link,
            "phone": mt.phone,
            "travel_min": mt.travel_min,
            "buffer_min": mt.buffer_min,
            "attendees": [
                self.person_key[a.stakeholder_id] for a in _kids(self.rows.attendees, mt.id)
            ],
            "objective": mt.objective,
            "commitment_sought": mt.commitment_sought,
            "agenda": list(mt.agenda),
            "questions": list(mt.questions),
            "proposals": [
                {
                    "text": pr.text,
                    "need": self.need_key.get(pr.need_id) if pr.need_id else None,
                    "no_product": pr.no_product,
                }
                for pr in _kids(self.rows.proposals, mt.id)
            ],
            "limits": {
                "max_discount_pct": _num(mt.max_discount_pct),
                "walk_away": mt.walk_away,
                "credit_line": mt.credit_line,
            },
            "products": [
                self.product_key[p.product_id] for p in _kids(self.rows.meeting_products, mt.id)
            ],
            "confirmations": counting,
            "confirmations_seal": confirmations.export_seal(mt, counting, self.secret),
            "lessons": {n: mt.lessons[n] for n in sorted(mt.lessons or {})},
            "override_reason": mt.override_reason,
            "notes": None if nt is None else self.notes_doc(nt),
        }

    def notes_doc(self, nt: m.MeetingNotes) -> dict[str, Any]:
        return {
            "summary": nt.summary,
            "summary_shared": nt.summary_shared,
            "private": nt.private,
            "present": [self.person_key[p.stakeholder_id] for p in _kids(self.rows.present, nt.id)],
            "objective_achieved": nt.objective_achieved,
            "decisions": list(nt.decisions),
            "actions": [
                {"text": a.text, "owner": a.owner, "due": _date(a.due), "done": a.done}
                for a in _kids(self.rows.actions, nt.id)
            ],
            "next_meeting": None
            if nt.next_meeting_on is None and nt.next_meeting_purpose is None
            else {"on": _date(nt.next_meeting_on), "purpose": nt.next_meeting_purpose},
            "self_review": {
                str(r.mistake): r.verdict
                for r in sorted(_kids(self.rows.reviews, nt.id), key=lambda r: r.mistake)
            },
            "self_review_comments": {
                str(r.mistake): r.comment
                for r in sorted(_kids(self.rows.reviews, nt.id), key=lambda r: r.mistake)
                if r.comment is not None
            },
        }

    def person_doc(self, p: m.Stakeholder) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(p, name) for name in cols.PERSON_COLS}
        out["last_contact_on"] = _date(p.last_contact_on)
        out["relationship_plan"] = [
            {"step": st.step, "due": _date(st.due), "done": st.done}
            for st in _kids(self.rows.steps, p.id)
        ]
        return out

    def client_doc(self, c: m.Client) -> dict[str, Any]:
        cid: int = c.id  # type: ignore[assignment]
        out: dict[str, Any] = {
            name: getattr(c, name)
            for name in cols.CLIENT_COLS
            if name not in ("key_level", "reference_story")
        }
        out["key_reasons"] = [r.reason for r in _kids(self.rows.key_reasons, cid)]
        out["key_reason_notes"] = {
            r.reason: r.note for r in _kids(self.rows.key_reasons, cid) if r.note
        }
        out["key_level"] = c.key_level
        out["reference_story"] = c.reference_story
        out["financials"] = [
            {
                "period": f.period,
                **{k: _num(getattr(f, k)) for k in cols.FINANCE_COLS if k != "period"},
            }
            for f in _kids(self.rows.financials, cid)
        ]
        out["targets"] = [
            {"period": t.period, "target": _num(t.target)} for t in _kids(self.rows.targets, cid)
        ]
        out["credit"] = {
            "limit": _num(c.credit_limit),
            "payment_terms_days": c.payment_terms_days,
            "rating": c.credit_rating,
            "previous_rating": c.previous_credit_rating,
        }
        out["discount_policy"] = {
            "standard_pct": _num(c.discount_standard_pct),
            "max_pct": _num(c.discount_max_pct),
        }
        out["needs"] = [
            {
                "key": n.key,
                "text": n.text,
                "products": [
                    self.product_key[np.product_id] for np in _kids(self.rows.need_products, n.id)
                ],
            }
            for n in _kids(self.rows.needs, cid)
        ]
        out["plans"] = [
            {"kind": pl.kind, "text": pl.text, "due": _date(pl.due), "status": pl.status}
            for pl in _kids(self.rows.plans, cid)
        ]
        out["competitors"] = [
            {"name": co.name, "share_of_wallet": _num(co.share_of_wallet), "notes": co.notes}
            for co in _kids(self.rows.competitors, cid)
        ]
        out["issues"] = [
            {
                "kind": i.kind,
                "text": i.text,
                "raised_by": self.person_key.get(i.raised_by_id) if i.raised_by_id else None,
                "response": i.response,
                "status": i.status,
            }
            for i in _kids(self.rows.issues, cid)
        ]
        out["stakeholders"] = [self.person_doc(p) for p in _kids(self.rows.people, cid)]
        out["relations"] = [
            {"from": self.person_key[r.from_id], "to": self.person_key[r.to_id], "kind": r.kind}
            for r in _kids(self.rows.relations, cid)
        ]
        out["meetings"] = [self.meeting_doc(mt) for mt in _kids(self.rows.meetings, cid)]
        return out


def _client_docs(session: Session, client_keys: Sequence[str] | None) -> list[dict[str, Any]]:
    """The named clients (all when None) as format-v1 objects, in insertion order."""
    rows = _Rows(session, client_keys)
    return [rows.client_doc(c) for c in rows.clients]


def dumps(document: dict[str, Any]) -> str:
    _refuse_non_finite(document, [])
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _refuse_non_finite(node: Any, loc: list[Any]) -> None:
    """JSON has no NaN or Infinity: a number stored before the importer refused them stops
    the export with the place to correct, rather than an invalid file or a silent null."""
    problems: list[Problem] = []
    stack: list[tuple[Any, list[Any]]] = [(node, loc)]
    while stack:
        here, where = stack.pop()
        if isinstance(here, float) and not math.isfinite(here):
            problems.append(
                Problem(
                    format_path(where),
                    f"{'NaN' if math.isnan(here) else 'Infinity'} cannot be written in JSON: "
                    "correct the figure and export again",
                )
            )
        elif isinstance(here, dict):
            stack += [(v, [*where, k]) for k, v in here.items()]
        elif isinstance(here, list):
            stack += [(v, [*where, i]) for i, v in enumerate(here)]
    if problems:
        raise InvalidInput(
            "export", sorted(problems, key=str)[:MAX_REPORTED], outcome="nothing was written"
        )


EXPORT_BATCH = 100  # clients held in memory at a time while exporting


def iter_export_text(
    session: Session, client_keys: Sequence[str] | None = None, now: dt.datetime | None = None
) -> Iterator[str]:
    """The document as text, exactly ``dumps(export_document(...))``, produced a batch of
    clients at a time so a large portfolio never sits in memory whole."""
    stmt = select(m.Client.key).order_by(col(m.Client.id))
    if client_keys is not None:
        stmt = stmt.where(col(m.Client.key).in_(client_keys))
    keys = list(session.exec(stmt))
    head = dumps(_header(session, now))
    marker = '"clients": []'
    cut = head.rindex(marker)
    if not keys:
        yield head
        return
    yield head[:cut] + '"clients": [\n'
    for start in range(0, len(keys), EXPORT_BATCH):
        batch = _client_docs(session, keys[start : start + EXPORT_BATCH])
        parts = []
        for client in batch:
            _refuse_non_finite(client, ["clients", str(client.get("key"))])
            text = json.dumps(client, ensure_ascii=False, indent=2, allow_nan=False)
            parts.append("\n".join("    " + line for line in text.split("\n")))
        yield ("" if start == 0 else ",\n") + ",\n".join(parts)
    yield "\n  ]" + head[cut + len(marker) :]


def export_file(db: Database, path: Path, client_keys: Sequence[str] | None = None) -> int:
    """Export to ``path`` atomically; returns the number of clients written."""
    with db.session() as session:
        if client_keys is not None:
            known = set(
                session.exec(select(m.Client.key).where(col(m.Client.key).in_(client_keys)))
            )
            missing = [k for k in client_keys if k not in known]
            if missing:
                raise UnknownKey(f"No client with key {missing[0]!r}.")
            count = len(known)
        else:
            count = session.exec(select(func.count()).select_from(m.Client)).one()
        files.write_chunks_atomically(path, iter_export_text(session, client_keys))
    return count
