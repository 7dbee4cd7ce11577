"""Editing one of the client's lists (financial periods, targets, plans, competitors,
complaints and objections…) as a table, in place, with undo.

A cell is validated like the exchange format; a refused value is explained under the table and
not saved. Adding and deleting rows are undoable too (a deleted row comes back with its id).

Signals:
    ListEditor.sig_changed(): a row was edited, added or deleted (or that was undone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import SQLModel

from kamdesk.core import editing
from kamdesk.core.db import Database
from kamdesk.core.editing import FieldError
from kamdesk.core.errors import KamdeskError

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "text"  # text | int | float | date | bool | choice | tags (a list, comma-separated)
    choices: Sequence[tuple[Any, str]] = field(default_factory=tuple)
    width: int | None = None
    # choices that depend on the parent (e.g. the client's people), asked on every load
    choices_for: Callable[[int], Sequence[tuple[Any, str]]] | None = None


class ListModel(QAbstractTableModel):
    """Rows of ``model`` belonging to one parent; edits go through ``on_edit``."""

    def __init__(
        self,
        db: Database,
        model: type[SQLModel],
        columns: Sequence[Column],
        on_edit: Callable[[int, str, Any, Any], bool],
        parent: Any = None,
    ):
        super().__init__(parent)
        self.db, self.model, self.columns, self.on_edit = db, model, list(columns), on_edit
        self.rows: list[Any] = []
        self.parent_id: int | None = None

    def load(self, parent_id: int | None) -> None:
        self.beginResetModel()
        self.parent_id = parent_id
        self.rows = (
            editing.list_rows(self.db, self.model, parent_id) if parent_id is not None else []
        )
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802 - Qt API
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].label
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].kind == "bool":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = getattr(self.rows[index.row()], column.name)
        if column.kind == "bool":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            return None
        if column.kind == "tags" and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
        ):
            return ", ".join(value or [])
        if role == Qt.ItemDataRole.EditRole:
            if column.kind == "date":
                return QDate(value.year, value.month, value.day) if value else QDate.currentDate()
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            if column.kind == "choice":
                return dict(column.choices).get(value, value)
            if column.kind == "float":
                return f"{value:,.2f}".rstrip("0").rstrip(".")
            if column.kind == "date":
                return value.isoformat()
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("int", "float"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        row = self.rows[index.row()]
        if column.kind == "bool" and role == Qt.ItemDataRole.CheckStateRole:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        value = _convert(column, value)
        old = getattr(row, column.name)
        if value == old:
            return False
        return self.on_edit(row.id, column.name, old, value)


def _convert(column: Column, value: Any) -> Any:
    if isinstance(value, QDate):
        return dt.date(value.year(), value.month(), value.day()) if value.isValid() else None
    if isinstance(value, str):
        text = value.strip()
        if column.kind == "tags":
            return [tag.strip() for tag in text.split(",") if tag.strip()]
        if column.kind in ("int", "float") and text:
            try:
                number = float(text.replace(" ", "").replace(",", ""))
            except ValueError:
                return value  # let validation explain it
            return int(number) if column.kind == "int" and number.is_integer() else number
        if not text and column.kind != "text":
            return None
        return value
    return value


class _ChoiceDelegate(QStyledItemDelegate):
    def __init__(self, choices: Sequence[tuple[str | None, str]], parent: Any = None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        for value, text in self.choices:
            combo.addItem(text, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class _Edit(QUndoCommand):
    def __init__(self, editor: ListEditor, row_id: int, column: str, old: Any, new: Any):
        super().__init__(editor.tr("Edit {what}").format(what=editor.title))
        self.editor, self.row_id, self.column, self.old, self.new = editor, row_id, column, old, new
        self.error: KamdeskError | None = None

    def _do(self, value: Any) -> None:
        try:
            editing.set_field(
                self.editor.db, self.editor.model.model, self.row_id, self.column, value
            )
        except KamdeskError as exc:
            self.error = exc
            self.setObsolete(True)
        self.editor.refresh()

    def redo(self) -> None:
        self._do(self.new)

    def undo(self) -> None:
        self._do(self.old)


class AddOrDeleteRow(QUndoCommand):
    """Add (values given) or delete (row id given) a row of ``table``; undo does the opposite.
    ``owner`` has ``db``, ``title`` and ``refresh()`` (called after each change)."""

    def __init__(
        self, owner: Any, table: type[SQLModel], values: dict[str, Any] | None, row_id: int | None
    ):
        text = owner.tr("Add to {what}") if values is not None else owner.tr("Delete from {what}")
        super().__init__(text.format(what=owner.title))
        self.editor, self.table, self.values, self.row_id = owner, table, values, row_id
        self.snapshot: editing.Snapshot | None = None
        self.adding = values is not None
        self.error: KamdeskError | None = None

    def _insert(self) -> None:
        if self.snapshot is not None:
            editing.restore(self.editor.db, self.snapshot)
        else:
            assert self.values is not None
            self.row_id = editing.add_row(self.editor.db, self.table, self.values)

    def _remove(self) -> None:
        assert self.row_id is not None
        self.snapshot = editing.delete_row(self.editor.db, self.table, self.row_id)

    def redo(self) -> None:
        try:
            self._insert() if self.adding else self._remove()
        except KamdeskError as exc:
            self.error = exc
            self.setObsolete(True)
        self.editor.refresh()

    def undo(self) -> None:
        self._remove() if self.adding else self._insert()
        self.editor.refresh()


class ListEditor(QWidget):
    sig_changed = Signal()

    def __init__(
        self,
        db: Database,
        model: type[SQLModel],
        columns: Sequence[Column],
        title: str,
        undo_stack: QUndoStack,
        new_row: Callable[[int], dict[str, Any] | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.title, self.undo_stack, self.new_row = db, title, undo_stack, new_row
        self.model = ListModel(db, model, columns, self._edit, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(title)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setWordWrap(True)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        for i, column in enumerate(columns):
            if column.kind == "choice":
                self.view.setItemDelegateForColumn(i, _ChoiceDelegate(column.choices, self.view))
            if column.width:
                header.resizeSection(i, column.width)
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.add_button = QPushButton(self.tr("Add"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.add_button.setAccessibleName(self.tr("Add to {what}").format(what=title))
        self.delete_button.setAccessibleName(self.tr("Delete from {what}").format(what=title))
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(f"<b>{title}</b>"))
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.view)
        layout.addWidget(self.error)
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.ask_delete)

    def load(self, parent_id: int | None) -> None:
        for i, column in enumerate(self.model.columns):
            if column.choices_for is not None and parent_id is not None:
                fresh = Column(
                    column.name,
                    column.label,
                    "choice",
                    tuple(column.choices_for(parent_id)),
                    column.width,
                    column.choices_for,
                )
                self.model.columns[i] = fresh
                self.view.setItemDelegateForColumn(i, _ChoiceDelegate(fresh.choices, self.view))
        self.model.load(parent_id)
        self.error.hide()
        self.add_button.setEnabled(parent_id is not None)
        self.view.resizeRowsToContents()

    def refresh(self) -> None:
        self.load(self.model.parent_id)
        self.sig_changed.emit()

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def _edit(self, row_id: int, column: str, old: Any, new: Any) -> bool:
        try:
            editing.validate(self.model.model, column, new)
        except FieldError as exc:
            label = next(c.label for c in self.model.columns if c.name == column)
            self.show_error(f"{label}: {exc.message}")
            return False
        command = _Edit(self, row_id, column, old, new)
        self.undo_stack.push(command)
        if command.error is not None:
            self.show_error(str(command.error))
            return False
        self.show_error(None)
        return True

    def add(self) -> None:
        if self.model.parent_id is None:
            return
        values = self.new_row(self.model.parent_id)
        if values is None:
            return
        command = AddOrDeleteRow(self, self.model.model, values, None)
        self.undo_stack.push(command)
        if command.error is not None:
            self.show_error(str(command.error))

    def ask_delete(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete this entry?"),
            self.tr("Delete the selected entry? You can undo this (Ctrl+Z)."),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_row(self.model.rows[index.row()].id)

    def delete_row(self, row_id: int) -> None:
        self.undo_stack.push(AddOrDeleteRow(self, self.model.model, None, row_id))
