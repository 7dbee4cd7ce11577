"""Portfolio figures computed in SQL, checked on hand-made data: income shares and dependency
levels at their edges, attainment, growth, receivables, coverage, concentration (Herfindahl)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from kamdesk.core import demo
from kamdesk.core.account import portfolio, queries
from kamdesk.core.interchange import exchange
from kamdesk.core.model.enums import Dependency
from kamdesk.core.storage.db import Database

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def client(key: str, income: float | None = None, **extra: Any) -> dict[str, Any]:
    financials = extra.pop("financials", [])
    if income is not None:
        financials = [{"period": "2025", "our_income": income}, *financials]
    return {"key": key, "name": key.title(), "currency": "EUR", "financials": financials, **extra}


def load(db: Database, clients: list[dict[str, Any]], annual: float = 1_000_000) -> None:
    document = {
        "format": "kamdesk-portfolio",
        "version": 1,
        "company": {"name": "Us", "currency": "EUR", "annual_income": annual},
        "clients": clients,
    }
    exchange.import_text(db, json.dumps(document), "test.json")


def figures(db: Database, **kwargs: Any) -> portfolio.Portfolio:
    with db.session() as session:
        return portfolio.compute(session, today=TODAY, now=NOW, **kwargs)


def by_key(result: portfolio.Portfolio) -> dict[str, portfolio.ClientFigures]:
    return {c.key: c for c in result.clients}


def test_dependency_levels_at_the_10_20_70_edges(db: Database) -> None:
    incomes = {
        "below": 99_999,
        "ten": 100_000,  # 10 % or more: key
        "twenty": 200_000,  # exactly 20 %: still key (critical is *over* 20 %)
        "over-twenty": 200_001,
        "seventy": 700_000,  # exactly 70 %: critical (mono-client is *over* 70 %)
        "over-seventy": 700_001,
    }
    load(db, [client(k, v) for k, v in incomes.items()])
    got = by_key(figures(db))
    expected = {
        "below": Dependency.BELOW,
        "ten": Dependency.KEY,
        "twenty": Dependency.KEY,
        "over-twenty": Dependency.CRITICAL,
        "seventy": Dependency.CRITICAL,
        "over-seventy": Dependency.MONO_CLIENT,
    }
    for key, level in expected.items():
        assert got[key].dependency == level.value, key
        assert got[key].income_share == pytest.approx(incomes[key] / 1_000_000)
        assert got[key].income_year == "2025"
    assert not got["below"].key_by_income and got["ten"].key_by_income


def test_latest_ended_year_rates_and_missing_data(db: Database) -> None:
    load(
        db,
        [
            client(
                "pl",
                financials=[
                    {"period": "2024", "our_income": 1_000_000},
                    {"period": "2025", "our_income": 400_000},
                    {"period": "2026", "our_income": 900_000},  # still running: not used
                    {"period": "2026-Q3", "our_income": 300_000},
                ],
            )
            | {"currency": "PLN"},
            client("no-rate", 100) | {"currency": "HUF"},
            client("nothing"),
        ],
    )
    got = by_key(figures(db, rates={"PLN": 0.25}))
    assert got["pl"].income_year == "2025" and got["pl"].income == pytest.approx(100_000)
    assert got["pl"].income_share == pytest.approx(0.10)
    assert got["no-rate"].income_share is None and "HUF" in (got["no-rate"].income_problem or "")
    assert got["nothing"].income_problem == "no full year with our income"


def test_attainment_growth_and_receivables(db: Database) -> None:
    load(
        db,
        [
            client(
                "acme",
                financials=[
                    {"period": "2024", "our_sales": 800},
                    {"period": "2025", "our_sales": 1000, "receivables": 50, "overdue": 5},
                    {"period": "2025-Q4", "our_sales": 200},
                    {"period": "2026-Q1", "our_sales": 250},
                    {"period": "2026-Q2", "our_sales": 240},
                    {"period": "2025-12", "receivables": 70, "overdue": 21},  # freshest
                    {"period": "2026-Q3", "our_sales": 300, "receivables": 90, "overdue": 30},
                ],
                targets=[
                    {"period": "2025", "target": 1250},
                    {"period": "2026", "target": 1200},  # no sales for 2026 yet
                    {"period": "2026-Q2", "target": 200},
                    {"period": "2026-Q3", "target": 0.0},  # a zero target is no target
                ],
                credit={"limit": 80, "payment_terms_days": 45},
            ),
            client(
                "gap",
                financials=[
                    {"period": "2023", "our_sales": 10},
                    {"period": "2025", "our_sales": 20},  # 2024 missing: growth unknown
                    {"period": "2026-Q1", "our_sales": 5},
                ],
            ),
        ],
    )
    got = by_key(figures(db))
    acme = got["acme"]
    assert acme.attainment_year == portfolio.Ratio("2025", 0.8)
    assert acme.attainment_quarter == portfolio.Ratio("2026-Q2", 1.2)
    assert acme.growth_year == portfolio.Ratio("2025", pytest.approx(0.25))
    assert acme.growth_quarter == portfolio.Ratio("2026-Q3", pytest.approx(0.25))
    assert acme.receivables_period == "2026-Q3" and acme.overdue == 30
    assert acme.overdue_ratio == pytest.approx(1 / 3) and acme.over_limit
    assert acme.payment_terms_days == 45
    gap = got["gap"]
    assert gap.growth_year == portfolio.Ratio("2025", None)
    assert gap.growth_quarter == portfolio.Ratio("2026-Q1", None)
    assert gap.attainment_year is None and gap.receivables is None


def test_quarter_growth_across_the_year_end(db: Database) -> None:
    load(
        db,
        [
            client(
                "q",
                financials=[
                    {"period": "2025-Q4", "our_sales": 400},
                    {"period": "2026-Q1", "our_sales": 300},
                ],
            )
        ],
    )
    assert by_key(figures(db))["q"].growth_quarter == portfolio.Ratio("2026-Q1", -0.25)


def test_coverage_contacts_and_next_meeting(db: Database) -> None:
    people = [
        {"key": "a", "name": "A", "vip": True, "stage": "loyal"},
        {"key": "b", "name": "B", "kol": True, "stage": "close"},
        {"key": "c", "name": "C", "vip": True, "stage": "acquainted"},
        {"key": "d", "name": "D", "stage": "close"},  # not a VIP/KOL
        # contact cadence: overdue (40 days ago, every 30), on time, never contacted
        {"key": "e", "name": "E", "last_contact_on": "2026-10-13", "contact_every_days": 30},
        {"key": "f", "name": "F", "last_contact_on": "2026-11-01", "contact_every_days": 30},
        {"key": "g", "name": "G", "contact_every_days": 90},
    ]
    meetings = [
        {"key": "past", "title": "Past", "starts_at": "2026-11-20T10:00:00+01:00"},
        {"key": "later", "title": "Later", "starts_at": "2026-12-20T10:00:00+01:00"},
        {"key": "soon", "title": "Soon", "starts_at": "2026-12-01T10:00:00+05:00"},
        {"key": "undated", "title": "Undated"},
    ]
    load(db, [client("x", stakeholders=people, meetings=meetings), client("empty")])
    got = by_key(figures(db))
    x = got["x"]
    assert (x.vips_kols, x.vips_kols_loyal) == (3, 2)
    assert x.coverage == pytest.approx(2 / 3)
    assert x.contacts_overdue == 2  # E late, G never contacted
    assert x.next_meeting_key == "soon"
    assert x.next_meeting_at == dt.datetime(
        2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))
    )
    empty = got["empty"]
    assert empty.vips_kols == 0 and empty.coverage is None and empty.next_meeting_key is None


def test_concentration_herfindahl_and_warnings(db: Database) -> None:
    load(db, [client("big", 500_000), client("mid", 300_000), client("small", 200_000)])
    result = figures(db)
    conc = result.concentration
    assert conc.top1_name == "Big" and conc.top1_share == pytest.approx(0.5)
    assert conc.top3_share == pytest.approx(1.0)
    assert conc.hhi == pytest.approx(50**2 + 30**2 + 20**2)  # 3,800 points
    assert any("critical dependency" in w and "Big" in w for w in conc.warnings)
    assert any("top three" in w for w in conc.warnings)
    assert any("highly concentrated" in w for w in conc.warnings)
    assert result.pareto == [("Big", 500_000), ("Mid", 300_000), ("Small", 200_000)]
    points = portfolio.pareto_points(result.pareto, 1_000_000)
    assert [round(cum, 2) for _, _, cum in points] == [0.5, 0.8, 1.0]


def test_spread_income_gives_no_warning(db: Database) -> None:
    load(db, [client(f"c{i}", 50_000) for i in range(10)])
    conc = figures(db).concentration
    assert conc.hhi == pytest.approx(10 * 5**2) and conc.warnings == ()
    assert conc.top3_share == pytest.approx(0.15)


def test_mono_client_warning(db: Database) -> None:
    load(db, [client("only", 800_000)])
    (warning, *_rest) = figures(db).concentration.warnings
    assert "mono-client" in warning


def test_agrees_with_the_per_client_analytics_on_the_demo(db: Database) -> None:
    demo.load_demo(db, today=TODAY)
    rates = demo.DEMO_RATES
    result = figures(db, rates=rates)
    with db.session() as session:
        rows = {r.key: r for r in queries.portfolio_rows(session, now=NOW, rates=rates)}
    assert len(result.clients) == len(rows) == 4
    for c in result.clients:
        assert c.income_share == pytest.approx(rows[c.key].income_share)
        assert c.dependency == rows[c.key].dependency
        assert (c.next_meeting_key or None) == (
            rows[c.key].next_meeting.key if rows[c.key].next_meeting else None
        )
    only = figures(db, rates=rates, client_ids=[result.clients[0].id])
    assert [c.key for c in only.clients] == [result.clients[0].key]
