"""Our products: what the KAM must know to answer on the spot (key facts, prepared answers,
when it was last reviewed). Shared by all clients.

Signals:
    sig_changed(): a product was added, edited or deleted (or that was undone).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading
from kamdesk.core.account import editing
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database
from kamdesk.gui.widgets.listeditor import Column, ListEditor
from kamdesk.gui.widgets.recordform import ActionCommand, RecordForm


class ProductsView(QWidget):
    sig_changed = Signal()

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.undo_stack = db, undo_stack
        tr = self.tr
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(left)
        self.list.setAccessibleName(tr("Products"))
        self.add_button = QPushButton(tr("Add product…"))
        self.delete_button = QPushButton(tr("Delete"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        left_layout.addWidget(self.list)
        left_layout.addLayout(buttons)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        self.form = RecordForm(db, m.Product, undo_stack, right)
        self.form.add_line("name", tr("Name"))
        self.form.add_text("summary", tr("Summary"))
        self.form.add_lines("key_facts", tr("Key facts (one per line)"))
        self.form.add_date("reviewed_on", tr("Last reviewed"))
        self.faqs = ListEditor(
            db,
            m.ProductFaq,
            [
                Column("question", tr("Likely question")),
                Column("answer", tr("Prepared answer")),
                # topic words: the carry brief prints an answer whose tag a meeting's need names
                Column("tags", tr("Tags (comma-separated)"), "tags", width=160),
            ],
            tr("Questions and answers"),
            undo_stack,
            lambda pid: {"product_id": pid, "question": tr("New question"), "answer": tr("Answer")},
            right,
        )
        scroll = QScrollArea(right)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.faqs, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([280, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.list.currentItemChanged.connect(lambda item, _prev: self._show(item))
        self.add_button.clicked.connect(self.ask_add)
        self.delete_button.clicked.connect(self.ask_delete)
        self.form.sig_changed.connect(self._edited)
        self.faqs.sig_changed.connect(self.sig_changed)
        self.refresh()

    def _show(self, item: QListWidgetItem | None) -> None:
        product_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.form.show_row(product_id)
        self.faqs.load(product_id)

    def refresh(self, select_id: int | None = None) -> None:
        current = self.list.currentItem()
        wanted = (
            select_id
            if select_id is not None
            else (current.data(Qt.ItemDataRole.UserRole) if current else None)
        )
        self.list.blockSignals(True)
        self.list.clear()
        for product in reading.products(self.db):
            item = QListWidgetItem(f"{product.name}  ({product.key})")
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = next(
            (
                i
                for i in range(self.list.count())
                if self.list.item(i).data(Qt.ItemDataRole.UserRole) == wanted
            ),
            0,
        )
        if self.list.count():
            self.list.setCurrentRow(row)
        self._show(self.list.currentItem())
        self.delete_button.setEnabled(self.list.count() > 0)

    def select_product(self, key: str, column: str | None = None) -> bool:
        product_id = reading.product_id(self.db, key)
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == product_id:
                self.list.setCurrentRow(i)
                field = self.form.fields.get(column or "")
                if field is not None:
                    field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
                elif column == "faqs":
                    self.faqs.view.setFocus()
                return True
        return False

    def _edited(self) -> None:
        self.refresh()
        self.sig_changed.emit()

    def ask_add(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add a product"), self.tr("Name:"))
        if ok and name.strip():
            self.add_product(name.strip())

    def add_product(self, name: str) -> None:
        state: dict[str, Any] = {}

        def do() -> None:
            if "snapshot" in state:
                editing.restore(self.db, state["snapshot"])
            else:
                state["id"] = editing.add_product(self.db, name)

        def undo() -> None:
            state["snapshot"] = editing.delete_product(self.db, state["id"])

        command = ActionCommand(
            self.tr("Add product {name}").format(name=name), do, undo, self._changed
        )
        self.undo_stack.push(command)
        if "id" in state:
            self.refresh(select_id=state["id"])

    def ask_delete(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete this product?"),
            self.tr(
                "Delete {name} with its answers and its links to needs and meetings? "
                "You can undo this (Ctrl+Z)."
            ).format(name=item.text()),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_product(item.data(Qt.ItemDataRole.UserRole))

    def delete_product(self, product_id: int) -> None:
        state: dict[str, Any] = {}

        def do() -> None:
            state["snapshot"] = editing.delete_product(self.db, product_id)

        def undo() -> None:
            editing.restore(self.db, state["snapshot"])

        self.undo_stack.push(ActionCommand(self.tr("Delete product"), do, undo, self._changed))

    def _changed(self) -> None:
        self.refresh()
        self.sig_changed.emit()
