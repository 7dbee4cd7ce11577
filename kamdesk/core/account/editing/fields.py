"""One field at a time: the validation every edit goes through (the exchange format's
rules) and setting or reading one value."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy.exc
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session, SQLModel

from kamdesk.core.errors import KamdeskError
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m
from kamdesk.core.storage import search
from kamdesk.core.storage.db import Database


class FieldError(KamdeskError):
    """A value the field cannot take. ``field`` names it; ``str()`` says what is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# Which document field validates each editable column (column -> (doc model, doc field)).
_VALIDATED_BY: dict[type[SQLModel], dict[str, tuple[type[doc.Doc], str]]] = {
    m.Client: {
        **{c: (doc.Client, c) for c in doc.Client.model_fields if c in m.Client.model_fields},
        "credit_limit": (doc.Credit, "limit"),
        "payment_terms_days": (doc.Credit, "payment_terms_days"),
        "credit_rating": (doc.Credit, "rating"),
        "previous_credit_rating": (doc.Credit, "previous_rating"),
        "discount_standard_pct": (doc.DiscountPolicy, "standard_pct"),
        "discount_max_pct": (doc.DiscountPolicy, "max_pct"),
    },
    m.Stakeholder: {
        c: (doc.Stakeholder, c)
        for c in doc.Stakeholder.model_fields
        if c in m.Stakeholder.model_fields
    },
    m.Meeting: {
        **{c: (doc.Meeting, c) for c in doc.Meeting.model_fields if c in m.Meeting.model_fields},
        "starts_at": (doc.Meeting, "starts_at"),
        "max_discount_pct": (doc.Limits, "max_discount_pct"),
        "walk_away": (doc.Limits, "walk_away"),
        "credit_line": (doc.Limits, "credit_line"),
    },
    m.Product: {
        c: (doc.Product, c) for c in doc.Product.model_fields if c in m.Product.model_fields
    },
    m.FinancialPeriod: {c: (doc.FinancialPeriod, c) for c in doc.FinancialPeriod.model_fields},
    m.SalesTarget: {c: (doc.Target, c) for c in doc.Target.model_fields},
    m.Need: {"text": (doc.Need, "text")},
    m.Plan: {c: (doc.Plan, c) for c in doc.Plan.model_fields},
    m.Competitor: {c: (doc.Competitor, c) for c in doc.Competitor.model_fields},
    m.ClientIssue: {c: (doc.Issue, c) for c in ("kind", "text", "response", "status")},
    m.RelationshipStep: {c: (doc.RelationshipStep, c) for c in doc.RelationshipStep.model_fields},
    m.Company: {c: (doc.Company, c) for c in doc.Company.model_fields},
    m.Relation: {"kind": (doc.Relation, "kind")},
    m.Proposal: {"text": (doc.Proposal, "text"), "no_product": (doc.Proposal, "no_product")},
    m.ProductFaq: {c: (doc.Faq, c) for c in doc.Faq.model_fields},
    m.MeetingNotes: {
        "summary": (doc.Notes, "summary"),
        "summary_shared": (doc.Notes, "summary_shared"),
        "private": (doc.Notes, "private"),
        "decisions": (doc.Notes, "decisions"),
        "objective_achieved": (doc.Notes, "objective_achieved"),
        "next_meeting_on": (doc.NextMeeting, "on"),
        "next_meeting_purpose": (doc.NextMeeting, "purpose"),
    },
    m.SelfReview: {"comment": (doc.SelfReviewComments, "m1")},
    m.ClientKeyReason: {"note": (doc.KeyReasonNotes, "reference")},
    m.ActionItem: {c: (doc.ActionItem, c) for c in doc.ActionItem.model_fields},
}

# Keys are identifiers that other objects and scripts refer to: not edited in place.
_READ_ONLY = {"key", "id", "client_id"}


@cache
def _adapter(model: type[SQLModel], column: str) -> TypeAdapter[Any]:
    try:
        doc_model, field = _VALIDATED_BY[model][column]
    except KeyError:
        raise FieldError(column, "this field cannot be edited here") from None
    info = doc_model.model_fields[field]
    return TypeAdapter(info.rebuild_annotation())  # the annotation with its validators


# What a record is called cannot be emptied afterwards either (adding one already refuses).
_NAMED_BY = {
    m.Client: ("name", "a client needs a name"),
    m.Stakeholder: ("name", "a person needs a name"),
    m.Meeting: ("title", "a meeting needs a title"),
    m.Product: ("name", "a product needs a name"),
}


def validate(model: type[SQLModel], column: str, value: Any) -> Any:
    """The value as the field stores it, or FieldError with a message for the user."""
    if column in _READ_ONLY:
        raise FieldError(column, "keys are identifiers and cannot be edited")
    named = _NAMED_BY.get(model)
    if named and column == named[0] and (value is None or not str(value).strip()):
        raise FieldError(column, named[1])
    if column in ID_COLUMNS:  # a link chosen from a list; the database checks it exists
        if value is not None and not isinstance(value, int):
            raise FieldError(column, "not a valid choice")
        return value
    if isinstance(value, str) and column not in (
        "text",
        "name",
        "title",
        "step",
        "question",
        "answer",
    ):
        value = value.strip() or None  # an emptied optional text field means "not known"
    try:
        clean = _adapter(model, column).validate_python(value, strict=True)
        if isinstance(clean, doc.Lessons):  # stored as {"3": "…"}, emptied lines dropped
            return {str(n): t.strip() for n, t in clean.as_dict().items() if t.strip()}
        return clean
    except ValidationError as exc:
        raise FieldError(column, doc.error_text(exc.errors()[0])) from None


def row_of(session: Session, model: type[SQLModel], row_id: int) -> Any:
    row = session.get(model, row_id)
    if row is None:
        what = getattr(model, "__tablename__", "record")
        raise KamdeskError(f"That {what} no longer exists (it was deleted).")
    return row


def set_field(db: Database, model: type[SQLModel], row_id: int, column: str, value: Any) -> Any:
    """Validate and store one field; returns the previous value."""
    clean = validate(model, column, value)
    try:
        return set_clean_field(db, model, row_id, column, clean)
    except sqlalchemy.exc.IntegrityError as exc:
        raise unique_error(exc) or FieldError(
            column, "this value breaks a rule of the dossier"
        ) from exc


def set_clean_field(
    db: Database, model: type[SQLModel], row_id: int, column: str, clean: Any
) -> Any:
    with db.transaction() as session:
        row = row_of(session, model, row_id)
        if column == "starts_at":
            old = row.starts_at
            row.set_starts_at(clean)
        else:
            old = getattr(row, column)
            setattr(row, column, list(clean) if isinstance(clean, list) else clean)
        session.add(row)
        reindex(session, row)
    return old


def reindex(session: Session, row: Any) -> None:
    """Keep the search index in step, in the same transaction as the edit."""
    client_id = row.id if isinstance(row, m.Client) else getattr(row, "client_id", None)
    if client_id is not None:
        session.flush()
        search.reindex_client(session, client_id)


def get_field(db: Database, model: type[SQLModel], row_id: int, column: str) -> Any:
    with db.session() as session:
        row = row_of(session, model, row_id)
        return row.starts_at if column == "starts_at" else getattr(row, column)


ID_COLUMNS = {"from_id", "to_id", "need_id", "raised_by_id"}


def unique_error(exc: sqlalchemy.exc.IntegrityError) -> FieldError | None:
    text = str(exc.orig)
    if "UNIQUE" in text:
        column = text.rsplit(".", 1)[-1]
        return FieldError(column, "this value is already used by another entry of this list")
    return None


def table_of(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]
