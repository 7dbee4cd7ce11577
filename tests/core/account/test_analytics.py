"""Key-account figures: income share and dependency levels, attainment, growth, leave-by."""

from __future__ import annotations

import datetime as dt

import pytest

from kamdesk.core.account import analytics
from kamdesk.core.account.analytics import Period
from kamdesk.core.model import models as m
from kamdesk.core.model.enums import Dependency

TODAY = dt.date(2026, 11, 22)
COMPANY = m.Company(name="Us", currency="EUR", annual_income=10_000_000, key_share_threshold=0.10)


def fin(period: str, **values: float) -> m.FinancialPeriod:
    return m.FinancialPeriod(client_id=1, period=period, **values)


@pytest.mark.parametrize(
    ("label", "start", "end", "previous"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2024"),
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2025-Q4"),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31), "2023-Q4"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-01"),
        ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 1, 31), "2025-12"),
    ],
)
def test_periods(label: str, start: dt.date, end: dt.date, previous: str) -> None:
    period = Period.parse(label)
    assert (period.start, period.end, period.previous()) == (start, end, previous)


@pytest.mark.parametrize(
    ("income", "level"),
    [
        (500_000, Dependency.BELOW),
        (1_000_000, Dependency.KEY),
        (2_000_000, Dependency.KEY),
        (2_100_000, Dependency.CRITICAL),
        (7_000_000, Dependency.CRITICAL),
        (7_100_000, Dependency.MONO_CLIENT),
    ],
)
def test_income_share_levels(income: float, level: Dependency) -> None:
    client = m.Client(key="c", name="C", currency="EUR")
    share = analytics.income_share(client, [fin("2025", our_income=income)], COMPANY, {}, TODAY)
    assert share.year == "2025" and share.level is level
    assert share.share == pytest.approx(income / 10_000_000)


def test_income_share_uses_latest_full_year_and_rates() -> None:
    client = m.Client(key="c", name="C", currency="PLN")
    rows = [
        fin("2024", our_income=4_000_000),
        fin("2025", our_income=8_000_000),
        fin("2026", our_income=9_000_000),
        fin("2026-Q3", our_income=3_000_000),
    ]
    share = analytics.income_share(client, rows, COMPANY, {"PLN": 0.25}, TODAY)
    assert share.year == "2025"  # 2026 has not ended yet
    assert share.share == pytest.approx(0.2) and share.level is Dependency.KEY
    missing = analytics.income_share(client, rows, COMPANY, {}, TODAY)
    assert missing.share is None and "exchange rate" in (missing.problem or "")


def test_attainment_and_growth() -> None:
    rows = [
        fin("2024", our_sales=100.0),
        fin("2025", our_sales=120.0),
        fin("2026-Q2", our_sales=50.0),
        fin("2026-Q3", our_sales=45.0),
    ]
    targets = [
        m.SalesTarget(client_id=1, period="2026-Q3", target=60.0),
        m.SalesTarget(client_id=1, period="2026-Q4", target=60.0),
    ]
    att = analytics.attainment(targets, rows)
    assert [(a.period, a.ratio) for a in att] == [("2026-Q3", 0.75), ("2026-Q4", None)]
    yoy = analytics.growth(rows, "year")
    assert [(g.period, g.ratio) for g in yoy] == [("2025", pytest.approx(0.2))]
    qoq = analytics.growth(rows, "quarter")
    assert [(g.period, g.previous, g.ratio) for g in qoq] == [
        ("2026-Q3", "2026-Q2", pytest.approx(-0.1))
    ]


def test_receivables_and_wallet() -> None:
    client = m.Client(key="c", name="C", credit_limit=100.0)
    rec = analytics.receivables(
        client,
        [
            fin("2026-Q2", receivables=80.0, overdue=0.0),
            fin("2026-Q3", receivables=150.0, overdue=30.0),
        ],
    )
    assert (
        rec is not None and rec.period == "2026-Q3" and rec.over_limit and rec.overdue_ratio == 0.2
    )
    wallet = analytics.share_of_wallet(
        [
            m.Competitor(client_id=1, name="A", share_of_wallet=0.2),
            m.Competitor(client_id=1, name="B", share_of_wallet=0.5),
        ]
    )
    assert [(w.name, round(w.share, 3)) for w in wallet] == [("B", 0.5), ("A", 0.2), ("", 0.3)]


def test_leave_by_in_the_meetings_own_offset() -> None:
    meeting = m.Meeting(
        key="k", client_id=1, title="t", mode="in_person", travel_min=40, buffer_min=None
    )
    meeting.set_starts_at(
        dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    )
    leave = analytics.leave_by(meeting, default_buffer_min=15)
    assert leave is not None and leave.isoformat() == "2026-11-25T09:05:00+05:00"
    meeting.mode = "video"
    assert analytics.leave_by(meeting, 15) is None


@pytest.mark.parametrize("label", ["P4", "2025-Q9", "2025-13", "", "20x5"])
def test_a_damaged_period_label_is_a_message_not_a_crash(label: str) -> None:
    from kamdesk.core.errors import KamdeskError

    with pytest.raises(KamdeskError, match="may be damaged"):
        Period.parse(label)
