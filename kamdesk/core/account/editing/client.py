"""A client's own links: why it is key (with notes), which products answer its needs, where
its people stand on the relationship map, and our company's row."""

from __future__ import annotations

from sqlmodel import col, select

from kamdesk.core.account.editing.fields import FieldError, row_of, validate
from kamdesk.core.account.editing.meetings import replace_product_links, set_note
from kamdesk.core.model import enums
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database


def need_products(db: Database, need_id: int) -> list[int]:
    with db.session() as session:
        return list(
            session.exec(
                select(m.NeedProduct.product_id)
                .where(m.NeedProduct.need_id == need_id)
                .order_by(col(m.NeedProduct.id))
            )
        )


def set_need_products(db: Database, need_id: int, product_ids: list[int]) -> list[int]:
    """Which of our products answer a need; returns the previous list."""
    return replace_product_links(db, m.Need, m.NeedProduct, "need_id", need_id, product_ids)


def key_reasons(db: Database, client_id: int) -> list[str]:
    with db.session() as session:
        return list(
            session.exec(
                select(m.ClientKeyReason.reason)
                .where(m.ClientKeyReason.client_id == client_id)
                .order_by(col(m.ClientKeyReason.id))
            )
        )


def key_reason_notes(db: Database, client_id: int) -> dict[str, str]:
    with db.session() as session:
        return {
            r.reason: r.note
            for r in session.exec(
                select(m.ClientKeyReason).where(m.ClientKeyReason.client_id == client_id)
            )
            if r.note
        }


def set_key_reason_note(db: Database, client_id: int, reason: str, text: str | None) -> str | None:
    """The KAM's note on why a definition applies (the reason must be ticked); returns the old."""
    return set_note(
        db,
        select(m.ClientKeyReason).where(
            m.ClientKeyReason.client_id == client_id, m.ClientKeyReason.reason == reason
        ),
        "note",
        validate(m.ClientKeyReason, "note", text),
        FieldError("note", "tick this definition before saying why it applies"),
    )


def set_key_reasons(db: Database, client_id: int, reasons: list[str]) -> list[str]:
    """Why the client is key (closed list); returns the previous reasons. Notes of reasons
    that stay are kept."""
    allowed = [r.value for r in enums.KeyReason]
    bad = [r for r in reasons if r not in allowed]
    if bad:
        raise FieldError("key_reasons", f"{bad[0]!r} is not one of: {', '.join(allowed)}")
    with db.transaction() as session:
        row_of(session, m.Client, client_id)
        rows = list(
            session.exec(select(m.ClientKeyReason).where(m.ClientKeyReason.client_id == client_id))
        )
        old = [r.reason for r in rows]
        notes = {r.reason: r.note for r in rows}
        for row in rows:
            session.delete(row)
        session.flush()
        for reason in dict.fromkeys(reasons):
            session.add(
                m.ClientKeyReason(client_id=client_id, reason=reason, note=notes.get(reason))
            )
    return old


def company_id(db: Database) -> int:
    """Our company's row (made, with defaults, when the dossier has none yet)."""
    with db.session() as session:
        if session.get(m.Company, 1) is not None:
            return 1
    with db.transaction() as session:
        session.add(m.Company(id=1, name=""))
    return 1


# --- the relationship map's layout ------------------------------------------------------------


def map_positions(db: Database, client_id: int) -> dict[int, tuple[float, float]]:
    with db.session() as session:
        stmt = (
            select(m.MapPosition)
            .join(m.Stakeholder, col(m.Stakeholder.id) == m.MapPosition.stakeholder_id)
            .where(m.Stakeholder.client_id == client_id)
        )
        return {p.stakeholder_id: (p.x, p.y) for p in session.exec(stmt)}


def set_map_position(db: Database, stakeholder_id: int, x: float, y: float) -> None:
    with db.transaction() as session:
        row_of(session, m.Stakeholder, stakeholder_id)
        row = session.get(m.MapPosition, stakeholder_id) or m.MapPosition(
            stakeholder_id=stakeholder_id, x=x, y=y
        )
        row.x, row.y = float(x), float(y)
        session.add(row)
