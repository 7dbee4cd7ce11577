"""The client's lists as tabs: finances and targets, plans, needs, competitors, complaints and
objections. Each is a ListEditor (edited in place, validated, undoable)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QSplitter, QVBoxLayout, QWidget

from kamdesk.core import editing
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.gui.widgets.listeditor import Column, ListEditor

PLAN_KINDS = (
    ("client_development", "Client development"),
    ("account_goal", "Our account goal"),
    ("tender", "Tender"),
)
PLAN_STATUS = (("open", "Open"), ("done", "Done"))
ISSUE_KINDS = (("complaint", "Complaint"), ("objection", "Objection"))
ISSUE_STATUS = (("open", "Open"), ("resolved", "Resolved"))


class ClientLists(QWidget):
    """One tab holding one or more list editors of the selected client.

    Signals:
        sig_changed(): something in these lists changed.
    """

    sig_changed = Signal()

    def __init__(self, editors: list[ListEditor], parent: QWidget | None = None):
        super().__init__(parent)
        self.editors = editors
        layout = QVBoxLayout(self)
        if len(editors) == 1:
            layout.addWidget(editors[0])
        else:
            splitter = QSplitter(Qt.Orientation.Vertical, self)
            for editor in editors:
                splitter.addWidget(editor)
            layout.addWidget(splitter)
        for editor in editors:
            editor.sig_changed.connect(self.sig_changed)

    def set_client(self, client_id: int | None) -> None:
        for editor in self.editors:
            editor.load(client_id)


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
                "kind", tr("Kind"), "choice", tuple((v, tr(t)) for v, t in PLAN_KINDS), width=150
            ),
            Column("text", tr("Plan")),
            Column("due", tr("Due"), "date", width=100),
            Column(
                "status",
                tr("Status"),
                "choice",
                tuple((v, tr(t)) for v, t in PLAN_STATUS),
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
                "kind", tr("Kind"), "choice", tuple((v, tr(t)) for v, t in ISSUE_KINDS), width=100
            ),
            Column("text", tr("What they say")),
            Column("response", tr("Our prepared response")),
            Column(
                "status",
                tr("Status"),
                "choice",
                tuple((v, tr(t)) for v, t in ISSUE_STATUS),
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
        "finances": ClientLists([finances, targets], parent),
        "plans": ClientLists([plans], parent),
        "needs": ClientLists([needs], parent),
        "competitors": ClientLists([competitors], parent),
        "issues": ClientLists([issues], parent),
    }
