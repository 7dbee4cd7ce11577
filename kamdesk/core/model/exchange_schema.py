"""The portfolio exchange format, version 1, as pydantic models (PORTFOLIO_FORMAT.md).

These models are the single source of truth for the format: the importer validates with them,
the exporter writes through them, and ``resources/schema/portfolio-v1.schema.json`` is
generated from them (``python -m kamdesk.core.model.exchange_schema > ...``; a test keeps it in step).

Rules from the contract: unknown fields are errors (``extra="forbid"``); every enum is closed
(``Literal``); types are strict (``"5"`` is not a number); ranges carry our own messages. The
value types and vocabularies are in :mod:`kamdesk.core.model.exchange_types` (named here
again: ``doc.MAX_TEXT``, ``doc.KeyReason``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
)
from pydantic_core import PydanticCustomError

from kamdesk.core.model.exchange_types import FIRST_YEAR as FIRST_YEAR
from kamdesk.core.model.exchange_types import KEY_PATTERN as KEY_PATTERN
from kamdesk.core.model.exchange_types import LAST_YEAR as LAST_YEAR
from kamdesk.core.model.exchange_types import MAX_TEXT as MAX_TEXT
from kamdesk.core.model.exchange_types import PERIOD_PATTERN as PERIOD_PATTERN
from kamdesk.core.model.exchange_types import (
    AchievedName,
    Attitude,
    BufferMinutes,
    BuyingRole,
    CadenceDays,
    Currency,
    Duration,
    Influence,
    InfoSource,
    IssueKind,
    IssueStatus,
    Key,
    KeyLevel,
    KeyReason,
    MeetingKind,
    MeetingMode,
    MeetingStart,
    Money,
    NonNegMoney,
    Percent,
    Period,
    PlanKind,
    PlanStatus,
    RelationKind,
    Share,
    StageName,
    TermDays,
    Text,
    TravelMinutes,
    VerdictName,
)
from kamdesk.core.model.exchange_types import _key_ok as _key_ok

FORMAT_NAME = "kamdesk-portfolio"
FORMAT_VERSION = 1


class Doc(BaseModel):
    """Base of every object in the document: strict, closed, written in declaration order."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)


class Company(Doc):
    name: Text
    currency: Currency = "EUR"
    annual_income: NonNegMoney | None = None
    key_share_threshold: Share = 0.10


class Faq(Doc):
    question: Text
    answer: Text
    tags: list[Text] = []  # topic words; the carry brief prints answers tagged to its needs


class Product(Doc):
    key: Key
    name: Text
    summary: Text | None = None
    key_facts: list[Text] = []
    faqs: list[Faq] = []
    reviewed_on: dt.date | None = None


class FinancialPeriod(Doc):
    period: Period
    client_revenue: Money | None = None
    our_sales: Money | None = None
    our_income: Money | None = None
    receivables: NonNegMoney | None = None
    overdue: NonNegMoney | None = None


class Target(Doc):
    period: Period
    target: NonNegMoney


class Credit(Doc):
    limit: NonNegMoney | None = None
    payment_terms_days: TermDays | None = None
    rating: Text | None = None
    previous_rating: Text | None = None  # before the current one: a downgrade is a warning


class DiscountPolicy(Doc):
    standard_pct: Percent | None = None
    max_pct: Percent | None = None


class Need(Doc):
    key: Key
    text: Text
    products: list[Key] = []


class Plan(Doc):
    kind: PlanKind
    text: Text
    due: dt.date | None = None
    status: PlanStatus = "open"


class Competitor(Doc):
    name: Text
    share_of_wallet: Share | None = None
    notes: Text | None = None


class Issue(Doc):
    kind: IssueKind
    text: Text
    raised_by: Key | None = None
    response: Text | None = None
    status: IssueStatus = "open"


class RelationshipStep(Doc):
    step: Text
    due: dt.date | None = None
    done: bool = False


class Stakeholder(Doc):
    key: Key
    name: Text
    position: Text | None = None
    department: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    vip: bool = False
    kol: bool = False
    buying_role: BuyingRole | None = None
    attitude: Attitude | None = None
    influence: Influence | None = None
    stage: StageName | None = None
    target_stage: StageName | None = None
    last_contact_on: dt.date | None = None
    contact_every_days: CadenceDays | None = None
    competitor_affinity: Text | None = None
    form_of_address: Text | None = None
    pronunciation: Text | None = None
    language: Text | None = None
    etiquette: Text | None = None
    communication_style: Text | None = None
    interests: Text | None = None
    personal_notes: Text | None = None
    info_source: InfoSource | None = None
    legal_basis: Text | None = None
    relationship_plan: list[RelationshipStep] = []


class Relation(Doc):
    from_: Key = Field(alias="from")
    to: Key
    kind: RelationKind


class Proposal(Doc):
    text: Text
    need: Key | None = None
    no_product: bool = False  # explicitly offers no product (a service, a process change…)


class Limits(Doc):
    max_discount_pct: Percent | None = None
    walk_away: Text | None = None
    credit_line: Text | None = None  # how you handle overdue debt or a downgraded rating


SEAL_PATTERN = r"^[0-9a-f]{64}$"


def _seal_ok(value: str) -> str:
    if not re.fullmatch(SEAL_PATTERN, value):
        raise PydanticCustomError(
            "bad_seal", "not a confirmations seal (64 hexadecimal digits written by an export)"
        )
    return value


Seal = Annotated[str, AfterValidator(_seal_ok), Field(json_schema_extra={"pattern": SEAL_PATTERN})]


class Confirmations(Doc):
    route_checked: bool = False
    listening_plan: bool = False
    etiquette_reviewed: bool = False


class ActionItem(Doc):
    text: Text
    owner: Text | None = None
    due: dt.date | None = None
    done: bool = False


class SelfReview(Doc):
    m1: VerdictName | None = Field(default=None, alias="1")
    m2: VerdictName | None = Field(default=None, alias="2")
    m3: VerdictName | None = Field(default=None, alias="3")
    m4: VerdictName | None = Field(default=None, alias="4")
    m5: VerdictName | None = Field(default=None, alias="5")
    m6: VerdictName | None = Field(default=None, alias="6")
    m7: VerdictName | None = Field(default=None, alias="7")

    def as_dict(self) -> dict[int, str]:
        return {n: value for n in range(1, 8) if (value := getattr(self, f"m{n}")) is not None}


class SelfReviewComments(Doc):
    """The KAM's comment on a verdict of the self-review, by mistake number."""

    m1: Text | None = Field(default=None, alias="1")
    m2: Text | None = Field(default=None, alias="2")
    m3: Text | None = Field(default=None, alias="3")
    m4: Text | None = Field(default=None, alias="4")
    m5: Text | None = Field(default=None, alias="5")
    m6: Text | None = Field(default=None, alias="6")
    m7: Text | None = Field(default=None, alias="7")

    def as_dict(self) -> dict[int, str]:
        return {n: value for n in range(1, 8) if (value := getattr(self, f"m{n}")) is not None}


class Lessons(Doc):
    """What the KAM will do differently this time, by mistake number: the answer to a slip in
    the previous meeting's self-review."""

    m1: Text | None = Field(default=None, alias="1")
    m2: Text | None = Field(default=None, alias="2")
    m3: Text | None = Field(default=None, alias="3")
    m4: Text | None = Field(default=None, alias="4")
    m5: Text | None = Field(default=None, alias="5")
    m6: Text | None = Field(default=None, alias="6")
    m7: Text | None = Field(default=None, alias="7")

    def as_dict(self) -> dict[int, str]:
        return {n: value for n in range(1, 8) if (value := getattr(self, f"m{n}")) is not None}


class KeyReasonNotes(Doc):
    """Why each definition of a key client applies, in the KAM's words (by reason)."""

    income_share: Text | None = None
    potential: Text | None = None
    reference: Text | None = None
    partner: Text | None = None
    competent: Text | None = None
    innovator: Text | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class NextMeeting(Doc):
    on: dt.date | None = None
    purpose: Text | None = None


class Notes(Doc):
    summary: Text | None = None
    # round 2: the summary goes to the client only when marked so; ``private`` never does
    summary_shared: bool = False
    private: Text | None = None
    present: list[Key] = []
    objective_achieved: AchievedName | None = None
    decisions: list[Text] = []
    actions: list[ActionItem] = []
    next_meeting: NextMeeting | None = None
    self_review: SelfReview = SelfReview()
    self_review_comments: SelfReviewComments = SelfReviewComments()


class Meeting(Doc):
    key: Key
    title: Text
    kind: MeetingKind = "meeting"
    starts_at: MeetingStart | None = None
    duration_min: Duration | None = None
    mode: MeetingMode = "in_person"
    location: Text | None = None
    on_site: bool = False  # in person where you already are: no travel time needed
    video_link: Text | None = None
    phone: Text | None = None  # the number to call, or to be called on
    travel_min: TravelMinutes | None = None
    buffer_min: BufferMinutes | None = None
    attendees: list[Key] = []
    objective: Text | None = None
    commitment_sought: Text | None = None
    agenda: list[Text] = []
    questions: list[Text] = []
    proposals: list[Proposal] = []
    limits: Limits = Limits()
    products: list[Key] = []
    confirmations: Confirmations = Confirmations()
    # HMAC of the ticks above under the exporting dossier's secret: only that dossier takes
    # them as reviewed on import; anywhere else they are "imported, not reviewed here".
    confirmations_seal: Seal | None = None
    lessons: Lessons = Lessons()
    override_reason: Text | None = None
    notes: Notes | None = None


class Client(Doc):
    key: Key
    name: Text
    industry: Text | None = None
    website: Text | None = None
    address: Text | None = None
    currency: Currency | None = None
    what_they_do: Text | None = None
    history: Text | None = None
    size: Text | None = None
    market_position: Text | None = None
    key_reasons: list[KeyReason] = []
    key_reason_notes: KeyReasonNotes = KeyReasonNotes()
    key_level: KeyLevel | None = None
    reference_story: Text | None = None
    financials: list[FinancialPeriod] = []
    targets: list[Target] = []
    credit: Credit = Credit()
    discount_policy: DiscountPolicy = DiscountPolicy()
    needs: list[Need] = []
    plans: list[Plan] = []
    competitors: list[Competitor] = []
    issues: list[Issue] = []
    stakeholders: list[Stakeholder] = []
    relations: list[Relation] = []
    meetings: list[Meeting] = []


class Portfolio(Doc):
    format: Literal["kamdesk-portfolio"]
    version: Literal[1]
    exported_at: AwareDatetime | None = None
    company: Company | None = None
    products: list[Product] = []
    clients: list[Client] = []


def json_schema() -> dict[str, Any]:
    schema = TypeAdapter(Portfolio).json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://kamdesk.invalid/schema/portfolio-v1.schema.json"
    schema["title"] = "kamdesk portfolio exchange format, version 1"
    return schema


if __name__ == "__main__":  # pragma: no cover - developer tool
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def error_text(err: Any) -> str:
    """A pydantic error of a field, as the sentence kamdesk shows (the value, and what is wrong
    with it)."""
    kind = err["type"]
    value = err.get("input")
    shown = json.dumps(value, ensure_ascii=False, default=str) if value is not None else "null"
    if len(shown) > 60:
        shown = shown[:57] + "…"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        allowed = expected.replace("'", "").replace(" or ", ", ")
        return f"{shown} is not one of: {allowed}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"{shown} is not a whole number"
    if kind in ("float_type", "float_parsing"):
        return f"{shown} is not a number"
    if kind in ("bool_type", "bool_parsing"):
        return f"{shown} is not true or false"
    if kind in ("string_type",):
        return f"{shown} is not a text"
    if kind in ("list_type",):
        return f"{shown} is not a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{shown} is not an object"
    if kind.startswith("date_") or kind == "date_type":
        return f"{shown} is not a valid date (YYYY-MM-DD)"
    if kind == "timezone_aware":
        return f"{shown} needs a UTC offset, e.g. 2026-11-25T10:00:00+01:00"
    if kind.startswith("datetime_"):
        return f"{shown} is not a valid date-time (e.g. 2026-11-25T10:00:00+01:00)"
    return str(err["msg"])
