"""Search-as-you-type: folded text, prefixes, kept in step with every write, rebuilt on open."""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import select

from kamdesk.core import demo
from kamdesk.core.account import editing
from kamdesk.core.model import models as m
from kamdesk.core.storage import search
from kamdesk.core.storage.db import Database


@pytest.fixture
def demo_db(db: Database) -> Database:
    demo.load_demo(db)
    return db


def hits(db: Database, text: str) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(h.kind, h.title) for h in search.search(session, text)]


def test_folded_prefix_search_over_people_clients_plans_and_notes(demo_db: Database) -> None:
    assert ("person", "dr n. med. Małgorzata Szczęsna") in hits(demo_db, "szczesn")
    assert ("person", "dr n. med. Małgorzata Szczęsna") in hits(demo_db, "Szczęsna")
    assert any(kind == "person" and "Соколов" in title for kind, title in hits(demo_db, "sokolov"))
    assert any(kind == "person" and "Соколов" in title for kind, title in hits(demo_db, "Соколов"))
    assert ("client", "Pomorska Grupa Szpitalna S.A.") in hits(demo_db, "gdansk")
    assert any(kind == "plan" for kind, _ in hits(demo_db, "tender"))
    assert any(kind == "notes" for kind, _ in hits(demo_db, "uptime"))
    # clients and people come first
    assert hits(demo_db, "pomorska")[0][0] == "client"


@pytest.mark.parametrize("text", ["", "   ", '"', "*", "AND OR NOT", 'a"b', "(", "NEAR(", "ł"])
def test_odd_queries_never_fail(demo_db: Database, text: str) -> None:
    hits(demo_db, text)


def test_index_follows_edits_deletes_and_undo(demo_db: Database) -> None:
    with demo_db.session() as session:
        person = session.exec(select(m.Stakeholder).where(m.Stakeholder.key == "wrobel")).one()
    editing.set_field(demo_db, m.Stakeholder, person.id, "name", "Łucjan Wróblewski")
    assert any("Łucjan" in t for _, t in hits(demo_db, "lucjan"))
    assert not any(t == "Łukasz Wróbel" for _, t in hits(demo_db, "lukasz wrobel"))
    snap = editing.delete_stakeholder(demo_db, person.id)
    assert hits(demo_db, "lucjan") == []
    editing.restore(demo_db, snap)
    assert any("Łucjan" in t for _, t in hits(demo_db, "lucjan"))
    new = editing.add_stakeholder(demo_db, person.client_id, "Żaneta Ćwik")
    assert ("person", "Żaneta Ćwik") in hits(demo_db, "zaneta cw")
    assert new


def test_index_rebuilt_when_found_empty(db_path) -> None:
    with Database.open(db_path) as db:
        demo.load_demo(db)
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM fts_search")
    conn.commit()
    conn.close()
    with Database.open(db_path) as db:
        assert ("person", "dr n. med. Małgorzata Szczęsna") in hits(db, "szczesna")


def test_each_hit_carries_a_plain_snippet_of_what_matched(demo_db: Database) -> None:
    with demo_db.session() as session:
        found = search.search(session, "gdansk")
    client = next(h for h in found if h.kind == "client")
    assert "«gdansk»" in client.snippet  # the folded word, marked with plain characters
    assert "<" not in client.snippet


def test_markup_in_user_text_stays_text_in_the_snippet(demo_db: Database) -> None:
    with demo_db.session() as session:
        cid = session.exec(select(m.Client.id).where(m.Client.key == "szpital-pomorze")).one()
    editing.set_field(demo_db, m.Client, cid, "history", "Zqxv <b>bold</b> & <i>co</i>")
    with demo_db.session() as session:
        (hit,) = [h for h in search.search(session, "zqxv") if h.kind == "client"]
    # the index holds folded text; whatever it shows is shown as text by the GUI
    assert "«zqxv»" in hit.snippet and "<b>bold</b>" in hit.snippet
