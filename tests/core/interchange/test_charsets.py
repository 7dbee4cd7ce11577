"""Windows-1252 against Windows-1250 (and ISO-8859-1/2/15): told apart by the letters each
reading gives and the language the accented words then fit, one logic for CSV, vCard and
calendar files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamdesk.cli import main
from kamdesk.core.interchange import charsets
from kamdesk.core.interchange.ics.decode import _guess_encoding
from kamdesk.core.interchange.people.model import decode_text
from kamdesk.core.interchange.people.vcard import parse_vcard
from kamdesk.core.storage.db import Database

ITALIAN_FRENCH = (
    "First Name,Last Name,E-mail Address,Company\r\n"
    "Niccolò,Bertè,n.berte@example.it,Università di Bologna\r\n"
    "Hélène,Lefèvre,h.lefevre@example.fr,Société Générale\r\n"
    "Françoise,Périé,f.perie@example.fr,Città di Forlì\r\n"
)
POLISH = (
    "First Name;Last Name;E-mail Address\r\n"
    "Łukasz;Wróbel;l.wrobel@example.pl\r\n"
    "Małgorzata;Żółćkiewicz;m.z@example.pl\r\n"
    "Józef;Gęślą;j.gesla@example.pl\r\n"
)
HUNGARIAN = "First Name;Last Name\r\nGábor;Őrsi\r\nPál;Erdős\r\nÉva;Kovács\r\n"


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (ITALIAN_FRENCH, "cp1252", "Windows-1252"),
        (POLISH, "cp1250", "Windows-1250"),
        (HUNGARIAN, "cp1250", "Windows-1250"),
        (ITALIAN_FRENCH, "iso8859_15", None),  # same letters as Windows-1252 here
    ],
)
def test_the_same_logic_reads_western_and_central_european_files_right(
    text: str, codec: str, label: str | None
) -> None:
    decoded, found = decode_text(text.encode(codec), "people.csv")
    assert decoded == text
    if label:
        assert found == f"{label} (detected)"


def test_the_reading_that_gives_letters_in_both_is_decided_by_the_language() -> None:
    """The case letter checks alone got wrong: "Niccolň Bertč" is Latin letters too."""
    raw = "Niccolò Bertè".encode("cp1252")
    assert raw.decode("cp1250") == "Niccolň Bertč"
    as_1250 = charsets.language_fit(raw.decode("cp1250"))
    as_1252 = charsets.language_fit(raw.decode("cp1252"))
    assert as_1250 is not None and as_1252 is not None
    assert as_1252[0] > as_1250[0] and as_1252[1] in ("it", "ca")  # both write ò and è
    assert charsets.language_fit("plain ASCII only") is None


def test_import_csv_from_the_command_line_gets_both_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo"]) == 0
    for name, text, codec in (("it.csv", ITALIAN_FRENCH, "cp1252"), ("pl.csv", POLISH, "cp1250")):
        file = tmp_path / name
        file.write_bytes(text.encode(codec))
        assert main(["--db", str(db), "import-csv", "--client", "banca-adriatica", str(file)]) == 0
    capsys.readouterr()
    with Database.open(db, readonly=True) as opened, opened.session() as session:
        from sqlmodel import select

        from kamdesk.core.model import models as m

        names = set(session.exec(select(m.Stakeholder.name)))
    assert {"Niccolò Bertè", "Hélène Lefèvre", "Françoise Périé"} <= names
    assert {"Łukasz Wróbel", "Małgorzata Żółćkiewicz", "Józef Gęślą"} <= names


def test_a_vcard_2_1_in_quoted_printable_without_charset_is_read_as_its_language() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;ENCODING=QUOTED-PRINTABLE:Bert=E8;Niccol=F2\r\n"
        "FN;ENCODING=QUOTED-PRINTABLE:Niccol=F2 Bert=E8\r\n"
        "ORG;ENCODING=QUOTED-PRINTABLE:Universit=E0 di Bologna\r\n"
        "END:VCARD\r\n"
    ).encode("ascii")
    parsed = parse_vcard(card, "it.vcf")
    assert [c.name for c in parsed.candidates] == ["Niccolò Bertè"]


def test_a_calendar_in_windows_1252_uses_the_same_logic() -> None:
    raw = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
        "UID:1@example.it\r\nDTSTART:20270110T100000Z\r\nDTEND:20270110T110000Z\r\n"
        "SUMMARY:Riunione con Niccolò Bertè: qualità e novità\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode("cp1252")
    assert _guess_encoding(raw) == "cp1252"
