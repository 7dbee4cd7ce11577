"""The client's lists as tabs: finances and targets, plans, needs, competitors, complaints and
objections. Each is a ListEditor (edited in place, validated, undoable)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading
from kamdesk.core.account import editing
from kamdesk.core.model import labels
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database
from kamdesk.gui.widgets.listeditor import Column, ListEditor
from kamdesk.gui.widgets.recordform import ActionCommand


class ClientLists(QWidget):
    """One tab holding one or more list editors of the selected client, optionally with a line
    of figures above them.

    Signals:
        sig_changed(): something in these lists changed.
    """

    sig_changed = Signal()

    def __init__(
        self,
        editors: list[ListEditor],
        parent: QWidget | None = None,
        figures: Callable[[int], str] | None = None,
    ):
        super().__init__(parent)
        self.editors = editors
        self.client_id: int | None = None
        self._figures = figures
        layout = QVBoxLayout(self)
        self.figures = QLabel(self)
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.figures.setAccessibleName(self.tr("Key figures"))
        self.figures.setVisible(figures is not None)
        layout.addWidget(self.figures)
        if len(editors) == 1:
            layout.addWidget(editors[0])
        else:
            splitter = QSplitter(Qt.Orientation.Vertical, self)
            for editor in editors:
                splitter.addWidget(editor)
            layout.addWidget(splitter)
        for editor in editors:
            editor.sig_changed.connect(self._changed)

    def _changed(self) -> None:
        self._show_figures()
        self.sig_changed.emit()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        for editor in self.editors:
            editor.load(client_id)
        self._show_figures()

    def _show_figures(self) -> None:
        if self._figures is not None:
            self.figures.setText(
                self._figures(self.client_id) if self.client_id is not None else ""
            )


class NeedsTab(ClientLists):
    """The client's needs, and for the selected need the products of ours that answer it."""

    def __init__(
        self,
        editor: ListEditor,
        db: Database,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ):
        super().__init__([editor], parent)
        self.db, self.undo_stack = db, undo_stack
        self.products = QListWidget(self)
        self.products.setAccessibleName(self.tr("Products answering the selected need"))
        self.products.setMaximumHeight(160)
        layout = self.layout()
        assert layout is not None  # the base class laid out the editor
        layout.addWidget(QLabel(self.tr("Our products that answer the selected need:"), self))
        layout.addWidget(self.products)
        editor.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_products())
        self.products.itemChanged.connect(self._product_toggled)
        self._loading = False

    def set_client(self, client_id: int | None) -> None:
        super().set_client(client_id)
        self._show_products()

    def need_id(self) -> int | None:
        index = self.editors[0].view.currentIndex()
        rows = self.editors[0].model.rows
        return rows[index.row()].id if index.isValid() and index.row() < len(rows) else None

    def _show_products(self) -> None:
        self._loading = True
        self.products.clear()
        need = self.need_id()
        linked = set(editing.need_products(self.db, need)) if need is not None else set()
        for product in reading.products(self.db):
            item = QListWidgetItem(product.name)
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if product.id in linked else Qt.CheckState.Unchecked
            )
            self.products.addItem(item)
        self.products.setEnabled(need is not None)
        self._loading = False

    def _product_toggled(self, _item: QListWidgetItem) -> None:
        need = self.need_id()
        if self._loading or need is None:
            return
        new = [
            self.products.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.products.count())
            if self.products.item(i).checkState() == Qt.CheckState.Checked
        ]
        old = editing.need_products(self.db, need)

        def apply(ids: list[int]) -> None:
            editing.set_need_products(self.db, need, ids)

        self.undo_stack.push(
            ActionCommand(
                self.tr("Products of a need"),
                lambda: apply(new),
                lambda: apply(old),
                self._after_link,
            )
        )

    def _after_link(self) -> None:
        self._show_products()
        self.sig_changed.emit()


def _ask_period(parent: QWidget, what: str) -> str | None:
    text, ok = QInputDialog.getText(parent, what, parent.tr("Period (YYYY, YYYY-Qn or YYYY-MM):"))
    return text.strip() if ok and text.strip() else None


def _free_name(db: Database, model: Any, client_id: int, column: str, base: str) -> str:
    taken = {getattr(r, column) for r in editing.list_rows(db, model, client_id)}
    return (
        editing.unique_key(taken, base)
        if column == "key"
        else next(
            name for n in range(1, 1000) if (name := base if n == 1 else f"{base} {n}") not in taken
        )
    )


def build_tabs(db: Database, undo_stack: QUndoStack, parent: QWidget) -> dict[str, ClientLists]:
    tr = parent.tr

    def editor(model: Any, columns: list[Column], title: str, new_row: Any) -> ListEditor:
        return ListEditor(db, model, columns, title, undo_stack, new_row, parent)

    finances = editor(
        m.FinancialPeriod,
        [
            Column("period", tr("Period"), width=90),
            Column("client_revenue", tr("Client revenue"), "float", width=130),
            Column("our_sales", tr("Our sales"), "float", width=120),
            Column("our_income", tr("Our income"), "float", width=120),
            Column("receivables", tr("Receivables"), "float", width=120),
            Column("overdue", tr("Overdue"), "float"),
        ],
        tr("Financial periods"),
        lambda cid: (
            {"client_id": cid, "period": p}
            if (p := _ask_period(parent, tr("Add a period")))
            else None
        ),
    )
    targets = editor(
        m.SalesTarget,
        [
            Column("period", tr("Period"), width=90),
            Column("target", tr("Sales target"), "float"),
        ],
        tr("Sales targets"),
        lambda cid: (
            {"client_id": cid, "period": p, "target": 0.0}
            if (p := _ask_period(parent, tr("Add a target")))
            else None
        ),
    )
    plans = editor(
        m.Plan,
        [
            Column(
                "kind", tr("Kind"), "choice", tuple(labels.choices(labels.plan_kind)), width=150
            ),
            Column("text", tr("Plan")),
            Column("due", tr("Due"), "date", width=100),
            Column(
                "status",
                tr("Status"),
                "choice",
                tuple(labels.choices(labels.plan_status)),
                width=80,
            ),
        ],
        tr("Plans, goals and tenders"),
        lambda cid: {
            "client_id": cid,
            "kind": "account_goal",
            "text": tr("New plan"),
            "status": "open",
        },
    )
    needs = editor(
        m.Need,
        [
            Column("key", tr("Key"), width=80),
            Column("text", tr("Need")),
        ],
        tr("Client needs"),
        lambda cid: {
            "client_id": cid,
            "key": _free_name(db, m.Need, cid, "key", "need"),
            "text": tr("New need"),
        },
    )
    competitors = editor(
        m.Competitor,
        [
            Column("name", tr("Competitor"), width=180),
            Column("share_of_wallet", tr("Share of wallet (0–1)"), "float", width=150),
            Column("notes", tr("Notes")),
        ],
        tr("Competitors at the client"),
        lambda cid: {
            "client_id": cid,
            "name": _free_name(db, m.Competitor, cid, "name", tr("New competitor")),
        },
    )
    issues = editor(
        m.ClientIssue,
        [
            Column(
                "kind", tr("Kind"), "choice", tuple(labels.choices(labels.issue_kind)), width=100
            ),
            Column("text", tr("What they say")),
            Column(
                "raised_by_id",
                tr("Raised by"),
                "choice",
                width=170,
                choices_for=lambda cid: _people_choices(db, cid, tr("the client")),
            ),
            Column("response", tr("Our prepared response")),
            Column(
                "status",
                tr("Status"),
                "choice",
                tuple(labels.choices(labels.issue_status)),
                width=90,
            ),
        ],
        tr("Complaints and objections"),
        lambda cid: {
            "client_id": cid,
            "kind": "objection",
            "text": tr("New objection"),
            "status": "open",
        },
    )
    return {
        "finances": ClientLists([finances, targets], parent, lambda cid: finance_figures(db, cid)),
        "plans": ClientLists([plans], parent),
        "needs": NeedsTab(needs, db, undo_stack, parent),
        "competitors": ClientLists([competitors], parent),
        "issues": ClientLists([issues], parent),
    }


def finance_figures(db: Database, client_id: int) -> str:
    """Plan attainment per period, growth and money owed, in one line for the Finances tab."""
    from kamdesk.core.account import analytics

    figures = reading.finances(db, client_id)
    if figures is None:
        return ""
    client, financials, targets = figures.client, figures.periods, figures.targets
    parts = [
        f"{a.period}: {a.ratio * 100:.0f} % of target"
        for a in analytics.attainment(targets, financials)
        if a.ratio is not None
    ][-4:]
    for kind, label in (("year", "YoY"), ("quarter", "QoQ")):
        growth = analytics.growth(financials, kind)
        if growth and growth[-1].ratio is not None:
            parts.append(f"{label} {growth[-1].period}: {growth[-1].ratio * 100:+.1f} %")
    rec = analytics.receivables(client, financials)
    if rec is not None:
        limit = " — over the credit limit" if rec.over_limit else ""
        parts.append(
            f"receivables {rec.period}: {rec.receivables:,.0f}, overdue {rec.overdue:,.0f} "
            f"{client.currency or ''}{limit}"
        )
    return "   ·   ".join(parts) or "No targets or figures yet."


def _people_choices(db: Database, client_id: int, nobody: str) -> list[tuple[int | None, str]]:
    return [(None, nobody), *((p.id, p.name) for p in reading.people(db, client_id))]
