"""The pre-meeting brief: a view of a meeting's context, rendered to HTML and PDF.

``build_html`` and ``build_pdf`` are pure functions of (context, report, settings, time), so
the GUI can run them on a worker thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kamdesk.core import analytics, reports
from kamdesk.core.context import MeetingContext
from kamdesk.core.i18n import _
from kamdesk.core.readiness import MISTAKES, Level, Report
from kamdesk.core.relmap import relationship_svg
from kamdesk.core.settings import Settings


def labels() -> dict[str, dict[str | None, str]]:
    """Human labels for the closed vocabularies (translatable)."""
    return {
        "buying_role": {
            "economic": _("Economic buyer"),
            "user": _("User"),
            "technical": _("Technical buyer"),
            "coach": _("Coach"),
            "gatekeeper": _("Gatekeeper"),
            "other": _("Other"),
            None: "—",
        },
        "attitude": {
            "champion": _("Champion"),
            "supporter": _("Supporter"),
            "neutral": _("Neutral"),
            "skeptic": _("Skeptic"),
            "opponent": _("Opponent"),
            None: "—",
        },
        "stage": {
            "unknown": _("Unknown"),
            "contacted": _("Contacted"),
            "acquainted": _("Acquainted"),
            "loyal": _("Loyal"),
            "close": _("Close"),
            None: "—",
        },
        "key_reason": {
            "income_share": _("Income share"),
            "potential": _("Potential"),
            "reference": _("Reference"),
            "partner": _("Partner"),
            "competent": _("More competent than us"),
            "innovator": _("Innovator"),
        },
        "key_level": {
            "company": _("Company level"),
            "director": _("Sales-director level"),
            "department": _("Department level"),
            None: "—",
        },
        "dependency": {
            "below_threshold": _("below the key threshold"),
            "key": _("key client"),
            "critical": _("critical dependency"),
            "mono_client": _("mono-client"),
            None: "—",
        },
        "mode": {"in_person": _("In person"), "video": _("Video call"), "phone": _("Phone call")},
        "kind": {
            "meeting": _("Meeting"),
            "negotiation": _("Negotiation"),
            "presentation": _("Presentation"),
            "event": _("Event"),
        },
        "issue_kind": {"complaint": _("Complaint"), "objection": _("Objection")},
    }


REMINDERS = {
    1: "Leave on time; arrive ten minutes early, phone charged, papers in order.",
    2: "Never argue: acknowledge, ask why, then answer with the prepared response.",
    3: "Ask, then wait. Let them finish; take notes instead of interrupting.",
    4: "Know their business, their numbers and their people before you walk in.",
    5: "State the objective early; ask for the commitment before you leave.",
    6: "Use each person's title, name and language as noted; keep their customs.",
    7: "Answer from the facts; if unsure, promise an answer by a date and keep it.",
}


@dataclass
class BriefOptions:
    override_reason: str | None = None
    now: dt.datetime | None = None


def view(
    ctx: MeetingContext, report: Report, settings: Settings, options: BriefOptions
) -> dict[str, Any]:
    now = options.now or dt.datetime.now(dt.UTC)
    meeting, client = ctx.meeting, ctx.client
    day = now.date()
    currency = client.currency or (ctx.company.currency if ctx.company else None)
    people = ctx.person_by_id
    needs = ctx.need_by_id

    attendees = []
    for person in ctx.attendees:
        next_step = next((s for s in ctx.steps.get(person.id or 0, []) if not s.done), None)
        attendees.append({"p": person, "next_step": next_step})

    issues = [
        {
            "issue": i,
            "by": people.get(i.raised_by_id) if i.raised_by_id else None,
            "attending": i.raised_by_id in {p.id for p in ctx.attendees},
        }
        for i in ctx.issues
        if i.status == "open"
    ]
    proposals = [
        {"text": p.text, "need": needs.get(p.need_id) if p.need_id else None} for p in ctx.proposals
    ]
    share = analytics.income_share(
        client, ctx.financials, ctx.company, settings.exchange_rates, day
    )
    attainment = [
        a for a in analytics.attainment(ctx.targets, ctx.financials) if a.actual is not None
    ][-4:]
    yoy = analytics.growth(ctx.financials, "year")
    qoq = analytics.growth(ctx.financials, "quarter")
    grouped = report.by_mistake()
    mistakes = []
    for number, title in MISTAKES.items():
        checks = grouped[number]
        worst = (
            Level.BLOCK
            if any(c.level is Level.BLOCK for c in checks)
            else Level.WARN
            if any(c.level is Level.WARN for c in checks)
            else Level.OK
        )
        mistakes.append(
            {
                "number": number,
                "title": _(title),
                "level": worst.value,
                "reminder": _(REMINDERS[number]),
                "issues": [c for c in checks if c.level is not Level.OK],
            }
        )
    override = None if report.ready else (options.override_reason or meeting.override_reason)
    return {
        "ctx": ctx,
        "meeting": meeting,
        "client": client,
        "company": ctx.company,
        "currency": currency,
        "report": report,
        "mistakes": mistakes,
        "override_reason": override,
        "start": meeting.starts_at,
        "leave_by": report.leave_by,
        "buffer_min": meeting.buffer_min
        if meeting.buffer_min is not None
        else settings.default_buffer_min,
        "prepared_at": now,
        "kam_name": settings.kam_name,
        "labels": labels(),
        "income_share": share,
        "attainment": attainment,
        "yoy": yoy[-1] if yoy else None,
        "qoq": qoq[-1] if qoq else None,
        "receivables": analytics.receivables(client, ctx.financials),
        "wallet": analytics.share_of_wallet(ctx.competitors),
        "competitors": ctx.competitors,
        "previous": ctx.previous,
        "open_actions": ctx.open_actions,
        "attendees": attendees,
        "relmap": relationship_svg(
            ctx.attendees,
            ctx.relations,
            height=270,
            title=_("Relationship map of the attendees"),
            positions=ctx.positions,
        ),
        "proposals": proposals,
        "issues": issues,
        "products": ctx.products,
    }


def build_html(
    ctx: MeetingContext, report: Report, settings: Settings, options: BriefOptions | None = None
) -> str:
    return reports.render(
        "brief.html.j2", settings.locale, **view(ctx, report, settings, options or BriefOptions())
    )


def build_pdf(html: str, fetcher: reports.ResourceOnlyFetcher | None = None) -> bytes:
    return reports.html_to_pdf(html, fetcher)
