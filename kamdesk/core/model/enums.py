"""The closed vocabularies of the dossier (PORTFOLIO_FORMAT.md). Values are the contract."""

from __future__ import annotations

from enum import StrEnum


class KeyReason(StrEnum):
    INCOME_SHARE = "income_share"
    POTENTIAL = "potential"
    REFERENCE = "reference"
    PARTNER = "partner"
    COMPETENT = "competent"
    INNOVATOR = "innovator"


class KeyLevel(StrEnum):
    COMPANY = "company"
    DIRECTOR = "director"
    DEPARTMENT = "department"


class PlanKind(StrEnum):
    CLIENT_DEVELOPMENT = "client_development"
    ACCOUNT_GOAL = "account_goal"
    TENDER = "tender"


class PlanStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class IssueKind(StrEnum):
    COMPLAINT = "complaint"
    OBJECTION = "objection"


class IssueStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class BuyingRole(StrEnum):
    ECONOMIC = "economic"
    USER = "user"
    TECHNICAL = "technical"
    COACH = "coach"
    GATEKEEPER = "gatekeeper"
    OTHER = "other"


class Attitude(StrEnum):
    CHAMPION = "champion"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    SKEPTIC = "skeptic"
    OPPONENT = "opponent"


class Stage(StrEnum):
    """Relationship stages, in order from cold to close."""

    UNKNOWN = "unknown"
    CONTACTED = "contacted"
    ACQUAINTED = "acquainted"
    LOYAL = "loyal"
    CLOSE = "close"

    @property
    def rank(self) -> int:
        return list(Stage).index(self)


class InfoSource(StrEnum):
    PUBLIC = "public"
    SELF = "self"
    OTHERS = "others"


class RelationKind(StrEnum):
    REPORTS_TO = "reports_to"
    INFLUENCES = "influences"
    ALLY = "ally"
    RIVAL = "rival"


class MeetingKind(StrEnum):
    MEETING = "meeting"
    NEGOTIATION = "negotiation"
    PRESENTATION = "presentation"
    EVENT = "event"


class MeetingMode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class Verdict(StrEnum):
    OK = "ok"
    SLIP = "slip"


class Achieved(StrEnum):
    """Was the meeting's objective achieved? (After the meeting, in the notes.)"""

    NOT = "not"
    PARTLY = "partly"
    FULLY = "fully"


CONFIRMATIONS = ("route_checked", "listening_plan", "etiquette_reviewed")


class Dependency(StrEnum):
    """How much of our income rides on one client (computed, never typed: see analytics)."""

    BELOW = "below_threshold"
    KEY = "key"
    CRITICAL = "critical"
    MONO_CLIENT = "mono_client"
