"""Follow-ups across the portfolio: every open action item from every client's meeting notes,
overdue first, so nothing promised in a meeting is forgotten.

Signals:
    sig_changed(int): an item of this client was ticked done or reopened (or that was undone).
    sig_open(int, int): show this client's notes of this meeting (client id, meeting id).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading
from kamdesk.core.account import editing
from kamdesk.core.account.queries import FollowUp
from kamdesk.core.errors import KamdeskError
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations
from kamdesk.gui.models.followups import COLUMNS, FollowUpsModel
from kamdesk.gui.operations import Runner
from kamdesk.gui.widgets.recordform import ActionCommand
from kamdesk.gui.workers import SyncRunner

ACTION_COLUMN = COLUMNS.index("Action")
CAPPED_COLUMNS = tuple(COLUMNS.index(c) for c in ("Client", "Meeting", "Owner"))


class FollowUpsView(QWidget):
    sig_changed = Signal(int)
    sig_open = Signal(int, int)

    def __init__(
        self,
        db: Database,
        undo_stack: QUndoStack,
        runner: Runner | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.undo_stack = db, undo_stack
        self.runner: Runner = runner or SyncRunner()
        self.rows: list[FollowUp] = []
        self.today = dt.date.today()
        tr = self.tr
        self.summary = QLabel(self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(tr("Filter by client, action or owner"))
        self.filter.setAccessibleName(tr("Filter follow-ups"))
        self.filter.setClearButtonEnabled(True)
        self.show_done = QCheckBox(tr("Show done"), self)
        self.export_button = QPushButton(tr("Export CSV…"), self)
        self.export_button.setToolTip(tr("The follow-ups shown, as a spreadsheet file"))
        self.model = FollowUpsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Follow-ups"))
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # the action is what the list is for: it takes the room the others leave
        header.setSectionResizeMode(ACTION_COLUMN, QHeaderView.ResizeMode.Stretch)
        hint = QLabel(tr("Double-click an item to open the meeting's notes."), self)
        hint.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.show_done)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)

        self.filter.textChanged.connect(lambda _t: self._fill())
        self.show_done.toggled.connect(lambda _on: self.reload())
        self.model.sig_done_requested.connect(self._tick)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.export_button.clicked.connect(self.ask_export)
        self.reload()

    def reload(self) -> None:
        """Read the follow-ups again, on the runner; the list fills when they are read."""
        db, include_done = self.db, self.show_done.isChecked()

        def shown(rows: list[FollowUp]) -> None:
            self.today, self.rows = dt.date.today(), rows
            self._fill()

        operations.run(
            self,
            self.runner,
            lambda: reading.follow_ups(db, include_done=include_done),
            shown,
            failure_title=self.tr("The follow-ups could not be read"),
        )

    def visible_rows(self) -> list[FollowUp]:
        words = self.filter.text().casefold().split()
        if not words:
            return self.rows
        return [
            r
            for r in self.rows
            if all(
                w in f"{r.client_name} {r.meeting_title} {r.text} {r.owner or ''}".casefold()
                for w in words
            )
        ]

    def _fill(self) -> None:
        self.model.set_rows(self.visible_rows(), self.today)
        overdue = sum(1 for r in self.rows if r.days_overdue(self.today))
        open_items = sum(1 for r in self.rows if not r.done)
        self.summary.setText(
            self.tr("{open} open follow-ups, {overdue} overdue").format(
                open=open_items, overdue=overdue
            )
        )

        self._fit_columns()

    def _fit_columns(self) -> None:
        """Every column but the action as wide as its text, the client, meeting and owner at
        most a sixth of the table each (their whole text is the cell's tooltip), so the action
        column stays the widest."""
        header = self.table.horizontalHeader()
        most = max(90, self.width() // 6)
        for column in range(self.model.columnCount()):
            if column == ACTION_COLUMN:
                continue
            self.table.resizeColumnToContents(column)
            if column in CAPPED_COLUMNS:
                header.resizeSection(column, min(header.sectionSize(column), most))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_columns()

    def _tick(self, action_id: int, new: bool) -> None:
        row = next(r for r in self.rows if r.action_id == action_id)

        def apply(value: bool) -> None:
            editing.set_field(self.db, m.ActionItem, action_id, "done", value)

        def after() -> None:
            self.reload()
            self.sig_changed.emit(row.client_id)

        command = ActionCommand(
            self.tr("Follow-up done") if new else self.tr("Follow-up reopened"),
            lambda: apply(new),
            lambda: apply(row.done),
            after,
        )
        self.undo_stack.push(command)
        if command.error is not None:
            QMessageBox.warning(self, self.tr("Not saved"), str(command.error))

    def _open(self, table_row: int) -> None:
        row = self.model.rows[table_row]
        self.sig_open.emit(row.client_id, row.meeting_id)

    def ask_export(self) -> None:
        name, _chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export follow-ups"), "follow-ups.csv", "CSV (*.csv)"
        )
        if name:
            self.export(Path(name))

    def export(self, path: Path) -> None:
        """Write the follow-ups shown (filter applied) as CSV."""
        from kamdesk.core.files import write_atomically
        from kamdesk.core.interchange.csv_export import follow_ups_csv

        try:
            write_atomically(path, follow_ups_csv(self.visible_rows(), self.today))
        except KamdeskError as exc:
            QMessageBox.critical(self, self.tr("Not exported"), str(exc))
