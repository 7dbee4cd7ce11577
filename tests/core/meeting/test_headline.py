"""The checklist's headline says what to do and by when; the checks on the client's lists
point at the exact row (need, plan, financial period) so a jump can select it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamdesk.core.meeting.readiness import Check, Level, Report, headline
from kamdesk.core.storage.db import Database
from tests.core.meeting.test_readiness import KEY, NOW, report_for

CET = dt.timezone(dt.timedelta(hours=1))
TUESDAY = dt.datetime(2026, 11, 24, 10, 0, tzinfo=CET)  # NOW is Friday 2026-11-20 12:00 UTC


def _report(blockers: int, warnings: int = 0, start: dt.datetime | None = TUESDAY) -> Report:
    checks = [Check(4, f"b{i}", Level.BLOCK, f"Fix {i}.") for i in range(blockers)]
    checks += [Check(4, f"w{i}", Level.WARN, f"Consider {i}.") for i in range(warnings)]
    checks.append(Check(1, "ok", Level.OK, "Fine."))
    return Report(KEY, checks, None, start)


def test_the_headline_counts_what_to_fix_and_names_the_start() -> None:
    three = headline(_report(3, 2), "en_GB", NOW)
    assert three.text == "3 things to fix before Tuesday 10:00"
    assert not three.ready
    assert three.detail.startswith("2 things to consider · score ")
    assert three.detail.endswith("/100")
    assert headline(_report(1), "en_GB", NOW).text == "1 thing to fix before Tuesday 10:00"
    ready = headline(_report(0, 1), "en_GB", NOW)
    assert ready.text == "Ready for Tuesday 10:00" and ready.ready
    assert ready.detail.startswith("1 thing to consider · score ")
    # the time through the locale's formatter
    assert headline(_report(0), "en", NOW).text == "Ready for Tuesday 10:00\u202fAM"
    assert headline(_report(2), "pl", NOW).text.endswith("before wtorek 10:00")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC), "Ready for 10:00 today"),
        (dt.datetime(2026, 11, 23, 23, 30, tzinfo=dt.UTC), "Ready for 10:00 today"),  # 0:30 CET
        (dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC), "Ready for tomorrow 10:00"),
        (dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC), "Ready for Tuesday 10:00"),
        (
            dt.datetime(2026, 11, 17, 12, 0, tzinfo=dt.UTC),
            "Ready for Tuesday, 24 November 2026 10:00",
        ),
    ],
)
def test_the_day_is_named_from_now_in_the_meetings_offset(now: dt.datetime, expected: str) -> None:
    assert headline(_report(0), "en_GB", now).text == expected


def test_a_meeting_without_a_start() -> None:
    assert headline(_report(2, start=None), "en_GB", NOW).text == (
        "2 things to fix before the meeting"
    )
    assert headline(_report(0, start=None), "en_GB", NOW).text == "Ready for the meeting"


def test_the_report_carries_the_meetings_start(db: Database, ready: dict[str, Any]) -> None:
    report = report_for(db, ready)
    assert report.starts_at == dt.datetime(2026, 11, 25, 10, 0, tzinfo=CET)
    assert headline(report, "en_GB", NOW).text == "Ready for Wednesday 10:00"


def _ids(db: Database, table: str) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(db.path)
    try:
        column = "period" if table == "financial_period" else "text"
        return dict(conn.execute(f"SELECT {column}, id FROM {table}").fetchall())  # noqa: S608
    finally:
        conn.close()


def test_list_checks_point_at_the_row_that_fixes_them(db: Database, ready: dict[str, Any]) -> None:
    client = ready["clients"][0]
    client["needs"].append({"key": "n2", "text": "tbd"})
    client["plans"].append({"kind": "client_development", "text": "x", "status": "open"})
    client["financials"].append({"period": "2026-Q2"})  # no figures
    report = report_for(db, ready)
    targets = {c.id: c.target for c in report.checks}
    needs, plans, periods = _ids(db, "need"), _ids(db, "plan"), _ids(db, "financial_period")
    assert targets["substance.uninformed.needs"] == f"need:{needs['tbd']}.text"
    assert targets["substance.uninformed.development_plans"] == f"plan:{plans['x']}.text"
    assert targets["substance.uninformed.financials_figures"] == (
        f"financial:{periods['2026-Q2']}.period"
    )
    # the age of the financials points at the latest period that counts (2026-Q3)
    assert targets["uninformed.financials_age"] == f"financial:{periods['2026-Q3']}.period"


def test_stale_financials_point_at_the_latest_period(db: Database, ready: dict[str, Any]) -> None:
    ready["clients"][0]["financials"] = [
        {"period": "2024", "our_sales": 2900000},
        {"period": "2025-Q2", "our_sales": 1500000},
    ]
    report = report_for(db, ready)
    check = next(c for c in report.checks if c.id == "uninformed.financials_age")
    assert check.level is Level.BLOCK
    assert check.target == f"financial:{_ids(db, 'financial_period')['2025-Q2']}.period"
