"""Small helpers over Qt's item tables, typed for what the views know to be there."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item at (``row``, ``column``), which the view has filled. Qt answers None for an
    empty cell; in our tables that is a programming error, so it is said here and not as an
    AttributeError a few lines later."""
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"no item at row {row}, column {column} of {table.objectName()!r}")
    return item
