"""Forms that edit one database row in place: no save button.

Each field saves itself a moment after the last keystroke (debounce) through an undoable
command; a value the field cannot take is explained beside it, kept in the widget, and not
saved. ``RecordForm`` builds such fields for a row of any dossier table.

Signals:
    RecordForm.sig_changed(): a field of the row was saved, undone or redone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading
from kamdesk.core.account import editing
from kamdesk.core.account.editing import FieldError
from kamdesk.core.errors import KamdeskError
from kamdesk.core.model.models import Table
from kamdesk.core.storage.db import Database

DEBOUNCE_MS = 400
UNSET_QDATE = QDate(1900, 1, 1)


class ActionCommand(QUndoCommand):
    """An undoable action given as two callables (``do`` and ``undo``) plus ``after``, called
    after either. An error makes the command obsolete; it is kept in ``error`` for the caller."""

    def __init__(
        self,
        text: str,
        do: Callable[[], object],
        undo: Callable[[], object],
        after: Callable[[], None],
    ):
        super().__init__(text)
        self._do, self._undo, self._after = do, undo, after
        self.error: BaseException | None = None

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except KamdeskError as exc:
            self.error = exc
            self.setObsolete(True)
        self._after()

    def redo(self) -> None:
        self._run(self._do)

    def undo(self) -> None:
        self._run(self._undo)


class FieldCommand(ActionCommand):
    """Setting one value; undo sets the previous one. ``apply`` writes and may raise."""

    def __init__(
        self,
        text: str,
        apply: Callable[[Any], object],
        old: Any,
        new: Any,
        after: Callable[[], None],
    ):
        super().__init__(text, lambda: apply(new), lambda: apply(old), after)
        self.old, self.new = old, new


class Field(QObject):
    """One editable field: a widget, how to read/write it, its error label and its debounce."""

    def __init__(
        self,
        column: str,
        widget: QWidget,
        read: Callable[[], Any],
        write: Callable[[Any], None],
        changed: Any,
        on_commit: Callable[[Field], None],
        parent: QWidget,
    ):
        super().__init__(parent)
        self.column, self.widget, self.read, self.write = column, widget, read, write
        self.error = QLabel(parent)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(lambda: on_commit(self))
        changed.connect(self._changed)
        self.loading = False

    def _changed(self, *_args: Any) -> None:
        if not self.loading:
            self.timer.start()

    def show_value(self, value: Any, force: bool = False) -> None:
        """Show ``value``. A widget already showing it is left alone (unless ``force``): a
        reload after an autosave must not move the cursor or clear the field's own undo."""
        if not force and self.read() == value:
            return
        self.loading = True
        try:
            self.write(value)
        finally:
            self.loading = False

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.widget.setToolTip(message or "")


def add_field_row(
    layout: QFormLayout,
    owner: QWidget,
    column: str,
    label: str,
    widget: QWidget,
    read: Callable[[], Any],
    write: Callable[[Any], None],
    changed: Any,
    on_commit: Callable[[Field], None],
) -> Field:
    """A labelled row holding ``widget`` with its error line below it; returns its Field."""
    widget.setAccessibleName(label)
    widget.setObjectName(f"field_{column}")
    field = Field(column, widget, read, write, changed, on_commit, owner)
    db = getattr(owner, "db", None)
    if db is not None and db.readonly:  # a dossier on read-only media: shown, not edited
        if hasattr(widget, "setReadOnly"):  # text stays selectable and copyable
            widget.setReadOnly(True)
        else:
            widget.setEnabled(False)
    box = QVBoxLayout()
    box.setSpacing(1)
    box.addWidget(widget)
    box.addWidget(field.error)
    layout.addRow(label, box)
    return field


def _show_start(edit: QLineEdit, text: str) -> None:
    """Put ``text`` in ``edit`` with the cursor at its start, so a long value shows its start."""
    edit.setText(text)
    edit.setCursorPosition(0)


def text_or_none(text: str) -> str | None:
    return text if text.strip() else None


class RecordForm(QWidget):
    """Edits one row of ``model``; add fields with the ``add_*`` methods, then ``show_row``."""

    sig_changed = Signal()

    def __init__(
        self,
        db: Database,
        model: type[Table],
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.model, self.undo_stack = db, model, undo_stack
        self.row_id: int | None = None
        self.fields: dict[str, Field] = {}
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    # -- building --

    def _add(
        self,
        column: str,
        label: str,
        widget: QWidget,
        read: Callable[[], Any],
        write: Callable[[Any], None],
        changed: Any,
    ) -> QWidget:
        field = add_field_row(
            self.layout_, self, column, label, widget, read, write, changed, self.commit
        )
        self.fields[column] = field
        return widget

    def add_line(self, column: str, label: str) -> QLineEdit:
        edit = QLineEdit()
        self._add(
            column,
            label,
            edit,
            lambda: text_or_none(edit.text()) if column != "name" else edit.text(),
            lambda v: _show_start(edit, v or ""),
            edit.textEdited,
        )
        return edit

    def add_text(self, column: str, label: str, height: int = 70) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(height)
        self._add(
            column,
            label,
            edit,
            lambda: text_or_none(edit.toPlainText()),
            lambda v: edit.setPlainText(v or ""),
            edit.textChanged,
        )
        return edit

    def add_lines(self, column: str, label: str, height: int = 110) -> QPlainTextEdit:
        """A list of short texts, one per line (key facts, agenda…)."""
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(height)
        self._add(
            column,
            label,
            edit,
            lambda: [line.strip() for line in edit.toPlainText().splitlines() if line.strip()],
            lambda v: edit.setPlainText("\n".join(v or [])),
            edit.textChanged,
        )
        return edit

    def add_int(self, column: str, label: str, low: int, high: int, suffix: str = "") -> QSpinBox:
        """An optional whole number: the value below ``low`` means "not set"."""
        spin = QSpinBox()
        spin.setRange(low - 1, high)
        spin.setSpecialValueText(self.tr("not set"))
        if suffix:
            spin.setSuffix(" " + suffix)
        self._add(
            column,
            label,
            spin,
            lambda: None if spin.value() < low else spin.value(),
            lambda v: spin.setValue(low - 1 if v is None else int(v)),
            spin.valueChanged,
        )
        return spin

    def add_number(
        self, column: str, label: str, low: float, high: float, decimals: int = 2, suffix: str = ""
    ) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(low - 1, high)
        spin.setDecimals(decimals)
        spin.setSpecialValueText(self.tr("not set"))
        spin.setGroupSeparatorShown(True)
        if suffix:
            spin.setSuffix(" " + suffix)
        self._add(
            column,
            label,
            spin,
            lambda: None if spin.value() < low else spin.value(),
            lambda v: spin.setValue(low - 1 if v is None else float(v)),
            spin.valueChanged,
        )
        return spin

    def add_choice(
        self, column: str, label: str, choices: Sequence[tuple[str | None, str]]
    ) -> QComboBox:
        combo = QComboBox()
        for value, text in choices:
            combo.addItem(text, value)
        self._add(
            column,
            label,
            combo,
            combo.currentData,
            lambda v: combo.setCurrentIndex(max(0, combo.findData(v))),
            combo.activated,
        )
        return combo

    def add_bool(self, column: str, label: str) -> QCheckBox:
        box = QCheckBox()
        self._add(column, label, box, box.isChecked, lambda v: box.setChecked(bool(v)), box.toggled)
        return box

    def add_date(self, column: str, label: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(UNSET_QDATE)
        edit.setSpecialValueText(self.tr("not set"))

        def read() -> dt.date | None:
            value = edit.date()
            return (
                None if value == UNSET_QDATE else dt.date(value.year(), value.month(), value.day())
            )

        def write(value: dt.date | None) -> None:
            edit.setDate(
                UNSET_QDATE if value is None else QDate(value.year, value.month, value.day)
            )

        self._add(column, label, edit, read, write, edit.dateChanged)
        return edit

    # -- showing and saving --

    def show_row(self, row_id: int | None) -> None:
        for field in self.fields.values():
            if field.timer.isActive():  # leaving a row: save what was being typed
                field.timer.stop()
                self.commit(field)
        other_row = row_id != self.row_id
        self.row_id = row_id
        self.setEnabled(row_id is not None)
        if row_id is None:  # no row: empty fields, never the last row's values greyed out
            self._clear()
            return
        # another row: every widget is rewritten, so no field's undo reaches the previous row
        self.reload(force=other_row)

    def _clear(self) -> None:
        for field in self.fields.values():
            try:
                field.show_value(None, force=True)
            except (TypeError, ValueError):  # a widget that cannot show "nothing" keeps its value
                continue
            field.show_error(None)

    def reload(self, force: bool = False) -> None:
        if self.row_id is None:
            return
        row = reading.row(self.db, self.model, self.row_id)
        if row is None:
            self.row_id = None
            self.setEnabled(False)
            return
        for column, field in self.fields.items():
            if not field.timer.isActive():
                field.show_value(getattr(row, column), force)
                field.show_error(None)

    def commit(self, field: Field) -> None:
        if self.row_id is None:
            return
        row_id, column = self.row_id, field.column
        try:
            new = editing.validate(self.model, column, field.read())
        except FieldError as exc:
            field.show_error(exc.message)
            return
        old = editing.get_field(self.db, self.model, row_id, column)
        field.show_error(None)
        if new == old:
            return

        def apply(value: Any) -> None:
            editing.set_field(self.db, self.model, row_id, column, value)

        command = FieldCommand(
            self.tr("Edit {field}").format(field=field.widget.accessibleName()),
            apply,
            old,
            new,
            self._after_write,
        )
        self.undo_stack.push(command)
        if command.error is not None:
            field.show_error(str(command.error))
            QMessageBox.warning(self, self.tr("Not saved"), str(command.error))

    def _after_write(self) -> None:
        self.reload()
        self.sig_changed.emit()

    def flush(self) -> None:
        for field in self.fields.values():
            if field.timer.isActive():
                field.timer.stop()
                self.commit(field)
