"""Importing people and meetings into the selected client from the main window's File menu."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import sql

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_import_people_and_meetings_into_the_selected_client(qtbot, demo_window) -> None:
    window = demo_window("Banca Adriatica S.p.A.")
    client = sql(window, "SELECT id FROM client WHERE key = 'banca-adriatica'")
    people = sql(window, f"SELECT count(*) FROM stakeholder WHERE client_id = {client}")
    dialog = window.import_dialog(
        "people", FIXTURES / "vcard" / "thebat-2.1-qp-8bit-no-charset-polish.vcf"
    )
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert sql(window, f"SELECT count(*) FROM stakeholder WHERE client_id = {client}") == people + 1
    assert sql(window, "SELECT name FROM stakeholder ORDER BY id DESC LIMIT 1") == "Piotr Iksiński"

    meetings = sql(window, f"SELECT count(*) FROM meeting WHERE client_id = {client}")
    ics = FIXTURES / "ics" / "egroupware-nonascii-attendee-cn.ics"
    dialog = window.import_dialog("meetings", ics)
    assert "create" in dialog.preview.toPlainText() and dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert sql(window, f"SELECT count(*) FROM meeting WHERE client_id = {client}") == meetings + 1
    window.tabs.setCurrentWidget(window.meetings_page)
    assert window.meetings_model.rowCount() == meetings + 1  # the meeting list shows it

    broken = FIXTURES / "ics" / "thunderbird-cyrillic-yearly-holidays.ics"
    dialog = window.import_dialog("meetings", broken)
    assert not dialog.import_button.isEnabled()
    assert "all-day event" in dialog.preview.toPlainText()
