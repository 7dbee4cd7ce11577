"""The GUI's read services (core.reading): each call answers from the file, detached from any
session, and says so when what it was asked for is gone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamdesk.core import reading
from kamdesk.core.account import editing
from kamdesk.core.errors import UnknownKey
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings
from kamdesk.core.storage import search
from tests.conftest import import_reviewed

MEETING_START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # the sample's, in UTC


@pytest.fixture
def filled(db: Any, sample: dict[str, Any]) -> Any:
    import_reviewed(db, sample)
    return db


def test_keys_and_ids_answer_both_ways(filled: Any) -> None:
    cid = reading.client_id(filled, "wisla-pharma")
    assert reading.client_key(filled, cid) == "wisla-pharma"
    assert reading.client_keys(filled) == {cid: "wisla-pharma"}
    assert reading.client_name(filled, "wisla-pharma") == "Wisła Pharma S.A."
    mid = reading.meeting_id(filled, "wisla-tender-2027")
    assert reading.meeting_context(filled, "wisla-tender-2027").meeting.id == mid
    assert reading.product_id(filled, "P-ONC-12") is not None
    assert reading.product_id(filled, "no-such") is None


def test_an_unknown_key_is_said_not_crashed_on(filled: Any) -> None:
    with pytest.raises(UnknownKey, match="no-such"):
        reading.client_id(filled, "no-such")
    with pytest.raises(UnknownKey, match="no-such"):
        reading.meeting_id(filled, "no-such")
    with pytest.raises(UnknownKey, match="no-such"):
        reading.client(filled, "no-such")
    assert reading.client_key(filled, 10_000) is None
    assert reading.finances(filled, 10_000) is None


def test_rows_come_back_detached_and_usable(filled: Any) -> None:
    cid = reading.client_id(filled, "wisla-pharma")
    people = reading.people(filled, cid)
    assert [p.name for p in people] == sorted(p.name for p in people)
    by_id = reading.people(filled, cid, by="id")
    assert [p.id for p in by_id] == sorted(p.id for p in by_id if p.id is not None)
    assert {p.key for p in people} == {"sokolov", "wrobel"}
    (relation,) = reading.relations(filled, cid)
    assert {relation.from_id, relation.to_id} == {p.id for p in people}
    assert [n.text for n in reading.needs(filled, cid)] == ["Faster oncology panels"]
    assert [p.key for p in reading.products(filled)] == ["P-ONC-12"]
    figures = reading.finances(filled, cid)
    assert figures is not None and figures.client.key == "wisla-pharma"
    assert [f.period for f in figures.periods] == ["2025"]
    assert [t.period for t in figures.targets] == ["2026-Q4"]
    person = reading.row(filled, m.Stakeholder, people[0].id)
    assert person is not None and person.name == people[0].name


def test_a_row_gone_reads_as_none(filled: Any) -> None:
    mid = reading.meeting_id(filled, "wisla-tender-2027")
    editing.delete_meeting(filled, mid)
    assert reading.row(filled, m.Meeting, mid) is None
    assert reading.meetings(filled, reading.client_id(filled, "wisla-pharma")) == []


def test_a_search_hit_leads_to_its_client_and_person(filled: Any) -> None:
    hits = reading.search_hits(filled, "sokolov")
    person_hits = [h for h in hits if h.kind == "person"]
    assert person_hits
    target = reading.hit_target(filled, person_hits[0])
    assert target == reading.HitTarget("wisla-pharma", None, "sokolov")
    gone = search.Hit(kind="client", ref_id=10_000, client_id=10_000, client_name="x", title="x")
    assert reading.hit_target(filled, gone) is None


def test_a_held_meeting_has_no_readiness_and_a_coming_one_has(filled: Any) -> None:
    cid = reading.client_id(filled, "wisla-pharma")
    prefs = Settings()
    before = reading.meetings_with_readiness(filled, cid, prefs, MEETING_START - dt.timedelta(1))
    after = reading.meetings_with_readiness(filled, cid, prefs, MEETING_START + dt.timedelta(1))
    ((meeting, report),) = before
    assert meeting.key == "wisla-tender-2027" and report is not None
    assert report.checks  # the rules ran
    ((_, held),) = after
    assert held is None


def test_the_notes_of_a_meeting_are_found_by_its_id(filled: Any) -> None:
    mid = reading.meeting_id(filled, "wisla-tender-2027")
    data = reading.notes(filled, mid)
    assert data.ctx.meeting.key == "wisla-tender-2027"
    with pytest.raises(UnknownKey):
        reading.notes(filled, 10_000)


def test_search_groups_by_kind_with_snippets(filled: Any) -> None:
    groups = reading.search_groups(filled, "wisla")
    kinds = [kind for kind, _ in groups]
    assert kinds[0] == "client" and kinds == [k for k in reading.SEARCH_GROUPS if k in kinds]
    assert all(hits for _, hits in groups)
    (client,) = groups[0][1]
    assert client.title == "Wisła Pharma S.A." and "«wisla»" in client.snippet


def test_people_are_listed_in_collation_order(filled: Any) -> None:
    cid = reading.client_id(filled, "wisla-pharma")
    for name in ("Zofia Adamska", "Lena Lis", "Marek Ma"):
        editing.add_stakeholder(filled, cid, name)
    names = [p.name for p in reading.people(filled, cid)]
    # code points put "Ł" after "Z"; the collation key puts it among the L's
    assert names[:4] == ["Lena Lis", "Łukasz Wróbel", "Marek Ma", "Zofia Adamska"]
    assert names[-1] == "Андрей Соколов"
