"""Key-account figures from the dossier: income share and dependency, plan attainment, growth,
receivables, share of wallet, and the "leave by" time. Pure functions over model rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kamdesk.core.errors import KamdeskError
from kamdesk.core.model import models as m
from kamdesk.core.model.enums import Dependency

CRITICAL_SHARE = 0.20
MONO_CLIENT_SHARE = 0.70


# --- periods -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """A financial period: a year (``2025``), a quarter (``2025-Q3``) or a month (``2025-07``)."""

    start: dt.date
    end: dt.date
    kind: str  # "year" | "quarter" | "month"
    label: str

    @classmethod
    def parse(cls, label: str) -> Period:
        """The period a label names. Labels are checked on input, so a bad one here means a
        damaged file: a message for the user, not a crash."""
        try:
            return cls._parse(label)
        except (ValueError, IndexError, TypeError):
            raise KamdeskError(
                f"{label!r} is not a period (YYYY, YYYY-Qn or YYYY-MM): the dossier file may "
                "be damaged; File > Backups can restore a good copy."
            ) from None

    @classmethod
    def _parse(cls, label: str) -> Period:
        year = int(label[:4])
        if len(label) == 4:
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", label)
        if label[5] == "Q":
            q = int(label[6])
            first = 3 * (q - 1) + 1
            last = first + 2
            return cls(
                dt.date(year, first, 1),
                dt.date(year, last, calendar.monthrange(year, last)[1]),
                "quarter",
                label,
            )
        month = int(label[5:7])
        return cls(
            dt.date(year, month, 1),
            dt.date(year, month, calendar.monthrange(year, month)[1]),
            "month",
            label,
        )

    def previous(self) -> str:
        year = self.start.year
        if self.kind == "year":
            return str(year - 1)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"
        month = self.start.month
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


# --- income share and dependency ---------------------------------------------------------------


@dataclass(frozen=True)
class IncomeShare:
    year: str | None
    share: float | None
    level: Dependency | None
    problem: str | None = None  # why the share cannot be computed


def to_company_currency(
    amount: float, currency: str | None, company: m.Company | None, rates: dict[str, float]
) -> float | None:
    if company is None or currency is None or currency == company.currency:
        return amount
    rate = rates.get(currency)
    return None if rate is None else amount * rate


def dependency_level(share: float, threshold: float) -> Dependency:
    if share > MONO_CLIENT_SHARE:
        return Dependency.MONO_CLIENT
    if share > CRITICAL_SHARE:
        return Dependency.CRITICAL
    if share >= threshold:
        return Dependency.KEY
    return Dependency.BELOW


def income_share(
    client: m.Client,
    financials: Sequence[m.FinancialPeriod],
    company: m.Company | None,
    rates: dict[str, float],
    today: dt.date,
) -> IncomeShare:
    """Our income from the client in the latest full (ended) year, as a share of our total."""
    years = sorted(
        (
            f
            for f in financials
            if len(f.period) == 4
            and f.our_income is not None
            and Period.parse(f.period).end < today
        ),
        key=lambda f: f.period,
    )
    if not years:
        return IncomeShare(None, None, None, "no full year with our income")
    latest = years[-1]
    if company is None or not company.annual_income:
        return IncomeShare(latest.period, None, None, "the company's annual income is not set")
    assert latest.our_income is not None
    amount = to_company_currency(latest.our_income, client.currency, company, rates)
    if amount is None:
        return IncomeShare(
            latest.period,
            None,
            None,
            f"no exchange rate from {client.currency} to {company.currency} in the settings",
        )
    share = amount / company.annual_income
    return IncomeShare(latest.period, share, dependency_level(share, company.key_share_threshold))


# --- plan, growth, money ----------------------------------------------------------------------


@dataclass(frozen=True)
class Attainment:
    period: str
    target: float
    actual: float | None

    @property
    def ratio(self) -> float | None:
        if self.actual is None or not self.target:
            return None
        return self.actual / self.target


def attainment(
    targets: Sequence[m.SalesTarget], financials: Sequence[m.FinancialPeriod]
) -> list[Attainment]:
    actual = {f.period: f.our_sales for f in financials}
    return [
        Attainment(t.period, t.target, actual.get(t.period))
        for t in sorted(targets, key=lambda t: Period.parse(t.period))
    ]


@dataclass(frozen=True)
class Growth:
    period: str
    previous: str
    value: float
    previous_value: float

    @property
    def ratio(self) -> float | None:
        return (
            (self.value - self.previous_value) / self.previous_value
            if self.previous_value
            else None
        )


def growth(financials: Sequence[m.FinancialPeriod], kind: str) -> list[Growth]:
    """Period-on-period growth of our sales (kind: "year", "quarter" or "month")."""
    sales = {f.period: f.our_sales for f in financials if f.our_sales is not None}
    out = []
    for label in sorted(sales, key=Period.parse):
        period = Period.parse(label)
        if period.kind != kind:
            continue
        before = period.previous()
        if before in sales:
            out.append(Growth(label, before, sales[label] or 0.0, sales[before] or 0.0))
    return out


@dataclass(frozen=True)
class Receivables:
    period: str
    receivables: float
    overdue: float
    credit_limit: float | None

    @property
    def overdue_ratio(self) -> float | None:
        return self.overdue / self.receivables if self.receivables else None

    @property
    def over_limit(self) -> bool:
        return self.credit_limit is not None and self.receivables > self.credit_limit


def receivables(client: m.Client, financials: Sequence[m.FinancialPeriod]) -> Receivables | None:
    with_data = [f for f in financials if f.receivables is not None]
    if not with_data:
        return None
    latest = max(with_data, key=lambda f: Period.parse(f.period).end)
    return Receivables(
        latest.period, latest.receivables or 0.0, latest.overdue or 0.0, client.credit_limit
    )


@dataclass(frozen=True)
class WalletSlice:
    name: str
    share: float


def share_of_wallet(competitors: Sequence[m.Competitor]) -> list[WalletSlice]:
    """Competitors' shares, largest first, and what is left (us and others)."""
    known = sorted(
        (c for c in competitors if c.share_of_wallet is not None),
        key=lambda c: -(c.share_of_wallet or 0),
    )
    slices = [WalletSlice(c.name, c.share_of_wallet or 0.0) for c in known]
    rest = 1.0 - sum(s.share for s in slices)
    if rest > 0.0005:
        slices.append(WalletSlice("", rest))  # "" = us and others
    return slices


def latest_period_end(financials: Sequence[m.FinancialPeriod]) -> dt.date | None:
    if not financials:
        return None
    return max(Period.parse(f.period).end for f in financials)


# --- time ----------------------------------------------------------------------------------------


def leave_by(meeting: m.Meeting, default_buffer_min: int) -> dt.datetime | None:
    """start − travel − buffer, in the meeting's own UTC offset; None when not computable."""
    start = meeting.starts_at
    if start is None or meeting.mode != "in_person" or meeting.travel_min is None:
        return None
    buffer = meeting.buffer_min if meeting.buffer_min is not None else default_buffer_min
    return start - dt.timedelta(minutes=meeting.travel_min + buffer)


def income_share_by_year(
    client: m.Client,
    financials: Sequence[m.FinancialPeriod],
    company: m.Company | None,
    rates: dict[str, float],
    today: dt.date,
) -> list[tuple[str, float | None]]:
    """Our income from the client in each full (ended) year, as a share of the company's
    annual income as set now (the only total we know). ``None`` for a year whose share cannot
    be computed (no exchange rate); empty when the annual income is not set."""
    if company is None or not company.annual_income:
        return []
    out: list[tuple[str, float | None]] = []
    for f in sorted(financials, key=lambda f: f.period):
        if len(f.period) != 4 or f.our_income is None or Period.parse(f.period).end >= today:
            continue
        amount = to_company_currency(f.our_income, client.currency, company, rates)
        out.append((f.period, None if amount is None else amount / company.annual_income))
    return out
