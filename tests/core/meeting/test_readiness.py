"""The seven-mistakes gate: every check trips from a ready meeting and clears again, ticks
void when what they vouched for changes, red flags only warn (unless a setting says so), text
that says nothing does not count, and the score tells junk from work."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamdesk.core.interchange import exchange
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.meeting.readiness import Level, Report, evaluate
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database
from tests.conftest import PERSON_DETAILS, import_reviewed

KEY = "wisla-tender-2027"
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def report_for(
    db: Database, document: dict[str, Any], settings: Settings | None = None, key: str = KEY
) -> Report:
    """The report after importing ``document`` and reviewing the ticks it gives."""
    import_reviewed(db, document)
    with db.session() as session:
        ctx = load_meeting_context(session, key)
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
    ("no duration", lambda d: _meeting(d).update(duration_min=None), "late.duration", Level.BLOCK),
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
        lambda d: _meeting(d).update(questions=["Why do you compare offers on price?"]),
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
        lambda d: _meeting(d)["proposals"].append(
            {"text": "An extra training day for the lab staff", "no_product": True}
        ),
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
        Level.BLOCK,
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


# --- substance: text that says nothing does not count ------------------------------------------


def _client(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["clients"][0]


def _past_meeting_with_slip(doc: dict[str, Any]) -> None:
    _client(doc)["meetings"].append(
        {
            "key": "wisla-review-2026",
            "title": "Autumn review",
            "starts_at": "2026-10-07T10:00:00+02:00",
            "attendees": ["sokolov"],
            "notes": {
                "summary": "Volumes confirmed",
                "self_review": {"2": "slip", "3": "ok"},
                "self_review_comments": {"2": "Argued about the May delivery"},
            },
        },
    )


# (name, break the ready meeting, fix it again, the check that trips, its level)
Fix = Callable[[dict[str, Any]], None]
RULES: list[tuple[str, Mutation, Fix, str, Level]] = [
    (
        "objective placeholder",
        lambda d: _meeting(d).update(objective="x"),
        lambda d: _meeting(d).update(objective="Agree the 2027 volumes and prices"),
        "substance.unprepared.objective",
        Level.BLOCK,
    ),
    (
        "commitment tbd",
        lambda d: _meeting(d).update(commitment_sought="TBD"),
        lambda d: _meeting(d).update(commitment_sought="A signed letter of intent"),
        "substance.unprepared.commitment",
        Level.BLOCK,
    ),
    (
        "what they do dots",
        lambda d: _client(d).update(what_they_do="..."),
        lambda d: _client(d).update(what_they_do="Generic oncology drugs"),
        "substance.uninformed.what_they_do",
        Level.BLOCK,
    ),
    (
        "history dash",
        lambda d: _client(d).update(history="-"),
        lambda d: _client(d).update(history="Founded 1991 in Łódź"),
        "substance.uninformed.history",
        Level.BLOCK,
    ),
    (
        "response n/a",
        lambda d: _client(d)["issues"][0].update(response="n/a"),
        lambda d: _client(d)["issues"][0].update(response="New courier since June, no delay since"),
        "substance.arguing.response.",
        Level.BLOCK,
    ),
    (
        "proposal x",
        lambda d: _meeting(d)["proposals"][0].update(text="x"),
        lambda d: _meeting(d)["proposals"][0].update(text="Three-year panel supply"),
        "substance.unprepared.proposals",
        Level.BLOCK,
    ),
    (
        "key fact x",
        lambda d: d["products"][0].update(key_facts=["x"]),
        lambda d: d["products"][0].update(key_facts=["12 markers in one run"]),
        "substance.product.facts.P-ONC-12",
        Level.BLOCK,
    ),
    (
        "answer asdf",
        lambda d: d["products"][0].update(faqs=[{"question": "Turnaround?", "answer": "asdf"}]),
        lambda d: d["products"][0].update(
            faqs=[{"question": "Turnaround?", "answer": "Four hours."}]
        ),
        "substance.product.faqs.P-ONC-12",
        Level.BLOCK,
    ),
    (
        "position x",
        lambda d: _person(d, "wrobel").update(position="x"),
        lambda d: _person(d, "wrobel").update(position="Head of Procurement"),
        "substance.uninformed.profile.wrobel",
        Level.BLOCK,
    ),
    (
        "address x",
        lambda d: _person(d, "wrobel").update(form_of_address="x"),
        lambda d: _person(d, "wrobel").update(form_of_address="Pan Dyrektor"),
        "substance.manners.address.wrobel",
        Level.BLOCK,
    ),
    (
        "Polish placeholder",
        lambda d: _person(d, "wrobel").update(etiquette="brak"),
        lambda d: _person(d, "wrobel").update(etiquette="formal titles"),
        "substance.manners.etiquette.wrobel",
        Level.BLOCK,
    ),
    (
        "Russian placeholder",
        lambda d: _person(d, "sokolov").update(communication_style="нет данных"),
        lambda d: _person(d, "sokolov").update(communication_style="сначала цифры"),
        "substance.interrupting.style.sokolov",
        Level.BLOCK,
    ),
    (
        "questions x x x",
        lambda d: _meeting(d).update(questions=["x", "x", "x"]),
        lambda d: _meeting(d).update(
            questions=[
                "What would make 2027 a success?",
                "How do you compare offers?",
                "Who else decides?",
            ]
        ),
        "substance.interrupting.questions",
        Level.BLOCK,
    ),
    (
        "near-duplicate question",
        lambda d: _meeting(d)["questions"].append("How do you compare the offers?"),
        lambda d: _meeting(d)["questions"].pop(),
        "substance.interrupting.duplicate_questions",
        Level.BLOCK,
    ),
    (
        "duplicate agenda item",
        lambda d: _meeting(d).update(agenda=["Volumes", "Prices", "volumes!"]),
        lambda d: _meeting(d).update(agenda=["Volumes", "Prices", "Delivery terms"]),
        "substance.unprepared.duplicate_agenda",
        Level.BLOCK,
    ),
    (
        "not a question",
        lambda d: _meeting(d)["questions"].append("Pricing details for the 2027 tender"),
        lambda d: _meeting(d)["questions"].__setitem__(-1, "Jak oceniacie oferty konkurencji"),
        "substance.interrupting.question_form",
        Level.BLOCK,
    ),
    (
        "future period",
        lambda d: _client(d)["financials"].append({"period": "2099", "our_sales": 1}),
        lambda d: _client(d)["financials"].pop(),
        "substance.uninformed.financials_future",
        Level.BLOCK,
    ),
    (
        "period without figures",
        lambda d: _client(d)["financials"].append({"period": "2026-Q2"}),
        lambda d: _client(d)["financials"][-1].update(our_sales=700000),
        "substance.uninformed.financials_figures",
        Level.BLOCK,
    ),
    (
        "travel 0 in person",
        lambda d: _meeting(d).update(travel_min=0),
        lambda d: _meeting(d).update(on_site=True),
        "substance.late.travel_time",
        Level.BLOCK,
    ),
    (
        "phone without a number",
        lambda d: (_meeting(d).update(mode="phone"), _person(d, "sokolov").update(phone=None)),
        lambda d: _meeting(d).update(phone="+48 42 555 12 12"),
        "late.number_to_call",
        Level.BLOCK,
    ),
    (
        "video link that does not parse",
        lambda d: _meeting(d).update(mode="video", location=None, video_link="teams"),
        lambda d: _meeting(d).update(video_link="https://teams.example.com/l/meetup-join/19"),
        "substance.late.video_link",
        Level.BLOCK,
    ),
    (
        "unknown discount policy",
        lambda d: _client(d).update(discount_policy={"standard_pct": None, "max_pct": None}),
        lambda d: _client(d).update(discount_policy={"standard_pct": 5, "max_pct": 12}),
        "unprepared.limits_policy",
        Level.BLOCK,
    ),
    (
        "proposal without a product",
        lambda d: _client(d)["needs"][0].update(products=[]),
        lambda d: _meeting(d)["proposals"][0].update(no_product=True),
        "unprepared.proposal_product",
        Level.BLOCK,
    ),
    (
        "VIP at stage unknown",
        lambda d: _person(d, "sokolov").update(stage="unknown"),
        lambda d: _person(d, "sokolov").update(stage="acquainted"),
        "uninformed.vip_unknown.sokolov",
        Level.BLOCK,
    ),
    (
        "overdue debt in a negotiation",
        lambda d: _client(d)["financials"][-1].update(overdue=200000),
        lambda d: _meeting(d)["limits"].update(
            credit_line="Volumes only once the overdue 200k are paid by 15 December"
        ),
        "unprepared.credit",
        Level.BLOCK,
    ),
    (
        "downgraded rating",
        lambda d: _client(d)["credit"].update(previous_rating="AA (internal)"),
        lambda d: _meeting(d)["limits"].update(
            credit_line="Keep 45-day terms; ask for a bank guarantee above 500k"
        ),
        "unprepared.credit",
        Level.BLOCK,
    ),
    (
        "slip last time",
        _past_meeting_with_slip,
        lambda d: _meeting(d).update(
            lessons={"2": "Acknowledge the delay first, then show the courier figures"}
        ),
        "slip.2",
        Level.BLOCK,
    ),
    (
        "slip answered with x",
        lambda d: (_past_meeting_with_slip(d), _meeting(d).update(lessons={"2": "x"})),
        lambda d: _meeting(d).update(lessons={"2": "Ask why before answering any complaint"}),
        "substance.slip.2",
        Level.BLOCK,
    ),
    (
        "meeting in the past",
        lambda d: _meeting(d).update(starts_at="2026-11-19T10:00:00+01:00"),
        lambda d: _meeting(d).update(starts_at="2026-11-25T10:00:00+01:00"),
        "late.in_past",
        Level.BLOCK,
    ),
    (
        "no objection expected in a negotiation",
        lambda d: _client(d).update(issues=[]),
        lambda d: _client(d).update(
            issues=[
                {
                    "kind": "objection",
                    "text": "Roche is cheaper",
                    "response": "Compare the cost per reportable result over three years",
                }
            ]
        ),
        "arguing.expected_objections",
        Level.BLOCK,
    ),
    (
        "review dated after the meeting",
        lambda d: d["products"][0].update(reviewed_on="2026-12-01"),
        lambda d: d["products"][0].update(reviewed_on="2026-11-19"),
        "substance.product.review.P-ONC-12",
        Level.BLOCK,
    ),
]


@pytest.mark.parametrize(
    ("name", "breaks", "fixes", "check_id", "level"), RULES, ids=[r[0] for r in RULES]
)
def test_rule_trips_and_clears(
    tmp_path: Path,
    ready: dict[str, Any],
    name: str,
    breaks: Mutation,
    fixes: Fix,
    check_id: str,
    level: Level,
) -> None:
    with Database.open(tmp_path / "ready.db") as db:
        before = report_for(db, ready)
    assert before.ready, [c.message for c in before.blockers()]
    assert not [c for c in before.checks if c.id.startswith(check_id) and c.level is not Level.OK]
    broken = copy.deepcopy(ready)
    breaks(broken)
    with Database.open(tmp_path / "broken.db") as db:
        report = report_for(db, broken)
    found = [c for c in report.checks if c.id.startswith(check_id) and c.level is level]
    assert found, [(c.id, c.level.value) for c in report.checks if c.level is not Level.OK]
    assert all(len(c.message) > 30 and "{" not in c.message for c in found)
    assert not report.ready
    fixes(broken)
    with Database.open(tmp_path / "fixed.db") as db:
        fixed = report_for(db, broken)
    assert fixed.ready, [c.message for c in fixed.blockers()]
    assert not [c for c in fixed.checks if c.id.startswith(check_id) and c.level is not Level.OK]


def test_a_placeholder_says_what_a_real_answer_looks_like(
    db: Database, ready: dict[str, Any]
) -> None:
    _meeting(ready)["objective"] = "x"
    check = next(
        c for c in report_for(db, ready).checks if c.id == "substance.unprepared.objective"
    )
    assert "“x”" in check.message and "0 of 3 meaningful words" in check.message
    assert "e.g. 'Agree the 2027 volumes and prices'" in check.message
    assert check.target == "meeting.objective"
    # the threshold is a setting
    _meeting(ready)["objective"] = "Agree volumes"
    lenient = Settings.model_validate({"min_words": {"objective": 2}})
    assert levels(report_for(db, ready, lenient))["unprepared.objective"] is Level.OK
    assert levels(report_for(db, ready))["substance.unprepared.objective"] is Level.BLOCK


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "Tell me how the board compares offers"),
        ("pl", "Jak oceniacie oferty konkurencji"),
        ("ru", "Какие сроки поставки для вас важны"),
        ("it", "Come valutate le offerte dei concorrenti"),
        ("hu", "Lehetséges-e a szállítás két héten belül"),
    ],
)
def test_an_interrogative_in_the_meetings_language_makes_a_question(
    tmp_path: Path, ready: dict[str, Any], language: str, question: str
) -> None:
    _person(ready, "wrobel")["language"] = language
    _person(ready, "sokolov")["language"] = language
    _meeting(ready)["questions"].append(question)
    with Database.open(tmp_path / "q.db") as db:
        report = report_for(db, ready)
    assert "substance.interrupting.question_form" not in levels(report), question
    # the same words without the interrogative are a statement
    _meeting(ready)["questions"][-1] = "Our delivery terms for the tender"
    with Database.open(tmp_path / "s.db") as db:
        report = report_for(db, ready)
    assert levels(report)["substance.interrupting.question_form"] is Level.BLOCK


def test_a_future_period_does_not_make_stale_financials_fresh(
    db: Database, ready: dict[str, Any]
) -> None:
    _client(ready)["financials"] = [
        {"period": "2025", "our_sales": 3100000},
        {"period": "2099", "our_sales": 1},
    ]
    found = levels(report_for(db, ready))
    assert found["uninformed.financials_age"] is Level.BLOCK
    assert found["substance.uninformed.financials_future"] is Level.BLOCK


def test_credit_situation_only_warns_outside_a_negotiation(
    tmp_path: Path, ready: dict[str, Any]
) -> None:
    _client(ready)["financials"][-1]["overdue"] = 200000
    _meeting(ready)["kind"] = "meeting"
    with Database.open(tmp_path / "m.db") as db:
        report = report_for(db, ready)
    check = next(c for c in report.checks if c.id == "unprepared.credit")
    assert check.level is Level.WARN and report.ready
    assert "50% of receivables" in check.message


def test_red_flags_block_when_the_setting_says_so(db: Database, ready: dict[str, Any]) -> None:
    assert levels(report_for(db, ready))["redflag.contact_overdue.sokolov"] is Level.WARN
    strict = report_for(db, ready, Settings(red_flags_block=True))
    assert levels(strict)["redflag.contact_overdue.sokolov"] is Level.BLOCK
    assert not strict.ready


def test_a_meeting_with_its_notes_in_the_past_only_warns(
    db: Database, ready: dict[str, Any], sample: dict[str, Any]
) -> None:
    _meeting(ready).update(starts_at="2026-11-19T10:00:00+01:00", notes=_meeting(sample)["notes"])
    _meeting(ready)["notes"].update(self_review={}, self_review_comments={})
    check = next(c for c in report_for(db, ready).checks if c.id == "late.in_past")
    assert check.level is Level.WARN and "notes are written" in check.message


# --- ticks that are earned -----------------------------------------------------------------------


def test_an_imported_tick_counts_only_once_reviewed_here(
    db: Database, ready: dict[str, Any]
) -> None:
    from kamdesk.core.account import editing

    exchange.import_text(db, json.dumps(ready, ensure_ascii=False), "from a colleague")
    with db.session() as session:
        ctx = load_meeting_context(session, KEY)
    report = evaluate(ctx, Settings(), NOW)
    for name in ("route_checked", "listening_plan", "etiquette_reviewed"):
        check = next(c for c in report.checks if c.id == f"tick.{name}")
        assert check.level is Level.BLOCK
        assert "imported, not reviewed here" in check.message
    assert ctx.meeting.id is not None
    for name in ("route_checked", "listening_plan", "etiquette_reviewed"):
        editing.set_tick(db, ctx.meeting.id, name, True)  # the KAM confirms in the app
    with db.session() as session:
        assert evaluate(load_meeting_context(session, KEY), Settings(), NOW).ready


def test_ticks_from_this_dossiers_own_export_count_elsewhere_they_do_not(
    db: Database, tmp_path: Path, ready: dict[str, Any]
) -> None:
    assert report_for(db, ready).ready
    with db.session() as session:
        exported = exchange.export_document(session)
    seal = exported["clients"][0]["meetings"][0]["confirmations_seal"]
    assert isinstance(seal, str) and len(seal) == 64
    text = json.dumps(exported, ensure_ascii=False)
    # restored into the same dossier (e.g. after a bad edit): the seal matches, ticks count
    exchange.import_text(db, text, "own export")
    with db.session() as session:
        assert evaluate(load_meeting_context(session, KEY), Settings(), NOW).ready
    # another dossier: imported, not reviewed; its export keeps the seal unchanged
    with Database.open(tmp_path / "other.db") as other:
        exchange.import_text(other, text, "colleague's export")
        with other.session() as session:
            report = evaluate(load_meeting_context(session, KEY), Settings(), NOW)
            again = exchange.export_document(session)
        assert not report.ready
        assert "imported, not reviewed here" in levels_messages(report)["tick.route_checked"]
    assert again["clients"][0]["meetings"][0]["confirmations_seal"] == seal
    # an edited file no longer matches its seal: the ticks are not taken as reviewed
    forged = copy.deepcopy(exported)
    forged["clients"][0]["meetings"][0]["location"] = "Warsaw office"
    exchange.import_text(db, json.dumps(forged, ensure_ascii=False), "edited")
    with db.session() as session:
        report = evaluate(load_meeting_context(session, KEY), Settings(), NOW)
    assert levels(report)["tick.route_checked"] is Level.BLOCK
    assert levels(report)["tick.etiquette_reviewed"] is Level.BLOCK


def levels_messages(report: Report) -> dict[str, str]:
    return {c.id: c.message for c in report.checks}


# --- junk cannot pass, and the score tells it from work -------------------------------------------


def _junk_report(tmp_path: Path, document: dict[str, Any], key: str) -> Report:
    from tests.core.junk import junk_negotiation  # noqa: F401 - the module documents the cases

    with Database.open(tmp_path / f"{key}.db") as db:
        return report_for(db, document, key=key)


def test_the_junk_negotiation_is_blocked_on_at_least_five_mistakes(
    tmp_path: Path, ready: dict[str, Any]
) -> None:
    from tests.core.junk import JUNK_KEY, junk_negotiation

    report = _junk_report(tmp_path, junk_negotiation(), JUNK_KEY)
    assert not report.ready
    blocked = {c.mistake for c in report.blockers()}
    assert len(blocked) >= 5, blocked
    found = levels(report)
    for check_id in (
        "substance.late.travel_time",
        "substance.interrupting.questions",
        "substance.uninformed.financials_future",
        "substance.uninformed.financials_figures",
        "substance.unprepared.objective",
        "substance.unprepared.proposals",
        "unprepared.limits_policy",
        "uninformed.vip_unknown.vip",
        "substance.product.facts.P-X",
        "substance.product.faqs.P-X",
    ):
        assert found[check_id] is Level.BLOCK, check_id
    with Database.open(tmp_path / "honest.db") as db:
        honest = report_for(db, ready)
    assert honest.ready and honest.score >= 90
    assert report.score <= 20 and honest.score - report.score >= 70


def test_the_junk_phone_meeting_is_blocked_on_at_least_five_mistakes(tmp_path: Path) -> None:
    from tests.core.junk import JUNK_PHONE_KEY, junk_phone

    report = _junk_report(tmp_path, junk_phone(), JUNK_PHONE_KEY)
    assert not report.ready
    assert len({c.mistake for c in report.blockers()}) >= 5
    found = levels(report)
    assert found["late.number_to_call"] is Level.BLOCK
    assert found["unprepared.objective"] is Level.BLOCK  # " " is no objective
    assert found["unprepared.proposal_product"] is Level.BLOCK
    assert report.score <= 30


def test_the_score_is_explained_line_by_line(db: Database, ready: dict[str, Any]) -> None:
    report = report_for(db, ready)
    lines = report.score_lines()
    assert [line.mistake for line in lines] == list(range(1, 8))
    assert sum(line.of for line in lines) == 100
    assert sum(line.points for line in lines) == report.score
    manners = next(line for line in lines if line.mistake == 6)
    assert str(manners).startswith(f"+{manners.points} of 14 · 6 Bad manners: ")
    assert "every attendee's manners known" in manners.text
    # a warning costs at least a point, and says what to consider
    information = next(line for line in lines if line.mistake == 4)
    assert information.points < information.of and "to consider" in information.text
    # a blocker costs most of a mistake's points, and says what to fix first
    _meeting(ready)["travel_min"] = None
    late = report_for(db, ready).score_lines()[0]
    assert late.points <= 12 * 0.4 and "to fix, first: Add a travel time" in late.text
