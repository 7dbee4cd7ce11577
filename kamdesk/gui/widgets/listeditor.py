"""Editing one of the client's lists (financial periods, targets, plans, competitors,
complaints and objections…) as a table, in place, with undo.

A cell is validated like the exchange format; a refused value is explained under the table and
not saved. Adding and deleting rows are undoable too (a deleted row comes back with its id).

The table behaves like a spreadsheet, and never moves or rewrites what the user is typing:
- Tab / Shift+Tab commit the cell and move to the next / previous cell (wrapping to the next
  or previous row); Enter commits and moves down; Escape drops the edit and keeps the old value.
  Moving opens no editor: typing on a cell replaces its value, F2 or a double-click edits it.
- A reload (after a save here, an autosave elsewhere, an undo) updates the rows in place and
  announces only the cells whose value changed, so an open editor keeps its text and its cell.
  A reload that adds, removes or reorders rows waits until the open editor is closed; the
  current cell then follows its row (by id), not its position.
- Ctrl+Z inside an open cell undoes the typing in that cell (the editor's own undo); once the
  cell is saved, Edit › Undo undoes the saved change.

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
from PySide6.QtGui import QKeyEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
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

from kamdesk.core.account import editing
from kamdesk.core.account.editing import FieldError
from kamdesk.core.errors import KamdeskError
from kamdesk.core.model.models import Table
from kamdesk.core.storage.db import Database

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
        model: type[Table],
        columns: Sequence[Column],
        on_edit: Callable[[int, str, Any, Any], bool],
        parent: Any = None,
    ):
        super().__init__(parent)
        self.db, self.model, self.columns, self.on_edit = db, model, list(columns), on_edit
        self.rows: list[Any] = []
        self.parent_id: int | None = None

    def fetch(self, parent_id: int | None) -> list[Any]:
        return editing.list_rows(self.db, self.model, parent_id) if parent_id is not None else []

    def same_rows(self, parent_id: int | None, rows: list[Any]) -> bool:
        """``rows`` are the rows shown now (same parent, same ids in the same order)."""
        return parent_id == self.parent_id and [r.id for r in rows] == [r.id for r in self.rows]

    def load(
        self,
        parent_id: int | None,
        rows: list[Any] | None = None,
        relabelled: Sequence[int] = (),
        keep: QModelIndex | None = None,
    ) -> None:
        """Show ``rows`` (read when not given) of ``parent_id``. The same rows are updated in
        place: only changed cells are announced (and the cells of ``relabelled`` columns, whose
        choice labels changed, except ``keep``), so an open editor elsewhere is left alone."""
        rows = self.fetch(parent_id) if rows is None else rows
        if not self.same_rows(parent_id, rows):
            self.beginResetModel()
            self.parent_id, self.rows = parent_id, rows
            self.endResetModel()
            return
        old, self.rows = self.rows, rows
        for i, (before, after) in enumerate(zip(old, rows, strict=True)):
            for j, column in enumerate(self.columns):
                changed = getattr(before, column.name) != getattr(after, column.name)
                index = self.index(i, j)
                if changed or (j in relabelled and index != keep):
                    self.dataChanged.emit(index, index)

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
        if self.db.readonly:  # a dossier on read-only media: shown, not edited
            return base
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


class SheetView(QTableView):
    """A table that moves like a spreadsheet (see the module's docstring). ``row_id`` and
    ``row_of`` map a row to its id and back, so a move follows the row, not its position.

    Signals:
        sig_editor_closed(): an editor closed (after its value was saved), before the move; the
            owner may reload the rows then.
    """

    sig_editor_closed = Signal()

    MOVES = {
        QAbstractItemDelegate.EndEditHint.EditNextItem: "next",
        QAbstractItemDelegate.EndEditHint.EditPreviousItem: "previous",
        QAbstractItemDelegate.EndEditHint.SubmitModelCache: "down",  # Enter / Return
    }

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.row_id: Callable[[int], int | None] = lambda _row: None
        self.row_of: Callable[[int], int | None] = lambda _row_id: None

    def editing(self) -> bool:
        return self.state() == QAbstractItemView.State.EditingState

    def open_editor(self) -> QWidget | None:
        return self.indexWidget(self.currentIndex()) if self.editing() else None

    def commit_editor(self) -> None:
        """Save and close the open editor, if any (before the rows change under it)."""
        editor = self.open_editor()
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def closeEditor(  # noqa: N802 - Qt API
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        current = self.currentIndex()
        row_id = self.row_id(current.row()) if current.isValid() else None
        move = self.MOVES.get(hint)
        # Qt would move by position and open the next editor with its text selected; the move
        # is made here instead, by row id, after any reload that waited for this editor
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if move else hint)
        self.sig_editor_closed.emit()
        if move is not None and row_id is not None:
            self.move_from(row_id, current.column(), move)

    def move_from(self, row_id: int, column: int, move: str) -> None:
        row = self.row_of(row_id)
        model = self.model()
        if row is None or model is None:
            return
        rows, columns = model.rowCount(), model.columnCount()
        if move == "down":
            row = min(row + 1, rows - 1)
        else:
            position = row * columns + column + (1 if move == "next" else -1)
            if 0 <= position < rows * columns:
                row, column = divmod(position, columns)
        self.setCurrentIndex(model.index(row, column))
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.editing()
            and self.currentIndex().isValid()
        ):
            current = self.currentIndex()
            row_id = self.row_id(current.row())
            if row_id is not None:
                self.move_from(row_id, current.column(), "down")
                return
        super().keyPressEvent(event)

    def selectRow(self, row: int) -> None:  # noqa: N802 - Qt API
        """Cells are selected one at a time: selecting a row makes its cell in the current
        column (else the first) current."""
        model = self.model()
        if model is not None and 0 <= row < model.rowCount():
            self.setCurrentIndex(model.index(row, max(0, self.currentIndex().column())))


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
        self, owner: Any, table: type[Table], values: dict[str, Any] | None, row_id: int | None
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
        model: type[Table],
        columns: Sequence[Column],
        title: str,
        undo_stack: QUndoStack,
        new_row: Callable[[int], dict[str, Any] | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.title, self.undo_stack, self.new_row = db, title, undo_stack, new_row
        self.model = ListModel(db, model, columns, self._edit, self)
        self._reload_waiting = False  # a reload that changes the rows waits for the open editor
        self.view = SheetView(self)
        self.view.setModel(self.model)
        self.view.row_id = self._row_id
        self.view.row_of = self._row_of
        self.view.sig_editor_closed.connect(self._editor_closed)
        self.view.setAccessibleName(title)
        # one cell at a time, as in a spreadsheet: the cell that typing changes is the one shown
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
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
        for button in (self.add_button, self.delete_button):
            button.setEnabled(not db.readonly)
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
        """Show the rows of ``parent_id``, keeping an open editor and the current cell."""
        if parent_id != self.model.parent_id:
            self.view.commit_editor()  # it belongs to the rows being left
        rows = self.model.fetch(parent_id)
        editing_now = self.view.editing()
        if editing_now and not self.model.same_rows(parent_id, rows):
            self._reload_waiting = True  # done when the editor closes (_editor_closed)
            return
        self._reload_waiting = False
        relabelled = []
        for i, column in enumerate(self.model.columns):
            if column.choices_for is not None and parent_id is not None:
                choices = tuple(column.choices_for(parent_id))
                if choices == tuple(column.choices):
                    continue
                if editing_now and self.view.currentIndex().column() == i:
                    self._reload_waiting = True  # its combo is open: new choices after it
                    continue
                fresh = Column(
                    column.name, column.label, "choice", choices, column.width, column.choices_for
                )
                self.model.columns[i] = fresh
                relabelled.append(i)
                self.view.setItemDelegateForColumn(i, _ChoiceDelegate(fresh.choices, self.view))
        current = self.view.currentIndex()
        row_id = self._row_id(current.row()) if current.isValid() else None
        changes_rows = not self.model.same_rows(parent_id, rows)
        self.model.load(parent_id, rows, relabelled, current if editing_now else None)
        if changes_rows:
            row = self._row_of(row_id) if row_id is not None else None
            if row is not None:
                self.view.setCurrentIndex(self.model.index(row, current.column()))
            self.error.hide()
        self.add_button.setEnabled(parent_id is not None and not self.db.readonly)
        self.delete_button.setEnabled(not self.db.readonly)
        self.view.resizeRowsToContents()

    def _editor_closed(self) -> None:
        if self._reload_waiting:
            self.load(self.model.parent_id)

    def _row_id(self, row: int) -> int | None:
        rows = self.model.rows
        return rows[row].id if 0 <= row < len(rows) else None

    def _row_of(self, row_id: int) -> int | None:
        return next((i for i, r in enumerate(self.model.rows) if r.id == row_id), None)

    def select(self, row_id: int | None = None, column: str | None = None) -> bool:
        """Make a cell current (the row ``row_id``, else the last one; the column ``column``,
        else the first) and put the focus on the table: where a checklist item sends the user.
        An empty list puts the focus on Add instead; a row not found returns False."""
        if not self.model.rows:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return row_id is None
        row = self._row_of(row_id) if row_id is not None else len(self.model.rows) - 1
        if row is None:
            return False
        names = [c.name for c in self.model.columns]
        index = self.model.index(row, names.index(column) if column in names else 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

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
