"""The batched statements the portfolio JSON import writes with (one INSERT per table and
client, an UPDATE per existing row, one DELETE per replaced list), and what it counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, SQLModel, select

from kamdesk.core.account import confirmations
from kamdesk.core.interchange.exchange import columns as cols
from kamdesk.core.model import models as m


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


class Writer:
    """Writes a validated document with batched Core statements: one INSERT per table and
    client for new rows (with RETURNING for the ids children need), an UPDATE per existing
    row carrying only the fields the document gives, and one DELETE per replaced list."""

    def __init__(self, session: Session, summary: ImportSummary, trusted_ticks: bool = False):
        self.s = session
        self.summary = summary
        self.trusted_ticks = trusted_ticks
        self.secret = confirmations.dossier_secret(session)
        self.product_ids = cols.key_ids(session, select(m.Product.key, m.Product.id))

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
