"""The demo portfolio: loads into an empty database only, stays current, round-trips."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from kamdesk.core import demo
from kamdesk.core.account import queries
from kamdesk.core.account.analytics import Period
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange import exchange
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database


def test_demo_is_believable(db: Database) -> None:
    demo.load_demo(db)
    with db.session() as session:
        clients = session.exec(select(m.Client)).all()
        assert 3 <= len(clients) <= 4
        assert len({c.industry for c in clients}) == len(clients)
        for client in clients:
            people = session.exec(
                select(m.Stakeholder).where(m.Stakeholder.client_id == client.id)
            ).all()
            assert 6 <= len(people) <= 12, client.key
            assert any(p.vip or p.kol for p in people), client.key
            years = session.exec(
                select(m.FinancialPeriod.period).where(m.FinancialPeriod.client_id == client.id)
            ).all()
            assert len([y for y in years if len(y) == 4]) >= 3, client.key
        names = " ".join(session.exec(select(m.Stakeholder.name)).all())
    # diacritics and scripts of Poland, Hungary, Italy and Russian speakers
    for letter in ("ł", "ő", "à", "ж"):
        assert letter in names.lower(), letter


WRITTEN_ON = demo.written_on()
# from the demo's own day to decades later: every season, every quarter, leap days included
ANY_DAY = st.dates(min_value=WRITTEN_ON, max_value=WRITTEN_ON + dt.timedelta(days=40 * 366))


def _upcoming(document: dict, today: dt.date) -> list[dt.datetime]:
    return [
        dt.datetime.fromisoformat(meeting["starts_at"])
        for client in document["clients"]
        for meeting in client["meetings"]
        if dt.datetime.fromisoformat(meeting["starts_at"]).date() > today
    ]


@settings(max_examples=200, deadline=None)
@given(today=ANY_DAY)
def test_demo_is_as_current_on_any_day_as_on_the_day_it_was_written(today: dt.date) -> None:
    as_written = demo.demo_document(WRITTEN_ON)
    document = demo.demo_document(today)
    # the same meetings are ahead, still on their weekdays
    before, after = _upcoming(as_written, WRITTEN_ON), _upcoming(document, today)
    assert len(after) == len(before) >= 3
    assert sorted(m.weekday() for m in after) == sorted(m.weekday() for m in before)
    assert all(m.date() - today <= dt.timedelta(days=60) for m in after)
    for client in document["clients"]:
        periods = [Period.parse(f["period"]) for f in client["financials"]]
        # no figures from the future; last year is the newest full year; the newest quarter
        # is the one that ended last
        assert all(p.end < today for p in periods), client["key"]
        assert max(p.start.year for p in periods if p.kind == "year") == today.year - 1
        newest_quarter = max(p.end for p in periods if p.kind == "quarter")
        assert dt.timedelta(0) < today - newest_quarter <= dt.timedelta(days=92)
        # the plan has targets for this quarter and this year
        targets = {t["period"] for t in client["targets"]}
        assert f"{today.year}-Q{(today.month - 1) // 3 + 1}" in targets, client["key"]
        assert str(today.year) in targets, client["key"]


@pytest.mark.parametrize("days_later", [0, 45, 140, 230, 400, 1000, 3000])
def test_demo_meetings_are_upcoming_whenever_it_is_loaded(db_path: Path, days_later: int) -> None:
    later = WRITTEN_ON + dt.timedelta(days=days_later)
    with Database.open(db_path) as db:
        demo.load_demo(db, today=later)
        with db.session() as session:
            rows = queries.upcoming_meetings(
                session, now=dt.datetime.combine(later, dt.time(), tzinfo=dt.UTC)
            )
            periods = set(session.exec(select(m.FinancialPeriod.period)).all())
    assert len(rows) >= 3
    assert all(r.starts_at is not None and r.starts_at.date() > later for r in rows)
    assert all(r.starts_at.weekday() < 5 for r in rows if r.starts_at)
    assert str(later.year - 1) in periods  # last year's figures are on file


def test_demo_only_into_an_empty_database(db: Database, sample: dict) -> None:
    exchange.import_text(db, json.dumps(sample), "user data")
    with pytest.raises(KamdeskError, match="already holds data"):
        demo.load_demo(db)
    with db.session() as session:
        assert len(session.exec(select(m.Client)).all()) == 1


def test_demo_round_trip(db: Database, tmp_path: Path) -> None:
    demo.load_demo(db)
    first = tmp_path / "a.json"
    exchange.export_file(db, first)
    with Database.open(tmp_path / "b.db") as other:
        exchange.import_file(other, first)
        exchange.import_file(other, first)  # importing twice merges, never doubles
        second = tmp_path / "b.json"
        exchange.export_file(other, second)
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    a.pop("exported_at")
    b.pop("exported_at")
    assert a == b
