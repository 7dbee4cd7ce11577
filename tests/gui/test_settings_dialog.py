"""Edit › Settings…: edit, save to the TOML file, and the window uses the new settings; a bad
value is named in one line and nothing is written."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from kamdesk.gui.dialogs.settings import SettingsDialog
from kamdesk.gui.mainwindow import MainWindow

POMORSKA = "Pomorska Grupa Szpitalna S.A."


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "settings.toml"
    monkeypatch.setenv("KAMDESK_CONFIG", str(path))
    return path


def _rate_row(dialog: SettingsDialog, code: str) -> int:
    return next(r for r in range(dialog.rates.rowCount()) if dialog.rates.item(r, 0).text() == code)


def _share(window: MainWindow, client: str) -> str:
    row = next(
        r for r in range(window.proxy.rowCount()) if window.proxy.index(r, 0).data() == client
    )
    return window.proxy.index(row, 1).data()


def _save(qtbot, dialog: SettingsDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def test_edit_save_and_the_window_uses_the_new_settings(qtbot, demo_window, config: Path) -> None:
    window = demo_window(POMORSKA)
    assert _share(window, POMORSKA) != ""  # the demo brought a PLN rate
    ws = window.open_meeting("pomorze-tender-2027")
    dialog = window.settings_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    name = dialog.widgets["kam_name"]
    name.selectAll()
    qtbot.keyClicks(name, "Anna Nowak")
    buffer = dialog.widgets["default_buffer_min"]
    buffer.selectAll()
    qtbot.keyClicks(buffer, "25")
    dialog.tabs.setCurrentIndex(2)  # Exchange rates
    assert dialog.tabs.tabText(2) == "Exchange rates" and not dialog.missing_note.isVisible()
    dialog.rates.item(_rate_row(dialog, "PLN"), 1).setText("")  # the KAM deletes the PLN rate
    assert dialog.missing_note.isVisible()
    assert dialog.missing_note.text() == (
        f"No rate for PLN: income shares of {POMORSKA} stay empty."
    )
    _save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted

    stored = tomllib.loads(config.read_text("utf-8"))
    assert stored["kam_name"] == "Anna Nowak" and stored["default_buffer_min"] == 25
    assert "PLN" not in stored["exchange_rates"] and "HUF" in stored["exchange_rates"]
    assert window.current_settings().kam_name == "Anna Nowak"
    assert _share(window, POMORSKA) == ""  # the list recomputed without the rate
    assert ws.prefs.kam_name == "Anna Nowak" and ws.prefs.default_buffer_min == 25


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("rate HUF", "abc", "Exchange rate for HUF: give a number above 0."),
        ("rate HUF", "-2", "Exchange rate for HUF: give a number above 0."),
        (
            "locale",
            "xx_QQ",
            "Locale (numbers, dates): “xx_QQ” is not a locale (e.g. en, pl, hu, it, ru, en_GB).",
        ),
    ],
)
def test_a_bad_value_is_named_and_nothing_is_written(
    qtbot, demo_window, config: Path, field: str, text: str, message: str
) -> None:
    window = demo_window(POMORSKA)
    before = config.read_bytes()
    dialog = window.settings_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    if field == "locale":
        dialog.widgets["locale"].setText(text)
    else:
        dialog.tabs.setCurrentIndex(2)
        dialog.rates.item(_rate_row(dialog, field.split()[1]), 1).setText(text)
    _save(qtbot, dialog)
    assert dialog.message.isVisible() and dialog.message.text() == message
    assert "\n" not in dialog.message.text()
    assert dialog.isVisible() and config.read_bytes() == before


def test_spin_boxes_keep_the_declared_limits(qtbot, demo_window, config: Path) -> None:
    window = demo_window(None)
    dialog = window.settings_dialog()
    qtbot.addWidget(dialog)
    lock = dialog.widgets["lock_after_idle_min"]
    assert (lock.minimum(), lock.maximum()) == (0, 1440)
    ratio = dialog.widgets["near_duplicate_ratio"]
    assert (ratio.minimum(), ratio.maximum()) == (0.5, 1.0)


def test_ctrl_comma_opens_the_settings_from_the_edit_menu(qtbot, demo_window, config) -> None:
    window = demo_window(None)
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    edit_menu = window.menuBar().actions()[1].menu()
    assert window.settings_action in edit_menu.actions()
    seen: list[str] = []

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog).__name__)
        if dialog is not None:
            dialog.reject()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTimer.singleShot(0, close)  # runs inside the dialog's exec()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["SettingsDialog"]


def test_a_new_idle_time_applies_to_the_open_encrypted_dossier(
    qtbot, tmp_path: Path, config: Path
) -> None:
    from kamdesk.core import demo
    from kamdesk.core.storage.db import Database
    from kamdesk.gui.workers import SyncRunner

    passphrase = "a long enough passphrase"
    with Database.open(tmp_path / "secret.db", passphrase=passphrase) as db:
        demo.load_demo(db)
    db = Database.open(tmp_path / "secret.db", passphrase=passphrase)
    window = MainWindow(db, runner=SyncRunner())
    qtbot.addWidget(window)
    try:
        window.setup_idle_lock()
        assert window.idle_lock.timer.interval() == 15 * 60_000  # the default
        for minutes in (5, 0):
            dialog = window.settings_dialog()
            qtbot.addWidget(dialog)
            dialog.widgets["lock_after_idle_min"].setValue(minutes)
            _save(qtbot, dialog)
            assert tomllib.loads(config.read_text("utf-8"))["lock_after_idle_min"] == minutes
            if minutes:
                assert window.idle_lock.timer.interval() == 5 * 60_000
        assert not hasattr(window, "idle_lock")  # 0: never
    finally:
        window.close()
        db.close()
