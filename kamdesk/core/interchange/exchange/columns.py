"""How the format's objects map onto the tables' columns, for the importer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, SQLModel

from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m


def columns_of(table: type[SQLModel], model: type[BaseModel]) -> tuple[str, ...]:
    cols = set(table.__table__.columns.keys())  # type: ignore[attr-defined]
    return tuple(name for name in model.model_fields if name in cols and name != "id")


CLIENT_COLS = columns_of(m.Client, doc.Client)
PRODUCT_COLS = columns_of(m.Product, doc.Product)
PERSON_COLS = columns_of(m.Stakeholder, doc.Stakeholder)
# lessons: a JSON column from a nested object (written apart)
MEETING_COLS = tuple(c for c in columns_of(m.Meeting, doc.Meeting) if c != "lessons")
FINANCE_COLS = columns_of(m.FinancialPeriod, doc.FinancialPeriod)

# Nested objects of the format stored as columns of their parent: (attribute, column) pairs.
CREDIT_COLS = (
    ("limit", "credit_limit"),
    ("payment_terms_days", "payment_terms_days"),
    ("rating", "credit_rating"),
    ("previous_rating", "previous_credit_rating"),
)
DISCOUNT_COLS = (("standard_pct", "discount_standard_pct"), ("max_pct", "discount_max_pct"))
LIMIT_COLS = (
    ("max_discount_pct", "max_discount_pct"),
    ("walk_away", "walk_away"),
    ("credit_line", "credit_line"),
)


def gives(src: BaseModel, name: str, is_new: bool) -> bool:
    """Does the document give this field? (Everything counts for a new object: defaults too.)"""
    return is_new or name in src.model_fields_set


def values(src: BaseModel, names: Iterable[str], is_new: bool) -> dict[str, Any]:
    return {name: getattr(src, name) for name in names if gives(src, name, is_new)}


def nested(
    src: BaseModel, name: str, pairs: Iterable[tuple[str, str]], is_new: bool
) -> dict[str, Any]:
    if not gives(src, name, is_new):
        return {}
    inner: BaseModel = getattr(src, name)
    return {column: getattr(inner, attr) for attr, column in pairs if gives(inner, attr, is_new)}


def table_of(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def key_ids(session: Session, stmt: Any) -> dict[str, int]:
    return {key: rid for key, rid in session.exec(stmt) if rid is not None}
