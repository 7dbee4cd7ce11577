"""The one client loader (``account.loading``) on the demo portfolio in a real file: a client's
rows and none of another's, the same rows however the clients are named, and a fixed number
of queries whatever the number of clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from kamdesk.core import demo
from kamdesk.core.account import editing, loading
from kamdesk.core.interchange import exchange
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, Any]]]:
    """The demo as on the day it was written (no clock read), with two map places set."""
    document = demo.demo_document(demo.written_on())
    path: Path = tmp_path_factory.mktemp("loading") / "demo.db"
    with Database.open(path) as db:
        exchange.import_text(db, json.dumps(document, ensure_ascii=False), "demo")
        with db.session() as session:
            first_people = [
                session.exec(
                    select(m.Stakeholder.id)
                    .join(m.Client, m.Client.id == m.Stakeholder.client_id)
                    .where(m.Client.key == key)
                ).first()
                for key in ("szpital-pomorze", "patika-lanc")
            ]
        for n, pid in enumerate(first_people):
            assert pid is not None
            editing.set_map_position(db, pid, 10.0 + n, 20.0 + n)
        yield db, document


def _counting(db: Database) -> tuple[list[str], Any]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    return statements, count


def _ids(groups: dict[int, list[Any]]) -> set[int]:
    return {row.id for rows in groups.values() for row in rows}


def test_a_clients_rows_and_none_of_anothers(demo_db: tuple[Database, dict[str, Any]]) -> None:
    db, document = demo_db
    with db.session() as session:
        for doc_client in document["clients"]:
            rows = loading.load(session, keys=[doc_client["key"]])
            assert [c.key for c in rows.clients] == [doc_client["key"]]
            cid = rows.clients[0].id
            # every group of a client table holds this client's rows only, as many as the file
            for name, field in (
                ("key_reasons", "key_reasons"),
                ("financials", "financials"),
                ("targets", "targets"),
                ("needs", "needs"),
                ("plans", "plans"),
                ("competitors", "competitors"),
                ("issues", "issues"),
                ("people", "stakeholders"),
                ("relations", "relations"),
                ("meetings", "meetings"),
            ):
                groups = getattr(rows, name)
                assert set(groups) <= {cid}, name
                assert len(rows.of(groups, cid)) == len(doc_client.get(field) or []), name
            people = {p.id for p in rows.of(rows.people, cid)}
            meetings = {mt.id for mt in rows.of(rows.meetings, cid)}
            needs = {n.id for n in rows.of(rows.needs, cid)}
            notes = {n.id for n in rows.notes.values()}
            assert set(rows.steps) <= people and set(rows.positions) <= people
            assert len(rows.positions) == (
                1 if doc_client["key"] in ("szpital-pomorze", "patika-lanc") else 0
            )
            assert set(rows.need_products) <= needs
            for groups in (rows.attendees, rows.meeting_products, rows.proposals):
                assert set(groups) <= meetings
            assert set(rows.notes) <= meetings
            for groups in (rows.actions, rows.reviews, rows.present):
                assert set(groups) <= notes
            held = [mt for mt in doc_client["meetings"] if mt.get("notes")]
            assert len(rows.notes) == len(held)
            assert sum(map(len, rows.actions.values())) == sum(
                len(mt["notes"].get("actions") or []) for mt in held
            )
            # the products: exactly those its needs and meetings name
            named = {
                key for need in doc_client.get("needs") or [] for key in need.get("products") or []
            } | {key for mt in doc_client["meetings"] for key in mt.get("products") or []}
            assert {p.key for p in rows.products.values()} == named
            assert set(rows.faqs) <= set(rows.products)


def test_same_rows_by_key_by_id_and_all(demo_db: tuple[Database, dict[str, Any]]) -> None:
    db, document = demo_db
    keys = [c["key"] for c in document["clients"]]
    with db.session() as session:
        everyone = loading.load(session)
        assert [c.key for c in everyone.clients] == keys
        by_key = loading.load(session, keys=keys[1:3])
        by_id = loading.load(session, ids=[c.id for c in everyone.clients[1:3] if c.id])
        assert [c.key for c in by_key.clients] == [c.key for c in by_id.clients] == keys[1:3]
        for name in ("people", "meetings", "needs", "actions", "attendees", "steps"):
            assert _ids(getattr(by_key, name)) == _ids(getattr(by_id, name)), name
        # two clients' rows are the union of each one's, and a part of everyone's
        one, two = (loading.load(session, keys=[k]) for k in keys[1:3])
        for name in ("people", "relations", "meetings", "proposals", "reviews", "present"):
            both = _ids(getattr(by_key, name))
            assert both == _ids(getattr(one, name)) | _ids(getattr(two, name)), name
            assert both < _ids(getattr(everyone, name)) or not both, name
        assert loading.load(session, keys=["no-such-client"]).clients == []
        with pytest.raises(ValueError):
            loading.load(session, keys=keys, ids=[1])


def test_query_count_is_fixed(demo_db: tuple[Database, dict[str, Any]]) -> None:
    db, document = demo_db
    keys = [c["key"] for c in document["clients"]]
    statements, listener = _counting(db)
    try:
        counts = []
        for selection in ([keys[0]], keys, None):
            with db.session() as session:
                statements.clear()
                rows = loading.load(session, keys=selection)
                counts.append(len(statements))
                assert len(rows.clients) == len(selection or keys)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    # a query per table, the company and the products: as many for one client as for all
    assert counts[0] == counts[1] == counts[2] <= 25


def test_details_of_some_meetings_only(demo_db: tuple[Database, dict[str, Any]]) -> None:
    """``details_of``: the meetings, notes and actions whole, the rest of the named ones."""
    db, document = demo_db
    key = document["clients"][0]["key"]
    with db.session() as session:
        whole = loading.load(session, keys=[key])
        cid = whole.clients[0].id
        meetings = whole.of(whole.meetings, cid)
        assert len(meetings) > 1 and all(mt.id for mt in meetings)
        with_attendees = [mt for mt in meetings if whole.of(whole.attendees, mt.id)]
        chosen = with_attendees[0]
        some = loading.load(session, keys=[key], details_of=[chosen.id or 0])
    assert _ids(some.meetings) == _ids(whole.meetings)
    assert set(some.notes) == set(whole.notes) and _ids(some.actions) == _ids(whole.actions)
    assert set(some.attendees) == {chosen.id}
    assert _ids(some.attendees) == {a.id for a in whole.of(whole.attendees, chosen.id)}
    assert set(some.proposals) <= {chosen.id} and set(some.meeting_products) <= {chosen.id}
    chosen_notes = whole.notes.get(chosen.id or 0)
    assert set(some.reviews) <= ({chosen_notes.id} if chosen_notes else set())
    assert set(some.present) <= ({chosen_notes.id} if chosen_notes else set())
