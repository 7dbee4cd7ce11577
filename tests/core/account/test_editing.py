"""Field-by-field editing: validated like the exchange format, durable per call, undoable."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import pytest
from sqlmodel import select

from kamdesk.core.account import editing
from kamdesk.core.account.editing import FieldError
from kamdesk.core.interchange import exchange
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.meeting.readiness import Level, evaluate
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database


@pytest.fixture
def loaded(db: Database, sample: dict[str, Any]) -> Database:
    exchange.import_text(db, json.dumps(sample, ensure_ascii=False), "sample")
    return db


def _id(db: Database, model: Any, key: str) -> int:
    with db.session() as session:
        row = session.exec(select(model).where(model.key == key)).one()
        return row.id


def test_set_field_returns_old_value_and_persists(loaded: Database) -> None:
    pid = _id(loaded, m.Stakeholder, "wrobel")
    assert editing.set_field(loaded, m.Stakeholder, pid, "influence", 5) == 3
    conn = sqlite3.connect(loaded.path)
    assert conn.execute("SELECT influence FROM stakeholder WHERE id = ?", (pid,)).fetchone()[0] == 5
    conn.close()
    # undo is the same call with the old value
    editing.set_field(loaded, m.Stakeholder, pid, "influence", 3)
    assert editing.get_field(loaded, m.Stakeholder, pid, "influence") == 3


@pytest.mark.parametrize(
    ("model", "column", "value", "message"),
    [
        (m.Stakeholder, "influence", 7, "7 is not in 1..5"),
        (m.Stakeholder, "attitude", "hostile", '"hostile" is not one of'),
        (m.Meeting, "travel_min", "40", "is not a whole number"),
        (m.Meeting, "starts_at", dt.datetime(2026, 1, 1, 10), "needs a UTC offset"),
        (m.Meeting, "max_discount_pct", 120.0, "120 is not in 0..100"),
        (m.FinancialPeriod, "period", "2025-13", "is not a period"),
        (m.Stakeholder, "key", "new-key", "cannot be edited"),
        (m.Stakeholder, "personal_notes", "x" * 100_001, "longer than the limit"),
    ],
)
def test_bad_values_are_refused_with_a_message(
    loaded: Database, model: Any, column: str, value: Any, message: str
) -> None:
    with loaded.session() as session:
        row_id = session.exec(select(model)).first().id
    before = loaded.path.read_bytes()
    with pytest.raises(FieldError) as info:
        editing.set_field(loaded, model, row_id, column, value)
    assert info.value.field == column and message in info.value.message
    assert loaded.path.read_bytes() == before


def test_emptied_text_means_unknown(loaded: Database) -> None:
    pid = _id(loaded, m.Stakeholder, "sokolov")
    editing.set_field(loaded, m.Stakeholder, pid, "etiquette", "   ")
    assert editing.get_field(loaded, m.Stakeholder, pid, "etiquette") is None


def test_meeting_start_keeps_its_offset(loaded: Database) -> None:
    mid = _id(loaded, m.Meeting, "wisla-tender-2027")
    new = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    old = editing.set_field(loaded, m.Meeting, mid, "starts_at", new)
    assert old.isoformat() == "2026-11-25T10:00:00+01:00"
    assert (
        editing.get_field(loaded, m.Meeting, mid, "starts_at").isoformat()
        == "2026-12-01T09:30:00+05:00"
    )


def test_ticks_and_attendees(loaded: Database) -> None:
    mid = _id(loaded, m.Meeting, "wisla-tender-2027")
    assert editing.set_tick(loaded, mid, "etiquette_reviewed", True) is False
    with loaded.session() as session:
        report = evaluate(load_meeting_context(session, "wisla-tender-2027"), Settings())
    assert {c.id: c.level for c in report.checks}["tick.etiquette_reviewed"] is Level.OK
    sokolov = _id(loaded, m.Stakeholder, "sokolov")
    old = editing.set_attendees(loaded, mid, [sokolov])
    assert len(old) == 2
    with loaded.session() as session:
        report = evaluate(load_meeting_context(session, "wisla-tender-2027"), Settings())
    assert {c.id: c.level for c in report.checks}[
        "tick.etiquette_reviewed"
    ] is Level.BLOCK  # void now
    with pytest.raises(FieldError, match="listed twice"):
        editing.set_attendees(loaded, mid, [sokolov, sokolov])
    with pytest.raises(FieldError, match="only people of this client"):
        editing.set_attendees(loaded, mid, [9999])
    with pytest.raises(FieldError):
        editing.set_tick(loaded, mid, "coffee_ordered", True)


def test_edit_on_a_read_only_database_is_refused(loaded: Database, db_path) -> None:
    from kamdesk.core.errors import DatabaseReadOnly

    pid = _id(loaded, m.Stakeholder, "wrobel")
    with Database.open(db_path, readonly=True) as ro, pytest.raises(DatabaseReadOnly):
        editing.set_field(ro, m.Stakeholder, pid, "influence", 5)


def test_keys_from_names() -> None:
    assert editing.slug("Łukasz Wróbel") == "lukasz-wrobel"
    assert editing.slug("Соколов Андрей") == "sokolov-andrey"
    assert editing.slug("Szőke Ildikó") == "szoke-ildiko"
    assert editing.unique_key({"anna", "anna-2"}, "anna") == "anna-3"


def test_add_delete_and_restore_a_person(loaded: Database) -> None:
    with loaded.session() as session:
        client_id = session.exec(select(m.Client)).one().id
    new_id = editing.add_stakeholder(
        loaded, client_id, "Łukasz Wróbel"
    )  # the name exists: key differs
    assert editing.get_field(loaded, m.Stakeholder, new_id, "key") == "lukasz-wrobel"
    with pytest.raises(FieldError):
        editing.add_stakeholder(loaded, client_id, "   ")

    sid = _id(loaded, m.Stakeholder, "sokolov")
    with loaded.session() as session:
        doc_before = exchange.export_document(session, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    snap = editing.delete_stakeholder(loaded, sid)
    with loaded.session() as session:
        after = exchange.export_document(session, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client = after["clients"][0]
    assert "sokolov" not in {p["key"] for p in client["stakeholders"]}
    assert client["relations"] == [] and client["meetings"][0]["attendees"] == ["wrobel"]
    assert client["issues"][0]["raised_by"] is None
    assert client["meetings"][0]["notes"]["present"] == []  # no longer listed as present
    editing.restore(loaded, snap)
    with loaded.session() as session:
        restored = exchange.export_document(session, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert restored == doc_before  # everything is back as it was, ids and links included


def test_add_and_delete_meetings_and_clients(loaded: Database) -> None:
    with loaded.session() as session:
        client_id = session.exec(select(m.Client)).one().id
    mid = editing.add_meeting(
        loaded, client_id, "Tender 2027 negotiation"
    )  # that title's key exists
    assert editing.get_field(loaded, m.Meeting, mid, "key") == "tender-2027-negotiation"
    again = editing.add_meeting(loaded, client_id, "Tender 2027 negotiation")
    assert editing.get_field(loaded, m.Meeting, again, "key") == "tender-2027-negotiation-2"

    old = _id(loaded, m.Meeting, "wisla-tender-2027")
    with loaded.session() as session:
        before = exchange.export_document(session, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    snap = editing.delete_meeting(loaded, old)
    conn = sqlite3.connect(loaded.path)
    assert conn.execute("SELECT count(*) FROM self_review").fetchone()[0] == 0
    conn.close()
    editing.restore(loaded, snap)
    with loaded.session() as session:
        after = exchange.export_document(session, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert after == before  # notes, self-review, attendees, proposals: all back

    new_client = editing.add_client(loaded, "Łódzkie Laboratoria Sp. z o.o.")
    assert editing.get_field(loaded, m.Client, new_client, "key") == "lodzkie-laboratoria-sp-z-o-o"
    with pytest.raises(FieldError):
        editing.add_client(loaded, "  ")


def test_meeting_notes_actions_and_self_review(loaded: Database) -> None:
    mid = _id(loaded, m.Meeting, "wisla-tender-2027")
    nid = editing.notes_id(loaded, mid)
    assert nid is not None  # the sample has notes
    editing.set_field(loaded, m.MeetingNotes, nid, "summary", "Agreed the pilot.")
    editing.set_field(loaded, m.MeetingNotes, nid, "decisions", ["Pilot in Q1", "Review in March"])
    aid = editing.add_row(
        loaded,
        m.ActionItem,
        {"notes_id": nid, "text": "Send the offer", "owner": "me", "due": dt.date(2026, 12, 1)},
    )
    editing.set_field(loaded, m.ActionItem, aid, "done", True)
    assert editing.set_self_review(loaded, nid, 2, "ok") == "slip"
    assert editing.set_self_review(loaded, nid, 2, None) == "ok"
    with pytest.raises(FieldError):
        editing.set_self_review(loaded, nid, 8, "ok")
    with pytest.raises(FieldError):
        editing.set_self_review(loaded, nid, 3, "great")
    with loaded.session() as session:
        notes = exchange.export_document(session)["clients"][0]["meetings"][0]["notes"]
    assert notes["summary"] == "Agreed the pilot." and notes["decisions"] == [
        "Pilot in Q1",
        "Review in March",
    ]
    assert notes["actions"][-1] == {
        "text": "Send the offer",
        "owner": "me",
        "due": "2026-12-01",
        "done": True,
    }
    assert "2" not in notes["self_review"]
    other = editing.add_meeting(loaded, _id(loaded, m.Client, "wisla-pharma"), "Follow-up")
    assert editing.notes_id(loaded, other) is None
    assert editing.notes_id(loaded, other, create=True) is not None


def test_notes_after_the_meeting(loaded: Database) -> None:
    """Who was present, objective achieved, next meeting, and comments on the self-review."""
    mid = _id(loaded, m.Meeting, "wisla-tender-2027")
    sokolov, wrobel = _id(loaded, m.Stakeholder, "sokolov"), _id(loaded, m.Stakeholder, "wrobel")
    nid = editing.notes_id(loaded, mid)
    assert nid is not None
    assert editing.present(loaded, nid) == [sokolov]
    assert editing.set_present(loaded, nid, [wrobel, sokolov, wrobel]) == [sokolov]
    assert editing.present(loaded, nid) == [wrobel, sokolov]
    stranger_client = editing.add_client(loaded, "Other Hospital")
    stranger = editing.add_stakeholder(loaded, stranger_client, "Jan Obcy")
    with pytest.raises(FieldError, match="only people of this client"):
        editing.set_present(loaded, nid, [stranger])
    assert editing.present(loaded, nid) == [wrobel, sokolov]  # unchanged by the refusal

    editing.set_field(loaded, m.MeetingNotes, nid, "objective_achieved", "fully")
    with pytest.raises(FieldError, match="objective_achieved"):
        editing.set_field(loaded, m.MeetingNotes, nid, "objective_achieved", "mostly")
    editing.set_field(loaded, m.MeetingNotes, nid, "next_meeting_on", dt.date(2027, 2, 3))
    editing.set_field(loaded, m.MeetingNotes, nid, "next_meeting_purpose", "Sign the LoI")

    assert editing.set_review_comment(loaded, nid, 2, "  Cut the CFO short  ") == (
        "Argued about the Q4 price twice"
    )
    editing.set_self_review(loaded, nid, 5, None)
    with pytest.raises(FieldError, match="before commenting"):
        editing.set_review_comment(loaded, nid, 5, "No samples")
    assert editing.set_review_comment(loaded, nid, 5, "") is None  # nothing to clear: fine
    with pytest.raises(FieldError):
        editing.set_review_comment(loaded, nid, 1, "x" * 100_001)
    assert editing.review_comments(loaded, nid) == {2: "Cut the CFO short"}

    with loaded.session() as session:
        notes = exchange.export_document(session)["clients"][0]["meetings"][0]["notes"]
    assert notes["present"] == ["wrobel", "sokolov"]
    assert notes["objective_achieved"] == "fully"
    assert notes["next_meeting"] == {"on": "2027-02-03", "purpose": "Sign the LoI"}
    assert notes["self_review_comments"] == {"2": "Cut the CFO short"}

    # New notes start with the invited attendees as present.
    other = editing.add_meeting(loaded, _id(loaded, m.Client, "wisla-pharma"), "Follow-up")
    editing.set_attendees(loaded, other, [wrobel])
    fresh = editing.notes_id(loaded, other, create=True)
    assert fresh is not None and editing.present(loaded, fresh) == [wrobel]


def test_key_reason_notes(loaded: Database) -> None:
    cid = _id(loaded, m.Client, "wisla-pharma")
    assert editing.key_reason_notes(loaded, cid) == {
        "reference": "Our first oncology-panel rollout in Pomerania"
    }
    assert editing.set_key_reason_note(loaded, cid, "income_share", " 22 % in 2025 ") is None
    with pytest.raises(FieldError, match="tick this definition"):
        editing.set_key_reason_note(loaded, cid, "partner", "shares plans")
    # unticking a reason drops its note; ticking others keeps the notes of those that stay
    editing.set_key_reasons(loaded, cid, ["income_share", "partner"])
    assert editing.key_reason_notes(loaded, cid) == {"income_share": "22 % in 2025"}
    with loaded.session() as session:
        client = exchange.export_document(session)["clients"][0]
    assert client["key_reason_notes"] == {"income_share": "22 % in 2025"}
