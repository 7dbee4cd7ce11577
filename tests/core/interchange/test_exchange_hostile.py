"""Hostile JSON at the reader: every refusal is exit 2 with the JSON path, nothing written,
the dossier byte-identical (issue 14)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from kamdesk.cli import main
from kamdesk.core.errors import InvalidInput
from kamdesk.core.interchange import exchange
from kamdesk.core.storage.db import Database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(capsys: pytest.CaptureFixture[str], db_path: Path, file: Path) -> str:
    before = digest(db_path)
    code = main(["--db", str(db_path), "import-json", str(file)])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in err and "nothing was imported" in err
    assert digest(db_path) == before
    return err


@pytest.fixture
def dossier(tmp_path: Path, sample: dict[str, Any]) -> Path:
    path = tmp_path / "dossier.db"
    with Database.open(path) as db:
        exchange.import_text(db, json.dumps(sample), "sample.json")
    return path


def with_text(sample: dict[str, Any], edit: Any) -> str:
    doc = copy.deepcopy(sample)
    edit(doc)
    return json.dumps(doc, ensure_ascii=False)


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ('"version": 1', '"version": true', "version: true is not a format version number"),
        ('"currency": "EUR"', '"currency": "EUR\\n"', "currency"),
        ('"key": "wisla-pharma"', '"key": "wisla-pharma\\n"', "clients[0].key"),
    ],
)
def test_patterns_match_the_whole_value(
    capsys: pytest.CaptureFixture[str],
    dossier: Path,
    tmp_path: Path,
    sample: dict[str, Any],
    replace: str,
    by: str,
    expected: str,
) -> None:
    text = json.dumps(sample, ensure_ascii=False)
    assert replace in text
    file = tmp_path / "in.json"
    file.write_text(text.replace(replace, by, 1), "utf-8")
    err = refused(capsys, dossier, file)
    assert expected in err


def test_a_period_with_a_final_newline_is_refused_with_its_path(
    dossier: Path, sample: dict[str, Any]
) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["clients"][0]["financials"][0]["period"] += "\n"

    with Database.open(dossier) as db, pytest.raises(InvalidInput) as info:
        exchange.import_text(db, with_text(sample, edit), "in.json")
    assert [str(p) for p in info.value.problems][0].startswith("clients[0].financials[0].period:")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("NaN", "NaN is not a number the format allows"),
        ("Infinity", "Infinity is not a number the format allows"),
        ("-Infinity", "-Infinity is not a number the format allows"),
        ("1e999", "the number is too large"),
        ("9" * 5000, "a number of 5,000 digits is too long"),
    ],
)
def test_numbers_must_be_finite_and_short(
    capsys: pytest.CaptureFixture[str],
    dossier: Path,
    tmp_path: Path,
    sample: dict[str, Any],
    number: str,
    expected: str,
) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["clients"][0]["financials"][0]["our_sales"] = "@@"

    file = tmp_path / "in.json"
    file.write_text(with_text(sample, edit).replace('"@@"', number), "utf-8")
    err = refused(capsys, dossier, file)
    (line,) = [x for x in err.splitlines() if "clients[0].financials[0].our_sales: " in x]
    assert expected in line


def test_deep_nesting_is_refused(
    capsys: pytest.CaptureFixture[str], dossier: Path, tmp_path: Path
) -> None:
    for depth in (100, 100_000):
        file = tmp_path / f"deep-{depth}.json"
        file.write_text(
            '{"format": "kamdesk-portfolio", "version": 1, "company": '
            + "[" * depth
            + "]" * depth
            + "}",
            "utf-8",
        )
        err = refused(capsys, dossier, file)
        assert "nested deeper than 64 levels" in err


def test_the_size_cap_counts_the_bytes_read(
    capsys: pytest.CaptureFixture[str], dossier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/dev/zero has st_size 0: the cap must stop it by what was read, not by its size."""
    monkeypatch.setattr(exchange.reading, "MAX_FILE_BYTES", 1024 * 1024)
    err = refused(capsys, dossier, Path("/dev/zero"))
    assert "larger than the limit" in err


def test_a_utf32_file_is_named_as_utf32(
    capsys: pytest.CaptureFixture[str], dossier: Path, tmp_path: Path
) -> None:
    file = tmp_path / "in.json"
    file.write_bytes('{"format": "kamdesk-portfolio"}'.encode("utf-32"))
    err = refused(capsys, dossier, file)
    assert "UTF-32" in err and "UTF-16" not in err


def test_a_non_finite_figure_stored_earlier_stops_the_export_with_its_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An Infinity stored before the reader refused them (or by another program) is not
    written as invalid JSON nor silently as null; the dossier and the charts still work."""
    import contextlib
    import sqlite3

    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo"]) == 0
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        # the demo's periods move with the calendar: take the row by its place, not its name
        rows = [
            row_id
            for (row_id,) in conn.execute(
                "SELECT id FROM financial_period WHERE client_id = "
                "(SELECT id FROM client WHERE key = 'szpital-pomorze') ORDER BY id"
            )
        ]
        place = min(3, len(rows) - 1)
        conn.execute(
            "UPDATE financial_period SET client_revenue = 9e999 WHERE id = ?", (rows[place],)
        )
        # our income of 1 a year from a client, against the company's 48 M: a share of 2e-8
        conn.execute(
            "UPDATE financial_period SET our_sales = 1 "
            "WHERE client_id = (SELECT id FROM client WHERE key = 'szpital-pomorze')"
        )
    capsys.readouterr()
    out = tmp_path / "out.json"
    out.write_text("the previous export", "utf-8")
    assert main(["--db", str(db), "export-json", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert f"clients.szpital-pomorze.financials[{place}].client_revenue: Infinity" in err
    assert out.read_text("utf-8") == "the previous export"
    assert main(["--db", str(db), "export-json", "--client", "banca-adriatica", str(out)]) == 0
    json.loads(out.read_text("utf-8"))  # the others still export

    pdf = tmp_path / "dossier.pdf"
    assert main(["--db", str(db), "dossier", "szpital-pomorze", "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
