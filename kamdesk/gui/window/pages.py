"""The window's three pages (Home, Clients, Meetings) and what opens on them: the pages bar,
the meeting workspaces (opened once their context is read on the worker, closed with what is
typed saved), the portfolio-wide tabs (follow-ups, portfolio overview)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QWidget

from kamdesk.core import reading
from kamdesk.core.meeting.context import MeetingContext
from kamdesk.gui import operations
from kamdesk.gui.views.followups import FollowUpsView
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.views.portfolio import PortfolioView
from kamdesk.gui.window.base import WindowBase


class PagesMixin(WindowBase):
    """The pages, the meeting workspaces and the portfolio-wide tabs."""

    def _build_pages_bar(self) -> None:
        """Home, Clients and Meetings: a toolbar of three, Ctrl+1/2/3, and a Go menu."""
        bar = self.addToolBar(self.tr("Pages"))
        bar.setObjectName("pages")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        group = QActionGroup(self)
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        self.page_actions: list[QAction] = []
        names = (self.tr("&Home"), self.tr("&Clients"), self.tr("&Meetings"))
        tips = (
            self.tr("Your next meetings and whether each is ready; what is overdue"),
            self.tr("The portfolio and the selected client's dossier"),
            self.tr("The meetings you have open for preparation"),
        )
        for page, (name, tip) in enumerate(zip(names, tips, strict=True)):
            action = QAction(name, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{page + 1}"))
            action.setToolTip(f"{tip} ({action.shortcut().toString()})")
            action.triggered.connect(lambda _checked=False, page=page: self.show_page(page))
            group.addAction(action)
            bar.addAction(action)
            go_menu.addAction(action)
            self.page_actions.append(action)
        self.addActions(self.page_actions)
        self.page_actions[self.HOME].setChecked(True)
        self._count_workspaces(0)

    def show_page(self, page: int) -> None:
        """Show Home, Clients or Meetings; Home reads itself again when shown."""
        changed = self.pages.currentIndex() != page
        self.pages.setCurrentIndex(page)
        self.page_actions[page].setChecked(True)
        if page == self.HOME and (changed or self._home_stale):
            self._home_stale = False
            self.home.reload()
        elif page == self.MEETINGS and (ws := self.workspace_area.current()) is not None:
            ws.setFocus(Qt.FocusReason.OtherFocusReason)

    def _count_workspaces(self, count: int) -> None:
        action = self.page_actions[self.MEETINGS]
        action.setText(
            self.tr("&Meetings ({n})").format(n=count) if count else self.tr("&Meetings")
        )

    def open_meeting_soon(self, key: str) -> None:
        """Open the meeting's workspace once its context is read on the worker (what a click or
        Enter does: the read of a large client's history stays off the GUI thread)."""
        if key in self.workspaces:
            self.open_meeting(key)
            return
        if key in self._opening:  # a second Enter while it is being read
            return
        self._opening.add(key)
        db = self.db

        def opened(ctx: MeetingContext) -> None:
            self._opening.discard(key)
            self.open_meeting(key, ctx)

        def failed(exc: BaseException) -> None:
            self._opening.discard(key)
            operations.show_failure(self, self.tr("The meeting could not be opened"), exc)

        self.runner.run(lambda: reading.meeting_context(db, key), opened, failed)

    def open_meeting(self, key: str, ctx: MeetingContext | None = None) -> MeetingWorkspace:
        """The meeting's workspace on the Meetings page (opened once, shown again after);
        ``ctx``: the meeting as read already."""
        if key in self.workspaces:
            self.workspace_area.show_workspace(self.workspaces[key])
            self.show_page(self.MEETINGS)
            return self.workspaces[key]
        workspace = MeetingWorkspace(
            self.db,
            key,
            self.undo_stack,
            self.runner,
            self.workspace_tabs,
            current_settings=self.current_settings,
            clock=self.clock,
            ctx=ctx,
        )
        client_id = workspace.ctx.client.id  # its readiness shows in the portfolio too
        assert client_id is not None  # a stored client
        workspace.sig_changed.connect(
            lambda: self.sig_dossier_changed.emit(operations.Change.of([client_id], workspace))
        )
        # the workspace belongs to its client: its checklist opens that client's dossier
        workspace.sig_outside_target.connect(lambda target: self._outside_target(target, client_id))
        workspace.sig_changed.connect(lambda: self.workspace_area.name(workspace))
        self.workspaces[key] = workspace
        self.workspace_area.add(workspace)
        self.show_page(self.MEETINGS)
        return workspace

    def close_workspace(self, workspace: QWidget) -> None:
        """Close a meeting's workspace (what is being typed in it is saved first)."""
        if not isinstance(workspace, MeetingWorkspace):
            return
        workspace.flush()
        self.workspaces.pop(workspace.key, None)
        self.workspace_area.remove(workspace)
        workspace.deleteLater()

    def _close_current(self) -> None:
        """File › Close (Ctrl+W): the meeting in view on the Meetings page, else the
        portfolio-wide tab in view on the Clients page."""
        if self.pages.currentIndex() == self.MEETINGS:
            current = self.workspace_area.current()
            if current is not None:
                self.close_workspace(current)
        elif self.pages.currentIndex() == self.CLIENTS:
            self.close_tab(self.tabs.currentIndex())

    def close_tab(self, index: int) -> None:
        """Close a portfolio-wide tab (follow-ups, portfolio overview); the dossier's own tabs
        stay."""
        widget = self.tabs.widget(index)
        if widget is not None and widget in (self.follow_ups, self.portfolio_view):
            if widget is self.follow_ups:
                self.follow_ups = None
            else:
                self.portfolio_view = None
            self._stale_views.discard(widget)
            self.tabs.removeTab(index)
            widget.deleteLater()  # type: ignore[union-attr]  # it is one of the two, not None

    def _close_workspace_of(self, meeting_id: int) -> None:
        for key, workspace in list(self.workspaces.items()):
            if workspace.meeting_id == meeting_id:
                self.close_workspace(workspace)
                self.workspaces.pop(key, None)

    def _workspace_do(self, purpose: str) -> None:
        widget = (
            self.workspace_area.current() if self.pages.currentIndex() == self.MEETINGS else None
        )
        if widget is not None:
            widget.render_brief(purpose)
        else:
            self.statusBar().showMessage(self.tr("Open a meeting first."), 4000)

    def open_portfolio(self) -> PortfolioView:
        """The portfolio overview, in a tab of its own."""
        if self.portfolio_view is None:
            view = PortfolioView(
                self.db, self.runner, self.tabs, current_settings=self.current_settings
            )
            view.sig_open_client.connect(self._open_client_overview)
            self.portfolio_view = view
            index = self.tabs.addTab(view, self.tr("Portfolio overview"))
            self.tabs.setTabToolTip(index, self.portfolio_action.toolTip())
        self.show_page(self.CLIENTS)
        self.tabs.setCurrentWidget(self.portfolio_view)
        return self.portfolio_view

    def _open_client_overview(self, client_id: int) -> None:
        self.filter_clear()
        self.select_client_id(client_id)
        self.show_page(self.CLIENTS)
        self.tabs.setCurrentWidget(self.overview)

    def _open_client_key(self, client_key: str) -> None:
        """Home › a client needing attention: its dossier, on the Overview tab."""
        self._open_client_overview(reading.client_id(self.db, client_key))

    def open_follow_ups(self) -> FollowUpsView:
        """The portfolio's open action items, in a tab of their own."""
        if self.follow_ups is None:
            view = FollowUpsView(self.db, self.undo_stack, self.runner, self.tabs)
            view.sig_changed.connect(
                lambda cid: self.sig_dossier_changed.emit(operations.Change.of([cid], view))
            )
            view.sig_open.connect(self.show_notes_of)
            self.follow_ups = view
            index = self.tabs.addTab(view, self.tr("Follow-ups (all clients)"))
            self.tabs.setTabToolTip(index, self.tr("Open action items of every client"))
        self.show_page(self.CLIENTS)
        self.tabs.setCurrentWidget(self.follow_ups)
        return self.follow_ups

    def show_notes_of(self, client_id: int, meeting_id: int) -> None:
        """Select the client and show the notes of one of its meetings."""
        self.filter_clear()
        self.select_client_id(client_id)
        self.show_page(self.CLIENTS)
        self.tabs.setCurrentWidget(self.notes)
        self.notes.select_meeting(meeting_id)
