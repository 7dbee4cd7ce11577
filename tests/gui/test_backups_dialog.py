"""File ▸ Backups…: the list, "Back up now", "Restore…" (confirmed, then the app reopens the
restored file), and the offer to restore the newest good backup of a damaged dossier at start."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kamdesk.core import demo, errors
from kamdesk.core.storage import backup
from kamdesk.core.storage.db import Database
from kamdesk.gui.dialogs import backups as dialogs
from kamdesk.gui.workers import SyncRunner


def answer_boxes(*answers: Callable[[QMessageBox], None]) -> None:
    """Answer the next message boxes, in order, as they come up."""
    pending = list(answers)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        pending.pop(0)(box)
        if pending:
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)


def press(text: str) -> Callable[[QMessageBox], None]:
    return lambda box: next(b for b in box.buttons() if b.text() == text).click()


def press_standard(button: QMessageBox.StandardButton) -> Callable[[QMessageBox], None]:
    return lambda box: box.button(button).click()


@pytest.fixture
def demo_db(tmp_path: Path):
    path = tmp_path / "kamdesk.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    db = Database.open(path)  # the first open of the day with data: today's daily backup
    yield db
    db.close()


def _client_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM client")}
    finally:
        conn.close()


def test_list_back_up_now_and_restore_then_reopen(qtbot, demo_db: Database) -> None:
    dialog = dialogs.BackupsDialog(demo_db, runner=SyncRunner())
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "daily"
    assert dialog.table.item(0, 2).text().endswith("KB")
    assert str(backup.backup_dir(demo_db.path)) in dialog.where.text()

    dialog.back_up_now()
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 1).text() == "by hand"
    assert "Backed up to" in dialog.status.text()

    # a change after the backups, then restore the daily one
    conn = sqlite3.connect(demo_db.path)
    conn.execute("UPDATE client SET name = 'Renamed after the backup' WHERE id = 1")
    conn.commit()
    conn.close()
    dialog.table.selectRow(1)
    requested: list[Path] = []
    dialog.sig_restore_requested.connect(requested.append)
    answer_boxes(press_standard(QMessageBox.StandardButton.Yes))
    dialog.restore_selected()
    daily = backup.list_backups(demo_db.path)[1].path
    assert requested == [daily] and dialog.restore_file == daily
    assert dialogs.take_restore_request() == daily
    assert dialogs.take_restore_request() is None  # taken once

    answer_boxes(press_standard(QMessageBox.StandardButton.Ok))
    reopened = dialogs.restore_and_reopen(demo_db, daily)
    assert reopened is not None
    try:
        assert not reopened.readonly
        assert "Renamed after the backup" not in _client_names(reopened.path)
        assert list(reopened.path.parent.glob("kamdesk.db.replaced-*"))
    finally:
        reopened.close()


def test_restore_can_be_declined(qtbot, demo_db: Database) -> None:
    dialog = dialogs.BackupsDialog(demo_db, runner=SyncRunner())
    qtbot.addWidget(dialog)
    answer_boxes(press_standard(QMessageBox.StandardButton.No))
    dialog.restore_selected()
    assert dialog.restore_file is None and dialogs.take_restore_request() is None


def test_damaged_dossier_at_start_offers_the_newest_good_backup(qtbot, demo_db: Database) -> None:
    path = demo_db.path
    demo_db.close()
    data = bytearray(path.read_bytes())
    data[3 * 4096 : 3 * 4096 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(errors.DatabaseDamaged) as caught:
        Database.open(path)
    answer_boxes(press("Quit"))
    assert dialogs.offer_restore(path, caught.value) == "declined"
    assert path.read_bytes() == bytes(data)
    answer_boxes(
        press("Restore the newest good backup"), press_standard(QMessageBox.StandardButton.Ok)
    )
    assert dialogs.offer_restore(path, caught.value) == "restored"
    Database.open(path).close()
    no_backup = errors.DatabaseDamaged("damaged", None)
    assert dialogs.offer_restore(path, no_backup) == "unavailable"


def test_main_window_has_the_backups_menu_entry(qtbot, demo_window) -> None:
    window = demo_window()
    assert window.backups_action.text() == "&Backups…"
    closed: list[bool] = []

    def close_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, dialogs.BackupsDialog):
            QTimer.singleShot(10, close_dialog)
            return
        closed.append(dialog.table.rowCount() >= 0)
        dialog.reject()

    QTimer.singleShot(0, close_dialog)
    window.backups_action.trigger()
    assert closed == [True] and window.isVisible()
