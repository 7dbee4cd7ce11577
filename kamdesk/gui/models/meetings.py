"""Table model of one client's meetings (the Meetings tab): when, title, readiness, score.

Fed with what ``core.reading.meetings_with_readiness`` computed on the worker (it loads every
meeting's context and runs the rules, too slow for the GUI thread on a large file); a meeting
already held has no readiness and reads "held".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kamdesk.core.meeting.readiness import Report
from kamdesk.core.model import models as m
from kamdesk.gui import style

MeetingKeyRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class MeetingsModel(QAbstractTableModel):
    WHEN, TITLE, STATE, SCORE = range(4)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.client_key: str | None = None  # whose meetings the rows are
        self._rows: list[tuple[m.Meeting, Report | None]] = []

    def set_rows(self, client_key: str | None, rows: list[tuple[m.Meeting, Report | None]]) -> None:
        self.beginResetModel()
        self.client_key, self._rows = client_key, rows
        self.endResetModel()

    def key(self, row: int) -> str:
        return self._rows[row][0].key

    def title(self, row: int) -> str:
        return self._rows[row][0].title

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else 4

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("When"), self.tr("Meeting"), self.tr("Readiness"), self.tr("Score"))[
            section
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        meeting, report = self._rows[index.row()]
        column = index.column()
        if role == MeetingKeyRole:
            return meeting.key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(meeting, report, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            return meeting.title
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            return style.status("muted" if report is None else "ok" if report.ready else "bad")
        return None

    def _text(self, meeting: m.Meeting, report: Report | None, column: int) -> str:
        if column == self.WHEN:
            start = meeting.starts_at
            return start.strftime("%Y-%m-%d %H:%M") if start else "—"
        if column == self.TITLE:
            return meeting.title
        if column == self.STATE:
            if report is None:
                return self.tr("held")
            if report.ready:
                return self.tr("ready")
            return self.tr("{n} to fix").format(n=len(report.blockers()))
        return "" if report is None else str(report.score)
