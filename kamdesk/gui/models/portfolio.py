"""Table model of the portfolio list: a thin adapter over ``core.queries.portfolio_rows``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from kamdesk.core.account.queries import ClientRow
from kamdesk.core.model import labels
from kamdesk.core.model.enums import Dependency

ClientKeyRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class PortfolioModel(QAbstractTableModel):
    COLUMNS = (
        "Client",
        "Income share",
        "Attainment",
        "Next meeting",
        "Readiness",
        "People",
        "VIP/KOL",
        "Industry",
    )

    def __init__(self, rows: list[ClientRow] | None = None, parent: Any = None):
        super().__init__(parent)
        self._rows: list[ClientRow] = rows or []
        # readiness of each next meeting, computed on the worker and filled in when known
        self._readiness: dict[str, tuple[bool, int]] = {}

    def set_rows(self, rows: list[ClientRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._readiness = {}
        self.endResetModel()

    def update_rows(self, rows: list[ClientRow]) -> None:
        """Replace the given clients' rows in place (no reset: selection and scroll stay)."""
        fresh = {row.key: row for row in rows}
        for i, row in enumerate(self._rows):
            if row.key in fresh:
                self._rows[i] = fresh[row.key]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))

    def next_meeting_keys(self) -> list[str]:
        return [row.next_meeting.key for row in self._rows if row.next_meeting is not None]

    def set_readiness(self, readiness: dict[str, tuple[bool, int]]) -> None:
        self._readiness.update(readiness)
        if self._rows:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self._rows) - 1, 4))

    def readiness(self, meeting_key: str) -> tuple[bool, int] | None:
        return self._readiness.get(meeting_key)

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
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.name
            if column == 1:
                if row.income_share is None:
                    return ""
                share = f"{row.income_share * 100:.1f} %"
                # the column names the level only once the client is key
                if row.dependency in (None, Dependency.BELOW):
                    return share
                return f"{share}  {labels.dependency_short().get(row.dependency, row.dependency)}"
            if column == 2:
                return (
                    ""
                    if row.attainment is None
                    else f"{row.attainment * 100:.0f} % ({row.attainment_period})"
                )
            if column == 3:
                meeting = row.next_meeting
                if meeting is None:
                    return ""
                when = meeting.starts_at.strftime("%Y-%m-%d %H:%M") if meeting.starts_at else "?"
                return f"{when}  {meeting.title}"
            if column == 4:  # the readiness of the next meeting, named by its day
                state = self.readiness(row.next_meeting.key) if row.next_meeting else None
                if state is None or row.next_meeting is None:
                    return ""
                start = row.next_meeting.starts_at
                day = QLocale().toString(QDate(start.date()), "d MMM") if start else "?"
                return (
                    self.tr("ready · {day}") if state[0] else self.tr("not ready · {day}")
                ).format(day=day)
            if column == 5:
                return row.stakeholders
            if column == 6:
                return row.vips
            if column == 7:
                return row.industry or ""
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 1 and row.dependency in ("critical", "mono_client"):
                return QColor("#c62828")
            if column == 4 and row.next_meeting is not None:
                state = self.readiness(row.next_meeting.key)
                if state is not None:
                    return QColor("#2e7d32") if state[0] else QColor("#c62828")
            if column == 2 and row.attainment is not None and row.attainment < 0.9:
                return QColor("#c62828")
        if role == Qt.ItemDataRole.ToolTipRole and column == 4 and row.next_meeting is not None:
            state = self.readiness(row.next_meeting.key)
            start = row.next_meeting.starts_at
            return self.tr("Next meeting: {title}, {when} · score {score}/100").format(
                title=row.next_meeting.title,
                when=start.strftime("%Y-%m-%d %H:%M") if start else "?",
                score=state[1] if state else "…",
            )
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return row.name  # whole, where the column is too narrow for it
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and row.dependency:
            return self.tr(
                "Share of our income from this client in the latest full year: {level}"
            ).format(level=labels.dependency().get(row.dependency, row.dependency))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 2, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
