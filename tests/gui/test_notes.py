"""Notes after the meeting: summary, decisions, action items and the self-review, in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kamdesk.core import demo
from kamdesk.core.db import Database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.workers import SyncRunner


@pytest.fixture
def window(qtbot, tmp_path: Path):
    db = Database.open(tmp_path / "notes.db")
    demo.load_demo(db)
    win = MainWindow(db, runner=SyncRunner())
    qtbot.addWidget(win)
    win.show()
    rows = {win.proxy.index(r, 0).data(): r for r in range(win.proxy.rowCount())}
    win.table.selectRow(rows["Patika-Lánc Gyógyszertárak Zrt."])
    win.tabs.setCurrentWidget(win.notes)
    yield win
    win.close()
    db.close()


def _sql(win: MainWindow, query: str) -> object:
    conn = sqlite3.connect(win.db.path)
    try:
        return conn.execute(query).fetchone()[0]
    finally:
        conn.close()


def test_writing_notes_for_a_meeting(qtbot, window: MainWindow) -> None:
    notes = window.notes
    upcoming = _sql(window, "SELECT id FROM meeting WHERE key = 'patika-q1-listing'")
    assert notes.select_meeting(upcoming)
    assert not notes.write_button.isHidden() and notes.scroll.isHidden()
    notes.write_notes()
    assert notes.notes is not None and not notes.scroll.isHidden()
    summary = notes.form.fields["summary"]
    summary.widget.setPlainText("Listing agreed for 214 pharmacies from January.")
    qtbot.waitUntil(
        lambda: (
            _sql(window, f"SELECT summary FROM meeting_notes WHERE id = {notes.notes}")
            == "Listing agreed for 214 pharmacies from January."
        )
    )
    notes.actions.add()
    assert notes.actions.model.rowCount() == 1
    done_col = next(i for i, c in enumerate(notes.actions.model.columns) if c.name == "done")
    from PySide6.QtCore import Qt

    assert notes.actions.model.setData(
        notes.actions.model.index(0, done_col),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert _sql(window, f"SELECT done FROM action_item WHERE notes_id = {notes.notes}") == 1
    combo = notes.review[3]
    combo.setCurrentIndex(combo.findData("slip"))
    combo.activated.emit(combo.currentIndex())
    assert (
        _sql(
            window,
            f"SELECT verdict FROM self_review WHERE notes_id = {notes.notes} AND mistake = 3",
        )
        == "slip"
    )
    window.undo_action.trigger()
    assert (
        _sql(
            window,
            f"SELECT count(*) FROM self_review WHERE notes_id = {notes.notes} AND mistake = 3",
        )
        == 0
    )
    assert notes.review[3].currentData() is None


def test_existing_notes_show_with_their_self_review(window: MainWindow) -> None:
    notes = window.notes
    past = _sql(
        window,
        "SELECT m.id FROM meeting m JOIN meeting_notes n ON n.meeting_id = m.id "
        "JOIN client c ON c.id = m.client_id WHERE c.key = 'patika-lanc'",
    )
    assert notes.select_meeting(past)
    assert notes.form.fields["summary"].widget.toPlainText()
    assert notes.actions.model.rowCount() >= 1
    assert all(combo.currentData() in ("ok", "slip") for combo in notes.review.values())
