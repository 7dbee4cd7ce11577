"""Files in and out of the dossier: the people and calendar imports into the selected client,
and the client's dossier saved as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox

from kamdesk.core import reading
from kamdesk.core.filenames import file_name
from kamdesk.gui import operations, saving
from kamdesk.gui.window.base import WindowBase


class TransfersMixin(WindowBase):
    """Imports into the selected client and the dossier's PDF."""

    def import_dialog(self, kind: str, path: Any = None) -> QDialog:
        """The import dialog for the selected client's people or meetings (a vCard/CSV or a
        calendar file). Importing refreshes the dossier; nothing is written before Import."""
        client_id = self.current_client_id()
        if client_id is None:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("Import"),
                self.tr("Select the client to import into first."),
                parent=self,
            )
            return box
        dialog: Any
        if kind == "people":
            from kamdesk.gui.dialogs.import_people import ImportPeopleDialog

            dialog = ImportPeopleDialog(self.db, client_id, path, self)
        else:
            from kamdesk.gui.dialogs.import_calendar import ImportCalendarDialog

            dialog = ImportCalendarDialog(self.db, client_id, path, self)
        dialog.sig_imported.connect(lambda _summary: self._imported())
        return dialog

    def _imported(self) -> None:
        self._dossier_changed()
        self._loaded_tabs = set()
        self._load_tab(self.tabs.currentWidget())
        self._refresh_meetings()

    def ask_dossier(self) -> None:
        """File › Save client dossier: where it goes first, then the render."""
        key = self.current_client_key()
        if key is None:
            self.statusBar().showMessage(self.tr("Select a client first."), 4000)
            return
        name = reading.client_name(self.db, key) or key
        path = saving.ask_path(
            self,
            self.tr("Save the client dossier"),
            file_name([name, self.tr("dossier")], "pdf"),
            "PDF (*.pdf)",
        )
        if path is not None:
            self.save_dossier(key, path)

    def save_dossier(self, client_key: str, path: Path) -> None:
        """Build the dossier's HTML on the worker, make the PDF in the render process, and
        write it atomically, behind a busy dialog that can abandon it; the status bar then
        says where it went ("Open", "Show in folder")."""
        db, prefs = self.db, self.current_settings()
        self.dossier_action.setEnabled(False)
        name = reading.client_name(db, client_key) or client_key

        def html() -> str:
            return reading.dossier_html(db, client_key, prefs)

        def done(written: Path) -> None:
            self.dossier_action.setEnabled(True)
            self.sig_dossier_saved.emit(str(written))

        def failed(exc: BaseException) -> None:
            self.dossier_action.setEnabled(True)
            operations.show_failure(self, self.tr("The dossier could not be made"), exc)

        self.dossier_task, self.dossier_progress = saving.save_pdf(
            self,
            self.runner,
            html,
            path,
            label=self.tr("Making the dossier of {client}…").format(client=name),
            on_saved=done,
            on_failed=failed,
            on_cancelled=lambda: self.dossier_action.setEnabled(True),
        )
