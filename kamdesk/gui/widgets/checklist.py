"""The live seven-mistakes checklist beside a meeting's form: a checklist that leads.

The headline says what to do and by when ("3 things to fix before Tuesday 10:00", "Ready for
Tuesday 10:00"; core.meeting.readiness.headline), the score only a line below it. Then every
blocker, each in full (wrapped, never cut off), then every warning, then what passes, folded
into one collapsed group per mistake, and last why the score is what it is. Activating a
blocker or a warning (or a passing line) jumps to the field or row that fixes it.

Signals:
    sig_target_activated(str): an item was activated; the argument names the field that fixes
        it (``meeting.travel_min``, ``stakeholder:sokolov.language``, ``need:12.text``…).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core.meeting.readiness import Check, Headline, Level, Report, mistake_title
from kamdesk.gui.widgets.tables import WrappingDelegate

TargetRole = Qt.ItemDataRole.UserRole + 1
CheckIdRole = Qt.ItemDataRole.UserRole + 2

COLOURS = {Level.BLOCK: "#c62828", Level.WARN: "#b06800", Level.OK: "#2e7d32"}
ICONS = {
    Level.BLOCK: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Level.WARN: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Level.OK: QStyle.StandardPixmap.SP_DialogApplyButton,
}


class ChecklistPanel(QWidget):
    sig_target_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Readiness status"))
        font = self.status.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.status.setFont(font)
        self.detail = QLabel(self)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(self.tr("Readiness details"))
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(self.tr("Seven-mistakes checklist"))
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(False)
        # each line whole: wrapped to the panel's width, never elided, never scrolled sideways
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.tree.header().setStretchLastSection(True)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.detail)
        layout.addWidget(self.tree)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        # the wrapped rows take their height from the column's width: lay them out again
        self.tree.header().sectionResized.connect(lambda *_: self.tree.doItemsLayout())

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, TargetRole)
        if target:
            self.sig_target_activated.emit(target)

    def show_report(self, report: Report, headline: Headline) -> None:
        """Show a report under its headline; groups the user opened stay open."""
        expanded = {
            group.data(0, CheckIdRole) for group in _groups(self.tree) if group.isExpanded()
        }
        self.tree.clear()
        self.status.setText(headline.text)
        colour = COLOURS[Level.OK] if headline.ready else COLOURS[Level.BLOCK]
        self.status.setStyleSheet(f"color: {colour}")
        self.detail.setText(headline.detail)
        for level in (Level.BLOCK, Level.WARN):
            for check in (c for c in report.checks if c.level is level):
                self.tree.addTopLevelItem(self._line(check))
        for number, checks in report.by_mistake().items():
            passing = [c for c in checks if c.level is Level.OK]
            if not passing:
                continue
            title = self.tr("{mistake}. {title}: {n} passing").format(
                mistake=number, title=mistake_title(number), n=len(passing)
            )
            group = QTreeWidgetItem([title])
            group.setData(0, CheckIdRole, f"mistake.{number}")
            group.setForeground(0, QBrush(QColor(COLOURS[Level.OK])))
            group.setIcon(0, self.style().standardIcon(ICONS[Level.OK]))
            for check in passing:
                group.addChild(self._line(check))
            self.tree.addTopLevelItem(group)
            group.setExpanded(f"mistake.{number}" in expanded)
        # why the score is what it is: one line per mistake ("+14 of 14 · 6 Bad manners: …")
        why = QTreeWidgetItem([self.tr("Why {score}/100").format(score=report.score)])
        why.setData(0, CheckIdRole, "score")
        bold = QFont(why.font(0))
        bold.setBold(True)
        why.setFont(0, bold)
        for line in report.score_lines():
            child = QTreeWidgetItem([str(line)])
            child.setData(0, CheckIdRole, f"score.{line.mistake}")
            why.addChild(child)
        self.tree.addTopLevelItem(why)
        why.setExpanded("score" in expanded)

    def _line(self, check: Check) -> QTreeWidgetItem:
        """One check: its whole message, its level by colour and icon, its mistake in the tip."""
        item = QTreeWidgetItem([check.message])
        item.setForeground(0, QBrush(QColor(COLOURS[check.level])))
        item.setIcon(0, self.style().standardIcon(ICONS[check.level]))
        item.setData(0, TargetRole, check.target)
        item.setData(0, CheckIdRole, check.id)
        said = {
            Level.BLOCK: self.tr("To fix: {message}"),
            Level.WARN: self.tr("To consider: {message}"),
            Level.OK: self.tr("Passes: {message}"),
        }[check.level]
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, said.format(message=check.message))
        item.setToolTip(
            0,
            self.tr("{n}. {mistake}").format(n=check.mistake, mistake=mistake_title(check.mistake)),
        )
        return item

    def items(self) -> list[QTreeWidgetItem]:
        """Every line of a check, in the order shown (blockers, warnings, then each group's)."""
        found: list[QTreeWidgetItem] = []
        for top in _groups(self.tree):
            if top.data(0, CheckIdRole) == "score":
                continue
            if top.childCount() == 0:
                found.append(top)
            found.extend(
                child for j in range(top.childCount()) if (child := top.child(j)) is not None
            )
        return found

    def item_for(self, check_id: str) -> QTreeWidgetItem | None:
        return next((i for i in self.items() if i.data(0, CheckIdRole) == check_id), None)


def _groups(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    """The tree's top-level items (blockers, warnings, a group per mistake, the score)."""
    items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item for item in items if item is not None]
