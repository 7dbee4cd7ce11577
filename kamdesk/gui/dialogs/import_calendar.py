"""Importing a client's meetings from a calendar file (.ics invitations from Outlook, Google,
Thunderbird…): choose the file, read the preview (what is created or updated, who is linked,
which events are skipped and why), then import. Nothing is written before Import.

Signals:
    sig_imported(object): the import was written; the argument is the ImportSummary.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange.ics.apply import apply_calendar_import
from kamdesk.core.interchange.ics.planning import Action, ImportPlan, describe, plan_calendar_import
from kamdesk.core.interchange.ics.reader import read_calendar
from kamdesk.core.storage.db import Database


class ImportCalendarDialog(QDialog):
    sig_imported = Signal(object)

    def __init__(
        self,
        db: Database,
        client_id: int,
        path: Path | str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.client_id = db, client_id
        self.plan: ImportPlan | None = None
        self.summary: object | None = None
        tr = self.tr
        self.setWindowTitle(tr("Import meetings from a calendar file"))
        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.path_edit.setAccessibleName(tr("Calendar file"))
        browse = QPushButton(tr("Choose…"), self)
        browse.clicked.connect(self.choose_file)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(tr("What will be imported"))
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.counts = QLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok, self
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(tr("Import"))
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("File:"), self))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.counts)
        layout.addWidget(self.buttons)
        self.resize(760, 480)
        if path is not None:
            self.load(path)

    def choose_file(self) -> None:
        name, _chosen = QFileDialog.getOpenFileName(
            self, self.tr("Choose a calendar file"), "", "iCalendar (*.ics *.ical);;All files (*)"
        )
        if name:
            self.load(name)

    def load(self, path: Path | str) -> None:
        """Read and plan the file (nothing is written); show the preview or what is wrong."""
        self.path_edit.setText(str(path))
        self.plan = None
        self.import_button.setEnabled(False)
        try:
            found = read_calendar(Path(path))
            self.plan = plan_calendar_import(self.db, self.client_id, found)
        except KamdeskError as exc:
            self.preview.setPlainText(str(exc))
            self.counts.setText(self.tr("Nothing can be imported from this file."))
            return
        self.preview.setPlainText("\n".join(describe(self.plan)))
        action = Action
        self.counts.setText(
            self.tr("{new} to create, {upd} to update, {same} unchanged, {skip} skipped").format(
                new=self.plan.count(action.CREATE),
                upd=self.plan.count(action.UPDATE),
                same=self.plan.count(action.UNCHANGED),
                skip=self.plan.count(action.SKIP) + self.plan.count(action.PROBLEM),
            )
        )
        self.import_button.setEnabled(self.plan.writes)

    def apply(self) -> None:
        if self.plan is None:
            return
        try:
            self.summary = apply_calendar_import(self.db, self.client_id, self.plan)
        except KamdeskError as exc:
            self.preview.appendPlainText("\n" + str(exc))
            self.import_button.setEnabled(False)
            return
        self.sig_imported.emit(self.summary)
        self.accept()
