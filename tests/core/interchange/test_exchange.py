"""The exchange format: validation with paths, all-or-nothing, merge by key, round trips."""

from __future__ import annotations

import copy
import json
import sqlite3
import typing
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest

from kamdesk.core import files
from kamdesk.core.errors import InvalidInput, UnknownKey
from kamdesk.core.interchange import exchange
from kamdesk.core.interchange.exchange import exporting
from kamdesk.core.model import enums
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.storage.db import Database

SCHEMA_FILE = (
    Path(__file__).resolve().parents[3] / "resources" / "schema" / "portfolio-v1.schema.json"
)

# Where one instance of each object lives in the sample document.
LOCATIONS: dict[type, list[Any]] = {
    doc.Company: ["company"],
    doc.Product: ["products", 0],
    doc.Faq: ["products", 0, "faqs", 0],
    doc.Client: ["clients", 0],
    doc.FinancialPeriod: ["clients", 0, "financials", 0],
    doc.Target: ["clients", 0, "targets", 0],
    doc.Credit: ["clients", 0, "credit"],
    doc.DiscountPolicy: ["clients", 0, "discount_policy"],
    doc.Need: ["clients", 0, "needs", 0],
    doc.Plan: ["clients", 0, "plans", 0],
    doc.Competitor: ["clients", 0, "competitors", 0],
    doc.Issue: ["clients", 0, "issues", 0],
    doc.Stakeholder: ["clients", 0, "stakeholders", 0],
    doc.RelationshipStep: ["clients", 0, "stakeholders", 0, "relationship_plan", 0],
    doc.Relation: ["clients", 0, "relations", 0],
    doc.Meeting: ["clients", 0, "meetings", 0],
    doc.Proposal: ["clients", 0, "meetings", 0, "proposals", 0],
    doc.Limits: ["clients", 0, "meetings", 0, "limits"],
    doc.Confirmations: ["clients", 0, "meetings", 0, "confirmations"],
    doc.Notes: ["clients", 0, "meetings", 0, "notes"],
    doc.ActionItem: ["clients", 0, "meetings", 0, "notes", "actions", 0],
    doc.SelfReview: ["clients", 0, "meetings", 0, "notes", "self_review"],
}


def _path_text(loc: list[Any]) -> str:
    return exchange.format_path(loc)


def _get(node: Any, loc: list[Any]) -> Any:
    for part in loc:
        node = node[part]
    return node


def _literal_values(annotation: Any) -> tuple[str, ...] | None:
    if typing.get_origin(annotation) is list:
        return _literal_values(typing.get_args(annotation)[0])
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return None


def _range(field: Any) -> tuple[float | None, float | None] | None:
    extras = [getattr(meta, "json_schema_extra", None) for meta in field.metadata]
    annotation = field.annotation
    for arg in typing.get_args(annotation):
        for meta in getattr(arg, "__metadata__", ()):
            extras.append(getattr(meta, "json_schema_extra", None))
    for extra in extras:
        if isinstance(extra, dict) and ("minimum" in extra or "maximum" in extra):
            return extra.get("minimum"), extra.get("maximum")
    return None


def _enum_cases() -> list[tuple[str, list[Any], str]]:
    cases = []
    for model, loc in LOCATIONS.items():
        for name, field in model.model_fields.items():
            if _literal_values(field.annotation):
                cases.append((f"{model.__name__}.{name}", loc, field.alias or name))
    return cases


def _range_cases() -> list[tuple[str, list[Any], str, float]]:
    cases = []
    for model, loc in LOCATIONS.items():
        for name, field in model.model_fields.items():
            bounds = _range(field)
            if bounds is None:
                continue
            low, high = bounds
            # one past the bound; for a bound as large as 1e18 a step of 1 is lost in the float
            if low is not None:
                cases.append((f"{model.__name__}.{name}<", loc, name, low - max(1, abs(low))))
            if high is not None:
                cases.append((f"{model.__name__}.{name}>", loc, name, high + max(1, abs(high))))
    return cases


def _problems(db: Database, document: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        exchange.import_text(db, json.dumps(document, ensure_ascii=False), "test.json")
    return [str(p) for p in info.value.problems]


def _count(db: Database, table: str) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_sample_imports_and_counts(db: Database, sample: dict[str, Any]) -> None:
    summary = exchange.import_text(db, json.dumps(sample), "sample")
    assert summary.created["client"] == 1
    assert summary.created["stakeholder"] == 2
    assert _count(db, "stakeholder") == 2
    assert _count(db, "self_review") == 7
    assert _count(db, "relation") == 1


@pytest.mark.parametrize(
    ("name", "loc", "field"),
    _enum_cases(),
    ids=lambda v: v if isinstance(v, str) and "." in v else None,
)
def test_every_enum_rejects_unknown_value_with_its_path(
    db: Database, sample: dict[str, Any], name: str, loc: list[Any], field: str
) -> None:
    target = _get(sample, loc)
    is_list = isinstance(target.get(field), list)
    target[field] = ["bogus"] if is_list else "bogus"
    problems = _problems(db, sample)
    where = [*loc, field, 0] if is_list else [*loc, field]
    expected = f'{_path_text(where)}: "bogus" is not one of:'
    assert any(p.startswith(expected) for p in problems), problems
    assert _count(db, "client") == 0


def test_enum_cases_cover_the_format() -> None:
    names = {case[0] for case in _enum_cases()}
    # every closed vocabulary of PORTFOLIO_FORMAT.md is exercised
    for expected in (
        "Client.key_reasons",
        "Client.key_level",
        "Plan.kind",
        "Plan.status",
        "Issue.kind",
        "Issue.status",
        "Stakeholder.buying_role",
        "Stakeholder.attitude",
        "Stakeholder.stage",
        "Stakeholder.target_stage",
        "Stakeholder.info_source",
        "Relation.kind",
        "Meeting.kind",
        "Meeting.mode",
        "SelfReview.m1",
    ):
        assert expected in names


def test_key_reasons_item_rejected_with_index(db: Database, sample: dict[str, Any]) -> None:
    sample["clients"][0]["key_reasons"] = ["income_share", "famous"]
    assert (
        'clients[0].key_reasons[1]: "famous" is not one of: income_share, potential, reference, partner, competent, innovator'
        in _problems(db, sample)
    )


@pytest.mark.parametrize(
    ("name", "loc", "field", "value"),
    _range_cases(),
    ids=lambda v: v if isinstance(v, str) and "." in v else None,
)
def test_every_range_rejected_with_its_path(
    db: Database, sample: dict[str, Any], name: str, loc: list[Any], field: str, value: float
) -> None:
    target = _get(sample, loc)
    target[field] = int(value) if float(value).is_integer() else value
    problems = _problems(db, sample)
    assert any(
        p.startswith(f"{_path_text([*loc, field])}: ") and " is not in " in p for p in problems
    ), problems


def test_influence_message_matches_the_contract(db: Database, sample: dict[str, Any]) -> None:
    sample["clients"][0]["stakeholders"].append({"key": "a", "name": "A"})
    sample["clients"][0]["stakeholders"].append({"key": "b", "name": "B", "influence": 7})
    assert "clients[0].stakeholders[3].influence: 7 is not in 1..5" in _problems(db, sample)


@pytest.mark.parametrize(
    ("loc", "field"),
    [
        ([], "colour"),
        (["company"], "ceo"),
        (["clients", 0], "revenue"),
        (["clients", 0, "stakeholders", 1], "nickname"),
        (["clients", 0, "meetings", 0, "confirmations"], "coffee_ordered"),
        (["clients", 0, "meetings", 0, "notes", "self_review"], "8"),
    ],
)
def test_unknown_field_rejected_naming_it(
    db: Database, sample: dict[str, Any], loc: list[Any], field: str
) -> None:
    _get(sample, loc)[field] = True
    assert f"{_path_text([*loc, field])}: unknown field" in _problems(db, sample)


def test_strict_types(db: Database, sample: dict[str, Any]) -> None:
    person = sample["clients"][0]["stakeholders"][0]
    person["influence"] = "4"
    person["vip"] = "yes"
    sample["clients"][0]["financials"][0]["our_sales"] = "3,100,000"
    problems = _problems(db, sample)
    assert 'clients[0].stakeholders[0].influence: "4" is not a whole number' in problems
    assert 'clients[0].stakeholders[0].vip: "yes" is not true or false' in problems
    assert 'clients[0].financials[0].our_sales: "3,100,000" is not a number' in problems


def test_broken_dates_and_missing_offset(db: Database, sample: dict[str, Any]) -> None:
    sample["products"][0]["reviewed_on"] = "2026-02-30"
    sample["clients"][0]["meetings"][0]["starts_at"] = "2026-11-25T10:00:00"
    sample["clients"][0]["financials"][0]["period"] = "2025-Q5"
    problems = _problems(db, sample)
    assert 'products[0].reviewed_on: "2026-02-30" is not a valid date (YYYY-MM-DD)' in problems
    assert any(
        p.startswith("clients[0].meetings[0].starts_at:") and "UTC offset" in p for p in problems
    )
    assert any(p.startswith("clients[0].financials[0].period:") for p in problems)


def test_required_fields(db: Database, sample: dict[str, Any]) -> None:
    del sample["clients"][0]["stakeholders"][1]["name"]
    del sample["version"]
    problems = _problems(db, sample)
    assert "clients[0].stakeholders[1].name: required field is missing" in problems
    assert "version: required field is missing" in problems


def test_references_must_resolve(db: Database, sample: dict[str, Any]) -> None:
    client = sample["clients"][0]
    client["meetings"][0]["attendees"].append("nobody")
    client["meetings"][0]["products"].append("P-NONE")
    client["meetings"][0]["proposals"][0]["need"] = "n9"
    client["issues"][0]["raised_by"] = "ghost"
    client["relations"].append({"from": "wrobel", "to": "wrobel", "kind": "ally"})
    problems = _problems(db, sample)
    assert (
        'clients[0].meetings[0].attendees[2]: "nobody" is not a known stakeholder of this client'
        in problems
    )
    assert 'clients[0].meetings[0].products[1]: "P-NONE" is not a known product key' in problems
    assert (
        'clients[0].meetings[0].proposals[0].need: "n9" is not a known need of this client'
        in problems
    )
    assert (
        'clients[0].issues[0].raised_by: "ghost" is not a known stakeholder of this client'
        in problems
    )
    assert "clients[0].relations[1].to: a person cannot relate to themselves" in problems


def test_duplicate_keys_rejected(db: Database, sample: dict[str, Any]) -> None:
    client = sample["clients"][0]
    client["stakeholders"].append({"key": "sokolov", "name": "Another"})
    second = copy.deepcopy(client)
    second["key"] = "other-client"
    second["stakeholders"] = second["stakeholders"][:2]
    sample["clients"].append(second)  # its meeting key repeats the first client's
    problems = _problems(db, sample)
    assert (
        'clients[0].stakeholders[2].key: stakeholder key "sokolov" is already used at clients[0].stakeholders[0]'
        in problems
    )
    assert any(
        p.startswith("clients[1].meetings[0].key: meeting key 'wisla-tender-2027' is already used")
        for p in problems
    )


def test_duplicate_json_field_rejected_with_path(db: Database) -> None:
    text = '{"format": "kamdesk-portfolio", "version": 1, "clients": [{"key": "a", "name": "A", "name": "B"}]}'
    with pytest.raises(InvalidInput) as info:
        exchange.import_text(db, text, "dup.json")
    assert [str(p) for p in info.value.problems] == [
        "clients[0].name: field given twice in one object"
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is empty"),
        (b'{"format": "kamdesk-portfolio", "version": 1, "clients": [', "invalid JSON"),
        (
            '{"format": "kamdesk-portfolio", "version": 1, "company": {"name": "Łódź"}}'.encode(
                "cp1250"
            ),
            "is not UTF-8",
        ),
        ('{"format": "kamdesk-portfolio"}'.encode("utf-16"), "UTF-16"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"format": "something-else", "version": 1}', "is this a kamdesk portfolio"),
        (b'{"format": "kamdesk-portfolio", "version": 2}', "newer than this kamdesk"),
    ],
)
def test_bad_files(db: Database, tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(raw)
    with pytest.raises(InvalidInput) as info:
        exchange.import_file(db, path)
    assert any(expected in str(p) for p in info.value.problems), info.value.problems


def test_bom_is_accepted(db: Database, tmp_path: Path, sample: dict[str, Any]) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(sample, ensure_ascii=False).encode())
    exchange.import_file(db, path)
    assert _count(db, "client") == 1


def test_huge_text_rejected(db: Database, sample: dict[str, Any]) -> None:
    sample["clients"][0]["history"] = "x" * (doc.MAX_TEXT + 1)
    problems = _problems(db, sample)
    assert any(p.startswith("clients[0].history: text of 100001 characters") for p in problems)


def test_all_or_nothing_when_last_client_is_bad(db: Database, sample: dict[str, Any]) -> None:
    exchange.import_text(db, json.dumps(sample), "first")
    before = Path(db.path).read_bytes()
    good = copy.deepcopy(sample["clients"][0])
    good["key"] = "good-client"
    good["name"] = "Good Client"
    for meeting in good["meetings"]:
        meeting["key"] = "good-" + meeting["key"]
    bad = copy.deepcopy(good)
    bad["key"] = "bad-client"
    bad["meetings"] = []
    bad["stakeholders"][0]["stage"] = "married"
    changed = copy.deepcopy(sample)
    changed["company"]["name"] = "Renamed"
    changed["clients"] = [good, bad]
    problems = _problems(db, changed)
    assert problems == [
        'clients[1].stakeholders[0].stage: "married" is not one of: unknown, contacted, acquainted, loyal, close'
    ]
    assert _count(db, "client") == 1
    with db.session() as session:
        document = exchange.export_document(session)
    assert document["company"]["name"] == sample["company"]["name"]
    assert Path(db.path).read_bytes() == before


def test_database_failure_midway_rolls_back_everything(
    db: Database, sample: dict[str, Any]
) -> None:
    """A failure inside the write transaction (here: the database refusing a row through a
    trigger) leaves nothing of the document behind."""
    conn = sqlite3.connect(db.path)
    conn.execute(
        "CREATE TRIGGER refuse_late BEFORE INSERT ON meeting BEGIN "
        "SELECT RAISE(ABORT, 'refused by test'); END"
    )
    conn.commit()
    conn.close()
    with pytest.raises(Exception, match="refused by test"):
        exchange.import_text(db, json.dumps(sample), "x")
    for table in ("client", "stakeholder", "product", "company", "financial_period"):
        assert _count(db, table) == 0, table


def test_round_trip_is_identical(db: Database, sample: dict[str, Any], tmp_path: Path) -> None:
    exchange.import_text(db, json.dumps(sample), "sample")
    first = tmp_path / "one.json"
    exchange.export_file(db, first)
    with Database.open(tmp_path / "fresh.db") as other:
        exchange.import_file(other, first)
        second = tmp_path / "two.json"
        exchange.export_file(other, second)
    one, two = json.loads(first.read_text()), json.loads(second.read_text())
    one.pop("exported_at")
    two.pop("exported_at")
    assert one == two
    # and the export carries what went in, Cyrillic and the meeting's own offset included
    assert one["clients"][0]["stakeholders"][0]["name"] == "Андрей Соколов"
    assert one["clients"][0]["meetings"][0]["starts_at"] == "2026-11-25T10:00:00+01:00"
    assert one["clients"][0]["meetings"][0]["notes"]["self_review"]["2"] == "slip"
    assert first.read_text(encoding="utf-8").count("Łukasz Wróbel") == 1


def test_sample_export_equals_input(db: Database, sample: dict[str, Any]) -> None:
    exchange.import_text(db, json.dumps(sample), "sample")
    with db.session() as session:
        out = exchange.export_document(session)
    out.pop("exported_at")
    expected = copy.deepcopy(sample)
    expected.pop("exported_at")
    # fields the sample leaves out come back as their defaults
    person = out["clients"][0]["stakeholders"][1]
    assert person["email"] is None and person["relationship_plan"] == []
    assert out["clients"][0]["stakeholders"][0] == expected["clients"][0]["stakeholders"][0]
    assert out["clients"][0]["meetings"] == expected["clients"][0]["meetings"]
    assert out["products"] == expected["products"]
    assert out["company"] == expected["company"]


def test_merge_by_key_updates_without_duplicating(db: Database, sample: dict[str, Any]) -> None:
    exchange.import_text(db, json.dumps(sample), "first")
    update = {
        "format": "kamdesk-portfolio",
        "version": 1,
        "clients": [
            {
                "key": "wisla-pharma",
                "name": "Wisła Pharma Group",
                "financials": [{"period": "2026", "our_sales": 3300000}],
                "stakeholders": [
                    {"key": "wrobel", "name": "Łukasz Wróbel", "stage": "close"},
                    {"key": "nowak", "name": "Anna Nowak"},
                ],
                "meetings": [
                    {
                        "key": "wisla-tender-2027",
                        "title": "Tender 2027 — final round",
                        "attendees": ["sokolov", "nowak"],
                    }
                ],
            }
        ],
    }
    summary = exchange.import_text(db, json.dumps(update, ensure_ascii=False), "update")
    assert summary.updated["client"] == 1 and summary.created.get("client", 0) == 0
    assert summary.updated["stakeholder"] == 1 and summary.created["stakeholder"] == 1
    with db.session() as session:
        out = exchange.export_document(session)
    client = out["clients"][0]
    assert len(out["clients"]) == 1
    assert client["name"] == "Wisła Pharma Group"
    assert client["what_they_do"] == "Generic oncology drugs"  # absent from the file: kept
    assert [f["period"] for f in client["financials"]] == ["2025", "2026"]
    people = {p["key"]: p for p in client["stakeholders"]}
    assert set(people) == {"sokolov", "wrobel", "nowak"}
    assert people["wrobel"]["stage"] == "close"
    assert people["wrobel"]["kol"] is True  # not in the update: kept
    meeting = client["meetings"][0]
    assert meeting["title"] == "Tender 2027 — final round"
    assert meeting["attendees"] == ["sokolov", "nowak"]
    assert meeting["objective"] == "Agree the 2027 volume"
    assert meeting["notes"]["summary"] == "Good"
    assert _count(db, "meeting") == 1


def test_meeting_key_of_another_client_refused(db: Database, sample: dict[str, Any]) -> None:
    exchange.import_text(db, json.dumps(sample), "first")
    other = {
        "format": "kamdesk-portfolio",
        "version": 1,
        "clients": [
            {
                "key": "other",
                "name": "Other",
                "meetings": [{"key": "wisla-tender-2027", "title": "x"}],
            }
        ],
    }
    problems = _problems(db, other)
    assert problems == [
        "clients[0].meetings[0].key: meeting key 'wisla-tender-2027' already belongs to client 'wisla-pharma'"
    ]


def test_exports_validate_against_the_shipped_schema(db: Database, sample: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    exchange.import_text(db, json.dumps(sample), "sample")
    with db.session() as session:
        document = exchange.export_document(session)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    broken = copy.deepcopy(document)
    broken["clients"][0]["stakeholders"][0]["attitude"] = "hostile"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_shipped_schema_is_up_to_date() -> None:
    assert json.loads(SCHEMA_FILE.read_text("utf-8")) == doc.json_schema(), (
        "regenerate: python -m kamdesk.core.model.exchange_schema > resources/schema/portfolio-v1.schema.json"
    )


def test_export_of_named_clients_and_unknown_key(
    db: Database, sample: dict[str, Any], tmp_path: Path
) -> None:
    exchange.import_text(db, json.dumps(sample), "sample")
    assert exchange.export_file(db, tmp_path / "one.json", ["wisla-pharma"]) == 1
    out = json.loads((tmp_path / "one.json").read_text("utf-8"))
    assert [c["key"] for c in out["clients"]] == ["wisla-pharma"]
    with pytest.raises(UnknownKey):
        exchange.export_file(db, tmp_path / "none.json", ["nope"])
    assert not (tmp_path / "none.json").exists()


def test_export_never_leaves_a_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old content")

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", failing_fsync)
    from kamdesk.core.errors import DiskFull

    with pytest.raises(DiskFull):
        files.write_atomically(target, "new content " * 1000)
    assert target.read_text() == "old content"
    assert list(tmp_path.iterdir()) == [target]


def test_streamed_export_equals_the_whole_document(
    db: Database, sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file export streams batches of clients; its text is exactly the whole document's."""
    from kamdesk.core import demo

    demo.load_demo(db)
    exchange.import_text(db, json.dumps(sample), "sample")
    monkeypatch.setattr(exporting, "EXPORT_BATCH", 2)  # 5 clients: three batches
    import datetime as dt

    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    with db.session() as session:
        whole = exchange.dumps(exchange.export_document(session, now=now))
        streamed = "".join(exchange.iter_export_text(session, now=now))
        one = "".join(exchange.iter_export_text(session, ["wisla-pharma"], now=now))
        one_whole = exchange.dumps(exchange.export_document(session, ["wisla-pharma"], now=now))
        none = "".join(exchange.iter_export_text(session, [], now=now))
    assert len(json.loads(whole)["clients"]) == 5
    assert streamed == whole
    assert one == one_whole
    assert json.loads(none)["clients"] == []


def test_notes_fields_are_checked_with_paths(db: Database, sample: dict[str, Any]) -> None:
    notes = sample["clients"][0]["meetings"][0]["notes"]
    notes["present"] = ["sokolov", "nobody", "sokolov"]
    notes["objective_achieved"] = "mostly"
    notes["next_meeting"] = {"on": "2027-02-30"}
    del notes["self_review"]["4"]
    notes["self_review_comments"] = {"4": "no verdict yet", "9": "out of range"}
    problems = _problems(db, sample)
    at = "clients[0].meetings[0].notes"
    assert any(p.startswith(f"{at}.objective_achieved:") for p in problems)
    assert any(p.startswith(f"{at}.next_meeting.on:") for p in problems)
    assert any(p.startswith(f"{at}.self_review_comments.9:") for p in problems)
    notes["objective_achieved"] = "partly"
    notes["next_meeting"] = {"on": "2027-02-28"}
    notes["self_review_comments"] = {"4": "no verdict yet"}
    problems = _problems(db, sample)
    assert f'{at}.present[1]: "nobody" is not a known stakeholder of this client' in problems
    assert any(p.startswith(f"{at}.present[2]:") for p in problems)  # the duplicate
    assert any(
        p.startswith(f"{at}.self_review_comments.4: a comment needs a verdict") for p in problems
    )
    assert _count(db, "meeting_notes") == 0  # nothing was written


def test_key_reason_notes_need_their_reason(db: Database, sample: dict[str, Any]) -> None:
    client = sample["clients"][0]
    client["key_reason_notes"] = {"partner": "shares plans", "fun": "x"}
    problems = _problems(db, sample)
    assert any(p.startswith("clients[0].key_reason_notes.fun:") for p in problems)
    client["key_reason_notes"] = {"partner": "shares plans"}
    problems = _problems(db, sample)
    assert problems == [
        "clients[0].key_reason_notes.partner: a note needs the reason: add 'partner' to key_reasons"
    ]


def test_notes_private_part_round_trips_and_older_files_stay_private(
    db: Database, sample: dict[str, Any], tmp_path: Path
) -> None:
    """Round 2: ``notes.private`` and ``notes.summary_shared`` go out and come back; a file
    from before them imports unchanged, its summaries not shared."""
    from kamdesk.core import resources

    exchange.import_text(db, json.dumps(sample), "sample")
    with db.session() as session:
        notes = exchange.export_document(session)["clients"][0]["meetings"][0]["notes"]
    assert notes["private"] == "I spoke too fast about prices."
    assert notes["summary_shared"] is True

    older = copy.deepcopy(sample)
    older_notes = older["clients"][0]["meetings"][0]["notes"]
    del older_notes["private"], older_notes["summary_shared"]
    schema = json.loads(resources.path("schema/portfolio-v1.schema.json").read_text("utf-8"))
    jsonschema.validate(older, schema)
    with Database.open(tmp_path / "older.db") as other:
        exchange.import_text(other, json.dumps(older), "older")
        with other.session() as session:
            out = exchange.export_document(session)
    jsonschema.validate(out, schema)
    notes = out["clients"][0]["meetings"][0]["notes"]
    assert notes["summary"] == "Good"
    assert notes["summary_shared"] is False and notes["private"] is None

    bad = copy.deepcopy(sample)
    bad["clients"][0]["meetings"][0]["notes"]["summary_shared"] = "yes"
    with pytest.raises(InvalidInput) as caught:
        exchange.import_text(db, json.dumps(bad), "bad")
    assert any(
        "clients[0].meetings[0].notes.summary_shared" in str(p) for p in caught.value.problems
    )


def test_the_gates_optional_fields_round_trip(
    db: Database, tmp_path: Path, sample: dict[str, Any]
) -> None:
    """on_site, phone, lessons, limits.credit_line, credit.previous_rating, a proposal's
    no_product and FAQ tags: given, they come back as given; left out, an older file imports
    as before and gets the defaults."""
    meeting = sample["clients"][0]["meetings"][0]
    meeting.update(
        on_site=True,
        phone="+48 42 555 12 12",
        lessons={"2": "Acknowledge first, then show the figures", "7": "Carry the spec sheet"},
    )
    meeting["limits"]["credit_line"] = "Volumes only once the overdue 35k are paid"
    meeting["proposals"].append({"text": "A training day", "need": None, "no_product": True})
    sample["clients"][0]["credit"]["previous_rating"] = "AA (internal)"
    sample["products"][0]["faqs"][0]["tags"] = ["turnaround", "result times"]
    exchange.import_text(db, json.dumps(sample, ensure_ascii=False), "sample")
    with db.session() as session:
        out = exchange.export_document(session)
    got = out["clients"][0]["meetings"][0]
    for name in ("on_site", "phone", "lessons", "limits", "proposals"):
        assert got[name] == meeting[name], name
    assert out["clients"][0]["credit"]["previous_rating"] == "AA (internal)"
    assert out["products"][0]["faqs"][0]["tags"] == ["turnaround", "result times"]
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.validate(out, schema, cls=jsonschema.Draft202012Validator)
    # an older file without them, into a fresh dossier: the defaults
    old = copy.deepcopy(sample)
    meeting = old["clients"][0]["meetings"][0]
    for name in ("on_site", "phone", "lessons", "confirmations_seal"):
        meeting.pop(name)
    meeting["limits"].pop("credit_line")
    for proposal in meeting["proposals"]:
        proposal.pop("no_product")
    old["clients"][0]["credit"].pop("previous_rating")
    old["products"][0]["faqs"][0].pop("tags")
    with Database.open(tmp_path / "old.db") as other:
        exchange.import_text(other, json.dumps(old, ensure_ascii=False), "older file")
        with other.session() as session:
            got = exchange.export_document(session)["clients"][0]["meetings"][0]
    assert got["on_site"] is False and got["phone"] is None and got["lessons"] == {}
    assert got["limits"]["credit_line"] is None
    assert [p["no_product"] for p in got["proposals"]] == [False, False]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("lessons", {"8": "x"}, "lessons.8"),
        ("confirmations_seal", "not-a-seal", "not a confirmations seal"),
        ("on_site", "yes", "on_site"),
    ],
)
def test_the_new_fields_are_validated(
    db: Database, sample: dict[str, Any], path: str, value: Any, message: str
) -> None:
    sample["clients"][0]["meetings"][0][path] = value
    with pytest.raises(InvalidInput) as err:
        exchange.import_text(db, json.dumps(sample), "bad")
    assert message in str(err.value) + " ".join(str(p) for p in err.value.problems)


def test_the_formats_vocabularies_are_the_enums() -> None:
    """The exchange format spells each closed vocabulary as a Literal (for its messages and its
    JSON Schema); each must hold exactly the values of its enum in enums.py, which the tables
    and the GUI use: a value added to one and not the other would import and then fail."""
    pairs = {
        doc.KeyReason: enums.KeyReason,
        doc.KeyLevel: enums.KeyLevel,
        doc.PlanKind: enums.PlanKind,
        doc.PlanStatus: enums.PlanStatus,
        doc.IssueKind: enums.IssueKind,
        doc.IssueStatus: enums.IssueStatus,
        doc.BuyingRole: enums.BuyingRole,
        doc.Attitude: enums.Attitude,
        doc.StageName: enums.Stage,
        doc.InfoSource: enums.InfoSource,
        doc.RelationKind: enums.RelationKind,
        doc.MeetingKind: enums.MeetingKind,
        doc.MeetingMode: enums.MeetingMode,
        doc.VerdictName: enums.Verdict,
        doc.AchievedName: enums.Achieved,
    }
    for literal, enum in pairs.items():
        assert list(get_args(literal)) == [e.value for e in enum], enum.__name__
    # every StrEnum of enums.py has its Literal here, but the dependency level: it is computed
    # from the figures and never travels in the file
    strenums = {
        v for v in vars(enums).values() if isinstance(v, type) and v.__module__ == enums.__name__
    }
    assert strenums - {enums.Dependency} == set(pairs.values())
