"""Asking for the reason to save or print a brief for a meeting that is not ready: the
dialog's words follow what the user is doing ("Save anyway" when saving, "Print anyway" when
printing)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core.meeting.readiness import Report


class OverrideDialog(QDialog):
    def __init__(
        self, report: Report, reason: str, parent: QWidget | None = None, purpose: str = "print"
    ):
        super().__init__(parent)
        saving = purpose == "save"
        self.setWindowTitle(self.tr("This meeting is not ready"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "These points are still open. The brief will be marked NOT READY and will carry "
                    "your reason on its first page."
                )
            )
        )
        blockers = QListWidget(self)
        blockers.setAccessibleName(self.tr("Open points"))
        for check in report.blockers():
            blockers.addItem(f"{check.mistake}. {check.message}")
        layout.addWidget(blockers)
        layout.addWidget(
            QLabel(self.tr("Why save it anyway?") if saving else self.tr("Why print it anyway?"))
        )
        self.text = QPlainTextEdit(self)
        self.text.setAccessibleName(
            self.tr("Reason for saving anyway") if saving else self.tr("Reason for printing anyway")
        )
        self.text.setPlainText(reason)
        layout.addWidget(self.text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Save anyway") if saving else self.tr("Print anyway")
        )
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._update)
        self._update()
        self.resize(560, 420)

    def reason(self) -> str:
        return self.text.toPlainText().strip()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason()))
