"""Merging a read document into the dossier in one transaction (all-or-nothing), after the
pre-import backup: keyed objects updated in place, plain lists replaced, absent fields left
as they are, nothing deleted for being missing. The batched statements are in ``writing``,
the meetings in ``meetings``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import select

from kamdesk.core.errors import InvalidInput
from kamdesk.core.interchange.exchange import columns as cols
from kamdesk.core.interchange.exchange.meetings import MeetingWriter
from kamdesk.core.interchange.exchange.reading import Known, check_references, parse, read_text
from kamdesk.core.interchange.exchange.writing import ImportSummary
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database

__all__ = ["ImportSummary", "import_file", "import_text"]


class _Writer(MeetingWriter):
    """The whole document: the company, the products, each client with its lists, its
    people and (``MeetingWriter``) its meetings."""

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
        found = self.s.exec(select(m.Client.id).where(m.Client.key == src.key)).first()
        is_new = found is None
        values = cols.values(src, cols.CLIENT_COLS, is_new)
        values |= cols.nested(src, "credit", cols.CREDIT_COLS, is_new)
        values |= cols.nested(src, "discount_policy", cols.DISCOUNT_COLS, is_new)
        (cid,) = self._upsert(m.Client, "client", [(found, values)])
        self._figures(cid, src, is_new)
        self._needs(cid, src, is_new)
        if cols.gives(src, "plans", is_new):
            self._clear(m.Plan, "client_id", [cid])
            self._insert(m.Plan, [{"client_id": cid, **pl.model_dump()} for pl in src.plans])
        if cols.gives(src, "competitors", is_new):
            self._clear(m.Competitor, "client_id", [cid])
            self._insert(
                m.Competitor, [{"client_id": cid, **c.model_dump()} for c in src.competitors]
            )
        people = self._stakeholders(cid, src, is_new)
        self._issues_and_relations(cid, src, is_new, people)
        if src.meetings:
            self._meetings(cid, src.meetings, people)
        search.reindex_client(self.s, cid)

    def _figures(self, cid: int, src: doc.Client, is_new: bool) -> None:
        """Why the client is key, the financial periods and the targets (periods matched by
        name, updated in place)."""
        s = self.s
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

    def _needs(self, cid: int, src: doc.Client, is_new: bool) -> None:
        """The needs (by key) and the products each names."""
        if not cols.gives(src, "needs", is_new):
            return
        need_ids = cols.key_ids(
            self.s, select(m.Need.key, m.Need.id).where(m.Need.client_id == cid)
        )
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

    def _issues_and_relations(
        self, cid: int, src: doc.Client, is_new: bool, people: dict[str, int]
    ) -> None:
        """The complaints and objections (with who raised them) and the relations between
        people: lists that name the people, written once they have their ids."""
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
