"""Preparing a meeting in the real widgets, on a real database holding the demo portfolio."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from kamdesk.core import demo
from kamdesk.core.meeting.readiness import Level
from kamdesk.core.storage.db import Database
from kamdesk.gui.dialogs.override import OverrideDialog
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.widgets import pdfpreview
from kamdesk.gui.workers import SyncRunner, TaskRunner

KEY = "patika-q1-listing"  # in person, no travel time, no questions, no proposal


@pytest.fixture
def demo_db(tmp_path: Path):
    db = Database.open(tmp_path / "gui.db")
    demo.load_demo(db)
    yield db
    db.close()


@pytest.fixture
def window(qtbot, demo_db: Database) -> MainWindow:
    win = MainWindow(demo_db, runner=SyncRunner())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _db_value(db: Database, sql: str) -> object:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _level(ws: MeetingWorkspace, check_id: str) -> Level:
    assert ws.report is not None
    return {c.id: c.level for c in ws.report.checks}[check_id]


def test_meetings_of_the_selected_client_open_as_workspaces(qtbot, window: MainWindow) -> None:
    rows = {window.proxy.index(r, 0).data(): r for r in range(window.proxy.rowCount())}
    window.table.selectRow(rows["Patika-Lánc Gyógyszertárak Zrt."])
    window.tabs.setCurrentWidget(window.meetings_page)
    keys = [window._meeting_key(r) for r in range(window.meetings_model.rowCount())]
    assert KEY in keys
    row = keys.index(KEY)
    assert "to fix" in window.meetings_model.index(row, 2).data()
    window.meetings.setCurrentIndex(window.meetings_model.index(row, 1))
    qtbot.keyClick(window.meetings, Qt.Key.Key_Return)
    # the workspace opens on the Meetings page: the dossier's tabs stay as they were
    ws = window.workspace_tabs.currentWidget()
    assert isinstance(ws, MeetingWorkspace) and ws.key == KEY
    assert window.pages.currentWidget() is window.workspace_area and ws.isVisible()
    assert window.tabs.count() == window.FIXED_TABS
    assert window.open_meeting(KEY) is ws  # a second open shows the same tab
    assert window.workspace_tabs.count() == 1
    qtbot.keyClick(ws, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # File › Close
    assert window.workspace_tabs.count() == 0 and KEY not in window.workspaces
    assert window.workspace_area.empty.isVisible()  # what to do with no meeting open
    window.close_tab(0)  # the dossier's own tabs stay
    assert window.tabs.count() == window.FIXED_TABS


def test_autosave_undo_redo_and_live_checklist(
    qtbot, window: MainWindow, demo_db: Database
) -> None:
    ws = window.open_meeting(KEY)
    assert _level(ws, "late.travel_time") is Level.BLOCK
    travel = ws.fields["travel_min"].widget
    travel.setValue(35)
    # saved on its own after the debounce, no "save" button
    qtbot.waitUntil(
        lambda: _db_value(demo_db, f"SELECT travel_min FROM meeting WHERE key = '{KEY}'") == 35
    )
    assert _level(ws, "late.travel_time") is Level.OK
    assert ws.leave_label.text() == "12:10"  # 13:00 − 35 min − 15 min buffer
    assert window.undo_action.isEnabled()

    window.undo_action.trigger()
    assert _db_value(demo_db, f"SELECT travel_min FROM meeting WHERE key = '{KEY}'") is None
    assert travel.value() == -1 and _level(ws, "late.travel_time") is Level.BLOCK
    window.redo_action.trigger()
    assert _db_value(demo_db, f"SELECT travel_min FROM meeting WHERE key = '{KEY}'") == 35
    assert travel.value() == 35

    questions = ws.fields["questions"].widget
    questions.setPlainText(
        "What did the pilot teach you?\nWhich pharmacies would start first?\nWhat would stop a listing?"
    )
    qtbot.waitUntil(lambda: _level(ws, "interrupting.open_questions") is Level.OK)
    assert "What would stop a listing?" in str(
        _db_value(demo_db, f"SELECT questions FROM meeting WHERE key = '{KEY}'")
    )
    # the meetings list follows when it is shown: this meeting's score is the workspace's
    assert ws.ctx.client.id is not None
    window.select_client_id(ws.ctx.client.id)
    window.tabs.setCurrentWidget(window.meetings_page)
    model = window.meetings_model
    row = [model.key(r) for r in range(model.rowCount())].index(KEY)
    assert model.index(row, 3).data() == str(ws.report.score)


def test_invalid_value_is_explained_beside_the_field_and_not_saved(
    qtbot, window: MainWindow, demo_db: Database
) -> None:
    ws = window.open_meeting(KEY)
    before = _db_value(demo_db, f"SELECT objective FROM meeting WHERE key = '{KEY}'")
    field = ws.fields["objective"]
    field.widget.setPlainText("Listing \x00 for all pharmacies")
    qtbot.waitUntil(lambda: field.error.isVisible())
    assert "NUL" in field.error.text()
    assert _db_value(demo_db, f"SELECT objective FROM meeting WHERE key = '{KEY}'") == before
    assert field.widget.toPlainText() == "Listing \x00 for all pharmacies"  # what was typed stays
    field.widget.setPlainText("Listing for all pharmacies")
    qtbot.waitUntil(lambda: not field.error.isVisible())
    assert (
        _db_value(demo_db, f"SELECT objective FROM meeting WHERE key = '{KEY}'")
        == "Listing for all pharmacies"
    )


def test_ticks_count_until_what_they_vouched_for_changes(
    qtbot, window: MainWindow, demo_db: Database
) -> None:
    ws = window.open_meeting(KEY)
    box = ws.ticks["etiquette_reviewed"]
    if box.isChecked():
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert box.isChecked() and _level(ws, "tick.etiquette_reviewed") is Level.OK
    # another attendee: the tick no longer counts and the box clears itself
    people = ws.attendee_list
    unchecked = next(
        i for i in range(people.count()) if people.item(i).checkState() == Qt.CheckState.Unchecked
    )
    people.item(unchecked).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: _level(ws, "tick.etiquette_reviewed") is Level.BLOCK)
    assert not box.isChecked()
    assert (
        _db_value(
            demo_db,
            f"SELECT count(*) FROM meeting_attendee a JOIN meeting m ON m.id = a.meeting_id WHERE m.key = '{KEY}'",
        )
        == 4
    )


def test_checklist_item_jumps_to_the_field(qtbot, window: MainWindow) -> None:
    ws = window.open_meeting(KEY)
    item = ws.checklist.item_for("late.travel_time")
    assert item is not None
    ws.checklist.tree.itemClicked.emit(item, 0)
    qtbot.waitUntil(
        lambda: (
            ws.fields["travel_min"].widget.hasFocus()
            or QApplication.focusWidget() is ws.fields["travel_min"].widget
        )
    )
    with qtbot.waitSignal(ws.sig_outside_target) as blocker:
        ws.go_to("stakeholder:nagy.stage")
    assert blocker.args == ["stakeholder:nagy.stage"]


def test_brief_preview_renders_off_the_gui_thread(qtbot, demo_db: Database) -> None:
    win = MainWindow(demo_db)  # the real thread pool
    qtbot.addWidget(win)
    ws = win.open_meeting("pomorze-tender-2027")
    assert ws.report is not None and ws.report.ready
    assert isinstance(win.runner, TaskRunner)
    ws.render_brief("preview")
    assert not ws.busy.isHidden() and not ws.preview_button.isEnabled()  # busy, not frozen
    qtbot.waitUntil(lambda: hasattr(ws, "preview"), timeout=60000)
    doc = ws.preview.document
    qtbot.waitUntil(lambda: doc.pageCount() >= 1, timeout=10000)
    assert ws.preview_button.isEnabled() and ws.busy.isHidden()
    text = pypdf.PdfReader(io.BytesIO(ws.last_pdf)).pages[0].extract_text()
    assert "Pomorska Grupa Szpitalna" in text.upper() or "POMORSKA GRUPA SZPITALNA" in text
    ws.preview.close()


def test_abandoned_render_is_ignored(qtbot, demo_db: Database) -> None:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    ws = win.open_meeting("pomorze-tender-2027")
    ws.render_brief("preview")
    ws.cancel_render()
    assert ws.preview_button.isEnabled()
    win.runner.wait(60000)
    qtbot.wait(50)
    assert not hasattr(ws, "preview")


def test_save_pdf_writes_the_brief(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "brief.pdf"
    monkeypatch.setattr(
        pdfpreview.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)")
    )
    ws = window.open_meeting("pomorze-tender-2027")
    qtbot.mouseClick(ws.save_button, Qt.MouseButton.LeftButton)
    assert target.exists()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(target).pages)
    assert "Łukasz Wróbel" in text and "READY" in text


def test_printing_draws_every_page(qtbot, window: MainWindow, tmp_path: Path) -> None:
    ws = window.open_meeting("pomorze-tender-2027")
    ws.render_brief("preview")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    pages = pdfpreview.print_to(printer, ws.last_pdf)
    assert pages == len(pypdf.PdfReader(io.BytesIO(ws.last_pdf)).pages)
    assert len(pypdf.PdfReader(out).pages) == pages


def test_not_ready_brief_asks_for_a_reason(
    qtbot, window: MainWindow, demo_db: Database, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "override.pdf"
    monkeypatch.setattr(
        pdfpreview.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "")
    )
    ws = window.open_meeting(KEY)
    seen: dict[str, object] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, OverrideDialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["enabled_without_reason"] = ok.isEnabled()
        dialog.text.setPlainText("Client asked to meet before the pilot figures are final")
        seen["enabled_with_reason"] = ok.isEnabled()
        ok.click()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(ws.save_button, Qt.MouseButton.LeftButton)
    assert seen == {"enabled_without_reason": False, "enabled_with_reason": True}
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(target).pages)
    assert "NOT READY" in text and "Client asked to meet before the pilot figures are final" in text
    assert (
        _db_value(demo_db, f"SELECT override_reason FROM meeting WHERE key = '{KEY}'")
        == "Client asked to meet before the pilot figures are final"
    )


def test_locked_database_gets_a_clear_message(qtbot, tmp_path: Path, monkeypatch) -> None:
    from kamdesk.gui import app

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    path = tmp_path / "locked.db"
    with Database.open(path):
        assert app.run_app(path) == 1
    assert shown and "already open for writing" in shown[0]


def test_accessible_names_and_shortcuts(window: MainWindow) -> None:
    ws = window.open_meeting(KEY)
    for field in ws.fields.values():
        assert field.widget.accessibleName(), field.column
    for box in ws.ticks.values():
        assert box.accessibleName()
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    assert window.find_action.shortcut().toString() == "Ctrl+F"


def test_proposals_tied_to_needs_clear_the_preparation_blocker(
    qtbot, window: MainWindow, demo_db: Database
) -> None:
    ws = window.open_meeting(KEY)
    assert _level(ws, "unprepared.proposal") is Level.BLOCK
    editor = ws.proposals
    editor.add()
    assert editor.model.rowCount() == 1
    text_cell = editor.model.index(0, 0)
    assert editor.model.setData(text_cell, "QuickCRP listing with a 60-day reorder guarantee")
    need_column = next(i for i, c in enumerate(editor.model.columns) if c.name == "need_id")
    need_id = next(
        value for value, _label in editor.model.columns[need_column].choices if value is not None
    )
    assert editor.model.setData(editor.model.index(0, need_column), need_id)
    assert _level(ws, "unprepared.proposal") is Level.OK
    assert (
        _db_value(
            demo_db,
            f"SELECT count(*) FROM proposal p JOIN meeting m ON m.id = p.meeting_id "
            f"WHERE m.key = '{KEY}' AND p.need_id = {need_id}",
        )
        == 1
    )
    window.undo_action.trigger()  # the need link
    assert _level(ws, "unprepared.proposal") is Level.BLOCK


def test_an_imported_tick_is_shown_as_such_until_confirmed_with_a_click(
    qtbot, tmp_path: Path
) -> None:
    """A colleague's export brings the three ticks of the demo negotiation: the boxes say
    "imported, not reviewed here" and the meeting is not ready until each is clicked."""
    import json

    from PySide6.QtCore import QPoint

    from kamdesk.core.interchange import exchange

    with Database.open(tmp_path / "colleague.db") as theirs:
        demo.load_demo(theirs)
        with theirs.session() as session:
            text = json.dumps(exchange.export_document(session), ensure_ascii=False)
    db = Database.open(tmp_path / "mine.db")
    exchange.import_text(db, text, "colleague's export")
    win = MainWindow(db, runner=SyncRunner())
    qtbot.addWidget(win)
    win.show()
    ws = win.open_meeting("pomorze-tender-2027")
    assert not ws.report.ready
    for name, box in ws.ticks.items():
        assert "imported, not reviewed here" in box.text(), name
        assert "imported, not reviewed here" in box.accessibleName()
        item = ws.checklist.item_for(f"tick.{name}")
        assert item is not None and "imported, not reviewed here" in item.text(0)
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        if not box.isChecked():  # it showed checked: the first click withdrew it
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        qtbot.waitUntil(lambda n=name: _level(ws, f"tick.{n}") is Level.OK)
        assert "imported" not in box.text()
    assert ws.report.ready
    win.close()
    db.close()


def test_the_checklist_explains_the_score(qtbot, window: MainWindow) -> None:
    ws = window.open_meeting(KEY)
    why = ws.checklist.tree.topLevelItem(ws.checklist.tree.topLevelItemCount() - 1)
    assert why.text(0) == f"Why {ws.report.score}/100"
    lines = [why.child(i).text(0) for i in range(why.childCount())]
    assert len(lines) == 7 and lines[5].startswith("+") and "6 Bad manners" in lines[5]
    assert sum(int(line[1:].split(" ")[0]) for line in lines) == ws.report.score
