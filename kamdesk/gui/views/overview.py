"""The client's profile and terms, edited in place, with the key figures above them.

Signals:
    sig_changed(): a field of the client was saved (or undone).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget
from sqlmodel import select

from kamdesk.core import analytics, settings
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.gui.widgets.recordform import RecordForm

LEVELS = [
    (None, "—"),
    ("company", "Company level"),
    ("director", "Sales-director level"),
    ("department", "Department level"),
]


class OverviewView(QWidget):
    sig_changed = Signal()

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
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
        form.add_choice("key_level", tr("Key at"), [(v, tr(t)) for v, t in LEVELS])
        form.add_text("reference_story", tr("Reference story (what we did for them)"))
        form.add_number("credit_limit", tr("Credit limit"), 0, 1e13, 0)
        form.add_int("payment_terms_days", tr("Payment terms"), 0, 3650, tr("days"))
        form.add_line("credit_rating", tr("Credit rating"))
        form.add_number("discount_standard_pct", tr("Standard discount"), 0, 100, 1, "%")
        form.add_number("discount_max_pct", tr("Maximum discount (policy)"), 0, 100, 1, "%")
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.addWidget(self.figures)
        layout.addWidget(scroll)
        form.sig_changed.connect(self._changed)

    def _changed(self) -> None:
        self._show_figures()
        self.sig_changed.emit()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.form.show_row(client_id)
        self._show_figures()

    def _show_figures(self) -> None:
        if self.client_id is None:
            self.figures.setText("")
            return
        prefs = settings.load()
        with self.db.session() as session:
            client = session.get(m.Client, self.client_id)
            financials = list(
                session.exec(
                    select(m.FinancialPeriod).where(m.FinancialPeriod.client_id == self.client_id)
                )
            )
            company = session.get(m.Company, 1)
        assert client is not None
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
        self.scroll.ensureWidgetVisible(field.widget)
        return True
