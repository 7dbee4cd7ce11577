"""An encrypted dossier in the desktop app: the passphrase asked at start (again when wrong),
and the window locking itself after idle time, with pending edits committed first."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from kamdesk.core import demo, errors
from kamdesk.core.storage.db import Database
from kamdesk.gui.dialogs.passphrase import PassphraseDialog, open_database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.workers import SyncRunner

PASSPHRASE = "Zażółć 'gęślą' \"jaźń\" 🔑"


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "secret.db"
    with Database.open(path, passphrase=PASSPHRASE) as db:
        demo.load_demo(db)
    return path


def _value(db: Database, query: str) -> object:
    """One value read from the file itself, through a raw connection with the key."""
    with contextlib.closing(db.connect_raw(readonly=True)) as conn:
        return conn.execute(query).fetchone()[0]


def test_passphrase_dialog_says_wrong_and_asks_again(qtbot, encrypted: Path) -> None:
    opened: list[Database] = []

    def check(text: str) -> str | None:
        try:
            opened.append(Database.open(encrypted, passphrase=text))
        except errors.WrongPassphrase:
            return "Wrong passphrase. Try again."
        return None

    dialog = PassphraseDialog("secret.db is encrypted.", check)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.edit.echoMode() == dialog.edit.EchoMode.Password
    ok.click()  # nothing typed
    assert dialog.error.isVisible() and "Type the passphrase" in dialog.error.text()
    dialog.edit.setText("not it")
    ok.click()
    assert dialog.isVisible() and dialog.error.text() == "Wrong passphrase. Try again."
    assert dialog.edit.text() == ""  # never kept in the field
    assert not opened
    dialog.edit.setText(PASSPHRASE)  # non-ASCII: setText, not keyClicks (PITFALLS)
    ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(opened) == 1 and opened[0].encrypted
    opened[0].close()


def test_start_up_asks_until_the_passphrase_is_right(qtbot, encrypted: Path) -> None:
    """open_database as the app calls it: the wrong passphrase from the environment is said
    to be wrong in the dialog, which then takes the right one."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.error.text())
        dialog.edit.setText(PASSPHRASE)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)
    db = open_database(encrypted, passphrase="from the environment, wrong")
    assert db is not None and db.encrypted
    assert seen and "does not open" in seen[0]
    db.close()

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(20, cancel)
            return
        dialog.reject()

    QTimer.singleShot(0, cancel)
    assert open_database(encrypted) is None


def test_idle_window_locks_and_unlocks_with_the_passphrase(qtbot, encrypted: Path) -> None:
    db = Database.open(encrypted, passphrase=PASSPHRASE)
    window = MainWindow(db, runner=SyncRunner())
    qtbot.addWidget(window)
    window.show()
    try:
        window.show_page(window.CLIENTS)
        window.table.selectRow(0)
        key = window.current_client_key()
        window.setup_idle_lock(idle_ms=300)
        lock = window.idle_lock
        # an edit still waiting for its autosave delay when the lock comes
        field = window.overview.form.fields["history"]
        field.widget.setPlainText("Typed just before the lock.")
        assert field.timer.isActive()
        qtbot.waitUntil(lambda: lock.locked, timeout=5000)
        assert not field.timer.isActive()
        assert (
            _value(db, f"SELECT history FROM client WHERE key = '{key}'")
            == "Typed just before the lock."
        )
        # the dossier is out of sight; only the lock screen is shown
        assert lock.screen is not None and lock.screen.isVisible()
        assert not window.centralWidget().isVisible()
        assert not window.tabs.isVisible() and not window.table.isVisible()
        # shortcuts do not reach the window: Ctrl+Z does not undo the edit
        depth = window.undo_stack.index()
        assert depth > 0
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert window.undo_stack.index() == depth

        lock.screen.entry.edit.setText("wrong")
        lock.screen.button.click()
        assert lock.locked and "Wrong passphrase" in lock.screen.entry.error.text()
        lock.screen.entry.edit.setText(PASSPHRASE)
        lock.screen.button.click()
        assert not lock.locked
        assert window.centralWidget().isVisible() and window.table.isVisible()
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert window.undo_stack.index() == depth - 1  # the same key works when unlocked
        # activity keeps it open; idleness locks it again
        assert lock.timer.isActive()
        qtbot.waitUntil(lambda: lock.locked, timeout=5000)
        lock.screen.entry.edit.setText(PASSPHRASE)
        lock.screen.entry.edit.returnPressed.emit()
        assert not lock.locked
    finally:
        window.close()
        db.close()


def test_a_plain_dossier_never_locks(qtbot, tmp_path: Path) -> None:
    with Database.open(tmp_path / "plain.db") as db:
        demo.load_demo(db)
        window = MainWindow(db, runner=SyncRunner())
        qtbot.addWidget(window)
        window.setup_idle_lock(idle_ms=50)
        assert not hasattr(window, "idle_lock")
        window.close()
