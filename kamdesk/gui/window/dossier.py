"""The selected client's dossier tabs: each loads the client once when shown, the Meetings
tab lists the client's meetings with their readiness, and an edit anywhere becomes the one
"dossier changed" signal that brings the tab in view (and, later, the others) up to date."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading
from kamdesk.core.meeting import readiness
from kamdesk.core.model import models as m
from kamdesk.gui import operations
from kamdesk.gui.models.meetings import MeetingsModel
from kamdesk.gui.window.base import WindowBase
from kamdesk.gui.workers import TaskHandle


class DossierMixin(WindowBase):
    """The dossier's tabs, the Meetings tab, and what a change brings up to date."""

    def _build_meetings_page(self) -> QWidget:
        """The Meetings tab: the shown client's meetings with their readiness."""
        meetings_page = QWidget(self.tabs)
        meetings_layout = QVBoxLayout(meetings_page)
        self.client_title = QLabel(meetings_page)
        font = self.client_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.client_title.setFont(font)
        self.meetings_model = MeetingsModel(self)
        self._meetings_task: TaskHandle | None = None
        self.meetings = QTableView(meetings_page)
        self.meetings.setModel(self.meetings_model)
        self.meetings.setAccessibleName(self.tr("Meetings of the client"))
        self.meetings.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.meetings.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.meetings.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.meetings.verticalHeader().hide()
        self.meetings.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hint = QLabel(meetings_page)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.meetings_hint = hint
        self.new_meeting_button = QPushButton(self.tr("New meeting…"), meetings_page)
        self.delete_meeting_button = QPushButton(self.tr("Delete meeting"), meetings_page)
        meeting_buttons = QHBoxLayout()
        meeting_buttons.addWidget(hint, 1)
        meeting_buttons.addWidget(self.new_meeting_button)
        meeting_buttons.addWidget(self.delete_meeting_button)
        meetings_layout.addWidget(self.client_title)
        meetings_layout.addWidget(self.meetings)
        meetings_layout.addLayout(meeting_buttons)
        return meetings_page

    def show_client(self) -> None:
        """Show the selected client: the visible tab loads it now, the others when shown."""
        key = self.current_client_key()
        self.shown_client_id = reading.client_id(self.db, key) if key is not None else None
        self._loaded_tabs = set()
        self._load_tab(self.tabs.currentWidget())

    def _tab_loaders(self) -> dict[QWidget, Any]:
        loaders: dict[QWidget, Any] = {
            self.overview: self.overview.set_client,
            self.people: self.people.set_client,
            self.relmap: self.relmap.set_client,
            self.notes: self.notes.set_client,
            self.meetings_page: lambda _cid: self._refresh_meetings(),
        }
        for tab in self.lists.values():
            loaders[tab] = tab.set_client
        return loaders

    def _load_tab(self, widget: QWidget | None) -> None:
        """Bring a dossier tab up to date with the selected client, once."""
        loader = self._tab_loaders().get(widget) if widget is not None else None
        if loader is not None and widget is not None and widget not in self._loaded_tabs:
            loader(self.shown_client_id)
            self._loaded_tabs.add(widget)

    def _open_person(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.people)
        self.people.select_person(key)

    def _dossier_changed(self, all_clients: bool = False) -> None:
        """An edit of the shown client (or, ``all_clients``, of our company or a product)."""
        if all_clients or self.shown_client_id is None:
            self.sig_dossier_changed.emit(operations.Change(None))
        else:
            self.sig_dossier_changed.emit(operations.Change.of([self.shown_client_id]))

    def _changed_in_shown_client(self, view: QWidget) -> None:
        self.sig_dossier_changed.emit(operations.Change.of([self.shown_client_id], view))

    def _dossier_changed_to(self, change: operations.Change) -> None:
        """Something in the dossier changed: readiness and figures may have changed. An edit of
        one client changes only its portfolio row; our company's figures or a product can
        change every row. The tab in view is brought up to date now, the others when they are
        shown next; open workspaces of the clients touched re-read their meeting (except the
        one that made the change: it shows it already)."""
        clients = None if change.clients is None else sorted(change.clients)
        # deferred: never touch the portfolio model from inside a selection or filter change
        QTimer.singleShot(0, lambda: self._refresh_portfolio(clients))
        current = self.tabs.currentWidget()
        self._invalidate_tabs()
        if current is self.relmap:
            self.relmap.rebuild()
        elif current is self.overview:
            self.overview.refresh_figures()
        elif current is self.meetings_page:
            self._refresh_meetings()
        for workspace in self.workspaces.values():
            if workspace is not change.origin and change.touches(workspace.ctx.client.id):
                workspace.reload()
        self._home_stale = True  # read again when shown (it is never in view while editing)

    def _invalidate_tabs(self) -> None:
        """Data changed: the dossier tabs and the portfolio-wide pages not in view reload when
        they are shown next."""
        self._loaded_tabs &= {self.tabs.currentWidget()}
        in_view = self.pages.currentWidget()
        self._stale_views = {
            view for view in (self.follow_ups, self.portfolio_view) if view not in (None, in_view)
        }

    def _refresh_meetings(self) -> None:
        """The Meetings tab of the shown client: its title now, the list with each meeting's
        readiness when the worker has computed it (a newer refresh supersedes an older one;
        another client's rows are cleared at once, never shown under this client's name)."""
        key = self.current_client_key()
        if self._meetings_task is not None:
            self._meetings_task.cancel()
            self._meetings_task = None
        if key != self.meetings_model.client_key:
            self.meetings_model.set_rows(None, [])
        if key is None:
            self.client_title.setText(self.tr("No client selected"))
            self._meetings_state()
            return
        client = reading.client(self.db, key)
        self.client_title.setText(client.name)
        client_id, db, prefs = client.id, self.db, self.current_settings()
        assert client_id is not None
        now = self.clock()

        def shown(rows: list[tuple[m.Meeting, readiness.Report | None]]) -> None:
            self._meetings_task = None
            self.meetings_model.set_rows(key, rows)
            self.meetings.resizeColumnToContents(MeetingsModel.WHEN)
            self._meetings_state()

        self._meetings_task = operations.run(
            self,
            self.runner,
            lambda: reading.meetings_with_readiness(db, client_id, prefs, now),
            shown,
            failure_title=self.tr("The meetings could not be listed"),
        )
        if self._meetings_task.finished:  # a synchronous runner has already shown them
            self._meetings_task = None

    def _meetings_state(self) -> None:
        """The Meetings tab's guidance and buttons for what it shows: nothing to delete, no
        delete; no meeting yet, how to add one."""
        has_client = self.current_client_key() is not None
        rows = self.meetings_model.rowCount()
        writable = not self.db.readonly
        self.new_meeting_button.setEnabled(has_client and writable)
        self.delete_meeting_button.setEnabled(
            writable and rows > 0 and self.meetings.currentIndex().isValid()
        )
        if not has_client:
            text = self.tr("Select a client on the left, or add one with File › New client.")
        elif not rows:
            text = self.tr(
                "No meetings yet. Plan one with New meeting…, or import invitations from a "
                "calendar (File › Import meetings)."
            )
        else:
            text = self.tr("Open a meeting (double-click or Enter) to prepare it.")
        self.meetings_hint.setText(text)

    def _meeting_key(self, row: int) -> str:
        return self.meetings_model.key(row)
