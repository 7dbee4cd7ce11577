"""vCard names as other programs write them: an unescaped comma in FN ("Mustermann, Heiko",
Outlook's "file as" order) keeps the first name, and matches the person already known."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from kamdesk.cli import main
from kamdesk.core.interchange.people.vcard import parse_vcard
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database


@pytest.mark.parametrize("version", ["2.1", "3.0", "4.0"])
def test_fn_last_comma_first_keeps_the_first_name(version: str) -> None:
    card = (
        f"BEGIN:VCARD\r\nVERSION:{version}\r\nN:Mustermann;Heiko;;;\r\n"
        "FN:Mustermann, Heiko\r\nORG:Acme, Inc.;Sales, EMEA\r\nTITLE:Head, Sales\r\n"
        "END:VCARD\r\n"
    ).encode()
    (candidate,) = parse_vcard(card, "x.vcf").candidates
    assert candidate.name == "Heiko Mustermann"
    assert candidate.values()["position"] == "Head, Sales"  # not cut at the comma either
    assert candidate.values()["department"] == "Sales, EMEA"


def test_fn_with_a_comma_and_no_n_is_kept_whole() -> None:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Wróbel, Łukasz\r\nEND:VCARD\r\n".encode()
    (candidate,) = parse_vcard(card, "x.vcf").candidates
    assert candidate.name == "Wróbel, Łukasz"
    escaped = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kowalski\\, Jan\r\nEND:VCARD\r\n"
    assert [c.name for c in parse_vcard(escaped, "x.vcf").candidates] == ["Kowalski, Jan"]


def test_wrobel_comma_lukasz_updates_the_known_lukasz_wrobel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo"]) == 0
    file = tmp_path / "outlook.vcf"
    file.write_bytes(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:Wróbel;Łukasz\r\n"
        "FN;CHARSET=UTF-8:Wróbel, Łukasz\r\nTEL;WORK:+48 58 000 11 22\r\n"
        "EMAIL;INTERNET:l.wrobel@pgs-szpitale.example\r\nEND:VCARD\r\n".encode()
    )
    with Database.open(db, readonly=True) as opened, opened.session() as session:
        before = len(session.exec(select(m.Stakeholder)).all())
    args = ["--db", str(db), "import-vcard", "--client", "szpital-pomorze", str(file)]
    assert main(args) == 0
    capsys.readouterr()
    with Database.open(db, readonly=True) as opened, opened.session() as session:
        people = session.exec(select(m.Stakeholder).order_by(col(m.Stakeholder.id))).all()
        assert len(people) == before  # the same person, not a duplicate
        (wrobel,) = [p for p in people if p.key == "wrobel"]
        assert wrobel.name == "Łukasz Wróbel"
