"""Asking for an encrypted dossier's passphrase: at start, and to unlock an idle window.

The dialog does not know what the passphrase opens: ``check(passphrase)`` returns None when it
is right, or a sentence to show (then it asks again). The passphrase is kept only as long as
the check needs it: the field is cleared after every try.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import errors
from kamdesk.core.storage import crypto
from kamdesk.core.storage.db import Database


class PassphraseEntry(QWidget):
    """A prompt, a hidden-text field and a line for "wrong passphrase": the body of both the
    start-up dialog and the lock screen."""

    def __init__(self, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName(self.tr("Passphrase"))
        layout.addWidget(self.edit)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setAccessibleName(self.tr("Passphrase problem"))
        self.error.hide()
        layout.addWidget(self.error)
        self.prompt.setBuddy(self.edit)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.edit.clear()
        self.edit.setFocus()

    def run_check(self, check: Callable[[str], str | None]) -> bool:
        """Check the typed passphrase (a wait cursor while the key is derived)."""
        text = self.edit.text()
        if not text:
            self.show_error(self.tr("Type the passphrase."))
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            problem = check(text)
        finally:
            QApplication.restoreOverrideCursor()
        self.edit.clear()
        if problem:
            self.show_error(problem)
            return False
        return True


class PassphraseDialog(QDialog):
    def __init__(
        self,
        prompt: str,
        check: Callable[[str], str | None],
        parent: QWidget | None = None,
        title: str | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Encrypted dossier"))
        self._check = check
        layout = QVBoxLayout(self)
        self.entry = PassphraseEntry(prompt, self)
        layout.addWidget(self.entry)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Open"))
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        self.entry.edit.setFocus()
        self.resize(440, 0)

    @property
    def edit(self) -> QLineEdit:
        return self.entry.edit

    @property
    def error(self) -> QLabel:
        return self.entry.error

    def _try(self) -> None:
        if self.entry.run_check(self._check):
            self.accept()


def open_database(
    path: Path, passphrase: str | None = None, parent: QWidget | None = None
) -> Database | None:
    """Open the dossier for writing (read-only, saying why, when the file cannot be changed:
    read-only media); for an encrypted one, ask for its passphrase until it is
    right (``passphrase``, from the environment, is tried first). None: the user cancelled.
    Other problems (locked, newer, damaged) are raised as they are."""
    if not crypto.is_encrypted(path):
        return Database.open(path, or_read_only=True)
    if passphrase is None:  # $KAMDESK_PASSPHRASE or --passphrase-file (see kamdesk.cli.passphrases)
        passphrase = crypto.provided_passphrase(path)
    first_problem = None
    if passphrase:
        try:
            return Database.open(path, passphrase=passphrase, or_read_only=True)
        except errors.WrongPassphrase as exc:
            first_problem = str(exc)
    opened: list[Database] = []
    failed: list[errors.KamdeskError] = []

    def check(text: str) -> str | None:
        try:
            opened.append(Database.open(path, passphrase=text, or_read_only=True))
        except errors.WrongPassphrase:
            return QApplication.translate("PassphraseDialog", "Wrong passphrase. Try again.")
        except errors.KamdeskError as exc:  # shown by the caller once the dialog is closed
            failed.append(exc)
        return None

    dialog = PassphraseDialog(
        QApplication.translate(
            "PassphraseDialog", "{name} is encrypted. Type its passphrase to open it."
        ).format(name=path.name),
        check,
        parent,
    )
    if first_problem:
        dialog.entry.show_error(first_problem)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if failed:
        raise failed[0]
    return opened[0] if accepted and opened else None
