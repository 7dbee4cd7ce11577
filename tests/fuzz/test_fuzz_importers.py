"""Hostile contact and calendar files through every importer the command line uses.

The property, for each of ``parse_vcard``, ``parse_csv``, ``read_contacts``,
``remap``, ``plan_import``, ``apply_import`` and ``parse_calendar``,
``read_calendar``, ``plan_calendar_import``, ``describe``, ``apply_calendar_import``: a
result, or a :class:`KamdeskError` with a message; never any other exception. An import that
is refused (at any step) leaves the database file byte-identical. What is read is checked
too: candidate values are single lines, meetings have an aware start and a title."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from kamdesk.core.account import editing
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange.ics.apply import apply_calendar_import
from kamdesk.core.interchange.ics.model import CalendarFile
from kamdesk.core.interchange.ics.planning import describe, plan_calendar_import
from kamdesk.core.interchange.ics.reader import parse_calendar, read_calendar
from kamdesk.core.interchange.people.csvfile import parse_csv, remap
from kamdesk.core.interchange.people.files import file_kind, read_contacts
from kamdesk.core.interchange.people.importer import apply_import, client_id_for_key, plan_import
from kamdesk.core.interchange.people.model import ContactFile
from kamdesk.core.interchange.people.presets import MAPPABLE, PRESETS
from kamdesk.core.interchange.people.vcard import parse_vcard
from kamdesk.core.model import models as m
from tests.fuzz import strategies as fz
from tests.fuzz.conftest import FUZZ
from tests.fuzz.dossier import CLIENT, NOW, Dossier

WARSAW = ZoneInfo("Europe/Warsaw")
# every character str.splitlines() breaks on: none may reach a one-line field
LINE_BREAKS = set("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

VCARDS = fz.fixture_bytes("vcard")
CSVS = fz.fixture_bytes("csv")
ICS = fz.fixture_bytes("ics")

any_vcard = st.one_of(fz.vcard_files(), fz.mutated(VCARDS), st.binary(max_size=300))
any_csv = st.one_of(fz.csv_files(), fz.mutated(CSVS), st.binary(max_size=300))
any_ics = st.one_of(fz.ics_files(), fz.ics_files(), fz.mutated(ICS), st.binary(max_size=300))
ENCODINGS = [None, None, None, "utf-8", "cp1250", "utf-16", "utf-16-le", "latin-1", "bogus-42"]


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine: Any) -> None:
    """The backups an import takes are named by the clock: a fixed start, never today's."""
    time_machine.move_to(NOW, tick=True)


def _refused(exc: KamdeskError) -> None:
    assert str(exc).strip(), "a refusal must say why"


def _check_candidates(found: ContactFile) -> None:
    assert found.records >= 0
    for candidate in found.candidates:
        assert candidate.line >= 1
        assert candidate.name and candidate.name == candidate.name.strip()
        for value in candidate.values().values():
            if value is not None:
                assert not LINE_BREAKS & set(value), value
                assert "\x00" not in value
    for problem in found.problems:
        assert problem.line >= 1 and problem.message


def _mapping(draw: st.DrawFn, header: list[str]) -> Any:
    choice = draw(st.integers(min_value=0, max_value=4))
    if choice == 0:
        return None
    if choice == 1:
        return draw(st.sampled_from([*PRESETS, "no-such-preset"]))
    columns = header or ["Name"]
    fields = [*MAPPABLE, "personal_notes"] if choice == 4 else list(MAPPABLE)
    return draw(
        st.dictionaries(
            st.sampled_from(fields),
            st.none()
            | st.sampled_from([*columns, "No such column"])
            | st.lists(st.sampled_from(columns), max_size=3),
            max_size=4,
        )
    )


# --- reading contact files ------------------------------------------------------------------


@FUZZ
@given(raw=any_vcard, encoding=st.sampled_from(ENCODINGS))
def test_vcard_reading_returns_people_or_refuses(raw: bytes, encoding: str | None) -> None:
    try:
        found = parse_vcard(raw, "fuzz.vcf", encoding)
    except KamdeskError as exc:
        _refused(exc)
        return
    assert found.kind == "vcard"
    assert found.records == len(found.candidates) + len(found.problems)  # each card: one of them
    _check_candidates(found)


@FUZZ
@given(raw=any_csv, encoding=st.sampled_from(ENCODINGS), data=st.data())
def test_csv_reading_returns_people_or_refuses(
    raw: bytes, encoding: str | None, data: st.DataObject
) -> None:
    try:
        found = parse_csv(raw, "fuzz.csv", None, encoding)
        assert found.table is not None
        _check_candidates(found)
        if not found.needs_mapping:
            assert found.records == len(found.candidates) + len(found.problems)
        again = remap(found, _mapping(data.draw, found.table.header))
    except KamdeskError as exc:
        _refused(exc)
        return
    _check_candidates(again)
    assert again.records == found.records  # remapping reads nothing again


@FUZZ
@given(
    raw=st.one_of(any_vcard, any_csv),
    suffix=st.sampled_from([".vcf", ".VCARD", ".csv", ".tsv", ".txt", "", ".dat"]),
    kind=st.sampled_from([None, None, "vcard", "csv"]),
)
def test_contact_files_on_disk_are_read_or_refused(
    tmp_path: Path, raw: bytes, suffix: str, kind: Any
) -> None:
    path = tmp_path / f"contacts{suffix}"
    path.write_bytes(raw)
    try:
        found = read_contacts(path, kind)
    except KamdeskError as exc:
        _refused(exc)
        return
    _check_candidates(found)


def test_missing_and_folder_contact_files_are_refused(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.vcf", tmp_path):
        with pytest.raises(KamdeskError):
            read_contacts(path)
    with pytest.raises(KamdeskError):
        read_calendar(tmp_path / "missing.ics", now=NOW, local_tz=WARSAW)
    with pytest.raises(KamdeskError):
        read_calendar(tmp_path, now=NOW, local_tz=WARSAW)


# --- importing contacts: all or nothing -------------------------------------------------------


def test_contact_imports_write_all_or_nothing() -> None:
    dossier = Dossier()
    outcomes = {"imported": 0, "refused": 0, "nothing to do": 0}

    @FUZZ
    @given(
        raw=st.one_of(fz.vcard_files(), fz.csv_files(), fz.mutated(VCARDS + CSVS)),
        stale=st.integers(min_value=0, max_value=5),
        data=st.data(),
    )
    def run(raw: bytes, stale: int, data: st.DataObject) -> None:
        db = dossier.db
        client_id = client_id_for_key(db, CLIENT)
        before = dossier.files()
        try:
            kind = file_kind(Path("x"), raw)
            if kind == "vcard":
                found = parse_vcard(raw, "fuzz.vcf")
            else:
                found = parse_csv(raw, "fuzz.csv")
                if found.needs_mapping and found.table is not None:
                    found = remap(found, _mapping(data.draw, found.table.header))
            plan = plan_import(db, client_id, found.candidates)
            if stale == 0 and plan.writes:
                # someone edits a person between the preview and the import
                with db.session() as session:
                    person = session.exec(
                        select(m.Stakeholder).where(m.Stakeholder.client_id == client_id)
                    ).first()
                assert person is not None and person.id is not None
                editing.set_field(db, m.Stakeholder, person.id, "phone", f"+48 {stale}{before[:6]}")
                before = dossier.files()
            summary = apply_import(db, client_id, plan)
        except KamdeskError as exc:
            _refused(exc)
            assert dossier.files() == before, "a refused import changed the database"
            outcomes["refused"] += 1
            return
        if not plan.writes:
            assert dossier.files() == before
            outcomes["nothing to do"] += 1
            return
        outcomes["imported"] += 1
        assert str(summary)
        with db.session() as session:
            stored = set(
                session.exec(select(m.Stakeholder.name).where(m.Stakeholder.client_id == client_id))
            )
        for item in plan.items:
            if item.action == "create":
                assert item.candidate.name in stored

    try:
        run()
    finally:
        dossier.close()
    assert outcomes["imported"] > 0 and outcomes["refused"] + outcomes["nothing to do"] > 0, (
        outcomes
    )


# --- calendar files ---------------------------------------------------------------------------


def _check_calendar(found: CalendarFile) -> None:
    for event in found.events:
        assert event.line >= 1
        assert event.title.strip() and "\x00" not in event.title
        assert event.starts_at.tzinfo is not None and event.starts_at.utcoffset() is not None
        assert event.duration_min is None or event.duration_min > 0
    for rejected in found.rejected:
        assert rejected.reason


@FUZZ
@given(raw=any_ics, zone=st.sampled_from([WARSAW, ZoneInfo("Pacific/Kiritimati"), dt.UTC]))
def test_calendar_reading_returns_meetings_or_refuses(raw: bytes, zone: dt.tzinfo) -> None:
    try:
        found = parse_calendar(raw, "fuzz.ics", now=NOW, local_tz=zone)
    except KamdeskError as exc:
        _refused(exc)
        return
    _check_calendar(found)


@FUZZ
@given(raw=any_ics)
def test_calendar_files_on_disk_are_read_or_refused(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "invite.ics"
    path.write_bytes(raw)
    try:
        found = read_calendar(path, now=NOW, local_tz=WARSAW)
    except KamdeskError as exc:
        _refused(exc)
        return
    _check_calendar(found)


def test_calendar_imports_write_all_or_nothing() -> None:
    dossier = Dossier()
    outcomes = {"imported": 0, "refused": 0}

    @FUZZ
    @given(raw=st.one_of(fz.ics_files(), fz.mutated(ICS)), stale=st.integers(0, 5))
    def run(raw: bytes, stale: int) -> None:
        db = dossier.db
        client_id = client_id_for_key(db, CLIENT)
        before = dossier.files()
        try:
            found = parse_calendar(raw, "fuzz.ics", now=NOW, local_tz=WARSAW)
            plan = plan_calendar_import(db, client_id, found)
            lines = describe(plan)
            assert all(isinstance(line, str) for line in lines)
            if stale == 0 and plan.writes:
                # the dossier changes between the preview and the import
                meeting_id = editing.add_meeting(db, client_id, f"Walk-in {before[:8]}")
                editing.set_field(db, m.Meeting, meeting_id, "starts_at", NOW)
                before = dossier.files()
            summary = apply_calendar_import(db, client_id, plan)
        except KamdeskError as exc:
            _refused(exc)
            assert dossier.files() == before, "a refused import changed the database"
            outcomes["refused"] += 1
            return
        outcomes["imported"] += 1
        assert str(summary)

    try:
        run()
    finally:
        dossier.close()
    assert outcomes["imported"] > 0 and outcomes["refused"] > 0, outcomes
