"""The human labels of the closed vocabularies: one translatable label per value, declared once
and keyed by its enum's members, for the brief, the dossier, the portfolio report, the charts,
the personal-data export and the GUI alike.

The vocabularies are the enums of ``core.enums`` (the dossier's contract) and
``enums.Dependency``. Each *form* of a vocabulary is a function returning {value: label};
it translates through the core's ``_()`` at every call, so the current locale applies. Most
vocabularies have one form. A few have a second, declared here as its own named form, because
one wording cannot serve both places:

- ``dependency`` for sentences, briefs and the report ("key client", "critical dependency"),
  ``dependency_short`` for chart legends and list columns ("key", "critical");
- ``relation``, the verb between two names ("A is an ally of B"), and ``relation_short``, the
  noun the relationship map names a line by ("ally");
- ``achieved``, the value in a table, an export or a combo ("Partly achieved"), and
  ``achieved_sentence``, the clause the brief appends to the last meeting ("objective partly
  achieved");
- ``issue_kind``, the label ("Complaint"), and ``issue_kind_sentence``, the noun inside a
  sentence ("the complaint raised by …").

A form whose field may be empty has a ``None`` key: the dash the dossier prints and the GUI
offers for "not set" (the brief leaves unknowns out instead).

The GUI takes its combo items and column texts from here too (``choices``), translated by the
core's ``_()`` rather than Qt's ``tr()``. The languages issue will decide which catalog path
the app ships; this module gives it one place per label.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from kamdesk.core.i18n import _
from kamdesk.core.model.enums import (
    Achieved,
    Attitude,
    BuyingRole,
    Dependency,
    InfoSource,
    IssueKind,
    IssueStatus,
    KeyLevel,
    KeyReason,
    MeetingKind,
    MeetingMode,
    PlanKind,
    PlanStatus,
    RelationKind,
    Stage,
    Verdict,
)

DASH = "—"  # an empty field, where one is printed or offered

Labels = dict[str | None, str]
Form = Callable[[], Labels]


def buying_role() -> Labels:
    return {
        BuyingRole.ECONOMIC: _("Economic buyer"),
        BuyingRole.USER: _("User"),
        BuyingRole.TECHNICAL: _("Technical buyer"),
        BuyingRole.COACH: _("Coach"),
        BuyingRole.GATEKEEPER: _("Gatekeeper"),
        BuyingRole.OTHER: _("Other"),
        None: DASH,
    }


def attitude() -> Labels:
    return {
        Attitude.CHAMPION: _("Champion"),
        Attitude.SUPPORTER: _("Supporter"),
        Attitude.NEUTRAL: _("Neutral"),
        Attitude.SKEPTIC: _("Skeptic"),
        Attitude.OPPONENT: _("Opponent"),
        None: DASH,
    }


def stage() -> Labels:
    return {
        Stage.UNKNOWN: _("Unknown"),
        Stage.CONTACTED: _("Contacted"),
        Stage.ACQUAINTED: _("Acquainted"),
        Stage.LOYAL: _("Loyal"),
        Stage.CLOSE: _("Close"),
        None: DASH,
    }


def info_source() -> Labels:
    return {
        InfoSource.PUBLIC: _("Public information"),
        InfoSource.SELF: _("Told us themselves"),
        InfoSource.OTHERS: _("From others"),
        None: DASH,
    }


def relation() -> Labels:
    return {
        RelationKind.REPORTS_TO: _("reports to"),
        RelationKind.INFLUENCES: _("influences"),
        RelationKind.ALLY: _("is an ally of"),
        RelationKind.RIVAL: _("is a rival of"),
    }


def relation_short() -> Labels:
    return {
        RelationKind.REPORTS_TO: _("reports to"),
        RelationKind.INFLUENCES: _("influences"),
        RelationKind.ALLY: _("ally"),
        RelationKind.RIVAL: _("rival"),
    }


def key_reason() -> Labels:
    return {
        KeyReason.INCOME_SHARE: _("Income share"),
        KeyReason.POTENTIAL: _("Potential"),
        KeyReason.REFERENCE: _("Reference"),
        KeyReason.PARTNER: _("Partner"),
        KeyReason.COMPETENT: _("More competent than us"),
        KeyReason.INNOVATOR: _("Innovator"),
    }


def key_level() -> Labels:
    return {
        KeyLevel.COMPANY: _("Company level"),
        KeyLevel.DIRECTOR: _("Sales-director level"),
        KeyLevel.DEPARTMENT: _("Department level"),
        None: DASH,
    }


def dependency() -> Labels:
    return {
        Dependency.BELOW: _("below the key threshold"),
        Dependency.KEY: _("key client"),
        Dependency.CRITICAL: _("critical dependency"),
        Dependency.MONO_CLIENT: _("mono-client"),
        None: DASH,
    }


def dependency_short() -> Labels:
    return {
        Dependency.BELOW: _("below key"),
        Dependency.KEY: _("key"),
        Dependency.CRITICAL: _("critical"),
        Dependency.MONO_CLIENT: _("mono-client"),
    }


def plan_kind() -> Labels:
    return {
        PlanKind.CLIENT_DEVELOPMENT: _("Client development"),
        PlanKind.ACCOUNT_GOAL: _("Account goal"),
        PlanKind.TENDER: _("Tender"),
    }


def plan_status() -> Labels:
    return {PlanStatus.OPEN: _("Open"), PlanStatus.DONE: _("Done")}


def issue_kind() -> Labels:
    return {IssueKind.COMPLAINT: _("Complaint"), IssueKind.OBJECTION: _("Objection")}


def issue_kind_sentence() -> Labels:
    return {IssueKind.COMPLAINT: _("complaint"), IssueKind.OBJECTION: _("objection")}


def issue_status() -> Labels:
    return {IssueStatus.OPEN: _("Open"), IssueStatus.RESOLVED: _("Resolved")}


def meeting_kind() -> Labels:
    return {
        MeetingKind.MEETING: _("Meeting"),
        MeetingKind.NEGOTIATION: _("Negotiation"),
        MeetingKind.PRESENTATION: _("Presentation"),
        MeetingKind.EVENT: _("Event"),
    }


def meeting_mode() -> Labels:
    return {
        MeetingMode.IN_PERSON: _("In person"),
        MeetingMode.VIDEO: _("Video call"),
        MeetingMode.PHONE: _("Phone call"),
    }


def verdict() -> Labels:
    return {Verdict.OK: _("OK"), Verdict.SLIP: _("Slip"), None: DASH}


def achieved() -> Labels:
    return {
        Achieved.NOT: _("Not achieved"),
        Achieved.PARTLY: _("Partly achieved"),
        Achieved.FULLY: _("Fully achieved"),
        None: DASH,
    }


def achieved_sentence() -> Labels:
    return {
        Achieved.NOT: _("objective not achieved"),
        Achieved.PARTLY: _("objective partly achieved"),
        Achieved.FULLY: _("objective achieved"),
    }


# Every form of every vocabulary, by the name the templates know it by, with its enum.
FORMS: dict[str, tuple[type[StrEnum], Form]] = {
    "buying_role": (BuyingRole, buying_role),
    "attitude": (Attitude, attitude),
    "stage": (Stage, stage),
    "info_source": (InfoSource, info_source),
    "relation": (RelationKind, relation),
    "relation_short": (RelationKind, relation_short),
    "key_reason": (KeyReason, key_reason),
    "key_level": (KeyLevel, key_level),
    "dependency": (Dependency, dependency),
    "dependency_short": (Dependency, dependency_short),
    "plan_kind": (PlanKind, plan_kind),
    "plan_status": (PlanStatus, plan_status),
    "issue_kind": (IssueKind, issue_kind),
    "issue_kind_sentence": (IssueKind, issue_kind_sentence),
    "issue_status": (IssueStatus, issue_status),
    "meeting_kind": (MeetingKind, meeting_kind),
    "meeting_mode": (MeetingMode, meeting_mode),
    "verdict": (Verdict, verdict),
    "achieved": (Achieved, achieved),
    "achieved_sentence": (Achieved, achieved_sentence),
}


def labels() -> dict[str, Labels]:
    """Every form, translated now: the ``labels`` the templates get."""
    return {name: form() for name, (_enum, form) in FORMS.items()}


def choices(form: Form) -> list[tuple[str | None, str]]:
    """What a combo box offers for a vocabulary: the dash first where the field may be empty,
    then every value in its enum's order, as plain strings (the values stored)."""
    enum = next(e for e, f in FORMS.values() if f is form)
    texts = form()
    blank: list[tuple[str | None, str]] = [(None, texts[None])] if None in texts else []
    return blank + [(member.value, texts[member]) for member in enum]
