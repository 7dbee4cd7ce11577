"""The dossier as database tables (SQLModel over SQLAlchemy).

Portable SQL only: every constraint here must also work on PostgreSQL. Enum columns are plain
strings guarded by named CHECK constraints (the exchange layer validates first, with paths and
messages; the database is the last guard). Lists are child tables ordered by their primary key,
which is insertion order. Ordered lists of plain strings (key facts, agenda, questions,
decisions) are JSON columns.

No ``from __future__ import annotations`` here: SQLModel needs the real annotations.
"""

import datetime as dt
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from kamdesk.core.model import enums

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Set on SQLModel's own metadata before any table is declared: names are given when a
# constraint is attached. Named constraints survive Alembic's batch mode on SQLite.
metadata: MetaData = SQLModel.metadata
metadata.naming_convention = NAMING_CONVENTION

# The base of every table, by a name of ours: the GUI's editors take "any table" without
# importing SQLModel themselves (the GUI imports no database library).
Table = SQLModel


def enum_check(column: str, enum: type[StrEnum], nullable: bool = True) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    sql = f"{column} IN ({values})"
    if nullable:
        sql = f"{column} IS NULL OR {sql}"
    return CheckConstraint(sql, name=f"{column}_enum")


def range_check(column: str, low: float | None, high: float | None) -> CheckConstraint:
    parts = [f"{column} IS NULL"]
    bounds = []
    if low is not None:
        bounds.append(f"{column} >= {low}")
    if high is not None:
        bounds.append(f"{column} <= {high}")
    parts.append(" AND ".join(bounds))
    return CheckConstraint(" OR ".join(f"({p})" for p in parts), name=f"{column}_range")


def key_check() -> CheckConstraint:
    return CheckConstraint("length(key) BETWEEN 1 AND 64", name="key_length")


def fk(target: str, ondelete: str = "CASCADE", nullable: bool = False, index: bool = True) -> Any:
    """A foreign key column; children go with their parent unless said otherwise."""
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        ),
    )


def json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# --- us ---------------------------------------------------------------------------------


class Company(SQLModel, table=True):
    """The KAM's employer. One row (id 1)."""

    __tablename__ = "company"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        range_check("key_share_threshold", 0, 1),
        range_check("annual_income", 0, None),
    )

    id: int | None = Field(default=1, primary_key=True)
    name: str = ""
    currency: str = Field(default="EUR", max_length=3)
    annual_income: float | None = None
    key_share_threshold: float = 0.10


class Product(SQLModel, table=True):
    __tablename__ = "product"
    __table_args__ = (key_check(),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str
    summary: str | None = None
    key_facts: list[str] = json_list()
    reviewed_on: dt.date | None = None


class ProductFaq(SQLModel, table=True):
    __tablename__ = "product_faq"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = fk("product.id")
    question: str
    answer: str
    # Topic words ("price", "turnaround", "LIS migration"): the carry brief prints an answer
    # only when a tag occurs in a need the meeting's proposals answer.
    tags: list[str] = json_list()


# --- the client -----------------------------------------------------------------------------


class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = (
        key_check(),
        enum_check("key_level", enums.KeyLevel),
        range_check("credit_limit", 0, None),
        range_check("payment_terms_days", 0, 3650),
        range_check("discount_standard_pct", 0, 100),
        range_check("discount_max_pct", 0, 100),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str
    industry: str | None = None
    website: str | None = None
    address: str | None = None
    currency: str | None = Field(default=None, max_length=3)
    what_they_do: str | None = None
    history: str | None = None
    size: str | None = None
    market_position: str | None = None
    key_level: str | None = None
    reference_story: str | None = None
    credit_limit: float | None = None
    payment_terms_days: int | None = None
    credit_rating: str | None = None
    # The rating before the current one: with both on a letter scale (AAA … D), a downgrade
    # is seen by the readiness gate (core.readiness, credit rule).
    previous_credit_rating: str | None = None
    discount_standard_pct: float | None = None
    discount_max_pct: float | None = None


class ClientKeyReason(SQLModel, table=True):
    __tablename__ = "client_key_reason"
    __table_args__ = (
        UniqueConstraint("client_id", "reason"),
        enum_check("reason", enums.KeyReason, nullable=False),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    reason: str
    note: str | None = None  # why this definition applies, in the KAM's words


class FinancialPeriod(SQLModel, table=True):
    __tablename__ = "financial_period"
    __table_args__ = (
        UniqueConstraint("client_id", "period"),
        CheckConstraint("length(period) IN (4, 7)", name="period_format"),
        range_check("receivables", 0, None),
        range_check("overdue", 0, None),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    period: str
    client_revenue: float | None = None
    our_sales: float | None = None
    our_income: float | None = None
    receivables: float | None = None
    overdue: float | None = None


class SalesTarget(SQLModel, table=True):
    __tablename__ = "sales_target"
    __table_args__ = (
        UniqueConstraint("client_id", "period"),
        CheckConstraint("length(period) IN (4, 7)", name="period_format"),
        range_check("target", 0, None),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    period: str
    target: float


class Need(SQLModel, table=True):
    __tablename__ = "need"
    __table_args__ = (UniqueConstraint("client_id", "key"), key_check())

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    key: str
    text: str


class NeedProduct(SQLModel, table=True):
    __tablename__ = "need_product"
    __table_args__ = (UniqueConstraint("need_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = fk("need.id")
    product_id: int = fk("product.id")


class Plan(SQLModel, table=True):
    __tablename__ = "plan"
    __table_args__ = (
        enum_check("kind", enums.PlanKind, nullable=False),
        enum_check("status", enums.PlanStatus, nullable=False),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    kind: str
    text: str
    due: dt.date | None = None
    status: str = enums.PlanStatus.OPEN.value


class Competitor(SQLModel, table=True):
    __tablename__ = "competitor"
    __table_args__ = (UniqueConstraint("client_id", "name"), range_check("share_of_wallet", 0, 1))

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    name: str
    share_of_wallet: float | None = None
    notes: str | None = None


class ClientIssue(SQLModel, table=True):
    """A complaint or objection the client (or one of its people) holds."""

    __tablename__ = "client_issue"
    __table_args__ = (
        enum_check("kind", enums.IssueKind, nullable=False),
        enum_check("status", enums.IssueStatus, nullable=False),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    kind: str
    text: str
    raised_by_id: int | None = fk("stakeholder.id", ondelete="SET NULL", nullable=True)
    response: str | None = None
    status: str = enums.IssueStatus.OPEN.value


# --- people -----------------------------------------------------------------------------------


class Stakeholder(SQLModel, table=True):
    __tablename__ = "stakeholder"
    __table_args__ = (
        UniqueConstraint("client_id", "key"),
        key_check(),
        enum_check("buying_role", enums.BuyingRole),
        enum_check("attitude", enums.Attitude),
        enum_check("stage", enums.Stage),
        enum_check("target_stage", enums.Stage),
        enum_check("info_source", enums.InfoSource),
        range_check("influence", 1, 5),
        range_check("contact_every_days", 1, 3650),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    key: str
    name: str
    position: str | None = None
    department: str | None = None
    email: str | None = None
    phone: str | None = None
    vip: bool = False
    kol: bool = False
    buying_role: str | None = None
    attitude: str | None = None
    influence: int | None = None
    stage: str | None = None
    target_stage: str | None = None
    last_contact_on: dt.date | None = None
    contact_every_days: int | None = None
    competitor_affinity: str | None = None
    form_of_address: str | None = None
    pronunciation: str | None = None
    language: str | None = None
    etiquette: str | None = None
    communication_style: str | None = None
    interests: str | None = None
    personal_notes: str | None = None
    info_source: str | None = None
    legal_basis: str | None = None


class RelationshipStep(SQLModel, table=True):
    __tablename__ = "relationship_step"

    id: int | None = Field(default=None, primary_key=True)
    stakeholder_id: int = fk("stakeholder.id")
    step: str
    due: dt.date | None = None
    done: bool = False


class Relation(SQLModel, table=True):
    __tablename__ = "relation"
    __table_args__ = (
        UniqueConstraint("from_id", "to_id", "kind"),
        CheckConstraint("from_id <> to_id", name="not_self"),
        enum_check("kind", enums.RelationKind, nullable=False),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = fk("client.id")
    from_id: int = fk("stakeholder.id")
    to_id: int = fk("stakeholder.id")
    kind: str


# --- meetings -----------------------------------------------------------------------------------


class Meeting(SQLModel, table=True):
    """A meeting with a client. ``starts_at`` is kept as a UTC instant (an aware datetime,
    stored as UTC) plus the UTC offset it was given in, so the meeting shows in its own local
    time and sorts correctly."""

    __tablename__ = "meeting"
    __table_args__ = (
        key_check(),
        enum_check("kind", enums.MeetingKind, nullable=False),
        enum_check("mode", enums.MeetingMode, nullable=False),
        range_check("duration_min", 1, 7 * 24 * 60),
        range_check("travel_min", 0, 7 * 24 * 60),
        range_check("buffer_min", 0, 24 * 60),
        range_check("utc_offset_min", -18 * 60, 18 * 60),
        range_check("max_discount_pct", 0, 100),
        CheckConstraint(
            "(starts_at_utc IS NULL) = (utc_offset_min IS NULL)", name="start_has_offset"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    client_id: int = fk("client.id")
    title: str
    kind: str = enums.MeetingKind.MEETING.value
    starts_at_utc: dt.datetime | None = Field(default=None, index=True)
    utc_offset_min: int | None = None
    duration_min: int | None = None
    mode: str = enums.MeetingMode.IN_PERSON.value
    location: str | None = None
    video_link: str | None = None
    travel_min: int | None = None
    buffer_min: int | None = None
    objective: str | None = None
    commitment_sought: str | None = None
    agenda: list[str] = json_list()
    questions: list[str] = json_list()
    max_discount_pct: float | None = None
    walk_away: str | None = None
    # The prepared line on the client's credit situation (overdue debt, a downgraded rating).
    credit_line: str | None = None
    # In person, but where you already are (your own office, the client's site you work at):
    # no travel time needed.
    on_site: bool = False
    phone: str | None = None  # the number to call, or to be called on, for a phone meeting
    # What you will do differently this time, by mistake number ("3": "let them finish"):
    # answers the slips of the previous meeting's self-review.
    lessons: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The three ticks. Each holds a fingerprint of what it vouched for when given (None: not
    # given); it counts only while that fingerprint still matches (core.confirmations).
    route_checked_fp: str | None = Field(default=None, max_length=64)
    listening_plan_fp: str | None = Field(default=None, max_length=64)
    etiquette_reviewed_fp: str | None = Field(default=None, max_length=64)
    # Ticks that came from an import and were not confirmed in this dossier since: they are
    # shown as "imported, not reviewed here" and do not count (core.confirmations). The seal
    # that came with them is kept to be written back unchanged on export.
    ticks_unreviewed: list[str] = json_list()
    ticks_seal: str | None = Field(default=None, max_length=200)
    override_reason: str | None = None
    # Where an imported meeting came from (core.interchange.ics): the iCalendar UID and, for
    # one meeting of a series, the original start of that occurrence in UTC
    # ("20260130T093000Z"), so that importing the file again updates the meeting instead of
    # adding a copy. Bookkeeping, not dossier content: not part of the exchange format.
    ical_uid: str | None = None
    ical_recurrence_id: str | None = Field(default=None, max_length=20)

    @property
    def starts_at(self) -> Optional[dt.datetime]:  # noqa: UP045 - SQLModel reads annotations
        """The start as an aware datetime in the meeting's own offset."""
        if self.starts_at_utc is None or self.utc_offset_min is None:
            return None
        tz = dt.timezone(dt.timedelta(minutes=self.utc_offset_min))
        start = self.starts_at_utc
        if start.tzinfo is None:  # freshly assigned and not yet reloaded: UTC by construction
            start = start.replace(tzinfo=dt.UTC)
        return start.astimezone(tz)

    def set_starts_at(self, value: Optional[dt.datetime]) -> None:  # noqa: UP045
        if value is None:
            self.starts_at_utc = None
            self.utc_offset_min = None
            return
        offset = value.utcoffset()
        if offset is None:
            raise ValueError("a meeting start needs a UTC offset")
        self.utc_offset_min = int(offset.total_seconds() // 60)
        self.starts_at_utc = value.astimezone(dt.UTC)


class MeetingAttendee(SQLModel, table=True):
    __tablename__ = "meeting_attendee"
    __table_args__ = (UniqueConstraint("meeting_id", "stakeholder_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = fk("meeting.id")
    stakeholder_id: int = fk("stakeholder.id")


class MeetingProduct(SQLModel, table=True):
    __tablename__ = "meeting_product"
    __table_args__ = (UniqueConstraint("meeting_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = fk("meeting.id")
    product_id: int = fk("product.id")


class Proposal(SQLModel, table=True):
    __tablename__ = "proposal"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = fk("meeting.id")
    text: str
    need_id: int | None = fk("need.id", ondelete="SET NULL", nullable=True)
    no_product: bool = False  # explicitly offers no product (a service, a process change…)


class MeetingNotes(SQLModel, table=True):
    __tablename__ = "meeting_notes"
    __table_args__ = (enum_check("objective_achieved", enums.Achieved),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, unique=True
        ),
    )
    summary: str | None = None
    # May the summary go to the client (the e-mail draft)? Off until the KAM says so: notes
    # written before the private part existed kept private remarks in the summary (0008).
    summary_shared: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    private: str | None = None  # the KAM's own remarks: never in anything sent to the client
    decisions: list[str] = json_list()
    objective_achieved: str | None = None
    next_meeting_on: dt.date | None = None
    next_meeting_purpose: str | None = None


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    notes_id: int = fk("meeting_notes.id")
    text: str
    owner: str | None = None
    due: dt.date | None = Field(default=None, index=True)
    done: bool = False


class SelfReview(SQLModel, table=True):
    """The KAM's own verdict after a meeting on one of the seven mistakes."""

    __tablename__ = "self_review"
    __table_args__ = (
        UniqueConstraint("notes_id", "mistake"),
        range_check("mistake", 1, 7),
        enum_check("verdict", enums.Verdict, nullable=False),
    )

    id: int | None = Field(default=None, primary_key=True)
    notes_id: int = fk("meeting_notes.id")
    mistake: int
    verdict: str
    comment: str | None = None


class NotesPresent(SQLModel, table=True):
    """A person who was actually at the meeting (the invited attendees are on the meeting)."""

    __tablename__ = "notes_present"
    __table_args__ = (UniqueConstraint("notes_id", "stakeholder_id"),)

    id: int | None = Field(default=None, primary_key=True)
    notes_id: int = fk("meeting_notes.id")
    stakeholder_id: int = fk("stakeholder.id")


# --- layout -------------------------------------------------------------------------------------


class MapPosition(SQLModel, table=True):
    """Where a person sits on the relationship map (map units: a 640 x 330 canvas). Layout,
    not dossier content: it is not part of the exchange format."""

    __tablename__ = "map_position"

    stakeholder_id: int = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("stakeholder.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    x: float
    y: float


# --- bookkeeping --------------------------------------------------------------------------------


class DossierSecret(SQLModel, table=True):
    """This dossier's own random key (one row, made by the migration that added it): export
    seals each meeting's ticks with an HMAC under it, so an import can tell its own export's
    ticks from anyone else's (core.confirmations). Never exported."""

    __tablename__ = "dossier_secret"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: int | None = Field(default=1, primary_key=True)
    secret: str = Field(max_length=64)


# --- personal-data rights -----------------------------------------------------------------------


class ErasureLog(SQLModel, table=True):
    """A person erased from the dossier: when (UTC), from which client, why (the KAM's words)
    and how many rows went. Never who: no name, key, e-mail or hash of them (a hash of a key made
    from a name is found again by hashing candidate names). ``reference`` is random, for the
    KAM to quote in the reply to the person. Bookkeeping, not dossier content: not part of the
    exchange format."""

    __tablename__ = "erasure_log"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32)
    erased_at_utc: dt.datetime
    client_key: str
    reason: str
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
