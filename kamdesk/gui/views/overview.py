"""The client's profile and terms, edited in place, with the key figures above them.

Signals:
    sig_changed(): a field of the client was saved (or undone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading, settings
from kamdesk.core.account import analytics, editing
from kamdesk.core.errors import KamdeskError
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.model.enums import KeyReason
from kamdesk.core.storage.db import Database
from kamdesk.gui.widgets.recordform import ActionCommand, RecordForm


class OverviewView(QWidget):
    sig_changed = Signal()

    def __init__(
        self,
        db: Database,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        *,
        current_settings: Callable[[], settings.Settings] = settings.current,
    ):
        super().__init__(parent)
        self.db = db
        self.current_settings = current_settings  # the window's settings, read when needed
        self.client_id: int | None = None
        tr = self.tr
        self.figures = QLabel(self)
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.figures.setWordWrap(True)
        self.figures.setAccessibleName(tr("Key figures"))
        form = RecordForm(db, m.Client, undo_stack, self)
        self.form = form
        form.add_line("name", tr("Name"))
        form.add_line("industry", tr("Industry"))
        form.add_line("website", tr("Website"))
        form.add_line("address", tr("Address"))
        form.add_line("currency", tr("Currency"))
        form.add_text("what_they_do", tr("What they do"))
        form.add_text("history", tr("History"))
        form.add_line("size", tr("Size"))
        form.add_text("market_position", tr("Market position"))
        form.add_choice("key_level", tr("Key at"), labels.choices(labels.key_level))
        form.add_text("reference_story", tr("Reference story (what we did for them)"))
        form.add_number("credit_limit", tr("Credit limit"), 0, 1e13, 0)
        form.add_int("payment_terms_days", tr("Payment terms"), 0, 3650, tr("days"))
        form.add_line("credit_rating", tr("Credit rating"))
        form.add_number("discount_standard_pct", tr("Standard discount"), 0, 100, 1, "%")
        form.add_number("discount_max_pct", tr("Maximum discount (policy)"), 0, 100, 1, "%")
        self.undo_stack = undo_stack
        reasons = QGroupBox(tr("Why this client is key"), self)
        reasons_layout = QGridLayout(reasons)
        self.reasons: dict[str, QCheckBox] = {}
        self.reason_notes: dict[str, QLineEdit] = {}
        reason_labels = labels.key_reason()
        for i, reason in enumerate(KeyReason):
            value, text = reason.value, reason_labels[reason]
            box = QCheckBox(text, reasons)
            box.setAccessibleName(text)
            box.clicked.connect(lambda _checked: self._reasons_changed())
            note = QLineEdit(reasons)
            note.setPlaceholderText(
                tr("Computed from the financials; add a comment if you like")
                if value == "income_share"
                else tr("Why it applies: what, who, since when")
            )
            note.setAccessibleName(tr("Why: {reason}").format(reason=text))
            note.editingFinished.connect(lambda v=value: self._note_changed(v))
            box.setEnabled(not db.readonly)  # a dossier on read-only media
            note.setReadOnly(db.readonly)
            reasons_layout.addWidget(box, i, 0)
            reasons_layout.addWidget(note, i, 1)
            self.reasons[value] = box
            self.reason_notes[value] = note
        self.reason_error = QLabel(reasons)
        self.reason_error.setStyleSheet("color: #c62828;")
        self.reason_error.hide()
        reasons_layout.addWidget(self.reason_error, len(KeyReason), 0, 1, 2)
        reasons_layout.setColumnStretch(1, 1)
        host = QWidget(self)
        host_layout = QVBoxLayout(host)
        host_layout.addWidget(reasons)
        host_layout.addWidget(form)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        self.scroll_area = scroll
        layout = QVBoxLayout(self)
        layout.addWidget(self.figures)
        layout.addWidget(scroll)
        form.sig_changed.connect(self._changed)

    def _changed(self) -> None:
        self.refresh_figures()
        self.sig_changed.emit()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.form.show_row(client_id)
        self._show_reasons()
        self.refresh_figures()

    def _show_reasons(self) -> None:
        current = (
            set(editing.key_reasons(self.db, self.client_id))
            if self.client_id is not None
            else set()
        )
        notes = (
            editing.key_reason_notes(self.db, self.client_id) if self.client_id is not None else {}
        )
        for value, box in self.reasons.items():
            box.setChecked(value in current)
            box.setEnabled(self.client_id is not None and not self.db.readonly)
            self.reason_notes[value].setText(notes.get(value, ""))
            self.reason_notes[value].setCursorPosition(0)
            self.reason_notes[value].setEnabled(value in current)
        self.reason_error.hide()

    def _note_changed(self, reason: str) -> None:
        client_id = self.client_id
        if client_id is None:
            return
        new = self.reason_notes[reason].text().strip() or None
        old = editing.key_reason_notes(self.db, client_id).get(reason)
        if new == old:
            return
        try:
            editing.validate(m.ClientKeyReason, "note", new)
        except KamdeskError as exc:
            self.reason_error.setText(str(exc))
            self.reason_error.show()
            return
        self.undo_stack.push(
            ActionCommand(
                self.tr("Why key: note"),
                lambda: editing.set_key_reason_note(self.db, client_id, reason, new),
                lambda: editing.set_key_reason_note(self.db, client_id, reason, old),
                self._after_reasons,
            )
        )

    def _reasons_changed(self) -> None:
        client_id = self.client_id
        if client_id is None:
            return
        new = [value for value, box in self.reasons.items() if box.isChecked()]
        old = editing.key_reasons(self.db, client_id)
        old_notes = editing.key_reason_notes(self.db, client_id)

        def apply(reasons: list[str]) -> None:
            editing.set_key_reasons(self.db, client_id, reasons)
            for reason, note in old_notes.items():  # unticking and undoing keeps the note
                if reason in reasons:
                    editing.set_key_reason_note(self.db, client_id, reason, note)

        self.undo_stack.push(
            ActionCommand(
                self.tr("Key reasons"), lambda: apply(new), lambda: apply(old), self._after_reasons
            )
        )

    def _after_reasons(self) -> None:
        self._show_reasons()
        self.sig_changed.emit()

    def refresh_figures(self) -> None:
        if self.client_id is None:
            self.figures.setText("")
            return
        prefs = self.current_settings()
        figures = reading.finances(self.db, self.client_id)
        assert figures is not None
        client, financials, company = figures.client, figures.periods, figures.company
        share = analytics.income_share(
            client, financials, company, prefs.exchange_rates, dt.date.today()
        )
        rec = analytics.receivables(client, financials)
        parts = []
        if share.share is not None:
            level = share.level.value.replace("_", " ") if share.level else ""
            parts.append(
                self.tr("Income share {year}: {pct:.1f} % ({level})").format(
                    year=share.year, pct=share.share * 100, level=level
                )
            )
        elif share.problem:
            parts.append(self.tr("Income share: {why}").format(why=share.problem))
        if rec is not None:
            parts.append(
                self.tr("Overdue {period}: {amount:,.0f} {cur}").format(
                    period=rec.period, amount=rec.overdue, cur=client.currency or ""
                )
            )
        self.figures.setText("   ·   ".join(parts))

    def focus_field(self, column: str) -> bool:
        field = self.form.fields.get(column)
        if field is None:
            return False
        field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.ensureWidgetVisible(field.widget)
        return True
