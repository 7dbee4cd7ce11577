"""Table model of the portfolio's follow-ups (the Follow-ups tab): due, client, meeting,
action, owner, and a Done box.

Ticking Done does not write: the model says which item the user ticked
(``sig_done_requested``) and the view turns that into an undoable command, so every write
goes through the editing API and the undo stack.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kamdesk.core.account.queries import FollowUp

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
OVERDUE = QColor("#b71c1c")
COLUMNS = ("Due", "Client", "Meeting", "Action", "Owner", "Done")
DONE_COLUMN = COLUMNS.index("Done")
ActionIdRole = Qt.ItemDataRole.UserRole


class FollowUpsModel(QAbstractTableModel):
    sig_done_requested = Signal(int, bool)  # action item id, ticked

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[FollowUp] = []
        self.today = dt.date.min

    def set_rows(self, rows: list[FollowUp], today: dt.date) -> None:
        self.beginResetModel()
        self.rows, self.today = rows, today
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.isValid() and index.column() == DONE_COLUMN:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == ActionIdRole:
            return row.action_id
        if column == DONE_COLUMN:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if row.done else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return self.tr("Done")
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and row.days_overdue(self.today):
            return QBrush(OVERDUE)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != DONE_COLUMN:
            return False
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        row = self.rows[index.row()]
        if ticked != row.done:
            self.sig_done_requested.emit(row.action_id, ticked)
        return True

    def _text(self, row: FollowUp, column: int) -> str:
        if column == 0:
            late = row.days_overdue(self.today)
            due = row.due.isoformat() if row.due else self.tr("no date")
            return self.tr("{date} · {n} d overdue").format(date=due, n=late) if late else due
        return (row.client_name, row.meeting_title, row.text, row.owner or "")[column - 1]
