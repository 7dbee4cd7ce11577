"""Importing people from vCard and CSV files (the real exports in ../shared/fixtures, used as
they are), planning and applying an import, and the CSV export of people."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamdesk.cli import main
from kamdesk.core.account import editing
from kamdesk.core.errors import InvalidInput, KamdeskError
from kamdesk.core.interchange import exchange
from kamdesk.core.interchange.csv_export import (
    PEOPLE_HEADER,
    csv_text,
    export_people_csv,
    people_csv,
)
from kamdesk.core.interchange.people.csvfile import parse_csv, remap
from kamdesk.core.interchange.people.files import read_contacts
from kamdesk.core.interchange.people.importer import apply_import, client_id_for_key, plan_import
from kamdesk.core.interchange.people.model import Candidate, ContactFile, name_key
from kamdesk.core.interchange.people.vcard import _logical_lines, parse_vcard
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"  # copies of ../shared/fixtures
VCARD = FIXTURES / "vcard"
CSV = FIXTURES / "csv"


def fixture(name: str) -> Path:
    return (VCARD if name.endswith(".vcf") else CSV) / name


def read(name: str, **kwargs: Any) -> ContactFile:
    return read_contacts(fixture(name), **kwargs)


def by_name(found: ContactFile) -> dict[str, Candidate]:
    return {c.name: c for c in found.candidates}


@pytest.fixture
def wisla(db: Database, sample: dict[str, Any]) -> int:
    """The sample portfolio loaded; returns the id of its client (with two people)."""
    exchange.import_text(db, json.dumps(sample), "sample")
    return client_id_for_key(db, "wisla-pharma")


def people(db: Database, client_id: int | None = None) -> list[m.Stakeholder]:
    with db.session() as session:
        from sqlmodel import select

        stmt = select(m.Stakeholder).order_by(m.Stakeholder.id)  # type: ignore[arg-type]
        if client_id is not None:
            stmt = stmt.where(m.Stakeholder.client_id == client_id)
        return list(session.exec(stmt))


def row_count(path: Path, table: str = "stakeholder") -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


# --- vCard fixtures ---------------------------------------------------------------------------


def test_android_21_multi_contact_quoted_printable_and_photo() -> None:
    found = read("android-2.1-multi-qp-photo.vcf")
    assert found.kind == "vcard" and found.records == 6
    # two cards hold only an e-mail: rejected with their BEGIN lines, the others still read
    assert [(p.line, p.message) for p in found.problems] == [
        (1, "no name (the card has no FN or N)"),
        (6, "no name (the card has no FN or N)"),
    ]
    names = [c.name for c in found.candidates]
    assert names == ["Ñ Ñ Ñ Ñ Ñ", "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ", "Ñ Ñ Ñ Ñ", "ÑÑÑÑ"]  # QP soft breaks
    people = {c.line: c for c in found.candidates}
    assert people[11].phone == "123456789"  # TEL;CELL;PREF
    assert people[18].phone == "123456"  # the PREF one of four
    # a PREF e-mail that is not an address (QP "ÑÑÑ…") is passed over for the valid one
    assert people[36].email == "bob@company.com"
    # the last card's second ORG has a broken UTF-8 byte (=80): the card still imports
    assert people[71].email == "henry@company.com" and people[71].phone == "55556666"


def test_outlook_2007_title_department_and_no_photo_or_key() -> None:
    (person,) = read("outlook2007-2.1-qp-key-photo.vcf").candidates
    assert person == Candidate(
        line=1,
        name="Mr. Michael Angstadt Jr.",
        position="TheJobTitle",  # TITLE wins over ROLE
        department="TheDepartment",  # ORG's unit
        email="mike.angstadt@gmail.com",
        phone="(111) 555-1111",  # the work number
    )


def test_iphone_cr_cr_lf_line_endings() -> None:
    found = read("iphone-ios5-3.0-photo-crcrlf.vcf")
    assert found.problems == [] and found.records == 1
    assert found.candidates == [
        Candidate(
            line=1,
            name="Mr. John Richter James Doe Sr.",
            position="Money Counter",
            department="Accounting",
            email="john.doe@ibm.com",  # item1.EMAIL;type=pref
            phone="905-555-1234",  # TEL;type=pref
        )
    ]


def test_gmail_many_types_and_item_groups() -> None:
    (person,) = read("gmail-3.0-many-types-itemgroups.vcf").candidates
    assert person.name == "VCard Test" and person.position == "TheJobTitle"
    assert person.email == "workemail@example.com"  # no PREF: the work address
    assert person.phone == "5555551113"  # TYPE=WORK, not the WORK;FAX one
    assert person.department is None


def test_fullcontact_vcard_40() -> None:
    (person,) = read("fullcontact-4.0-export.vcf").candidates
    assert person.name == "Prefix FirstName MiddleName LastName Suffix"
    assert (person.position, person.department) == ("Title1", "Department1")  # the first ORG
    assert person.email == "work@example.com" and person.phone == "555-555-1112"


def test_thunderbird_40_escapes_and_raw_cr() -> None:
    found = read("thunderbird-4.0-export-escapes.vcf")
    assert found.problems == []
    assert [(c.line, c.name, c.email) for c in found.candidates] == [
        (1, "contact number one", "contact1@invalid"),
        (8, "contact number two", "contact2@invalid"),  # the raw CR in X-CUSTOM3 is harmless
    ]
    assert found.candidates[1].position == '"worker"'


def test_apple_company_card_with_mixed_line_endings() -> None:
    found = read("apple-addressbook-3.0-photo-itemgroups.vcf")
    assert found.problems == []
    assert found.candidates == [Candidate(line=1, name="Apple Computer AG")]  # N is empty


def test_company_card_without_fn_takes_the_organisation() -> None:
    raw = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nORG:Wis\xc5\x82a Pharma;Zakupy\r\nX-ABShowAs:COMPANY\r\nEND:VCARD\r\n"
    (card,) = parse_vcard(raw, "x").candidates
    assert card.name == "Wisła Pharma" and card.department == "Zakupy"


def test_the_bat_polish_name_without_charset() -> None:
    found = read("thebat-2.1-qp-8bit-no-charset-polish.vcf")
    (person,) = found.candidates
    assert person.name == "Piotr Iksiński"  # 0xF1 is "ń" in Windows-1250, not "ñ"
    assert person.email == "piotr.iksinski@somedomain.com"
    assert "Windows-1250" in found.encoding


def test_spanish_undeclared_8bit_is_read_as_windows_1252() -> None:
    raw = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:Jos=E9 Mu=F1oz\r\nEND:VCARD\r\n"
    assert parse_vcard(raw, "x").candidates[0].name == "José Muñoz"


def test_utf16be_without_bom() -> None:
    found = read("apple-3.0-utf16be-no-bom.vcf")
    assert found.encoding == "UTF-16BE without BOM"
    assert [c.name for c in found.candidates] == ["Ǽgean ĽdaMonté"]


def test_greek_name_and_a_fold_splitting_a_utf8_character() -> None:
    path = fixture("owncloud-3.0-greek-cjk-cyrillic-fold-splits-utf8.vcf")
    (person,) = read_contacts(path).candidates
    assert person.name == "βγδεαβγδ1" * 11  # FN folded over three lines
    # the NOTE's fold cuts the Cyrillic "л" (0xD0 / fold / 0xBB): unfolding happens on bytes
    note = next(line for _, line in _logical_lines(path.read_bytes()) if line.startswith(b"NOTE"))
    text = note.decode("utf-8")
    assert "строка более 70 символов." in text
    assert text.startswith("NOTE:Длинный комментарий на русском языке")


def test_fold_splitting_a_character_in_a_mapped_field() -> None:
    name = "Łukasz Wróbel".encode()
    cut = name.index("ó".encode()) + 1  # inside the two bytes of "ó"
    raw = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:"
        + name[:cut]
        + b"\r\n "
        + name[cut:]
        + b"\r\nEND:VCARD\r\n"
    )
    assert parse_vcard(raw, "x").candidates[0].name == "Łukasz Wróbel"


def test_vcard_40_uris_language_and_a_raw_cr_in_a_value() -> None:
    raw = (
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Anna Nowak\r\nLANG;PREF=1:pl\r\nLANG;PREF=2:en\r\n"
        b'TEL;VALUE=uri;TYPE="work,voice":tel:+48-22-555-0101\r\n'
        b"EMAIL:mailto:Anna <anna@x.pl>\r\nTITLE:Head of\rSales\r\nEND:VCARD\r\n"
    )
    assert parse_vcard(raw, "x").candidates == [
        Candidate(
            line=1,
            name="Anna Nowak",
            position="Head of Sales",
            email="anna@x.pl",
            phone="+48-22-555-0101",
            language="pl",
        )
    ]


def test_kde_broken_qp_soft_breaks_multi() -> None:
    found = read("broken-2.1-qp-softbreaks-multi.vcf")
    assert found.records == 5
    assert [(p.line, p.message) for p in found.problems] == [
        (1, "no name (the card has no FN or N, only the organisation 'Bike Shop')")
    ]
    people = by_name(found)
    assert list(people) == [
        "Field after Address broken",
        "Field after Address not broken",
        "Dr. med. Surname Name",
        "Second Doctor",
    ]
    assert people["Dr. med. Surname Name"].position == "Facharzt für Allgemeinmedizin"
    assert people["Second Doctor"].position == "Dentist"
    assert people["Second Doctor"].department is None  # ORG: is empty


def test_evolution_chinese_quoted_printable() -> None:
    (person,) = read("evolution-2.1-chinese-qp-utf8.vcf").candidates
    assert person.name == "十城目管理大型知座"  # QP soft break in the middle of a character
    assert person.position == "十城目管理大型知座"
    assert person.email == "weird@weird.com"
    assert person.phone is None  # its TEL values hold no digits: not phone numbers


# --- CSV fixtures ---------------------------------------------------------------------------------


def test_google_legacy_export() -> None:
    found = read("google-contacts-legacy-export.csv")
    assert (found.preset, found.delimiter, found.records) == ("google", ",", 1)
    assert found.problems == []
    (person,) = found.candidates
    assert person.name == "Prefix Firstname Middle Lastname Suffix"
    assert person.email == "home@aaa.pl"  # "* Home": Google's mark of the primary address
    assert person.position == "jobtitle"
    assert person.phone is None  # "pager", "mobile", …: no digits, no phone number


def test_google_2021_layout_by_preset() -> None:
    text = (
        "First Name,Middle Name,Last Name,Phonetic First Name,Organization Name,"
        "Organization Title,Organization Department,Labels,E-mail 1 - Label,E-mail 1 - Value,"
        "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,"
        "Phone 2 - Value\n"
        "Łukasz,,Wróbel,,Wisła,Head of Procurement,Zakupy,* myContacts,Home,l@home.pl,"
        "* Work,l.wrobel@wisla.pl,Work Fax,+48 22 111,Mobile,+48 600 100 200\n"
    )
    found = parse_csv(text.encode(), "google.csv")
    assert found.preset == "google"
    assert found.candidates == [
        Candidate(
            line=2,
            name="Łukasz Wróbel",
            position="Head of Procurement",
            department="Zakupy",
            email="l.wrobel@wisla.pl",  # the starred one
            phone="+48 600 100 200",  # not the fax
        )
    ]


def test_outlook_export_multiline_notes_keep_line_numbers() -> None:
    found = read("outlook-export-en.csv")
    assert (found.preset, found.records) == ("outlook", 1)
    assert found.candidates == [
        Candidate(
            line=2,
            name="Firman Wandayandi",
            position="Web Developer",
            department="Foo Net",
            email="firman@php.net",
            phone="999999999",  # Business Phone is empty: the mobile number
        )
    ]
    # a row after the three-line Notes cell starts on line 5, and a bad one is reported there
    raw = fixture("outlook-export-en.csv").read_bytes() + b",,,,,Acme,Sales\n,Anna,,Nowak\n"
    found = parse_csv(raw, "outlook.csv")
    assert [(p.line, p.message) for p in found.problems] == [
        (5, "no name (the name columns are empty)")
    ]
    assert [(c.line, c.name) for c in found.candidates] == [
        (2, "Firman Wandayandi"),
        (6, "Anna Nowak"),
    ]


def test_yahoo_export_every_field_quoted() -> None:
    found = read("yahoo-export.csv")
    assert (found.preset, found.records) == ("yahoo", 1)
    (person,) = found.candidates
    assert person.name == "Firman Wandayandi" and person.email == "firman@php.net"
    assert person.phone == "999999999"  # the "Work" cell says "tarzillamax": no digits


def test_thunderbird_semicolon() -> None:
    found = read("thunderbird-semicolon.csv")
    assert (found.delimiter, found.preset) == (";", "thunderbird")
    assert [(c.line, c.name, c.email) for c in found.candidates] == [
        (2, "John Doe", "john@doe.invalid"),
        (3, "Jane Doe", "jane@doe.invalid"),
    ]


def test_thunderbird_shift_jis() -> None:
    found = read("thunderbird-export-shiftjis.csv")
    assert found.encoding == "Shift_JIS (detected)"
    assert found.preset == "thunderbird"
    (person,) = found.candidates
    assert person.name == "名無しの権兵衛"  # Display Name
    assert person.email == "名無しの権兵衛@host.invalid"


def test_thunderbird_utf16le_with_bom() -> None:
    found = read("thunderbird-export-utf16le-bom.csv")
    assert found.encoding == "UTF-16LE with BOM"
    assert found.candidates == [Candidate(line=2, name="John Doe", email="johndoe@host.invalid")]


def test_a_preset_or_a_mapping_can_be_named() -> None:
    found = read("thunderbird-semicolon.csv", mapping="crm")  # First/Last Name only
    assert [c.name for c in found.candidates] == ["John Doe", "Jane Doe"]
    # the preset knows no "Primary Email"; a column of addresses is kept all the same
    assert found.mapping["email"] == ["Primary Email"]
    assert all(c.email for c in found.candidates)
    found = read("thunderbird-semicolon.csv", mapping={"name": "Last Name", "email": None})
    assert all(c.email is None for c in found.candidates)  # left out on purpose
    found = read(
        "thunderbird-semicolon.csv", mapping={"name": "Last Name", "email": "Primary Email"}
    )
    assert [c.name for c in found.candidates] == ["Doe", "Doe"]
    assert found.preset is None
    with pytest.raises(KamdeskError, match="no column 'Surname'"):
        read("thunderbird-semicolon.csv", mapping={"name": "Surname"})
    with pytest.raises(KamdeskError, match="No CSV mapping called 'excel'"):
        read("thunderbird-semicolon.csv", mapping="excel")


def test_unknown_header_needs_a_mapping() -> None:
    found = parse_csv(b"Nom;Courriel\nDupont;d@x.fr\n", "fr.csv")
    assert found.needs_mapping and found.candidates == [] and found.preset is None
    found = remap(found, {"name": "Nom", "email": "Courriel"})
    assert found.candidates == [Candidate(line=2, name="Dupont", email="d@x.fr")]


def test_every_fixture_has_its_own_test() -> None:
    """Each file in the fixture folders is named by a test of its content in this module (and
    test_every_fixture_imports_and_a_reimport_creates_nothing imports every one of them)."""
    source = Path(__file__).read_text(encoding="utf-8")
    files = sorted(p.name for folder in (VCARD, CSV) for p in folder.iterdir())
    assert len(files) == 18
    assert [f for f in files if f'"{f}"' not in source] == []


# --- bad rows ----------------------------------------------------------------------------------


def test_bad_csv_rows_with_line_numbers() -> None:
    text = (
        "Name,Email,Title,Phone\r\n"
        "Jan Kowalski,jan@x.pl,CEO,+48 1\r\n"
        ",nobody@x.pl,,\r\n"
        'Ewa Nowak,"ewa at x",,\r\n'
        '"Anna\r\nMaria Zielińska",a@x.pl,"' + "x" * 100_001 + '",\r\n'
        "Piotr Wiśniewski,p@x.pl,,\r\n"
    )
    found = parse_csv(text.encode(), "crm.csv")
    assert [(p.line, p.message) for p in found.problems] == [
        (3, "no name (the name columns are empty)"),
        (4, "e-mail 'ewa at x' is not a valid address"),
        (5, "position: text of 100001 characters is longer than the limit of 100000"),
    ]
    assert [(c.line, c.name) for c in found.candidates] == [
        (2, "Jan Kowalski"),
        (7, "Piotr Wiśniewski"),  # after the two-line name cell
    ]


def test_broken_vcards_are_bad_rows_and_the_others_still_read() -> None:
    raw = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
        b'BEGIN:VCARD\r\nVERSION:3.0\r\nFN;X="unclosed\r\nEND:VCARD\r\n'
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Two\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Cut Off\r\n"
    )
    found = parse_vcard(raw, "x.vcf")
    assert [c.name for c in found.candidates] == ["Good One"]
    assert [str(p) for p in found.problems] == [
        "line 5: line 7: the FN line has no ':' before its value",
        "line 9: e-mail 'not-an-address' is not a valid address",
        "line 14: the card never ends (no END:VCARD; the file may be cut off)",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\r\n", "the file is empty"),
        (b"\xef\xbb\xbf", "the file is empty"),
        (b"\xff\xfe", "the file is empty"),
    ],
)
def test_empty_files(tmp_path: Path, content: bytes, message: str) -> None:
    for name in ("people.csv", "people.vcf"):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InvalidInput) as caught:
            read_contacts(path)
        assert [p.message for p in caught.value.problems] == [message]


def test_not_a_vcard(tmp_path: Path) -> None:
    path = tmp_path / "notes.vcf"
    path.write_text("Just some notes\nabout people\n")
    with pytest.raises(InvalidInput) as caught:
        read_contacts(path)
    assert "has no BEGIN:VCARD line" in caught.value.problems[0].message


def test_encodings_detected() -> None:
    rows = "Imię,Nazwisko,E-mail\nŁukasz,Wróbel,l@x.pl\nZażółć,Gęślą,j@x.pl\n"
    found = parse_csv(
        rows.encode("cp1250"), "pl.csv", {"first_name": "Imię", "last_name": "Nazwisko"}
    )
    assert found.encoding == "Windows-1250 (detected)"
    assert [c.name for c in found.candidates] == ["Łukasz Wróbel", "Zażółć Gęślą"]
    ru = "Name;Email\nАндрей Соколов;a@x.ru\nМария Иванова;m@x.ru\n"
    found = parse_csv(ru.encode("cp1251"), "ru.csv")
    assert found.encoding == "Windows-1251 (detected)"
    assert [c.name for c in found.candidates] == ["Андрей Соколов", "Мария Иванова"]
    found = parse_csv(ru.encode("utf-16-le"), "ru16.csv")  # no BOM
    assert found.encoding == "UTF-16LE without BOM"
    assert found.candidates[0].name == "Андрей Соколов"
    found = parse_csv(b"\xef\xbb\xbf" + ru.encode(), "bom.csv")
    assert found.encoding == "UTF-8 with BOM" and found.candidates[1].email == "m@x.ru"
    # the user can name the encoding
    found = parse_csv(ru.encode("koi8_r"), "koi.csv", encoding="koi8-r")
    assert found.candidates[0].name == "Андрей Соколов"


def test_wrong_encodings_are_refused_with_a_reason() -> None:
    ebcdic = "First Name,Last Name,Email\nJohn,Doe,j@x.com\n".encode("cp500")
    with pytest.raises(InvalidInput) as caught:
        parse_csv(ebcdic, "mainframe.csv")
    assert "cannot tell the file's encoding" in caught.value.problems[0].message
    with pytest.raises(InvalidInput) as caught:
        parse_csv(b"Name\x00\x01\x02\xff\x00\x00\x13x", "binary.csv")
    assert "not a text file" in caught.value.problems[0].message
    cp1250 = "Name\nŁukasz Wróbel\n".encode("cp1250")
    with pytest.raises(InvalidInput) as caught:
        parse_csv(cp1250, "named.csv", encoding="utf-8")
    assert str(caught.value.problems[0]) == (
        "line 2: the file looks like UTF-8, but byte offset 5 is not valid UTF-8; "
        "save it as UTF-8 and import it again"
    )
    with pytest.raises(InvalidInput) as caught:
        parse_csv(cp1250, "named.csv", encoding="klingon")
    assert caught.value.problems[0].message == "'klingon' is not an encoding we know"


def test_a_50_mb_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: nothing is really written
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as caught:
        read_contacts(path)
    assert time.perf_counter() - started < 0.5
    assert caught.value.problems[0].message == (
        "the file is 50.0 MB (52,428,800 bytes); contact files of up to 20 MB are read"
    )


# --- planning and applying ----------------------------------------------------------------------


def test_duplicates_merge_in_the_file_and_with_existing_people(db: Database, wisla: int) -> None:
    text = (
        "Name,Email,Phone,Title\n"
        "Łukasz Wróbel,l.wrobel@wisla.pl,,\n"  # the sample's "Łukasz Wróbel" (no e-mail yet)
        "lukasz wrobel,,+48 600 100 200,\n"  # same name, folded
        '"Wróbel, Łukasz",,,Head of Purchasing\n'  # "Last, First"
        "Jan Kowalski,JAN@x.pl,,\n"
        "J. Kowalski,jan@X.PL,+48 1,CEO\n"  # same e-mail
    )
    found = parse_csv(text.encode(), "dupes.csv")
    before = people(db, wisla)
    plan = plan_import(db, wisla, found.candidates)
    assert people(db, wisla) == before  # planning writes nothing
    assert [(i.action, i.lines, i.existing_key) for i in plan.items] == [
        ("update", [2, 3, 4], "wrobel"),
        ("create", [5, 6], None),
    ]
    assert (
        plan.merged == 3 and plan.summary() == "1 new, 1 updated, 0 unchanged, 3 duplicates merged"
    )
    wrobel = plan.items[0]
    assert [(c.field, c.old, c.new) for c in wrobel.changes] == [
        ("email", None, "l.wrobel@wisla.pl"),
        ("phone", None, "+48 600 100 200"),
        ("position", "Head of Procurement", "Head of Purchasing"),
    ]
    summary = apply_import(db, wisla, plan)
    assert str(summary) == "1 new, 1 updated, 0 unchanged, 3 duplicates merged"
    after = {p.key: p for p in people(db, wisla)}
    assert set(after) == {"sokolov", "wrobel", "jan-kowalski"}
    assert after["wrobel"].email == "l.wrobel@wisla.pl"
    assert after["wrobel"].kol is True and after["wrobel"].attitude == "champion"  # untouched
    assert after["jan-kowalski"].email == "JAN@x.pl" and after["jan-kowalski"].phone == "+48 1"
    # the search index was brought up to date
    with db.session() as session:
        from kamdesk.core.storage import search

        assert [h.title for h in search.search(session, "kowalski")] == ["Jan Kowalski"]
    # importing the same file again creates nothing
    again = plan_import(db, wisla, found.candidates)
    assert [i.action for i in again.items] == ["skip", "skip"]
    assert str(apply_import(db, wisla, again)).startswith("0 new, 0 updated, 2 unchanged")
    assert len(people(db, wisla)) == 3


def test_update_replaces_contact_fields_and_fills_the_rest(db: Database, wisla: int) -> None:
    text = (
        "Name,Email,Phone,Title,Department,Language\n"
        # same person: e-mail case and phone spacing differ only; title changed; department
        # and language are already known and are kept
        "Андрей Соколов,A.Sokolov@wisla.example,+48225550102,Chief Financial Officer,Controlling,pl\n"
    )
    plan = plan_import(db, wisla, parse_csv(text.encode(), "x.csv").candidates)
    (item,) = plan.items
    assert item.existing_key == "sokolov"
    assert [(c.field, c.old, c.new) for c in item.changes] == [
        ("position", "CFO", "Chief Financial Officer")
    ]
    apply_import(db, wisla, plan)
    sokolov = next(p for p in people(db, wisla) if p.key == "sokolov")
    assert sokolov.position == "Chief Financial Officer"
    assert (sokolov.department, sokolov.language) == ("Finance", "ru")
    assert sokolov.email == "a.sokolov@wisla.example"
    assert sokolov.personal_notes == "two daughters" and sokolov.vip is True


def test_a_plan_made_stale_writes_nothing(db: Database, wisla: int) -> None:
    text = "Name,Email\nŁukasz Wróbel,l@wisla.pl\nNew Person,n@wisla.pl\n"
    plan = plan_import(db, wisla, parse_csv(text.encode(), "x.csv").candidates)
    wrobel = next(p for p in people(db, wisla) if p.key == "wrobel")
    assert wrobel.id is not None
    editing.set_field(db, m.Stakeholder, wrobel.id, "email", "other@wisla.pl")
    with pytest.raises(KamdeskError, match="changed since the preview; nothing was imported"):
        apply_import(db, wisla, plan)
    assert {p.name for p in people(db, wisla)} == {"Андрей Соколов", "Łukasz Wróbel"}


def test_name_keys() -> None:
    key = name_key
    assert key("Łukasz Wróbel") == key("lukasz wrobel") == key("Wróbel, Łukasz")
    assert key("Dr. Łukasz Wróbel") == key("ŁUKASZ WRÓBEL")
    assert key("Jan Kowalski") != key("Jan Kowalska")


ALL_FIXTURES = sorted(p.name for folder in (VCARD, CSV) for p in folder.iterdir())


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_imports_and_a_reimport_creates_nothing(
    db: Database, wisla: int, name: str
) -> None:
    found = read(name)
    assert found.candidates, "every fixture holds at least one importable person"
    plan = plan_import(db, wisla, found.candidates)
    before = len(people(db, wisla))
    summary = apply_import(db, wisla, plan)
    assert len(people(db, wisla)) == before + summary.created
    assert summary.created + summary.updated + summary.unchanged + summary.merged == len(
        found.candidates
    )
    again = plan_import(db, wisla, read(name).candidates)
    assert again.count("create") == again.count("update") == 0
    assert not again.writes


# --- CSV export --------------------------------------------------------------------------------


def test_csv_text_neutralises_formulas() -> None:
    text = csv_text(
        ["Name", "=cmd"],
        [
            ['=HYPERLINK("http://evil.example","click")', -5],
            ["+48 22 123", 1.5],
            ["@SUM(A1)", None],
            ["\tTab", True],
            ["-minus", False],
            ["Plain, with comma", "line\nbreak"],
        ],
    )
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows == [
        ["Name", "'=cmd"],
        ['\'=HYPERLINK("http://evil.example","click")', "-5"],  # numbers stay numbers
        ["'+48 22 123", "1.5"],
        ["'@SUM(A1)", ""],
        ["'\tTab", "yes"],
        ["'-minus", "no"],
        ["Plain, with comma", "line\nbreak"],
    ]
    assert "\r\n" in text


def test_people_export_round_trip(db: Database, wisla: int, tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil.example","click")'
    plan = plan_import(
        db, wisla, [Candidate(line=1, name=evil, phone="+48 22 123", email="e@x.pl")]
    )
    apply_import(db, wisla, plan)
    path = tmp_path / "people.csv"
    assert export_people_csv(db, path, wisla) == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text
    assert ",'+48 22 123," in text and ",'+48 22 555 01 02," in text
    assert "two daughters" not in text  # personal notes never leave
    # our own importer reads it back exactly
    back = read_contacts(path)
    assert back.preset == "kamdesk"
    values = {c.name: c for c in back.candidates}
    assert values[evil].phone == "+48 22 123"
    assert values["Андрей Соколов"].phone == "+48 22 555 01 02"
    # into the same client: nothing changes; into an empty database: the same people
    assert not plan_import(db, wisla, back.candidates).writes
    with Database.open(tmp_path / "other.db") as other:
        cid = editing.add_client(other, "Other")
        apply_import(other, cid, plan_import(other, cid, back.candidates))
        assert people_csv(other, cid).split("\r\n")[1:] != []
        copied = {p.name: (p.phone, p.email, p.position) for p in people(other)}
    assert copied[evil] == ("+48 22 123", "e@x.pl", None)
    assert copied["Андрей Соколов"] == ("+48 22 555 01 02", "a.sokolov@wisla.example", "CFO")


def test_people_csv_of_all_clients(db: Database, wisla: int) -> None:
    text = people_csv(db)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0] == list(PEOPLE_HEADER)
    assert [r[3] for r in rows[1:]] == ["Łukasz Wróbel", "Андрей Соколов"]
    assert rows[2][:3] == ["wisla-pharma", "Wisła Pharma S.A.", "sokolov"]
    assert rows[2][9:] == ["yes", "no", "economic", "supporter", "4", "acquainted", "2026-10-02"]


# --- the command line --------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_db(
    db_path: Path, sample: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> str:
    doc = tmp_path / "sample.json"
    doc.write_text(json.dumps(sample))
    assert main(["--db", str(db_path), "import-json", str(doc)]) == 0
    capsys.readouterr()
    return str(db_path)


def test_cli_import_vcard_dry_run_then_for_real(
    capsys: pytest.CaptureFixture[str], cli_db: str, db_path: Path
) -> None:
    path = str(fixture("thebat-2.1-qp-8bit-no-charset-polish.vcf"))
    code, out, err = run(
        capsys, "--db", cli_db, "import-vcard", path, "--client", "wisla-pharma", "--dry-run"
    )
    assert code == 0 and err == ""
    assert "1 card (UTF-8; undeclared 8-bit text as Windows-1250 (guessed))" in out
    assert "new       line 1     Piotr Iksiński <piotr.iksinski@somedomain.com>" in out
    assert "Dry run: nothing was written." in out
    assert row_count(db_path) == 2
    code, out, _ = run(capsys, "--db", cli_db, "import-vcard", path, "--client", "wisla-pharma")
    assert code == 0 and "Imported into wisla-pharma: 1 new, 0 updated, 0 unchanged" in out
    assert row_count(db_path) == 3
    code, out, _ = run(capsys, "--db", cli_db, "import-vcard", path, "--client", "wisla-pharma")
    assert code == 0 and "unchanged line 1     Piotr Iksiński" in out and row_count(db_path) == 3


def test_cli_bad_rows_stop_the_import_unless_skipped(
    capsys: pytest.CaptureFixture[str], cli_db: str, db_path: Path
) -> None:
    path = str(fixture("android-2.1-multi-qp-photo.vcf"))
    code, out, err = run(capsys, "--db", cli_db, "import-vcard", path, "--client", "wisla-pharma")
    assert code == 2
    assert err.splitlines() == [
        f"kamdesk: {path}: 2 bad rows; nothing was imported (fix them, or give --skip-bad to "
        "import the others)",
        "  line 1: no name (the card has no FN or N)",
        "  line 6: no name (the card has no FN or N)",
    ]
    assert "Preview: 4 new, 0 updated, 0 unchanged" in out
    assert row_count(db_path) == 2
    code, out, err = run(
        capsys, "--db", cli_db, "import-vcard", path, "--client", "wisla-pharma", "--skip-bad"
    )
    assert code == 0 and err == ""
    assert "Skipping 2 bad rows:" in out and "Imported into wisla-pharma: 4 new" in out
    assert row_count(db_path) == 6


def test_cli_import_csv_with_a_mapping(
    capsys: pytest.CaptureFixture[str], cli_db: str, db_path: Path
) -> None:
    path = str(fixture("thunderbird-semicolon.csv"))
    code, out, _ = run(
        capsys,
        "--db",
        cli_db,
        "import-csv",
        path,
        "--client",
        "wisla-pharma",
        "--mapping",
        "thunderbird",
    )
    assert code == 0
    assert "2 rows (UTF-8, delimiter ';', preset thunderbird)" in out
    assert "1 new" not in out and "2 new, 0 updated, 0 unchanged" in out
    assert row_count(db_path) == 4
    code, _, err = run(
        capsys, "--db", cli_db, "import-csv", path, "--client", "wisla-pharma", "--mapping", "excel"
    )
    assert code == 2 and err.startswith("kamdesk: No CSV mapping called 'excel'; the presets are")
    code, _, err = run(capsys, "--db", cli_db, "import-csv", path, "--client", "nobody")
    assert code == 2 and err == "kamdesk: No client with key 'nobody'.\n"


def test_cli_refusals_change_nothing(
    capsys: pytest.CaptureFixture[str], cli_db: str, db_path: Path, tmp_path: Path
) -> None:
    export = tmp_path / "before.csv"
    assert main(["--db", cli_db, "export-csv", str(export)]) == 0
    before = export.read_bytes()
    huge = tmp_path / "huge.vcf"
    with huge.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wrong = tmp_path / "wrong.csv"
    wrong.write_bytes("First Name,Last Name\nJohn,Doe\n".encode("cp500"))
    broken = tmp_path / "broken.vcf"
    broken.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half a card\r\nEMAIL:h@x.pl\r\n")
    cases = [
        ("import-vcard", huge, "the file is 50.0 MB (52,428,800 bytes)"),
        ("import-csv", empty, "the file is empty"),
        ("import-csv", wrong, "cannot tell the file's encoding"),
        ("import-vcard", broken, "line 1: the card never ends"),
    ]
    for command, path, message in cases:
        code, _, err = run(capsys, "--db", cli_db, command, str(path), "--client", "wisla-pharma")
        assert code == 2, path
        assert message in err and "Traceback" not in err
    assert main(["--db", cli_db, "export-csv", str(export)]) == 0
    assert export.read_bytes() == before
    assert row_count(db_path) == 2


def test_cli_export_csv(capsys: pytest.CaptureFixture[str], cli_db: str, tmp_path: Path) -> None:
    out_file = tmp_path / "wisla.csv"
    code, out, _ = run(
        capsys, "--db", cli_db, "export-csv", str(out_file), "--client", "wisla-pharma"
    )
    assert code == 0 and out == f"Exported 2 people to {out_file}\n"
    rows = list(csv.reader(io.StringIO(out_file.read_text("utf-8-sig"), newline="")))
    assert len(rows) == 3 and rows[1][3] == "Łukasz Wróbel"
    code, _, err = run(capsys, "--db", cli_db, "export-csv", str(out_file), "--client", "nobody")
    assert code == 2 and "No client with key 'nobody'" in err


# --- robustness: whatever the bytes, only a KamdeskError --------------------------------------

FIXTURE_BYTES = [
    (p.name, p.read_bytes()) for folder in (VCARD, CSV) for p in sorted(folder.iterdir())
]
VCARD_WORDS = st.sampled_from(
    [
        b"BEGIN:VCARD\r\n",
        b"END:VCARD\r\n",
        b"VERSION:2.1\r\n",
        b"FN:",
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:",
        b"=C3=",
        b"=\r\n",
        b"\r\n ",
        b"EMAIL;PREF:",
        b'TEL;TYPE="x:',
        b"ORG:a;b\\;c",
        b";",
        b":",
        b"\xf1",
        b"\x00",
        b"\r",
        b'"',
        b",",
        b"'=",
    ]
)


def _only_kamdesk_errors(raw: bytes) -> None:
    for parse in (parse_vcard, parse_csv):
        with contextlib.suppress(KamdeskError):
            parse(raw, "fuzz")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(VCARD_WORDS, st.binary(max_size=12)), max_size=40))
def test_random_vcard_like_bytes(parts: list[bytes]) -> None:
    _only_kamdesk_errors(b"".join(parts))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list('ab,;\t"\r\n@=+ ŁńÑ名\x00')), max_size=300))
def test_random_csv_like_text(text: str) -> None:
    for encoding in ("utf-8", "utf-16-le", "cp1250"):
        _only_kamdesk_errors(text.encode(encoding, "replace"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(FIXTURE_BYTES),
    st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255), st.booleans()), max_size=8),
)
def test_mutated_fixtures(item: tuple[str, bytes], edits: list[tuple[int, int, bool]]) -> None:
    data = bytearray(item[1])
    for where, byte, insert in edits:
        where %= len(data) + 1
        if insert:
            data[where:where] = bytes([byte])
        elif data:
            del data[min(where, len(data) - 1)]
    _only_kamdesk_errors(bytes(data))
