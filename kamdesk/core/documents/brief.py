"""The pre-meeting brief: a view of a meeting's context, rendered to HTML and PDF.

Two versions from one template:
- the **carry brief** (the default): at most two A4 pages for up to four attendees. Page 1 is
  the meeting: when, leave-by, the seven mistakes, objective and commitment, agenda, questions,
  proposals with the needs they answer, prepared responses, the client's open plans and
  tenders (not yet past), and since last time (outcome, decisions, slips with what you will
  do differently, open actions). Page 2 is the people, manners first, and the relationship
  map, then the facts of the products on the agenda and only the prepared answers tagged to
  the needs the proposals answer. The negotiation limits sit in a "for your eyes only" box at
  the foot of page 2, never on page 1, which may lie on the client's table (or on a separate
  last sheet: ``Settings.brief_limits_sheet``).
- the **full brief** (``full=True``, ``kamdesk brief --full``): everything, with the client
  snapshot (why key, income share, plan, growth, receivables, competitors), every product in
  play and every prepared answer.

A value that is not known is left out, never printed as a dash. Dates are Babel's medium
format of the settings' locale, the readiness messages included.

``build_html`` and ``build_pdf`` are pure functions of (context, report, settings, time), so
the GUI can run them on a worker thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kamdesk.core.account import analytics
from kamdesk.core.documents import reports
from kamdesk.core.documents.relmap import relationship_svg
from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.context import MeetingContext, ProductInfo
from kamdesk.core.meeting.readiness import MISTAKES, Level, Report, mistake_title
from kamdesk.core.model import models as m
from kamdesk.core.model.labels import labels
from kamdesk.core.settings import Settings

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
    full: bool = False  # everything, instead of the two-page carry brief


@dataclass
class ProductView:
    info: ProductInfo
    faqs: list[m.ProductFaq]


def relevant_plans(ctx: MeetingContext) -> list[m.Plan]:
    """The client's own plans and tenders that bear on the meeting: open, and not due before
    it (tenders first)."""
    day = ctx.reference_day
    plans = [
        p
        for p in ctx.plans
        if p.kind in ("tender", "client_development")
        and p.status == "open"
        and (p.due is None or p.due >= day)
    ]
    return sorted(plans, key=lambda p: (p.kind != "tender", p.due or dt.date.max))


def products_in_play(ctx: MeetingContext, full: bool) -> list[ProductView]:
    """The carry brief's products are those on the agenda, each with only the answers tagged
    to a need the meeting's proposals answer; the full brief has every product and answer."""
    needs = ctx.need_by_id
    texts = [needs[p.need_id].text for p in ctx.proposals if p.need_id in needs]
    out = []
    for info in ctx.products:
        if full:
            out.append(ProductView(info, list(info.faqs)))
        elif info.on_agenda:
            faqs = [
                f
                for f in info.faqs
                if any(substance.tag_matches(tag, text) for tag in f.tags for text in texts)
            ]
            out.append(ProductView(info, faqs))
    return out


def _attendees(ctx: MeetingContext) -> list[dict[str, Any]]:
    """Each attendee with the next step of their relationship plan not done yet."""
    return [
        {
            "p": person,
            "next_step": next((s for s in ctx.steps.get(person.id or 0, []) if not s.done), None),
        }
        for person in ctx.attendees
    ]


def _open_issues(ctx: MeetingContext) -> list[dict[str, Any]]:
    """The open complaints and objections, with who raised them and whether they attend."""
    people = ctx.person_by_id
    attending = {p.id for p in ctx.attendees}
    return [
        {
            "issue": i,
            "by": people.get(i.raised_by_id) if i.raised_by_id else None,
            "attending": i.raised_by_id in attending,
        }
        for i in ctx.issues
        if i.status == "open"
    ]


def _slips(ctx: MeetingContext) -> list[dict[str, Any]]:
    """The previous meeting's slips (self-review), each with this meeting's lesson."""
    if not ctx.previous:
        return []
    lessons = ctx.meeting.lessons or {}
    return [
        {
            "mistake": r.mistake,
            "title": mistake_title(r.mistake),
            "comment": r.comment,
            "lesson": lessons.get(str(r.mistake)),
        }
        for r in ctx.previous.slips
    ]


def _mistakes(report: Report) -> list[dict[str, Any]]:
    """The seven mistakes in order, each with its worst level, reminder and findings."""
    grouped = report.by_mistake()
    mistakes = []
    for number in MISTAKES:
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
                "title": mistake_title(number),
                "level": worst.value,
                "reminder": _(REMINDERS[number]),
                "issues": [c for c in checks if c.level is not Level.OK],
            }
        )
    return mistakes


def _figures(ctx: MeetingContext, settings: Settings, day: dt.date) -> dict[str, Any]:
    """The client's figures the brief prints: income share, the last four attainments, the
    latest growth year on year and quarter on quarter, receivables, share of wallet."""
    attainment = [
        a for a in analytics.attainment(ctx.targets, ctx.financials) if a.actual is not None
    ][-4:]
    yoy = analytics.growth(ctx.financials, "year")
    qoq = analytics.growth(ctx.financials, "quarter")
    return {
        "income_share": analytics.income_share(
            ctx.client, ctx.financials, ctx.company, settings.exchange_rates, day
        ),
        "attainment": attainment,
        "yoy": yoy[-1] if yoy else None,
        "qoq": qoq[-1] if qoq else None,
        "receivables": analytics.receivables(ctx.client, ctx.financials),
        "wallet": analytics.share_of_wallet(ctx.competitors),
    }


def view(
    ctx: MeetingContext, report: Report, settings: Settings, options: BriefOptions
) -> dict[str, Any]:
    """What the brief template reads: the context, the report by mistake, the figures and
    the parts of the meeting each page shows."""
    now = options.now or dt.datetime.now(dt.UTC)
    meeting, client = ctx.meeting, ctx.client
    currency = client.currency or (ctx.company.currency if ctx.company else None)
    needs = ctx.need_by_id
    override = None if report.ready else (options.override_reason or meeting.override_reason)
    return {
        "ctx": ctx,
        "meeting": meeting,
        "client": client,
        "company": ctx.company,
        "currency": currency,
        "report": report,
        "mistakes": _mistakes(report),
        "override_reason": override,
        "start": meeting.starts_at,
        "leave_by": report.leave_by,
        "buffer_min": meeting.buffer_min
        if meeting.buffer_min is not None
        else settings.default_buffer_min,
        "prepared_at": now,
        "kam_name": settings.kam_name,
        "labels": labels(),
        **_figures(ctx, settings, now.date()),
        "competitors": ctx.competitors,
        "previous": ctx.previous,
        "open_actions": ctx.open_actions,
        "attendees": _attendees(ctx),
        "relmap": relationship_svg(
            ctx.attendees,
            ctx.relations,
            height=270 if options.full else 230,
            title=_("Relationship map of the attendees"),
            positions=ctx.positions,
        ),
        "proposals": [
            {"text": p.text, "need": needs.get(p.need_id) if p.need_id else None}
            for p in ctx.proposals
        ],
        "issues": _open_issues(ctx),
        "products": products_in_play(ctx, options.full),
        "full": options.full,
        "plans": relevant_plans(ctx),
        "slips": _slips(ctx),
        "limits_sheet": settings.brief_limits_sheet,
        "negotiation": meeting.kind == "negotiation",
        "has_limits": meeting.max_discount_pct is not None
        or bool(meeting.walk_away)
        or bool(meeting.credit_line),
    }


def build_html(
    ctx: MeetingContext, report: Report, settings: Settings, options: BriefOptions | None = None
) -> str:
    return reports.render(
        "brief.html.j2", settings.locale, **view(ctx, report, settings, options or BriefOptions())
    )


def build_pdf(html: str, fetcher: reports.ResourceOnlyFetcher | None = None) -> bytes:
    return reports.html_to_pdf(html, fetcher)
