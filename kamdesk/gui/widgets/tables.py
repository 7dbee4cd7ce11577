"""Small helpers over Qt's item tables, typed for what the views know to be there."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtWidgets import (
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
)

ROW_GAP = 4  # pixels between two wrapped rows, so each reads as one


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item at (``row``, ``column``), which the view has filled. Qt answers None for an
    empty cell; in our tables that is a programming error, so it is said here and not as an
    AttributeError a few lines later."""
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"no item at row {row}, column {column} of {table.objectName()!r}")
    return item


class WrappingDelegate(QStyledItemDelegate):
    """Rows as high as the text of ``columns`` wrapped to the column's width (the other
    columns keep one line, and their natural width). A tree asks its delegate for a row's size
    with no width, so word wrap alone gives one elided line: the width is given here (the
    column, less the row's indentation in the first column). The tree measures its rows again
    when a column is resized (``doItemsLayout``) for the new width to count."""

    def __init__(self, tree: QTreeView, columns: tuple[int, ...] = (0,)):
        super().__init__(tree)
        self.tree, self.columns = tree, columns

    def sizeHint(  # noqa: N802 - Qt's name
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if index.column() not in self.columns:
            return super().sizeHint(option, index)
        width = self.tree.columnWidth(index.column())
        if index.column() == 0:
            depth, parent = 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            levels = depth + (1 if self.tree.rootIsDecorated() else 0)
            width -= self.tree.indentation() * levels
        if width <= 0:
            return super().sizeHint(option, index)
        sized = QStyleOptionViewItem(option)
        sized.rect = QRect(0, 0, width, max(option.rect.height(), 1))
        hint = super().sizeHint(sized, index)
        return QSize(hint.width(), hint.height() + ROW_GAP)
