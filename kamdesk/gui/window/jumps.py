"""From a meeting's checklist to the dossier: the client of the meeting, then the tab and the
row or field an item points at."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kamdesk.gui.window.base import WindowBase


class JumpsMixin(WindowBase):
    """A checklist item's jump to what fixes it in the dossier."""

    # the kinds of target naming one row of a list tab ("need:12.text"), and the tab
    _ROW_TABS = {"need": "needs", "plan": "plans", "financial": "finances", "issue": "issues"}

    def _outside_target(self, target: str, client_id: int | None = None) -> None:
        """A checklist item of a meeting of ``client_id`` points at the dossier: show that
        client (whoever is selected in the list), then the tab and the row or field that
        fixes it. The message for a target not found names no internal id."""
        self.show_page(self.CLIENTS)
        if client_id is not None and not self._show_client_id(client_id):
            self.statusBar().showMessage(
                self.tr("The client of this meeting is no longer in the portfolio."), 8000
            )
            return
        kind, _, rest = target.partition(":") if ":" in target else ("", "", target)
        if kind in self._ROW_TABS:  # one row of a list: "need:12.text", "financial:3.period"
            row, _, column = rest.partition(".")
            tab = self.lists[self._ROW_TABS[kind]]
            self.tabs.setCurrentWidget(tab)
            if row.isdigit() and tab.editors[0].select(int(row), column):
                return
        elif kind == "stakeholder":
            person, _, column = rest.partition(".")
            self.tabs.setCurrentWidget(self.people)
            if self.people.select_person(person, column):
                return
        elif target.startswith("client."):
            column = target.split(".", 1)[1]
            if column == "financials":  # the latest period, to bring it up to date
                self.tabs.setCurrentWidget(self.lists["finances"])
                finances = self.lists["finances"].editors[0]
                rows = finances.model.rows
                latest = max(rows, key=lambda r: r.period).id if rows else None
                finances.select(latest, "period")
                return
            if column in ("needs", "plans"):
                self.tabs.setCurrentWidget(self.lists[column])
                editor = self.lists[column].editors[0]
                rows = editor.model.rows
                if column == "plans":  # the check is about the client's development plans
                    rows = [r for r in rows if r.kind == "client_development"] or rows
                editor.select(rows[0].id if rows else None, "text")
                return
            if column == "issues":  # none open: note the objections to expect, with Add
                self.tabs.setCurrentWidget(self.lists["issues"])
                self.lists["issues"].editors[0].add_button.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            if column == "stakeholders":
                self.tabs.setCurrentWidget(self.people)
                self.people.list.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            self.tabs.setCurrentWidget(self.overview)
            if self.overview.focus_field(column):
                return
        elif kind == "product":
            key, _, column = rest.partition(".")
            self.tabs.setCurrentWidget(self.products)
            if self.products.select_product(key, column):
                return
        self.statusBar().showMessage(
            self.tr("What this item points at is no longer in the dossier."), 8000
        )

    def _show_client_id(self, client_id: int) -> bool:
        """Select ``client_id`` in the portfolio list (clearing a filter that hides it)."""
        if self.shown_client_id == client_id:
            return True
        self.select_client_id(client_id)
        if self.shown_client_id != client_id:
            self.filter_clear()
            self.select_client_id(client_id)
        return self.shown_client_id == client_id
