"""The import-people dialog on a real demo database: read a fixture, adjust the columns, see
the preview and the bad rows, import, and check what landed in the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamdesk.core import demo
from kamdesk.core.interchange.people.importer import client_id_for_key
from kamdesk.core.storage.db import Database
from kamdesk.gui.dialogs.import_people import CUSTOM, ImportPeopleDialog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"  # copies of ../shared/fixtures
CLIENT = "szpital-pomorze"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "import-gui.db")
    demo.load_demo(database)
    yield database
    database.close()


@pytest.fixture
def client_id(db: Database) -> int:
    return client_id_for_key(db, CLIENT)


def count(db: Database, where: str = "1") -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM stakeholder WHERE {where}").fetchone()[0])
    finally:
        conn.close()


def table(dialog: ImportPeopleDialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def open_dialog(qtbot, db: Database, client_id: int, path: Path | None) -> ImportPeopleDialog:
    dialog = ImportPeopleDialog(db, client_id, path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_csv_preset_columns_preview_and_import(qtbot, db: Database, client_id: int) -> None:
    before = count(db)
    dialog = open_dialog(qtbot, db, client_id, FIXTURES / "csv" / "outlook-export-en.csv")
    assert (
        dialog.info.text() == "CSV · 1 row · delimiter: comma · columns: Outlook · encoding: UTF-8"
    )
    assert dialog.preset_combo.currentData() == "outlook"
    assert not dialog.columns_box.isHidden()
    assert dialog.column_combos["email"].currentData() == "E-mail Address"
    assert table(dialog) == [
        [
            "New",
            "2",
            "Firman Wandayandi",
            "firman@php.net",
            "",
            "position: Web Developer; department: Foo Net; e-mail: firman@php.net; "
            "phone: 999999999",
        ]
    ]
    assert dialog.bad_label.text() == "No bad rows."
    assert dialog.import_button.isEnabled()

    # another preset: the CRM one knows no "E-mail Address" column, which is kept anyway
    # (every column of addresses is)
    dialog.set_preset("crm")
    assert dialog.contact_file is not None and dialog.contact_file.preset == "crm"
    assert table(dialog)[0][3] == "firman@php.net"
    dialog.set_column("email", None)  # left out by hand
    assert table(dialog)[0][3] == ""
    # pick the column by hand: the preset becomes "custom"
    dialog.set_column("email", "E-mail 2 Address")
    dialog.set_column("email", "E-mail Address")
    dialog.set_column("department", None)
    assert dialog.preset_combo.currentData() == CUSTOM
    row = table(dialog)[0]
    assert row[3] == "firman@php.net" and "department" not in row[5]
    assert dialog.counts.text() == "1 new, 0 updated, 0 unchanged"

    with qtbot.waitSignal(dialog.sig_imported) as imported:
        dialog.import_button.click()
    assert dialog.result() == ImportPeopleDialog.DialogCode.Accepted
    assert str(imported.args[0]) == "1 new, 0 updated, 0 unchanged"
    assert dialog.summary is not None and dialog.summary.created == 1
    assert count(db) == before + 1
    assert (
        count(db, "name = 'Firman Wandayandi' AND email = 'firman@php.net' AND department IS NULL")
        == 1
    )


def test_vcard_bad_rows_are_listed_and_the_rest_imported(
    qtbot, db: Database, client_id: int
) -> None:
    before = count(db)
    dialog = open_dialog(
        qtbot, db, client_id, FIXTURES / "vcard" / "android-2.1-multi-qp-photo.vcf"
    )
    assert dialog.columns_box.isHidden()
    assert dialog.info.text() == "vCard · 6 cards · encoding: UTF-8"
    assert [row[0] for row in table(dialog)] == ["New"] * 4
    assert [row[1] for row in table(dialog)] == ["11", "18", "36", "71"]
    assert dialog.bad_label.text() == "2 bad rows, not imported:"
    assert [dialog.bad_rows.item(i).text() for i in range(dialog.bad_rows.count())] == [
        "line 1: no name (the card has no FN or N)",
        "line 6: no name (the card has no FN or N)",
    ]
    dialog.import_button.click()
    assert count(db) == before + 4

    # the same file again: nothing new, nothing to import
    again = open_dialog(qtbot, db, client_id, FIXTURES / "vcard" / "android-2.1-multi-qp-photo.vcf")
    assert [row[0] for row in table(again)] == ["Unchanged"] * 4
    assert again.counts.text() == "0 new, 0 updated, 4 unchanged. Nothing to import."
    assert not again.import_button.isEnabled()


def test_duplicate_of_an_existing_person_is_an_update(
    qtbot, db: Database, client_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "First Name,Last Name,Email,Title\n"
        "lukasz,wrobel,,CEO\n"  # the demo's "Łukasz Wróbel", folded
        "Łukasz,Wróbel,,\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, db, client_id, path)
    (row,) = table(dialog)
    assert row[0] == "Update" and row[1] == "2, 3"
    assert row[4] == "Łukasz Wróbel (wrobel)"
    assert row[5] == "position: Prezes Zarządu (Chief Executive Officer) → CEO · 1 duplicate merged"
    dialog.import_button.click()
    assert count(db, "key = 'wrobel' AND position = 'CEO'") == 1


def test_refused_files_explain_and_change_nothing(
    qtbot, db: Database, client_id: int, tmp_path: Path
) -> None:
    before = count(db)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.vcf"
    with huge.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    dialog = open_dialog(qtbot, db, client_id, empty)
    assert not dialog.error.isHidden()
    assert dialog.error.text() == "This file cannot be imported:\nthe file is empty"
    assert not dialog.import_button.isEnabled() and dialog.table.rowCount() == 0
    dialog.load(huge)
    assert "the file is 50.0 MB" in dialog.error.text()
    assert not dialog.import_button.isEnabled()
    dialog.accept()  # even if asked directly: nothing to import
    assert dialog.result() != ImportPeopleDialog.DialogCode.Accepted
    assert count(db) == before


def test_unknown_header_and_a_named_encoding(
    qtbot, db: Database, client_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "danish.csv"
    path.write_bytes("Navn;Email\nSøren Ærø;s@x.dk\n".encode("cp1252"))
    dialog = open_dialog(qtbot, db, client_id, path)
    assert dialog.contact_file is not None and dialog.contact_file.needs_mapping
    assert "choose the column holding the names" in dialog.counts.text()
    assert not dialog.import_button.isEnabled()
    dialog.set_column("name", "Navn")
    dialog.set_column("email", "Email")
    assert dialog.import_button.isEnabled()
    # Danish letters read as Windows-1250 by default ("ř" for "ø"); naming the encoding fixes it
    dialog.set_encoding("cp1252")
    assert "encoding: Windows-1252" in dialog.info.text()
    assert table(dialog)[0][2:4] == ["Søren Ærø", "s@x.dk"]  # the chosen columns are kept
    dialog.import_button.click()
    assert count(db, "name = 'Søren Ærø'") == 1
