"""The live seven-mistakes checklist beside a meeting's form.

Signals:
    sig_target_activated(str): an item was activated; the argument names the field that fixes
        it (``meeting.travel_min``, ``stakeholder:sokolov.language``, ``client.history``…).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from kamdesk.core.meeting.readiness import MISTAKES, Level, Report

TargetRole = Qt.ItemDataRole.UserRole + 1
CheckIdRole = Qt.ItemDataRole.UserRole + 2

COLOURS = {Level.BLOCK: "#c62828", Level.WARN: "#d98200", Level.OK: "#2e7d32"}
MARKS = {Level.BLOCK: "✗", Level.WARN: "!", Level.OK: "✓"}


class ChecklistPanel(QWidget):
    sig_target_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.status = QLabel(self)
        self.status.setAccessibleName(self.tr("Readiness status"))
        font = self.status.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.status.setFont(font)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(self.tr("Seven-mistakes checklist"))
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.tree)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, TargetRole)
        if target:
            self.sig_target_activated.emit(target)

    def show_report(self, report: Report) -> None:
        expanded = {
            group.data(0, CheckIdRole) for group in _groups(self.tree) if group.isExpanded()
        }
        first = self.tree.topLevelItemCount() == 0
        self.tree.clear()
        colour = "#2e7d32" if report.ready else "#c62828"
        text = self.tr("READY") if report.ready else self.tr("NOT READY")
        self.status.setText(f'<span style="color:{colour}">{text}</span> · {report.score}/100')
        for number, checks in report.by_mistake().items():
            worst = (
                Level.BLOCK
                if any(c.level is Level.BLOCK for c in checks)
                else Level.WARN
                if any(c.level is Level.WARN for c in checks)
                else Level.OK
            )
            open_count = sum(1 for c in checks if c.level is not Level.OK)
            title = f"{MARKS[worst]}  {number}. {self.tr(MISTAKES[number])}"
            if open_count:
                title += f"  ({open_count})"
            group = QTreeWidgetItem([title])
            group.setData(0, CheckIdRole, f"mistake.{number}")
            group.setForeground(0, QBrush(QColor(COLOURS[worst])))
            bold = QFont(group.font(0))
            bold.setBold(True)
            group.setFont(0, bold)
            for check in sorted(
                checks, key=lambda c: [Level.BLOCK, Level.WARN, Level.OK].index(c.level)
            ):
                child = QTreeWidgetItem([f"{MARKS[check.level]}  {check.message}"])
                child.setForeground(0, QBrush(QColor(COLOURS[check.level])))
                child.setData(0, TargetRole, check.target)
                child.setData(0, CheckIdRole, check.id)
                child.setToolTip(0, check.message)
                group.addChild(child)
            self.tree.addTopLevelItem(group)
            group.setExpanded(
                worst is not Level.OK
                if first
                else f"mistake.{number}" in expanded or worst is Level.BLOCK
            )
        # why the score is what it is: one line per mistake ("+14 of 14 · 6 Bad manners: …")
        why = QTreeWidgetItem([self.tr("Why {score}/100").format(score=report.score)])
        why.setData(0, CheckIdRole, "score")
        for line in report.score_lines():
            child = QTreeWidgetItem([str(line)])
            child.setData(0, CheckIdRole, f"score.{line.mistake}")
            child.setToolTip(0, str(line))
            why.addChild(child)
        self.tree.addTopLevelItem(why)
        why.setExpanded("score" in expanded)

    def item_for(self, check_id: str) -> QTreeWidgetItem | None:
        for group in _groups(self.tree):
            for j in range(group.childCount()):
                child = group.child(j)
                if child is not None and child.data(0, CheckIdRole) == check_id:
                    return child
        return None


def _groups(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    """The tree's top-level items (one per mistake)."""
    items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item for item in items if item is not None]
