"""The demo portfolio: loads into an empty database only, stays current, round-trips."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlmodel import select

from kamdesk.core import demo, exchange, queries
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.core.errors import KamdeskError


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


def test_demo_meetings_are_upcoming_whenever_it_is_loaded(db_path: Path, tmp_path: Path) -> None:
    later = dt.date.today() + dt.timedelta(days=400)
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
    assert str(later.year - 1) in periods  # financials moved forward by whole years


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
