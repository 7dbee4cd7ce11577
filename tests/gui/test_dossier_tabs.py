"""Editing the dossier in place: people and the client's profile, with undo, and the checklist
pointing into them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from kamdesk.core.meeting.readiness import Level
from kamdesk.gui.mainwindow import MainWindow
from tests.gui.conftest import sql

MEETING = "adriatica-screening-pilot"  # Bortolotti has no form of address


@pytest.fixture
def window(demo_window) -> MainWindow:
    win = demo_window("Banca Adriatica S.p.A.")
    return win


def test_checklist_item_opens_the_person_and_the_fix_clears_it(qtbot, window: MainWindow) -> None:
    ws = window.open_meeting(MEETING)
    levels = {c.id: c.level for c in ws.report.checks}
    assert levels["manners.address.bortolotti"] is Level.BLOCK
    ws.go_to("stakeholder:bortolotti.form_of_address")
    assert window.tabs.currentWidget() is window.people
    field = window.people.form.fields["form_of_address"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field.widget)
    field.widget.setText("Ing. Bortolotti")
    field.widget.textEdited.emit("Ing. Bortolotti")
    qtbot.waitUntil(
        lambda: (
            sql(window, "SELECT form_of_address FROM stakeholder WHERE key = 'bortolotti'")
            == "Ing. Bortolotti"
        )
    )
    # the open workspace follows: that point is cleared
    qtbot.waitUntil(
        lambda: {c.id: c.level for c in ws.report.checks}["manners.address.bortolotti"] is Level.OK
    )
    window.undo_action.trigger()
    assert sql(window, "SELECT form_of_address FROM stakeholder WHERE key = 'bortolotti'") is None
    assert {c.id: c.level for c in ws.report.checks}["manners.address.bortolotti"] is Level.BLOCK


def test_person_fields_validate_beside_the_field(qtbot, window: MainWindow) -> None:
    people = window.people
    window.tabs.setCurrentWidget(people)
    assert people.select_person("ferra")
    field = people.form.fields["personal_notes"]  # single-line fields are capped by Qt itself
    before = sql(window, "SELECT personal_notes FROM stakeholder WHERE key = 'ferra'")
    field.widget.setPlainText("x" * 100_001)
    qtbot.waitUntil(lambda: not field.error.isHidden())
    assert "longer than the limit" in field.error.text()
    assert sql(window, "SELECT personal_notes FROM stakeholder WHERE key = 'ferra'") == before


def test_add_delete_undo_redo_people(qtbot, window: MainWindow, monkeypatch) -> None:
    people = window.people
    window.tabs.setCurrentWidget(people)
    count = people.list.count()
    people.add_person("Giulia Ricciardi")
    assert people.list.count() == count + 1
    assert (
        sql(window, "SELECT key FROM stakeholder WHERE name = 'Giulia Ricciardi'")
        == "giulia-ricciardi"
    )
    window.undo_action.trigger()
    assert people.list.count() == count
    window.redo_action.trigger()
    assert people.list.count() == count + 1

    attending = "SELECT count(*) FROM meeting_attendee a JOIN stakeholder s ON s.id = a.stakeholder_id WHERE s.key = 'rinaldi'"
    assert sql(window, attending) >= 1
    before = sql(window, attending)
    assert people.select_person("rinaldi")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    people.ask_delete()
    assert sql(window, "SELECT count(*) FROM stakeholder WHERE key = 'rinaldi'") == 0
    assert sql(window, attending) == 0
    window.undo_action.trigger()
    assert sql(window, "SELECT count(*) FROM stakeholder WHERE key = 'rinaldi'") == 1
    assert sql(window, attending) == before  # attendance restored too


def test_delete_asks_first(window: MainWindow, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    people = window.people
    window.tabs.setCurrentWidget(people)
    count = people.list.count()
    people.ask_delete()
    assert people.list.count() == count


def test_client_profile_edits_in_place(qtbot, window: MainWindow) -> None:
    overview = window.overview
    assert "Income share" in overview.figures.text()
    field = overview.form.fields["history"]
    field.widget.setPlainText("Founded in Trieste in 1898.")
    qtbot.waitUntil(
        lambda: (
            sql(window, "SELECT history FROM client WHERE key = 'banca-adriatica'")
            == "Founded in Trieste in 1898."
        )
    )
    window.undo_action.trigger()
    assert (
        sql(window, "SELECT history FROM client WHERE key = 'banca-adriatica'")
        != "Founded in Trieste in 1898."
    )
    ws = window.open_meeting(MEETING)
    ws.go_to("client.history")
    assert window.tabs.currentWidget() is overview
    spin = overview.form.fields["payment_terms_days"].widget
    spin.setValue(60)
    qtbot.waitUntil(
        lambda: (
            sql(window, "SELECT payment_terms_days FROM client WHERE key = 'banca-adriatica'") == 60
        )
    )


def test_new_client_and_meetings_with_undo(qtbot, window: MainWindow, monkeypatch) -> None:
    clients = window.model.rowCount()
    window.new_client("Łódzkie Laboratoria Sp. z o.o.")
    assert window.model.rowCount() == clients + 1
    assert window.overview.form.fields["name"].widget.text() == "Łódzkie Laboratoria Sp. z o.o."
    assert window.new_client_action.shortcut().toString() == "Ctrl+N"

    window.tabs.setCurrentWidget(window.meetings_page)
    ws = window.new_meeting("Introductory visit")
    assert ws is not None and window.workspace_tabs.currentWidget() is ws
    assert window.pages.currentWidget() is window.workspace_area
    assert ws.report is not None and not ws.report.ready  # an empty meeting is far from ready
    assert window.meetings_model.rowCount() == 1
    window.undo_action.trigger()  # the meeting
    window.tabs.setCurrentWidget(window.meetings_page)
    assert window.meetings_model.rowCount() == 0 and not window.workspaces
    window.undo_action.trigger()  # the client
    assert window.model.rowCount() == clients
    window.redo_action.trigger()
    assert window.model.rowCount() == clients + 1


def test_delete_meeting_asks_and_undo_restores_notes(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    window.tabs.setCurrentWidget(window.meetings_page)
    keys = [window._meeting_key(r) for r in range(window.meetings_model.rowCount())]
    past = next(k for k in keys if k != MEETING)  # the past meeting, with notes
    notes = f"SELECT count(*) FROM meeting_notes n JOIN meeting m ON m.id = n.meeting_id WHERE m.key = '{past}'"
    assert sql(window, notes) == 1
    window.open_meeting(past)
    window.tabs.setCurrentWidget(window.meetings_page)
    window.meetings.setCurrentIndex(window.meetings_model.index(keys.index(past), 1))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.ask_delete_meeting()
    assert window.meetings_model.rowCount() == len(keys)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.ask_delete_meeting()
    assert window.meetings_model.rowCount() == len(keys) - 1
    assert past not in window.workspaces  # its workspace closed
    window.undo_action.trigger()
    assert window.meetings_model.rowCount() == len(keys) and sql(window, notes) == 1


def test_key_reasons_company_and_who_raised_an_issue(qtbot, window: MainWindow) -> None:
    overview = window.overview
    window.tabs.setCurrentWidget(overview)
    reasons = "SELECT group_concat(reason) FROM client_key_reason r JOIN client c ON c.id = r.client_id WHERE c.key = 'banca-adriatica'"
    before = sql(window, reasons)
    box = overview.reasons["innovator"]
    assert not box.isChecked()
    box.click()
    assert "innovator" in sql(window, reasons)
    window.undo_action.trigger()
    assert sql(window, reasons) == before and not box.isChecked()

    dialog = window.company_dialog()
    income = dialog.form.fields["annual_income"]
    income.widget.setValue(96_000_000)
    qtbot.waitUntil(lambda: sql(window, "SELECT annual_income FROM company") == 96_000_000)
    dialog.form.flush()
    window.tabs.setCurrentWidget(window.people)
    window.tabs.setCurrentWidget(window.overview)  # shown again: brought up to date
    qtbot.waitUntil(lambda: "4.0 %" in window.overview.figures.text())  # the share halves

    window.tabs.setCurrentWidget(window.lists["issues"])

    (issues,) = window.lists["issues"].editors
    column = next(i for i, c in enumerate(issues.model.columns) if c.name == "raised_by_id")
    current = issues.model.rows[0].raised_by_id
    person = next(
        v for v, label in issues.model.columns[column].choices if v not in (None, current)
    )
    assert issues.model.setData(issues.model.index(0, column), person)
    assert (
        sql(window, f"SELECT raised_by_id FROM client_issue WHERE id = {issues.model.rows[0].id}")
        == person
    )


def test_relationship_plan_steps_of_a_person(window: MainWindow) -> None:
    people = window.people
    window.tabs.setCurrentWidget(people)
    assert people.select_person("ferra")
    steps = people.steps
    count = steps.model.rowCount()
    steps.add()
    assert steps.model.rowCount() == count + 1
    window.undo_action.trigger()
    assert steps.model.rowCount() == count


def test_why_each_key_reason_applies(qtbot, window: MainWindow) -> None:
    overview = window.overview
    window.tabs.setCurrentWidget(overview)
    note_sql = (
        "SELECT note FROM client_key_reason r JOIN client c ON c.id = r.client_id "
        "WHERE c.key = 'banca-adriatica' AND reason = '{reason}'"
    )
    partner = overview.reason_notes["partner"]
    assert partner.isEnabled() and "welfare budget" in partner.text()  # from the demo
    assert not overview.reason_notes["innovator"].isEnabled()  # not ticked: nothing to explain
    partner.setText("Shares the 2027 welfare budget and renewal criteria")
    partner.editingFinished.emit()
    assert sql(window, note_sql.format(reason="partner")) == (
        "Shares the 2027 welfare budget and renewal criteria"
    )
    # unticking drops the note; undo brings back the reason and its note
    overview.reasons["partner"].click()
    assert not overview.reason_notes["partner"].isEnabled()
    assert "partner" not in (
        sql(
            window,
            "SELECT group_concat(reason) FROM client_key_reason r JOIN client c "
            "ON c.id = r.client_id WHERE c.key = 'banca-adriatica'",
        )
        or ""
    )
    window.undo_action.trigger()
    assert overview.reasons["partner"].isChecked()
    assert sql(window, note_sql.format(reason="partner")) == (
        "Shares the 2027 welfare budget and renewal criteria"
    )
    assert "renewal criteria" in overview.reason_notes["partner"].text()
