"""The seven-mistakes gate: every check trips from a ready meeting and clears again, ticks
void when what they vouched for changes, red flags only warn."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamdesk.core import exchange
from kamdesk.core.context import load_meeting_context
from kamdesk.core.db import Database
from kamdesk.core.readiness import Level, Report, evaluate
from kamdesk.core.settings import Settings
from tests.conftest import PERSON_DETAILS

KEY = "wisla-tender-2027"
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def report_for(db: Database, document: dict[str, Any], settings: Settings | None = None) -> Report:
    exchange.import_text(db, json.dumps(document, ensure_ascii=False), "test")
    with db.session() as session:
        ctx = load_meeting_context(session, KEY)
    return evaluate(ctx, settings or Settings(), NOW)


def levels(report: Report) -> dict[str, Level]:
    return {c.id: c.level for c in report.checks}


def test_ready_baseline(db: Database, ready: dict[str, Any]) -> None:
    report = report_for(db, ready)
    assert report.ready, [c.message for c in report.blockers()]
    assert report.status == "ready"
    # every mistake is covered by at least one check
    assert all(report.by_mistake()[n] for n in range(1, 8))
    assert report.leave_by == dt.datetime(
        2026, 11, 25, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert 90 <= report.score <= 100
    # the VIP's contact is overdue: a red flag warns, it does not block
    assert levels(report)["redflag.contact_overdue.sokolov"] is Level.WARN


def _meeting(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["clients"][0]["meetings"][0]


def _person(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p for p in doc["clients"][0]["stakeholders"] if p["key"] == key)


Mutation = Callable[[dict[str, Any]], None]

CASES: list[tuple[str, Mutation, str, Level]] = [
    # 1 late
    ("no start", lambda d: _meeting(d).update(starts_at=None), "late.start_time", Level.BLOCK),
    ("no duration", lambda d: _meeting(d).update(duration_min=None), "late.duration", Level.WARN),
    ("no place", lambda d: _meeting(d).update(location=None), "late.location", Level.BLOCK),
    ("no travel", lambda d: _meeting(d).update(travel_min=None), "late.travel_time", Level.BLOCK),
    (
        "route not ticked",
        lambda d: _meeting(d)["confirmations"].update(route_checked=False),
        "tick.route_checked",
        Level.BLOCK,
    ),
    (
        "video without link",
        lambda d: _meeting(d).update(mode="video", location=None),
        "late.video_link",
        Level.BLOCK,
    ),
    (
        "phone without numbers",
        lambda d: _meeting(d).update(mode="phone"),
        "late.phone_numbers",
        Level.WARN,
    ),
    # 2 arguing
    (
        "attendee's complaint unanswered",
        lambda d: d["clients"][0]["issues"][0].update(response=None),
        "arguing.response.",
        Level.BLOCK,
    ),
    (
        "client's objection unanswered",
        lambda d: d["clients"][0]["issues"].append({"kind": "objection", "text": "Too expensive"}),
        "arguing.response.",
        Level.BLOCK,
    ),
    # 3 interrupting
    (
        "no questions",
        lambda d: _meeting(d).update(questions=[]),
        "interrupting.open_questions",
        Level.BLOCK,
    ),
    (
        "few questions",
        lambda d: _meeting(d).update(questions=["Why?"]),
        "interrupting.more_questions",
        Level.WARN,
    ),
    (
        "style unknown",
        lambda d: _person(d, "wrobel").update(communication_style=None),
        "interrupting.style.wrobel",
        Level.BLOCK,
    ),
    (
        "listening not ticked",
        lambda d: _meeting(d)["confirmations"].update(listening_plan=False),
        "tick.listening_plan",
        Level.BLOCK,
    ),
    # 4 information
    (
        "what they do",
        lambda d: d["clients"][0].update(what_they_do=None),
        "uninformed.what_they_do",
        Level.BLOCK,
    ),
    ("history", lambda d: d["clients"][0].update(history=""), "uninformed.history", Level.BLOCK),
    (
        "no financials",
        lambda d: d["clients"][0].update(financials=[]),
        "uninformed.financials",
        Level.BLOCK,
    ),
    (
        "stale financials",
        lambda d: d["clients"][0].update(financials=d["clients"][0]["financials"][:1]),
        "uninformed.financials_age",
        Level.BLOCK,
    ),
    (
        "no needs",
        lambda d: (d["clients"][0].update(needs=[]), _meeting(d).update(proposals=[{"text": "x"}])),
        "uninformed.needs",
        Level.BLOCK,
    ),
    (
        "no development plans",
        lambda d: d["clients"][0].update(plans=[]),
        "uninformed.development_plans",
        Level.BLOCK,
    ),
    (
        "no attendees",
        lambda d: _meeting(d).update(attendees=[]),
        "uninformed.attendees",
        Level.BLOCK,
    ),
    (
        "no position",
        lambda d: _person(d, "wrobel").update(position=None),
        "uninformed.profile.wrobel",
        Level.BLOCK,
    ),
    (
        "no role",
        lambda d: _person(d, "sokolov").update(buying_role=None),
        "uninformed.profile.sokolov",
        Level.BLOCK,
    ),
    # red flags
    (
        "no coach",
        lambda d: _person(d, "wrobel").update(buying_role="user"),
        "redflag.no_coach",
        Level.WARN,
    ),
    (
        "economic buyer away",
        lambda d: _meeting(d).update(attendees=["wrobel"]),
        "redflag.economic_buyer",
        Level.WARN,
    ),
    (
        "economic buyer unknown",
        lambda d: _person(d, "sokolov").update(buying_role="technical"),
        "redflag.economic_buyer",
        Level.WARN,
    ),
    (
        "strong opponent",
        lambda d: _person(d, "sokolov").update(attitude="opponent", influence=4),
        "redflag.opponent.sokolov",
        Level.WARN,
    ),
    (
        "cold attendee",
        lambda d: _person(d, "wrobel").update(stage="contacted"),
        "redflag.stage.wrobel",
        Level.WARN,
    ),
    # 5 preparation
    (
        "objective",
        lambda d: _meeting(d).update(objective=None),
        "unprepared.objective",
        Level.BLOCK,
    ),
    (
        "commitment",
        lambda d: _meeting(d).update(commitment_sought=""),
        "unprepared.commitment",
        Level.BLOCK,
    ),
    ("agenda", lambda d: _meeting(d).update(agenda=[]), "unprepared.agenda", Level.BLOCK),
    (
        "no proposal for a need",
        lambda d: _meeting(d).update(proposals=[{"text": "Anything"}]),
        "unprepared.proposal",
        Level.BLOCK,
    ),
    (
        "untied proposal",
        lambda d: _meeting(d)["proposals"].append({"text": "Extra"}),
        "unprepared.untied_proposal",
        Level.WARN,
    ),
    (
        "no limit",
        lambda d: _meeting(d)["limits"].update(max_discount_pct=None),
        "unprepared.limits",
        Level.BLOCK,
    ),
    (
        "limit beyond policy",
        lambda d: _meeting(d)["limits"].update(max_discount_pct=15),
        "unprepared.limits_policy",
        Level.BLOCK,
    ),
    (
        "no walk away",
        lambda d: _meeting(d)["limits"].update(walk_away=None),
        "unprepared.walk_away",
        Level.WARN,
    ),
    # 6 manners
    (
        "address",
        lambda d: _person(d, "wrobel").update(form_of_address=None),
        "manners.address.wrobel",
        Level.BLOCK,
    ),
    (
        "language",
        lambda d: _person(d, "wrobel").update(language=None),
        "manners.language.wrobel",
        Level.BLOCK,
    ),
    (
        "VIP pronunciation",
        lambda d: _person(d, "sokolov").update(pronunciation=None),
        "manners.pronunciation.sokolov",
        Level.BLOCK,
    ),
    (
        "KOL etiquette",
        lambda d: _person(d, "wrobel").update(etiquette=None),
        "manners.etiquette.wrobel",
        Level.BLOCK,
    ),
    (
        "non-VIP pronunciation",
        lambda d: _person(d, "wrobel").update(kol=False, pronunciation=None),
        "manners.pronunciation.wrobel",
        Level.WARN,
    ),
    (
        "etiquette not ticked",
        lambda d: _meeting(d)["confirmations"].update(etiquette_reviewed=False),
        "tick.etiquette_reviewed",
        Level.BLOCK,
    ),
    # 7 product
    (
        "no product",
        lambda d: (
            _meeting(d).update(products=[], proposals=[{"text": "x", "need": "n1"}]),
            d["clients"][0]["needs"][0].update(products=[]),
        ),
        "product.none",
        Level.WARN,
    ),
    (
        "no facts",
        lambda d: d["products"][0].update(key_facts=[]),
        "product.facts.P-ONC-12",
        Level.BLOCK,
    ),
    ("no faqs", lambda d: d["products"][0].update(faqs=[]), "product.faqs.P-ONC-12", Level.BLOCK),
    (
        "stale review",
        lambda d: d["products"][0].update(reviewed_on="2025-01-10"),
        "product.review.P-ONC-12",
        Level.BLOCK,
    ),
    (
        "never reviewed",
        lambda d: d["products"][0].update(reviewed_on=None),
        "product.review.P-ONC-12",
        Level.BLOCK,
    ),
]


@pytest.mark.parametrize(("name", "mutate", "check_id", "level"), CASES, ids=[c[0] for c in CASES])
def test_check_trips_from_ready(
    db: Database,
    tmp_path: Path,
    ready: dict[str, Any],
    name: str,
    mutate: Mutation,
    check_id: str,
    level: Level,
) -> None:
    before = levels(report_for(db, ready))
    mutate(ready)
    # a fresh database: importing into the first would merge (keyed lists are never emptied)
    with Database.open(tmp_path / "mutated.db") as other:
        report = report_for(other, ready)
    found = [c for c in report.checks if c.id.startswith(check_id) and c.level is level]
    assert found, (
        f"{check_id} not at {level}: {[(c.id, c.level) for c in report.checks if c.level is not Level.OK]}"
    )
    assert all(c.message and not c.message.startswith("{") for c in found)
    if level is Level.BLOCK:
        assert not report.ready and report.status == "not_ready"
        assert before.get(found[0].id) in (Level.OK, None)  # it was clear before the mutation
    else:
        assert not any(c.level is Level.BLOCK for c in report.checks if c.id.startswith(check_id))


def test_fixing_clears_the_check(db: Database, ready: dict[str, Any]) -> None:
    broken = copy.deepcopy(ready)
    _meeting(broken).update(travel_min=None)
    _person(broken, "wrobel").update(form_of_address=None)
    assert not report_for(db, broken).ready
    fixed = report_for(db, ready)  # importing the fixed values again: merge by key
    assert fixed.ready
    assert levels(fixed)["late.travel_time"] is Level.OK
    assert levels(fixed)["manners.address.wrobel"] is Level.OK


def test_thresholds_are_settings(db: Database, ready: dict[str, Any]) -> None:
    strict = Settings(
        financials_max_age_days=30, product_review_max_age_days=10, default_buffer_min=30
    )
    report = report_for(db, ready, strict)
    assert levels(report)["uninformed.financials_age"] is Level.BLOCK
    assert levels(report)["product.review.P-ONC-12"] is Level.BLOCK
    # explicit buffer on the meeting wins over the default; without one the default applies
    _meeting(ready)["buffer_min"] = None
    report = report_for(db, ready, strict)
    assert report.leave_by is not None and report.leave_by.strftime("%H:%M") == "08:50"


def test_tick_is_void_once_what_it_vouched_for_changes(db: Database, ready: dict[str, Any]) -> None:
    assert report_for(db, ready).ready
    # an attendee joins after the etiquette review (the update gives no confirmations)
    update = {
        "format": "kamdesk-portfolio",
        "version": 1,
        "clients": [
            {
                "key": "wisla-pharma",
                "name": "Wisła Pharma S.A.",
                "stakeholders": [{"key": "nowak", "name": "Anna Nowak", **PERSON_DETAILS}],
                "meetings": [
                    {
                        "key": KEY,
                        "title": "Tender 2027 negotiation",
                        "attendees": ["sokolov", "wrobel", "nowak"],
                    }
                ],
            }
        ],
    }
    report = report_for(db, update)
    by_id = {c.id: c for c in report.checks}
    assert by_id["tick.etiquette_reviewed"].level is Level.BLOCK
    assert "no longer counts" in by_id["tick.etiquette_reviewed"].message
    assert by_id["tick.listening_plan"].level is Level.BLOCK  # the attendees changed
    assert by_id["tick.route_checked"].level is Level.OK  # place and time did not
    # the export says what counts now
    with db.session() as session:
        exported = exchange.export_document(session)["clients"][0]["meetings"][0]["confirmations"]
    assert exported == {"route_checked": True, "listening_plan": False, "etiquette_reviewed": False}
    # ticking again makes it count
    update["clients"][0]["meetings"][0]["confirmations"] = {
        "listening_plan": True,
        "etiquette_reviewed": True,
    }
    assert report_for(db, update).ready


def test_moving_the_venue_voids_the_route_tick(db: Database, ready: dict[str, Any]) -> None:
    assert report_for(db, ready).ready
    moved = {
        "format": "kamdesk-portfolio",
        "version": 1,
        "clients": [
            {
                "key": "wisla-pharma",
                "name": "Wisła Pharma S.A.",
                "meetings": [
                    {"key": KEY, "title": "Tender 2027 negotiation", "location": "Warsaw office"}
                ],
            }
        ],
    }
    assert levels(report_for(db, moved))["tick.route_checked"] is Level.BLOCK


def test_score_and_json_shape(db: Database, ready: dict[str, Any]) -> None:
    ready_score = report_for(db, ready).score
    _meeting(ready).update(objective=None, agenda=[], travel_min=None)
    report = report_for(db, ready)
    assert report.score < ready_score
    data = report.as_json()
    assert set(data) == {"meeting", "status", "score", "checks"}
    assert data["meeting"] == KEY and data["status"] == "not_ready"
    assert 0 <= data["score"] <= 100
    for check in data["checks"]:
        assert set(check) == {"mistake", "id", "level", "message"}
        assert check["mistake"] in range(1, 8) and check["level"] in ("block", "warn", "ok")
    assert len({c["id"] for c in data["checks"]}) == len(data["checks"])


# the demo's day, then days in every season and years later: the story holds whenever it loads
@pytest.mark.parametrize("days_later", [0, 40, 100, 160, 220, 280, 340, 1000, 3000])
def test_demo_meetings_are_at_their_intended_stages(db: Database, days_later: int) -> None:
    from kamdesk.core import demo

    today = demo.written_on() + dt.timedelta(days=days_later)
    demo.load_demo(db, today=today)
    now = dt.datetime.combine(today, dt.time(9, 0), tzinfo=dt.UTC)
    results = {}
    with db.session() as session:
        for key in (
            "pomorze-tender-2027",
            "patika-q1-listing",
            "adriatica-screening-pilot",
            "almaty-launch-rt",
        ):
            report = evaluate(load_meeting_context(session, key), Settings(), now)
            results[key] = {c.mistake for c in report.blockers()}
    assert results["pomorze-tender-2027"] == set()
    assert results["patika-q1-listing"] >= {1, 3, 5}
    assert results["adriatica-screening-pilot"] >= {2, 6}
    assert results["almaty-launch-rt"] == {7}
