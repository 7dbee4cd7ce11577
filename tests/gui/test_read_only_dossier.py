"""A dossier on read-only media opens in the app read-only: shown and exportable, every field
read-only, the reason in the status bar; keys typed into a field change nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from kamdesk.core import demo
from kamdesk.core.storage.db import Database
from kamdesk.gui.dialogs.passphrase import open_database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.workers import SyncRunner
from tests.read_only_media import read_only_copy


def test_the_app_opens_a_dossier_on_read_only_media_and_says_why_editing_is_off(
    qtbot, tmp_path: Path
) -> None:
    source = tmp_path / "dossier.db"
    with Database.open(source) as db:
        demo.load_demo(db)
    with read_only_copy([source], tmp_path) as media:
        path = media / source.name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        db = open_database(path)
        assert db is not None and db.readonly
        try:
            window = MainWindow(db, runner=SyncRunner())
            qtbot.addWidget(window)
            window.show()
            qtbot.waitUntil(lambda: window.proxy.rowCount() == 4)
            assert "(read-only)" in window.windowTitle()
            assert "read-only disk" in window.read_only_label.text()
            assert "editing is off" in window.read_only_label.text()
            assert not window.new_client_action.isEnabled()
            reasons = window.overview.reasons.values()
            assert reasons and not any(box.isEnabled() for box in reasons)
            assert all(n.isReadOnly() for n in window.overview.reason_notes.values())

            rows = {window.proxy.index(r, 0).data(): r for r in range(window.proxy.rowCount())}
            window.table.selectRow(min(rows.values()))
            history = window.overview.form.fields["history"].widget
            assert isinstance(history, QPlainTextEdit | QTextEdit) and history.isReadOnly()
            before = history.toPlainText()
            history.setFocus()
            qtbot.keyClicks(history, "typed on a CD")
            qtbot.keyClick(history, Qt.Key.Key_Return)
            window.flush_edits()
            assert history.toPlainText() == before
            edits = [
                w for w in window.findChildren(QLineEdit) if w.objectName().startswith("field_")
            ]
            assert edits and all(w.isReadOnly() for w in edits)
            window.tabs.setCurrentWidget(window.lists["issues"])
            (issues,) = window.lists["issues"].editors
            assert not issues.add_button.isEnabled()
            index = issues.model.index(0, 0)
            assert not issues.model.flags(index) & Qt.ItemFlag.ItemIsEditable
            window.close()
        finally:
            db.close()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
