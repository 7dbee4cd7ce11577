"""Follow-ups across the portfolio: action items from every client's notes, overdue first."""

from __future__ import annotations

import datetime as dt

from kamdesk.core import demo
from kamdesk.core.account import editing
from kamdesk.core.account.queries import follow_ups
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database


def test_open_items_of_every_client_overdue_first(db: Database) -> None:
    today = dt.date(2026, 11, 22)
    demo.load_demo(db, today=today)
    with db.session() as session:
        items = follow_ups(session)
        everything = follow_ups(session, include_done=True)
    assert items and all(not i.done for i in items)
    assert len({i.client_key for i in items}) >= 3  # across the portfolio, not one client
    dues = [i.due for i in items if i.due is not None]
    assert dues == sorted(dues)
    overdue = [i for i in items if i.days_overdue(today) > 0]
    assert overdue and items[: len(overdue)] == overdue  # the overdue lead the list
    assert overdue[0].days_overdue(today) == (today - overdue[0].due).days  # type: ignore[operator]
    done = [i for i in everything if i.done]
    assert everything[-len(done) :] == done if done else True
    assert len(everything) == len(items) + len(done)


def test_undated_last_done_excluded_and_client_filter(db: Database) -> None:
    client = editing.add_client(db, "Клиника Здоровье")
    meeting = editing.add_meeting(db, client, "Kick-off")
    notes = editing.notes_id(db, meeting, create=True)
    assert notes is not None
    add = editing.add_row
    undated = add(db, m.ActionItem, {"notes_id": notes, "text": "Send the brochure"})
    late = add(
        db, m.ActionItem, {"notes_id": notes, "text": "Call back", "due": dt.date(2026, 1, 5)}
    )
    soon = add(db, m.ActionItem, {"notes_id": notes, "text": "Offer", "due": dt.date(2027, 1, 5)})
    finished = add(db, m.ActionItem, {"notes_id": notes, "text": "Old", "due": dt.date(2025, 1, 1)})
    editing.set_field(db, m.ActionItem, finished, "done", True)
    other = editing.add_client(db, "Other")
    with db.session() as session:
        rows = follow_ups(session)
        assert follow_ups(session, client_ids=[other]) == []
        mine = follow_ups(session, client_ids=[client], include_done=True)
    assert [r.action_id for r in rows] == [late, soon, undated]
    assert rows[0].client_name == "Клиника Здоровье" and rows[0].meeting_title == "Kick-off"
    assert rows[0].days_overdue(dt.date(2026, 1, 15)) == 10
    assert rows[1].days_overdue(dt.date(2026, 1, 15)) == 0
    assert rows[2].days_overdue(dt.date(2030, 1, 1)) == 0  # no date: never overdue
    assert [r.action_id for r in mine] == [late, soon, undated, finished]
