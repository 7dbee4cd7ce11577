"""Merging a read document into the dossier in one transaction (all-or-nothing), after the
pre-import backup: keyed objects updated in place, plain lists replaced, absent fields left
as they are, nothing deleted for being missing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, SQLModel, select

from kamdesk.core.account import confirmations
from kamdesk.core.account.queries import meeting_attendees
from kamdesk.core.errors import InvalidInput
from kamdesk.core.interchange.exchange import columns as cols
from kamdesk.core.interchange.exchange.reading import Known, check_references, parse, read_text
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database

# --- writing -----------------------------------------------------------------------------


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __str__(self) -> str:
        parts = []
        for kind in ("client", "product", "stakeholder", "meeting"):
            c, u = self.created.get(kind, 0), self.updated.get(kind, 0)
            if c or u:
                parts.append(f"{kind}s: {c} new, {u} updated")
        return "; ".join(parts) or "nothing to import"


class _Writer:
    """Writes a validated document with batched Core statements: one INSERT per table and
    client for new rows (with RETURNING for the ids children need), an UPDATE per existing
    row carrying only the fields the document gives, and one DELETE per replaced list."""

    def __init__(self, session: Session, summary: ImportSummary, trusted_ticks: bool = False):
        self.s = session
        self.summary = summary
        self.trusted_ticks = trusted_ticks
        self.secret = confirmations.dossier_secret(session)
        self.product_ids = cols.key_ids(session, select(m.Product.key, m.Product.id))

    # -- primitives --

    def _insert(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
        if rows:
            self.s.execute(insert(cols.table_of(model)), rows)

    def _insert_ids(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        table = cols.table_of(model)
        result = self.s.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return list(result.scalars())

    def _update(self, model: type[SQLModel], row_id: int, values: dict[str, Any]) -> None:
        if values:
            table = cols.table_of(model)
            self.s.execute(update(table).where(table.c.id == row_id).values(**values))

    def _clear(self, model: type[SQLModel], column: str, parent_ids: Iterable[int]) -> None:
        ids = list(parent_ids)
        table = cols.table_of(model)
        for i in range(0, len(ids), 500):
            self.s.execute(delete(table).where(table.c[column].in_(ids[i : i + 500])))

    def _upsert(
        self,
        model: type[SQLModel],
        kind: str | None,
        items: list[tuple[int | None, dict[str, Any]]],
    ) -> list[int]:
        """Insert the items without an id, update the others; the ids in the items' order."""
        ids: list[int | None] = [rid for rid, _ in items]
        fresh = [i for i, (rid, _) in enumerate(items) if rid is None]
        for rid, values in items:
            if rid is not None:
                self._update(model, rid, values)
        for i, new_id in zip(
            fresh, self._insert_ids(model, [items[i][1] for i in fresh]), strict=True
        ):
            ids[i] = new_id
        if kind:
            self.summary.created[kind] += len(fresh)
            self.summary.updated[kind] += len(items) - len(fresh)
        return [i for i in ids if i is not None]

    # -- objects --

    def company(self, src: doc.Company) -> None:
        is_new = self.s.get(m.Company, 1) is None
        values = cols.values(
            src, ("name", "currency", "annual_income", "key_share_threshold"), is_new
        )
        if is_new:
            self._insert(m.Company, [{"id": 1, **values}])
        else:
            self._update(m.Company, 1, values)

    def products(self, products: Sequence[doc.Product]) -> None:
        existing = dict(self.product_ids)
        items = []
        for src in products:
            rid = existing.get(src.key)
            items.append((rid, cols.values(src, cols.PRODUCT_COLS, rid is None)))
        ids = self._upsert(m.Product, "product", items)
        replace = [
            (pid, src)
            for pid, src in zip(ids, products, strict=True)
            if cols.gives(src, "faqs", existing.get(src.key) is None)
        ]
        self._clear(
            m.ProductFaq, "product_id", [pid for pid, src in replace if src.key in existing]
        )
        self._insert(
            m.ProductFaq,
            [
                {"product_id": pid, "question": f.question, "answer": f.answer, "tags": f.tags}
                for pid, src in replace
                for f in src.faqs
            ],
        )
        for pid, src in zip(ids, products, strict=True):
            self.product_ids[src.key] = pid

    def client(self, src: doc.Client) -> None:
        s = self.s
        found = s.exec(select(m.Client.id).where(m.Client.key == src.key)).first()
        is_new = found is None
        values = cols.values(src, cols.CLIENT_COLS, is_new)
        values |= cols.nested(src, "credit", cols.CREDIT_COLS, is_new)
        values |= cols.nested(src, "discount_policy", cols.DISCOUNT_COLS, is_new)
        (cid,) = self._upsert(m.Client, "client", [(found, values)])

        if cols.gives(src, "key_reasons", is_new):
            self._clear(m.ClientKeyReason, "client_id", [cid])
            notes = src.key_reason_notes.as_dict()
            self._insert(
                m.ClientKeyReason,
                [{"client_id": cid, "reason": r, "note": notes.get(r)} for r in src.key_reasons],
            )
        if cols.gives(src, "financials", is_new):
            have = {
                f.period: f.id
                for f in s.exec(select(m.FinancialPeriod).where(m.FinancialPeriod.client_id == cid))
            }
            self._upsert(
                m.FinancialPeriod,
                None,
                [
                    (
                        have.get(f.period),
                        {
                            "client_id": cid,
                            **cols.values(f, cols.FINANCE_COLS, f.period not in have),
                        },
                    )
                    for f in src.financials
                ],
            )
        if cols.gives(src, "targets", is_new):
            have = {
                t.period: t.id
                for t in s.exec(select(m.SalesTarget).where(m.SalesTarget.client_id == cid))
            }
            self._upsert(
                m.SalesTarget,
                None,
                [
                    (have.get(t.period), {"client_id": cid, "period": t.period, "target": t.target})
                    for t in src.targets
                ],
            )
        if cols.gives(src, "needs", is_new):
            need_ids = cols.key_ids(s, select(m.Need.key, m.Need.id).where(m.Need.client_id == cid))
            ids = self._upsert(
                m.Need,
                None,
                [
                    (need_ids.get(n.key), {"client_id": cid, "key": n.key, "text": n.text})
                    for n in src.needs
                ],
            )
            replace = [
                (nid, n)
                for nid, n in zip(ids, src.needs, strict=True)
                if cols.gives(n, "products", n.key not in need_ids)
            ]
            self._clear(m.NeedProduct, "need_id", [nid for nid, n in replace if n.key in need_ids])
            self._insert(
                m.NeedProduct,
                [
                    {"need_id": nid, "product_id": self.product_ids[k]}
                    for nid, n in replace
                    for k in n.products
                ],
            )
        if cols.gives(src, "plans", is_new):
            self._clear(m.Plan, "client_id", [cid])
            self._insert(m.Plan, [{"client_id": cid, **pl.model_dump()} for pl in src.plans])
        if cols.gives(src, "competitors", is_new):
            self._clear(m.Competitor, "client_id", [cid])
            self._insert(
                m.Competitor, [{"client_id": cid, **c.model_dump()} for c in src.competitors]
            )

        people = self._stakeholders(cid, src, is_new)

        if cols.gives(src, "issues", is_new):
            self._clear(m.ClientIssue, "client_id", [cid])
            self._insert(
                m.ClientIssue,
                [
                    {
                        "client_id": cid,
                        "kind": i.kind,
                        "text": i.text,
                        "response": i.response,
                        "status": i.status,
                        "raised_by_id": people[i.raised_by] if i.raised_by else None,
                    }
                    for i in src.issues
                ],
            )
        if cols.gives(src, "relations", is_new):
            self._clear(m.Relation, "client_id", [cid])
            self._insert(
                m.Relation,
                [
                    {
                        "client_id": cid,
                        "from_id": people[r.from_],
                        "to_id": people[r.to],
                        "kind": r.kind,
                    }
                    for r in src.relations
                ],
            )
        if src.meetings:
            self._meetings(cid, src.meetings, people)
        search.reindex_client(self.s, cid)

    def _stakeholders(self, cid: int, src: doc.Client, client_is_new: bool) -> dict[str, int]:
        have = cols.key_ids(
            self.s,
            select(m.Stakeholder.key, m.Stakeholder.id).where(m.Stakeholder.client_id == cid),
        )
        if not cols.gives(src, "stakeholders", client_is_new):
            return have
        persons = src.stakeholders
        ids = self._upsert(
            m.Stakeholder,
            "stakeholder",
            [
                (
                    have.get(p.key),
                    {"client_id": cid, **cols.values(p, cols.PERSON_COLS, p.key not in have)},
                )
                for p in persons
            ],
        )
        replace = [
            (pid, p)
            for pid, p in zip(ids, persons, strict=True)
            if cols.gives(p, "relationship_plan", p.key not in have)
        ]
        self._clear(
            m.RelationshipStep, "stakeholder_id", [pid for pid, p in replace if p.key in have]
        )
        self._insert(
            m.RelationshipStep,
            [
                {"stakeholder_id": pid, **st.model_dump()}
                for pid, p in replace
                for st in p.relationship_plan
            ],
        )
        return have | {p.key: pid for pid, p in zip(ids, persons, strict=True)}

    def _meetings(self, cid: int, meetings: Sequence[doc.Meeting], people: dict[str, int]) -> None:
        have = cols.key_ids(
            self.s, select(m.Meeting.key, m.Meeting.id).where(m.Meeting.client_id == cid)
        )
        needs = cols.key_ids(self.s, select(m.Need.key, m.Need.id).where(m.Need.client_id == cid))
        items = []
        for src in meetings:
            is_new = src.key not in have
            values = {"client_id": cid, **cols.values(src, cols.MEETING_COLS, is_new)}
            if cols.gives(src, "starts_at", is_new):
                start = src.starts_at
                offset = start.utcoffset() if start else None
                values["starts_at_utc"] = start.astimezone(dt.UTC) if start else None
                values["utc_offset_min"] = (
                    int(offset.total_seconds() // 60) if offset is not None else None
                )
            values |= cols.nested(src, "limits", cols.LIMIT_COLS, is_new)
            if cols.gives(src, "lessons", is_new):
                values["lessons"] = {str(n): t for n, t in src.lessons.as_dict().items()}
            items.append((have.get(src.key), values))
        ids = self._upsert(m.Meeting, "meeting", items)
        pairs = list(zip(ids, meetings, strict=True))

        def given(name: str) -> list[tuple[int, doc.Meeting]]:
            return [(mid, mt) for mid, mt in pairs if cols.gives(mt, name, mt.key not in have)]

        existing_ids = set(have.values())

        def old(rows: list[tuple[int, doc.Meeting]]) -> list[int]:
            return [mid for mid, mt in rows if mt.key in have]

        rows = given("attendees")
        self._clear(m.MeetingAttendee, "meeting_id", old(rows))
        self._insert(
            m.MeetingAttendee,
            [
                {"meeting_id": mid, "stakeholder_id": people[k]}
                for mid, mt in rows
                for k in mt.attendees
            ],
        )
        rows = given("products")
        self._clear(m.MeetingProduct, "meeting_id", old(rows))
        self._insert(
            m.MeetingProduct,
            [
                {"meeting_id": mid, "product_id": self.product_ids[k]}
                for mid, mt in rows
                for k in mt.products
            ],
        )
        rows = given("proposals")
        self._clear(m.Proposal, "meeting_id", old(rows))
        self._insert(
            m.Proposal,
            [
                {
                    "meeting_id": mid,
                    "text": pr.text,
                    "need_id": needs[pr.need] if pr.need else None,
                    "no_product": pr.no_product,
                }
                for mid, mt in rows
                for pr in mt.proposals
            ],
        )
        rows = given("notes")
        self._clear(m.MeetingNotes, "meeting_id", old(rows))  # actions and reviews cascade
        with_notes = [(mid, mt.notes) for mid, mt in rows if mt.notes is not None]
        note_ids = self._insert_ids(
            m.MeetingNotes,
            [
                {
                    "meeting_id": mid,
                    "summary": n.summary,
                    "summary_shared": n.summary_shared,
                    "private": n.private,
                    "decisions": list(n.decisions),
                    "objective_achieved": n.objective_achieved,
                    "next_meeting_on": n.next_meeting.on if n.next_meeting else None,
                    "next_meeting_purpose": n.next_meeting.purpose if n.next_meeting else None,
                }
                for mid, n in with_notes
            ],
        )
        notes = list(zip(note_ids, (n for _, n in with_notes), strict=True))
        self._insert(
            m.NotesPresent,
            [{"notes_id": nid, "stakeholder_id": people[k]} for nid, n in notes for k in n.present],
        )
        self._insert(
            m.ActionItem,
            [{"notes_id": nid, **a.model_dump()} for nid, n in notes for a in n.actions],
        )
        self._insert(
            m.SelfReview,
            [
                {
                    "notes_id": nid,
                    "mistake": k,
                    "verdict": v,
                    "comment": n.self_review_comments.as_dict().get(k),
                }
                for nid, n in notes
                for k, v in n.self_review.as_dict().items()
            ],
        )

        # Ticks given in the file vouch for the state just written; they count only once
        # reviewed here, unless the file's seal shows they come from this dossier's export.
        ticks = {
            mid: {
                n: getattr(mt.confirmations, n)
                for n in confirmations.NAMES
                if cols.gives(mt.confirmations, n, mt.key not in have)
            }
            for mid, mt in given("confirmations")
        }
        # (new meetings start unticked: only ticks given as true need stamping there)
        ticks = {mid: t for mid, t in ticks.items() if mid in existing_ids or any(t.values())}
        source = dict(pairs)
        for mid, tick in ticks.items():
            meeting = self.s.get(m.Meeting, mid)
            assert meeting is not None
            values = confirmations.stamped(meeting, meeting_attendees(self.s, mid), tick)
            fps = {n: values[f"{n}_fp"] or "" for n, v in tick.items() if v}
            received = source[mid].confirmations_seal
            sealed = self.trusted_ticks or (
                received is not None
                and confirmations.seal_matches(self.secret, source[mid].key, fps, received)
            )
            pending = set(meeting.ticks_unreviewed or []) - set(tick)
            if not sealed:
                pending |= set(fps)
            self._update(
                m.Meeting,
                mid,
                {
                    **values,
                    "ticks_unreviewed": [n for n in confirmations.NAMES if n in pending],
                    "ticks_seal": received,
                },
            )


def import_text(
    db: Database, text: str, source: str, *, trusted_ticks: bool = False
) -> ImportSummary:
    """Validate a whole document, then merge it in one transaction (all-or-nothing).
    ``trusted_ticks``: the ticks count as reviewed here (the demo, which we wrote ourselves);
    otherwise only a file sealed by this dossier's own export brings reviewed ticks."""
    portfolio = parse(text, source)
    with db.session() as session:
        problems = check_references(portfolio, Known.load(session))
    if problems:
        raise InvalidInput(source, problems)
    backup.before_import(db)
    summary = ImportSummary()
    with db.transaction() as session:
        writer = _Writer(session, summary, trusted_ticks)
        if portfolio.company is not None:
            writer.company(portfolio.company)
        writer.products(portfolio.products)
        for client in portfolio.clients:
            writer.client(client)
    return summary


def import_file(db: Database, path: Path) -> ImportSummary:
    return import_text(db, read_text(path), str(path))
