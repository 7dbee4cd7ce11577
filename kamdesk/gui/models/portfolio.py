"""Table model of the portfolio list: a thin adapter over ``core.queries.portfolio_rows``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kamdesk.core.queries import ClientRow

ClientKeyRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class PortfolioModel(QAbstractTableModel):
    COLUMNS = ("Client", "Industry", "People", "VIP/KOL", "Next meeting")

    def __init__(self, rows: list[ClientRow] | None = None, parent: Any = None):
        super().__init__(parent)
        self._rows: list[ClientRow] = rows or []

    def set_rows(self, rows: list[ClientRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802 - Qt API
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == ClientKeyRole:
            return row.key
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return row.name
            if column == 1:
                return row.industry or ""
            if column == 2:
                return row.stakeholders
            if column == 3:
                return row.vips
            if column == 4:
                meeting = row.next_meeting
                if meeting is None:
                    return ""
                when = meeting.starts_at.strftime("%Y-%m-%d %H:%M") if meeting.starts_at else "?"
                return f"{when}  {meeting.title}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
