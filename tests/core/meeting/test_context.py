"""Meeting contexts loaded many at a time (``load_meeting_contexts``, what the lists' readiness
uses) are the contexts loaded one by one, in a number of queries that does not grow with the
number of meetings; on the demo portfolio in a real file."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from kamdesk.core import demo
from kamdesk.core.errors import UnknownKey
from kamdesk.core.interchange import exchange
from kamdesk.core.meeting import context
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo as on the day it was written (no clock read)."""
    document = demo.demo_document(demo.written_on())
    path: Path = tmp_path_factory.mktemp("context") / "demo.db"
    with Database.open(path) as db:
        exchange.import_text(
            db, json.dumps(document, ensure_ascii=False), "demo", trusted_ticks=True
        )
        yield db


def _plain(value: Any) -> Any:
    """A context as plain values: rows by table and content, so two loads compare."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__table__"):
        return (type(value).__name__, value.model_dump())
    return value


def _keys(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.exec(select(m.Meeting.key).order_by(m.Meeting.id)))


def test_many_at_a_time_are_the_same_as_one_by_one(demo_db: Database) -> None:
    keys = _keys(demo_db)
    assert len(keys) >= 8
    single = {}
    for key in keys:
        with demo_db.session() as session:
            single[key] = _plain(context.load_meeting_context(session, key))
    with demo_db.session() as session:
        many = context.load_meeting_contexts(session, list(reversed(keys)))
        assert list(many) == list(reversed(keys))  # in the order asked
        assert {k: _plain(ctx) for k, ctx in many.items()} == single
        # contexts of one client share rows, never a list
        client = many[keys[0]].client.key
        first, second = [c for c in many.values() if c.client.key == client][:2]
        first.stakeholders.append(first.stakeholders[0])
        assert len(second.stakeholders) == len(first.stakeholders) - 1


def test_batches_hold_few_clients_and_queries_stay_few(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = _keys(demo_db)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(demo_db.engine, "before_cursor_execute", count)
    try:
        with demo_db.session() as session:
            context.load_meeting_contexts(session, keys)
        all_at_once = len(statements)
        statements.clear()
        with demo_db.session() as session:
            context.load_meeting_context(session, keys[0])
        one = len(statements)
        # one client per load: as many loads as clients, the same contexts
        monkeypatch.setattr(context, "CLIENTS_PER_LOAD", 1)
        statements.clear()
        with demo_db.session() as session:
            per_client = context.load_meeting_contexts(session, keys)
        clients = {ctx.client.key for ctx in per_client.values()}
        by_client = len(statements)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", count)
    # the meetings by key, one load (a query per table), the held meetings' self-reviews
    assert one <= 27 and all_at_once <= 27  # eight meetings of four clients: as for one
    assert len(clients) == 4
    assert 4 * 24 < by_client <= 1 + 4 * 26
    with demo_db.session() as session:
        assert {k: _plain(c) for k, c in per_client.items()} == {
            k: _plain(c) for k, c in context.load_meeting_contexts(session, keys).items()
        }


def test_an_unknown_key_is_refused(demo_db: Database) -> None:
    keys = _keys(demo_db)
    with demo_db.session() as session, pytest.raises(UnknownKey, match="no-such-meeting"):
        context.load_meeting_contexts(session, [keys[0], "no-such-meeting"])
