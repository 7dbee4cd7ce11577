"""The client dossier: every part of one client, as a bookmarked, printable PDF.

Three steps, so the work can be split across threads and processes:

- ``load(session, client_key)`` reads everything once (plain data afterwards);
- ``render_html(data, settings, now)`` is a pure function of that data: the page, charts
  included (inline SVG, no fetch);
- ``build_pdf(html)`` turns the HTML into PDF bytes through ``reports.html_to_pdf`` (the
  locked-down fetcher and the bundled fonts, like the brief). It needs nothing but the HTML,
  so the GUI can build the HTML on its side and render in its render process
  (``workers.render_pdf_in_process(html)`` gives the same bytes).

``build_html(session, client_key, settings, now)`` does the first two in one call.
All user text is autoescaped data: never a template, never a fetch.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from kamdesk.core.account import analytics, loading
from kamdesk.core.documents import charts, reports
from kamdesk.core.documents.relmap import relationship_svg
from kamdesk.core.errors import UnknownKey
from kamdesk.core.i18n import _
from kamdesk.core.model import models as m
from kamdesk.core.model.labels import labels
from kamdesk.core.settings import Settings

# The six definitions of a key client, in the order of DOMAIN.md, with what each means.
DEFINITIONS = (
    ("income_share", "We earn a large share of our income from them."),
    ("potential", "Need and budget, but they buy little from us, or from competitors."),
    ("reference", "A well-known name that opens doors in its sector."),
    ("partner", "They share strategic plans, budgets and the conditions to buy more."),
    ("competent", "Demanding, and more competent than us: they set our standard."),
    ("innovator", "Among the first to adopt new products and ideas."),
)


@dataclass
class ProductInfo:
    product: m.Product
    faqs: list[m.ProductFaq]


@dataclass
class MeetingRecord:
    meeting: m.Meeting
    attendees: list[m.Stakeholder]
    notes: m.MeetingNotes | None
    present: list[m.Stakeholder]
    actions: list[m.ActionItem]


@dataclass
class DossierData:
    client: m.Client
    company: m.Company | None
    key_reasons: list[str]
    key_reason_notes: dict[str, str]
    financials: list[m.FinancialPeriod]  # in period order
    targets: list[m.SalesTarget]
    needs: list[m.Need]
    need_products: dict[int, list[int]]  # need id -> product ids
    products: dict[int, ProductInfo]
    plans: list[m.Plan]
    competitors: list[m.Competitor]
    issues: list[m.ClientIssue]
    stakeholders: list[m.Stakeholder]
    steps: dict[int, list[m.RelationshipStep]]
    relations: list[m.Relation]
    positions: dict[int, tuple[float, float]]
    meetings: list[MeetingRecord] = field(default_factory=list)  # newest first

    @property
    def person_by_id(self) -> dict[int, m.Stakeholder]:
        return {p.id: p for p in self.stakeholders if p.id is not None}

    @property
    def vips(self) -> list[m.Stakeholder]:
        return [p for p in self.stakeholders if p.vip or p.kol]


def load(session: Session, client_key: str) -> DossierData:
    """Everything the dossier shows about one client (``account.loading``: one query per
    table)."""
    rows = loading.load(session, keys=[client_key])
    client = rows.clients[0] if rows.clients else None
    if client is None or client.id is None:
        raise UnknownKey(f"No client with key {client_key!r}.")
    cid = client.id
    of = rows.of

    stakeholders = of(rows.people, cid)
    needs = of(rows.needs, cid)
    need_products = {
        n.id: [link.product_id for link in of(rows.need_products, n.id)]
        for n in needs
        if n.id is not None and of(rows.need_products, n.id)
    }
    named = {pid for ids in need_products.values() for pid in ids}
    products = {
        p.id: ProductInfo(p, of(rows.faqs, p.id))
        for p in sorted((rows.products[pid] for pid in named), key=lambda p: (p.name, p.id or 0))
        if p.id is not None
    }
    reasons = of(rows.key_reasons, cid)
    return DossierData(
        client=client,
        company=rows.company,
        key_reasons=[r.reason for r in reasons],
        key_reason_notes={r.reason: r.note for r in reasons if r.note},
        financials=sorted(of(rows.financials, cid), key=lambda f: analytics.Period.parse(f.period)),
        targets=sorted(of(rows.targets, cid), key=lambda t: analytics.Period.parse(t.period)),
        needs=needs,
        need_products=need_products,
        products=products,
        plans=of(rows.plans, cid),
        competitors=of(rows.competitors, cid),
        issues=of(rows.issues, cid),
        stakeholders=stakeholders,
        steps={p.id: rows.steps[p.id] for p in stakeholders if p.id in rows.steps},
        relations=of(rows.relations, cid),
        positions={
            p.id: (rows.positions[p.id].x, rows.positions[p.id].y)
            for p in stakeholders
            if p.id in rows.positions
        },
        meetings=_meeting_records(rows, cid, {p.id: p for p in stakeholders}),
    )


def _meeting_records(
    rows: loading.ClientRows, cid: int, by_person: dict[int | None, m.Stakeholder]
) -> list[MeetingRecord]:
    """The client's meetings, newest first (those without a time before all), with who was
    invited, their notes, who was present and the actions."""
    meetings = sorted(
        rows.of(rows.meetings, cid),
        key=lambda mt: (mt.starts_at_utc is None, loading.utc_start(mt), mt.id or 0),
        reverse=True,
    )
    records = []
    for mt in meetings:
        nt = rows.notes.get(mt.id) if mt.id is not None else None
        records.append(
            MeetingRecord(
                mt,
                [by_person[a.stakeholder_id] for a in rows.of(rows.attendees, mt.id)],
                nt,
                [by_person[p.stakeholder_id] for p in rows.of(rows.present, nt.id)] if nt else [],
                rows.of(rows.actions, nt.id) if nt else [],
            )
        )
    return records


# --- the view ------------------------------------------------------------------------------------


def dossier_labels() -> dict[str, dict[Any, str]]:
    """The vocabularies' labels (core.labels) plus what each definition of a key client
    means (translatable)."""
    out: dict[str, dict[Any, str]] = dict(labels())
    out["definition"] = {key: _(text) for key, text in DEFINITIONS}
    return out


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, for the few translated words the page margins print
    (never user text)."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    )
    return Markup(f'"{escaped}"')  # noqa: S704 - escaped for CSS above


def page_of() -> Markup:
    """The footer's "Page X of Y" as CSS ``content``, in the translated word order."""
    parts = re.split(r"(\{page\}|\{pages\})", _("Page {page} of {pages}"))
    out = []
    for part in parts:
        if part == "{page}":
            out.append("counter(page)")
        elif part == "{pages}":
            out.append("counter(pages)")
        elif part:
            out.append(str(css_string(part)))
    return Markup(" ".join(out))  # noqa: S704 - built from escaped pieces


def _chart(svg: str | None) -> Markup | None:
    return Markup(svg) if svg else None  # noqa: S704 - charts.py escapes every user string


def _target_kind(targets: list[m.SalesTarget]) -> str | None:
    """The period kind the sales-vs-target chart shows: the one with the most targets (the
    finer one on a tie); mixing years and quarters on one scale would mislead."""
    counts: dict[str, int] = defaultdict(int)
    for t in targets:
        counts[analytics.Period.parse(t.period).kind] += 1
    if not counts:
        return None
    finer = {"month": 3, "quarter": 2, "year": 1}
    return max(counts, key=lambda kind: (counts[kind], finer[kind]))


def _contact_due(person: m.Stakeholder, today: dt.date) -> tuple[dt.date | None, int | None]:
    """When the next contact is due by the person's cadence, and how many days overdue."""
    if person.last_contact_on is None or person.contact_every_days is None:
        return None, None
    due = person.last_contact_on + dt.timedelta(days=person.contact_every_days)
    return due, (today - due).days if today > due else None


def _figures(data: DossierData, settings: Settings, today: dt.date) -> dict[str, Any]:
    """The finances section's figures: income share (now and per year), attainment of the
    targets (the charted kind's latest twelve), receivables with DSO, growth."""
    client, company = data.client, data.company
    attainment = analytics.attainment(data.targets, data.financials)
    kind = _target_kind(data.targets)
    of_kind = [a for a in attainment if analytics.Period.parse(a.period).kind == kind]
    receivables = analytics.receivables(client, data.financials)
    full_years = [
        f
        for f in data.financials
        if len(f.period) == 4 and f.our_sales and analytics.Period.parse(f.period).end < today
    ]
    dso = None
    if receivables is not None and full_years:
        dso = receivables.receivables / (full_years[-1].our_sales or 1.0) * 365
    return {
        "income_share": analytics.income_share(
            client, data.financials, company, settings.exchange_rates, today
        ),
        "attainment": attainment,
        "chart_attainment": of_kind[-12:],  # the latest twelve
        "chart_kind": kind,
        "share_points": analytics.income_share_by_year(
            client, data.financials, company, settings.exchange_rates, today
        ),
        "threshold": company.key_share_threshold if company else 0.10,
        "receivables": receivables,
        "dso": dso,
        "growth": {
            g.period: g.ratio
            for kind_ in ("year", "quarter", "month")
            for g in analytics.growth(data.financials, kind_)
        },
    }


def _vip_cards(data: DossierData, today: dt.date) -> list[dict[str, Any]]:
    """Each VIP and KOL with their plan, when contact is due, their relations both ways and
    the issues they raised."""
    people = data.person_by_id
    vips = []
    for person in data.vips:
        due, overdue = _contact_due(person, today)
        vips.append(
            {
                "p": person,
                "steps": data.steps.get(person.id or 0, []),
                "contact_due": due,
                "overdue_days": overdue,
                "relations": [
                    (rel, people.get(rel.to_id), True)
                    for rel in data.relations
                    if rel.from_id == person.id
                ]
                + [
                    (rel, people.get(rel.from_id), False)
                    for rel in data.relations
                    if rel.to_id == person.id
                ],
                "issues": [i for i in data.issues if i.raised_by_id == person.id],
            }
        )
    return vips


def _open_actions(data: DossierData) -> list[tuple[m.Meeting, m.ActionItem]]:
    """The actions not done yet, soonest due first (those without a date last)."""
    return sorted(
        (
            (record.meeting, action)
            for record in data.meetings
            for action in record.actions
            if not action.done
        ),
        key=lambda pair: (pair[1].due is None, pair[1].due or dt.date.max),
    )


def _sections(with_vips: bool) -> list[tuple[str, str]]:
    """The bookmarked sections (anchor, title), in page order."""
    sections = [
        ("profile", _("Profile and history")),
        ("why-key", _("Why a key client")),
        ("finances", _("Finances")),
        ("credit", _("Credit and receivables")),
        ("needs", _("Needs and our products")),
        ("plans", _("Plans and tenders")),
        ("competitors", _("Competitors")),
        ("relmap", _("Relationship map")),
        ("vips", _("VIPs and KOLs")),
        ("stakeholders", _("All stakeholders")),
        ("issues", _("Complaints and objections")),
        ("meetings", _("Meeting history")),
        ("actions", _("Open actions")),
    ]
    return sections if with_vips else [s for s in sections if s[0] != "vips"]


def _charts(
    data: DossierData, figures: dict[str, Any], currency: str | None, locale: str
) -> dict[str, Markup | None]:
    """The three charts of the finances section, as inline SVG."""
    return {
        "revenue": _chart(
            charts.revenue_trend(
                data.financials,
                currency=currency,
                locale=locale,
                height=230,
                label=_("Client revenue per year"),
            )
        ),
        "sales": _chart(
            charts.sales_vs_target(
                figures["chart_attainment"],
                currency=currency,
                locale=locale,
                height=230,
                label=_("Our sales against the target"),
                labels=(_("Our sales"), _("Target")),
            )
        ),
        "share": _chart(
            charts.income_share_over_time(
                figures["share_points"],
                figures["threshold"],
                locale=locale,
                height=230,
                label=_("Our income share from the client per year"),
            )
        ),
    }


def view(data: DossierData, settings: Settings, now: dt.datetime) -> dict[str, Any]:
    """What the dossier template reads: the loaded data, the figures and charts made from it,
    the sections and the words of the page margins."""
    client, company = data.client, data.company
    today = now.date()
    currency = client.currency or (company.currency if company else None)
    people = data.person_by_id
    figures = _figures(data, settings, today)
    vips = _vip_cards(data, today)
    return {
        "client": client,
        "company": company,
        "currency": currency,
        "labels": dossier_labels(),
        "definitions": [key for key, _text in DEFINITIONS],
        "key_reasons": data.key_reasons,
        "key_reason_notes": data.key_reason_notes,
        "financials": data.financials,
        "needs": data.needs,
        "need_products": data.need_products,
        "products": data.products,
        "product_names": {pid: info.product.name for pid, info in data.products.items()},
        "plans": sorted(
            data.plans,
            key=lambda p: (p.status != "open", p.due is None, p.due or dt.date.max),
        ),
        "relations": [
            (people.get(rel.from_id), rel.kind, people.get(rel.to_id)) for rel in data.relations
        ],
        "competitors": data.competitors,
        "wallet": analytics.share_of_wallet(data.competitors),
        "issues": sorted(data.issues, key=lambda i: i.status != "open"),
        "people": people,
        "stakeholders": data.stakeholders,
        "vips": vips,
        "meetings": data.meetings,
        "open_actions": _open_actions(data),
        "sections": _sections(bool(vips)),
        "prepared_at": now,
        "today": today,
        "kam_name": settings.kam_name,
        "relmap": relationship_svg(
            data.stakeholders,
            data.relations,
            title=_("Relationship map"),
            positions=data.positions,
        )
        if data.stakeholders
        else None,
        "charts": _charts(data, figures, currency, settings.locale),
        "css_str": css_string,
        "page_of": page_of(),
        **{k: v for k, v in figures.items() if k != "chart_attainment"},
    }


def render_html(data: DossierData, settings: Settings, now: dt.datetime | None = None) -> str:
    """The dossier page: a pure function of loaded data (safe on any thread)."""
    now = now or dt.datetime.now(dt.UTC)
    return reports.render("dossier.html.j2", settings.locale, **view(data, settings, now))


def build_html(
    session: Session, client_key: str, settings: Settings, now: dt.datetime | None = None
) -> str:
    return render_html(load(session, client_key), settings, now)


def build_pdf(html: str, fetcher: reports.ResourceOnlyFetcher | None = None) -> bytes:
    """PDF bytes for a dossier page, with only packaged resources reachable."""
    return reports.html_to_pdf(html, fetcher)
