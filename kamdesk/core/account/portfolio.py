"""Portfolio analytics: where our income depends on whom, who meets plan and grows, where money
is overdue, how well the VIPs and KOLs are covered, and how concentrated our income is.

Computed with a handful of SQL queries (window functions and aggregates, one row per client
each), so 2,000 clients take tens of milliseconds; Python only combines per-client results.
Readiness of the next meetings is not computed here (it needs each meeting's whole context):
the GUI computes it on its worker, the PDF report asks ``readiness`` per meeting.

Definitions:
- *income share*: our income from the client in its latest ended year, in the company
  currency, over the company's annual income (as ``analytics.income_share``);
- *concentration*: the shares of the top client and the top three, and the Herfindahl index
  (sum of squared shares, 0–10,000 points) over the clients in the dossier. Income from clients
  not in the dossier counts as spread over many small clients, adding next to nothing
  (``concentration``);
- *coverage*: the share of a client's VIPs/KOLs at the "loyal" stage or closer; a contact is
  *overdue* when a person with a contact cadence was last contacted longer ago than it (or
  never).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select, true
from sqlmodel import Session

from kamdesk.core.account import analytics
from kamdesk.core.account.concentration import HHI_HIGH as HHI_HIGH
from kamdesk.core.account.concentration import HHI_MODERATE as HHI_MODERATE
from kamdesk.core.account.concentration import PARETO_LINE as PARETO_LINE
from kamdesk.core.account.concentration import TOP3_HIGH as TOP3_HIGH
from kamdesk.core.account.concentration import Concentration as Concentration
from kamdesk.core.account.concentration import concentration_of as concentration_of
from kamdesk.core.account.concentration import pareto_points as pareto_points
from kamdesk.core.i18n import _
from kamdesk.core.model import enums
from kamdesk.core.model import models as m

LOYAL_STAGES = (enums.Stage.LOYAL.value, enums.Stage.CLOSE.value)

f_tab = m.FinancialPeriod.__table__  # type: ignore[attr-defined]
t_tab = m.SalesTarget.__table__  # type: ignore[attr-defined]
s_tab = m.Stakeholder.__table__  # type: ignore[attr-defined]
c_tab = m.Client.__table__  # type: ignore[attr-defined]
r_tab = m.ClientKeyReason.__table__  # type: ignore[attr-defined]
mt_tab = m.Meeting.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Ratio:
    """A period's figure against another: attainment (actual / target) or growth."""

    period: str
    value: float | None


@dataclass(frozen=True)
class ClientFigures:
    id: int
    key: str
    name: str
    currency: str | None
    key_level: str | None
    key_reasons: tuple[str, ...]  # as the KAM set them
    income_year: str | None = None
    income: float | None = None  # in the company currency
    income_share: float | None = None
    dependency: str | None = None  # enums.Dependency value
    income_problem: str | None = None  # why the share is not known
    attainment_year: Ratio | None = None  # latest year with a target and our sales
    attainment_quarter: Ratio | None = None
    growth_year: Ratio | None = None  # our sales against the year before
    growth_quarter: Ratio | None = None  # against the quarter before
    receivables_period: str | None = None
    receivables: float | None = None  # client currency
    overdue: float | None = None
    payment_terms_days: int | None = None
    credit_limit: float | None = None
    vips_kols: int = 0
    vips_kols_loyal: int = 0
    contacts_overdue: int = 0
    next_meeting_key: str | None = None
    next_meeting_title: str | None = None
    next_meeting_at: dt.datetime | None = None

    @property
    def key_by_income(self) -> bool:
        """Meets the income-share definition, computed from the financials."""
        return self.dependency is not None and self.dependency != "below_threshold"

    @property
    def coverage(self) -> float | None:
        return self.vips_kols_loyal / self.vips_kols if self.vips_kols else None

    @property
    def overdue_ratio(self) -> float | None:
        if self.receivables is None or not self.receivables or self.overdue is None:
            return None
        return self.overdue / self.receivables

    @property
    def over_limit(self) -> bool:
        return (
            self.credit_limit is not None
            and self.receivables is not None
            and self.receivables > self.credit_limit
        )


@dataclass(frozen=True)
class Portfolio:
    today: dt.date
    company_currency: str
    clients: list[ClientFigures]
    concentration: Concentration
    pareto: list[tuple[str, float]] = field(default_factory=list)  # (client, income), desc


def _year_end_before(today: dt.date) -> Any:
    """Year periods that have ended by ``today``."""
    return and_(
        func.length(f_tab.c.period) == 4, cast(f_tab.c.period, Integer) < literal(today.year)
    )


def _period_order(period: Any) -> Any:
    """A sortable key for periods of mixed kinds, unique per period: the month the period
    ends, then its fineness (a month is fresher than the quarter or year ending with it)."""
    quarter_end = case(
        (func.substr(period, 7, 1) == "1", "03"),
        (func.substr(period, 7, 1) == "2", "06"),
        (func.substr(period, 7, 1) == "3", "09"),
        else_="12",
    )
    return case(
        (func.length(period) == 4, period + "-12-1"),
        (func.substr(period, 6, 1) == "Q", func.substr(period, 1, 5) + quarter_end + "-2"),
        else_=period + "-3",
    )


def _among(column: Any, ids: Collection[int] | None) -> Any:
    return true() if ids is None else column.in_(list(ids))


def _latest(session: Session, order: Any, where: Any) -> dict[int, Any]:
    """Per client, the financial period with the highest ``order`` (an expression unique per
    period) among the rows matching ``where``: the maximum per client is an aggregate, then
    the rows are fetched by (client, key). Window functions were 3-4x slower here."""
    best = (
        select(f_tab.c.client_id, func.max(order).label("best"))
        .where(where)
        .group_by(f_tab.c.client_id)
        .subquery()
    )
    rows = session.execute(
        select(f_tab).join(best, and_(best.c.client_id == f_tab.c.client_id, best.c.best == order))
    )
    return {row.client_id: row for row in rows}


def compute(
    session: Session,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    rates: dict[str, float] | None = None,
    client_ids: Collection[int] | None = None,
) -> Portfolio:
    """The portfolio's figures (only ``client_ids`` when given; concentration then covers
    those clients only). Each figure is one grouped query over every client (not a query per
    client), so the large portfolio is read in a fixed number of statements."""
    now = now or dt.datetime.now(dt.UTC)
    today = today or now.date()
    rates = rates or {}
    company = session.get(m.Company, 1)
    currency = company.currency if company else "EUR"

    among = _among(f_tab.c.client_id, client_ids)
    years = _year_end_before(today)
    quarters = func.substr(f_tab.c.period, 6, 1) == "Q"

    # Latest ended year with our income.
    income = _latest(session, f_tab.c.period, and_(years, f_tab.c.our_income.is_not(None), among))
    att_year, att_quarter = (
        _attainment(session, years, among),
        _attainment(session, quarters, among),
    )
    growth_year = _growth(session, years, _year_before, among)
    growth_quarter = _growth(session, quarters, _quarter_before, among)
    receivables = _latest(
        session, _period_order(f_tab.c.period), and_(f_tab.c.receivables.is_not(None), among)
    )
    people = _people_counts(session, today, client_ids)
    next_meeting = _next_meetings(session, now, client_ids)
    reasons = _key_reasons(session, client_ids)

    clients = []
    for c in session.execute(
        select(c_tab).where(_among(c_tab.c.id, client_ids)).order_by(c_tab.c.name)
    ):
        clients.append(
            _client(
                c,
                company,
                rates,
                reasons.get(c.id, []),
                income.get(c.id),
                att_year.get(c.id),
                att_quarter.get(c.id),
                growth_year.get(c.id),
                growth_quarter.get(c.id),
                receivables.get(c.id),
                people.get(c.id),
                next_meeting.get(c.id),
            )
        )
    concentration = concentration_of(clients, company)
    ranked = sorted(
        ((c.name, c.income) for c in clients if c.income is not None and c.income > 0),
        key=lambda pair: -pair[1],
    )
    return Portfolio(today, currency, clients, concentration, ranked)


def _attainment(session: Session, kind: Any, among: Any) -> dict[int, Ratio]:
    """Attainment per client: the latest period of ``kind`` (years or quarters) with both a
    target and our sales."""
    with_target = and_(t_tab.c.client_id == f_tab.c.client_id, t_tab.c.period == f_tab.c.period)
    best = (
        select(f_tab.c.client_id, func.max(f_tab.c.period).label("best"))
        .join(t_tab, with_target)
        .where(kind, f_tab.c.our_sales.is_not(None), t_tab.c.target > 0, among)
        .group_by(f_tab.c.client_id)
        .subquery()
    )
    rows = session.execute(
        select(f_tab.c.client_id, f_tab.c.period, f_tab.c.our_sales, t_tab.c.target)
        .join(best, and_(best.c.client_id == f_tab.c.client_id, best.c.best == f_tab.c.period))
        .join(t_tab, with_target)
    )
    return {r.client_id: Ratio(r.period, r.our_sales / r.target) for r in rows}


def _growth(
    session: Session, kind: Any, previous: Callable[[Any], Any], among: Any
) -> dict[int, Ratio]:
    """Growth per client: our sales in the latest period of ``kind`` against the period just
    before (``previous`` of it); ended years only (a year still running is not comparable
    with a whole one)."""
    best = (
        select(f_tab.c.client_id, func.max(f_tab.c.period).label("best"))
        .where(kind, f_tab.c.our_sales.is_not(None), among)
        .group_by(f_tab.c.client_id)
        .subquery()
    )
    before = f_tab.alias("before")
    rows = session.execute(
        select(
            f_tab.c.client_id,
            f_tab.c.period,
            f_tab.c.our_sales,
            before.c.our_sales.label("base"),
        )
        .join(best, and_(best.c.client_id == f_tab.c.client_id, best.c.best == f_tab.c.period))
        .outerjoin(
            before,
            and_(
                before.c.client_id == f_tab.c.client_id,
                before.c.period == previous(f_tab.c.period),
            ),
        )
    )
    return {
        r.client_id: Ratio(r.period, (r.our_sales - r.base) / abs(r.base) if r.base else None)
        for r in rows
    }


def _year_before(period: Any) -> Any:
    """SQL: the year before a "YYYY" period."""
    return cast(cast(period, Integer) - 1, String)


def _quarter_before(period: Any) -> Any:
    """SQL: the quarter before a "YYYY-Qn" period."""
    year, q = func.substr(period, 1, 4), func.substr(period, 7, 1)
    return case(
        (q == "1", cast(cast(year, Integer) - 1, String) + "-Q4"),
        else_=year + "-Q" + cast(cast(q, Integer) - 1, String),
    )


def _people_counts(
    session: Session, today: dt.date, client_ids: Collection[int] | None
) -> dict[int, Any]:
    """Per client: its VIPs/KOLs, how many of them are loyal or closer, and how many people
    are due for a contact (a cadence set, and no contact within it)."""
    vip = or_(s_tab.c.vip, s_tab.c.kol)
    due = func.julianday(s_tab.c.last_contact_on) + s_tab.c.contact_every_days  # SQLite
    late = and_(
        s_tab.c.contact_every_days.is_not(None),
        or_(
            s_tab.c.last_contact_on.is_(None),
            due < func.julianday(literal(today.isoformat())),
        ),
    )
    rows = session.execute(
        select(
            s_tab.c.client_id,
            func.sum(case((vip, 1), else_=0)).label("vips"),
            func.sum(case((and_(vip, s_tab.c.stage.in_(LOYAL_STAGES)), 1), else_=0)).label("loyal"),
            func.sum(case((late, 1), else_=0)).label("overdue"),
        )
        .where(_among(s_tab.c.client_id, client_ids))
        .group_by(s_tab.c.client_id)
    )
    return {row.client_id: row for row in rows}


def _next_meetings(
    session: Session, now: dt.datetime, client_ids: Collection[int] | None
) -> dict[int, Any]:
    """Per client: its soonest meeting from ``now`` on (two at the same time: the first
    added)."""
    future = and_(
        mt_tab.c.starts_at_utc >= now.astimezone(dt.UTC), _among(mt_tab.c.client_id, client_ids)
    )
    soonest = (
        select(mt_tab.c.client_id, func.min(mt_tab.c.starts_at_utc).label("at"))
        .where(future)
        .group_by(mt_tab.c.client_id + 0)  # + 0: walk the start-time index, not the client's
        .subquery()
    )
    next_meeting: dict[int, Any] = {}
    for row in session.execute(
        select(mt_tab)
        .join(
            soonest,
            and_(
                soonest.c.client_id == mt_tab.c.client_id,
                soonest.c.at == mt_tab.c.starts_at_utc,
            ),
        )
        .order_by(mt_tab.c.id)
    ):
        next_meeting.setdefault(row.client_id, row)
    return next_meeting


def _key_reasons(session: Session, client_ids: Collection[int] | None) -> dict[int, list[str]]:
    """Per client: why it is key, in the order the reasons were given."""
    reasons: dict[int, list[str]] = {}
    for cid, reason in session.execute(
        select(r_tab.c.client_id, r_tab.c.reason)
        .where(_among(r_tab.c.client_id, client_ids))
        .order_by(r_tab.c.id)
    ):
        reasons.setdefault(cid, []).append(reason)
    return reasons


def _client(
    c: Any,
    company: m.Company | None,
    rates: dict[str, float],
    reasons: list[str],
    income: Any,
    att_year: Any,
    att_quarter: Any,
    growth_year: Any,
    growth_quarter: Any,
    receivables: Any,
    people: Any,
    meeting: Any,
) -> ClientFigures:
    year = amount = share = level = problem = None
    if income is None:
        problem = _("no full year with our income")
    else:
        year = income.period
        amount = analytics.to_company_currency(income.our_income, c.currency, company, rates)
        if amount is None:
            problem = _("no exchange rate from {currency} in the settings").format(
                currency=c.currency
            )
        elif company is None or not company.annual_income:
            problem = _("the company's annual income is not set")
        else:
            share = amount / company.annual_income
            level = analytics.dependency_level(share, company.key_share_threshold).value
    start = None
    if meeting is not None:
        tz = dt.timezone(dt.timedelta(minutes=meeting.utc_offset_min))
        utc = meeting.starts_at_utc
        start = (utc if utc.tzinfo else utc.replace(tzinfo=dt.UTC)).astimezone(tz)
    return ClientFigures(
        id=c.id,
        key=c.key,
        name=c.name,
        currency=c.currency,
        key_level=c.key_level,
        key_reasons=tuple(reasons),
        income_year=year,
        income=amount,
        income_share=share,
        dependency=level,
        income_problem=problem,
        attainment_year=att_year,
        attainment_quarter=att_quarter,
        growth_year=growth_year,
        growth_quarter=growth_quarter,
        receivables_period=receivables.period if receivables else None,
        receivables=receivables.receivables if receivables else None,
        overdue=(receivables.overdue or 0.0) if receivables else None,
        payment_terms_days=c.payment_terms_days,
        credit_limit=c.credit_limit,
        vips_kols=int(people.vips or 0) if people else 0,
        vips_kols_loyal=int(people.loyal or 0) if people else 0,
        contacts_overdue=int(people.overdue or 0) if people else 0,
        next_meeting_key=meeting.key if meeting else None,
        next_meeting_title=meeting.title if meeting else None,
        next_meeting_at=start,
    )
