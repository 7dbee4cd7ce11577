"""CSV columns as other programs and languages name them: Outlook's localised headers of the
seeds' languages as presets, the user's own mapping on the command line (--map), and every
column of e-mail addresses kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlmodel import select

from kamdesk.cli import main
from kamdesk.core.interchange.people.csvfile import parse_csv, parse_map
from kamdesk.core.interchange.people.presets import PRESETS
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database


def test_a_polish_outlook_export_is_recognised_and_read() -> None:
    raw = "Imię;Nazwisko;Adres e-mail;Stanowisko\r\nŁukasz;Wróbel;l@example.pl;Kierownik\r\n"
    found = parse_csv(raw.encode("cp1250"), "kontakty.csv")
    assert found.preset == "outlook-pl"
    (person,) = found.candidates
    assert (person.name, person.email, person.position) == (
        "Łukasz Wróbel",
        "l@example.pl",
        "Kierownik",
    )


@pytest.mark.parametrize(
    ("preset", "row", "name"),
    [
        ("outlook-ru", ("Андрей", "Сергеевич", "Иванов"), "Андрей Сергеевич Иванов"),
        ("outlook-it", ("Niccolò", "", "Bertè"), "Niccolò Bertè"),
        ("outlook-hu", ("Gábor", "", "Őrsi"), "Gábor Őrsi"),
        ("outlook-pl", ("Anna", "Maria", "Nowak"), "Anna Maria Nowak"),
    ],
)
def test_each_localised_outlook_preset_is_matched_by_its_header(
    preset: str, row: tuple[str, str, str], name: str
) -> None:
    columns = PRESETS[preset].columns
    header = [columns["first_name"][0], columns["middle_name"][0], columns["last_name"][0]]
    header += [columns["email"][0], columns["position"][0]]
    text = ",".join(header) + "\r\n" + ",".join([*row, "x@example.com", "Director"]) + "\r\n"
    found = parse_csv(text.encode("utf-8-sig"), "export.csv")
    assert found.preset == preset
    (person,) = found.candidates
    assert (person.name, person.email, person.position) == (name, "x@example.com", "Director")


def test_every_email_column_is_kept_work_first_and_its_type_column_is_not_an_address() -> None:
    raw = (
        b"First Name,Last Name,Email Home,Email Work,Email Other,E-mail Type\r\n"
        b"Anna,Nowak,anna@home.example,anna@work.example,,SMTP\r\n"
        b"Jan,Kot,,,jan@other.example,SMTP\r\n"
        b"Ewa,Lis,ewa@home.example,,,SMTP\r\n"
    )
    found = parse_csv(raw, "roundcube.csv")
    assert found.mapping["email"] == ["Email Work", "Email Home", "Email Other"]
    assert [(c.name, c.email) for c in found.candidates] == [
        ("Anna Nowak", "anna@work.example"),
        ("Jan Kot", "jan@other.example"),
        ("Ewa Lis", "ewa@home.example"),
    ]
    assert not found.problems


def test_parse_map_reads_pairs_escapes_and_repeats() -> None:
    assert parse_map(["Nom=last_name, Prénom=first_name", r"Tel\, bureau=phone"]) == {
        "last_name": ["Nom"],
        "first_name": ["Prénom"],
        "phone": ["Tel, bureau"],
    }
    assert parse_map(["A=email,B=email"]) == {"email": ["A", "B"]}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_map_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo"]) == 0
    file = tmp_path / "fr.csv"
    file.write_text(
        "Nom;Prénom;Courriel pro;Fonction\r\nLefèvre;Hélène;h.lefevre@example.fr;Directrice\r\n",
        "utf-8",
    )
    base = ["--db", str(db), "import-csv", "--client", "banca-adriatica"]
    capsys.readouterr()
    assert main([*base, "--dry-run", str(file)]) == 2  # no preset knows French headers
    assert "--map" in capsys.readouterr().err
    before = _sha(db)
    for bad, said in (
        (["--map", "Nom=surname"], "'surname' is not a field"),
        (["--map", "Name=name"], "no column 'Name'; its columns are: 'Nom'"),
        (["--map", "Nom"], "is not COLUMN=FIELD"),
        (["--map", "Nom=last_name", "--mapping", "outlook"], "not both"),
    ):
        assert main([*base, *bad, str(file)]) == 2, bad
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1 and "Traceback" not in err, err
        assert _sha(db) == before
    args = ["--map", "Nom=last_name,Prénom=first_name", "--map", "Fonction=position"]
    assert main([*base, *args, str(file)]) == 0
    with Database.open(db, readonly=True) as opened, opened.session() as session:
        person = session.exec(select(m.Stakeholder).where(m.Stakeholder.name == "Hélène Lefèvre"))
        (found,) = person.all()
    assert (found.email, found.position) == ("h.lefevre@example.fr", "Directrice")
