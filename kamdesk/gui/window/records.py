"""Adding and deleting clients and meetings, each an undoable command, and our company's
own figures."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
)

from kamdesk.core import reading
from kamdesk.core.account import editing
from kamdesk.core.model import models as m
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.widgets.recordform import ActionCommand, RecordForm
from kamdesk.gui.window.base import WindowBase


class RecordsMixin(WindowBase):
    """New and deleted clients and meetings (undoable), our company."""

    def current_client_id(self) -> int | None:
        return self.shown_client_id

    def ask_new_client(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New client"), self.tr("Name of the client:"))
        if ok and name.strip():
            self.new_client(name.strip())

    def new_client(self, name: str) -> None:
        state: dict[str, Any] = {}

        def do() -> None:
            if "snapshot" in state:
                editing.restore(self.db, state["snapshot"])
            else:
                state["id"] = editing.add_client(self.db, name)

        def undo() -> None:
            state["snapshot"] = editing.delete_client(self.db, state["id"])

        self._push(
            ActionCommand(self.tr("New client {name}").format(name=name), do, undo, self.reload)
        )
        if "id" in state:
            self.select_client_id(state["id"])

    def ask_new_meeting(self) -> None:
        if self.current_client_id() is None:
            return
        title, ok = QInputDialog.getText(
            self, self.tr("New meeting"), self.tr("Title of the meeting:")
        )
        if ok and title.strip():
            self.new_meeting(title.strip())

    def new_meeting(self, title: str) -> MeetingWorkspace | None:
        client_id = self.current_client_id()
        assert client_id is not None
        state: dict[str, Any] = {}

        def do() -> None:
            if "snapshot" in state:
                editing.restore(self.db, state["snapshot"])
            else:
                state["id"] = editing.add_meeting(self.db, client_id, title)

        def undo() -> None:
            self._close_workspace_of(state["id"])
            state["snapshot"] = editing.delete_meeting(self.db, state["id"])

        self._push(
            ActionCommand(
                self.tr("New meeting {title}").format(title=title), do, undo, self._refresh_meetings
            )
        )
        if "id" not in state:
            return None
        key = editing.get_field(self.db, m.Meeting, state["id"], "key")
        return self.open_meeting(key)

    def ask_delete_meeting(self) -> None:
        row = self.meetings.currentIndex().row()
        if row < 0:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete this meeting?"),
            self.tr(
                "Delete “{title}” with its preparation and notes? You can undo this (Ctrl+Z)."
            ).format(title=self.meetings_model.title(row)),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_meeting(self._meeting_key(row))

    def delete_meeting(self, key: str) -> None:
        meeting_id = reading.meeting_id(self.db, key)
        state: dict[str, Any] = {}

        def do() -> None:
            self._close_workspace_of(meeting_id)
            state["snapshot"] = editing.delete_meeting(self.db, meeting_id)

        def undo() -> None:
            editing.restore(self.db, state["snapshot"])

        self._push(ActionCommand(self.tr("Delete meeting"), do, undo, self._refresh_meetings))

    def _push(self, command: ActionCommand) -> None:
        self.undo_stack.push(command)
        if command.error is not None:
            QMessageBox.warning(self, self.tr("Not done"), str(command.error))

    def company_dialog(self) -> QDialog:
        """Our own figures (name, currency, annual income, key threshold): they drive every
        income share. Edited in place like the rest of the dossier."""
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Our company"))
        form = RecordForm(self.db, m.Company, self.undo_stack, dialog)
        form.add_line("name", self.tr("Name"))
        form.add_line("currency", self.tr("Currency (ISO code)"))
        form.add_number("annual_income", self.tr("Annual income"), 0, 1e13, 0)
        form.add_number("key_share_threshold", self.tr("Key client from a share of"), 0, 1, 3)
        form.show_row(editing.company_id(self.db))
        form.sig_changed.connect(lambda: self._dossier_changed(all_clients=True))
        note = QLabel(
            self.tr("Exchange rates for clients in other currencies: Edit › Settings… (Ctrl+,)."),
            dialog,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=dialog)
        buttons.rejected.connect(dialog.reject)
        buttons.rejected.connect(form.flush)
        layout = QVBoxLayout(dialog)
        layout.addWidget(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        dialog.form = form  # type: ignore[attr-defined]
        return dialog
