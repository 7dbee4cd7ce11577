"""The home page's agenda: the next meetings of every client with what blocks them, the
follow-ups already overdue, the clients whose figures need attention — on the demo portfolio
loaded for a fixed day, read with a fixed clock."""

from __future__ import annotations

import datetime as dt

from kamdesk.core import demo, reading
from kamdesk.core.account import editing
from kamdesk.core.meeting import readiness
from kamdesk.core.meeting.agenda import HORIZON_DAYS
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.meeting.readiness import Level
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings

TODAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)


def test_next_meetings_in_time_order_with_their_blockers(db) -> None:
    demo.load_demo(db, today=TODAY)
    home = reading.home(db, Settings(), NOW)
    starts = [a.starts_at for a in home.meetings]
    assert starts and all(s is not None for s in starts)
    assert starts == sorted(starts)  # type: ignore[type-var]
    until = NOW + dt.timedelta(days=HORIZON_DAYS)
    assert all(NOW <= s <= until for s in starts)  # type: ignore[operator]
    with db.session() as session:
        for item in home.meetings:
            report = readiness.evaluate(load_meeting_context(session, item.key), Settings(), NOW)
            assert item.blockers == tuple(
                c.message for c in report.checks if c.level is Level.BLOCK
            )
            assert item.ready is report.ready
            assert item.leave_by == report.leave_by
            client = session.get(m.Client, item.client_id)
            assert client is not None and client.key == item.client_key
    assert any(not a.ready for a in home.meetings) and any(a.ready for a in home.meetings)
    assert home.clients == 4


def test_meetings_beyond_the_horizon_or_past_are_left_out(db) -> None:
    demo.load_demo(db, today=TODAY)
    all_keys = [a.key for a in reading.home(db, Settings(), NOW).meetings]
    later = reading.home(db, Settings(), NOW + dt.timedelta(days=9))
    assert [a.key for a in later.meetings] != all_keys
    assert all(a.starts_at >= NOW + dt.timedelta(days=9) for a in later.meetings)  # type: ignore[operator]
    after_the_last = max(a.starts_at for a in reading.home(db, Settings(), NOW).meetings)  # type: ignore[type-var]
    assert reading.home(db, Settings(), after_the_last + dt.timedelta(hours=1)).meetings == []


def test_overdue_follow_ups_only(db) -> None:
    demo.load_demo(db, today=TODAY)
    home = reading.home(db, Settings(), NOW)
    assert home.overdue
    assert all(f.due is not None and f.due < TODAY and not f.done for f in home.overdue)
    # ticked done, it is no longer overdue
    first = home.overdue[0]
    editing.set_field(db, m.ActionItem, first.action_id, "done", True)
    again = reading.home(db, Settings(), NOW)
    assert first.action_id not in {f.action_id for f in again.overdue}


def test_clients_needing_attention_say_why(db) -> None:
    demo.load_demo(db, today=TODAY)
    home = reading.home(db, Settings(), NOW)
    by_key = {a.client_key: a.reasons for a in home.attention}
    assert "credit limit exceeded" in by_key["patika-lanc"]
    assert any("overdue" in r for r in by_key["patika-lanc"])
    assert any("VIP/KOL contact" in r for r in by_key["almaty-lab"])
    # worst first: the most reasons lead
    counts = [len(a.reasons) for a in home.attention]
    assert counts == sorted(counts, reverse=True)
    # a plan past its date is a reason of its own
    banca = reading.client_id(db, "banca-adriatica")
    values = {"client_id": banca, "kind": "client_development", "text": "Roll out"}
    plan = editing.add_row(db, m.Plan, values)
    editing.set_field(db, m.Plan, plan, "due", TODAY - dt.timedelta(days=3))
    after = {a.client_key: a.reasons for a in reading.home(db, Settings(), NOW).attention}
    assert "1 plan past its date" in after["banca-adriatica"]


def test_an_empty_dossier(db) -> None:
    home = reading.home(db, Settings(), NOW)
    assert (home.meetings, home.overdue, home.attention, home.clients) == ([], [], [], 0)


def test_long_lists_are_capped_and_say_how_many_there_are(db, monkeypatch) -> None:
    from kamdesk.core.meeting import agenda

    demo.load_demo(db, today=TODAY)
    full = reading.home(db, Settings(), NOW)
    monkeypatch.setattr(agenda, "MAX_ROWS", 1)
    capped = reading.home(db, Settings(), NOW)
    assert len(capped.attention) == 1 and capped.attention_total == len(full.attention) > 1
    assert capped.attention[0] == full.attention[0]  # the worst one stays
    assert capped.overdue_total == len(full.overdue) and capped.overdue == full.overdue[:1]
