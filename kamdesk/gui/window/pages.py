"""The window's pages (Home, Clients, Meetings, Follow-ups, Portfolio) and what opens on
them: the pages bar, the meeting workspaces (opened once their context is read on the worker,
closed with what is typed saved), the portfolio-wide views (made when first shown, read again
when shown after a change)."""

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
        """Home, Clients, Meetings, Follow-ups and Portfolio: a toolbar, Ctrl+1…5, a Go menu."""
        bar = self.addToolBar(self.tr("Pages"))
        bar.setObjectName("pages")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        group = QActionGroup(self)
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        self.page_actions: list[QAction] = []
        names = (
            self.tr("&Home"),
            self.tr("&Clients"),
            self.tr("&Meetings"),
            self.tr("&Follow-ups"),
            self.tr("&Portfolio"),
        )
        tips = (
            self.tr("Your next meetings and whether each is ready; what is overdue"),
            self.tr("The portfolio and the selected client's dossier"),
            self.tr("The meetings you have open for preparation"),
            self.tr("Open action items of every client"),
            self.tr("Income concentration, plan, growth, overdue money and coverage per client"),
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
        """Show a page; Home reads itself again when shown, Follow-ups and Portfolio are made
        when first shown (and read again when shown after a change)."""
        if page == self.FOLLOW_UPS:
            self.open_follow_ups()
            return
        if page == self.PORTFOLIO:
            self.open_portfolio()
            return
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
        """File › Close (Ctrl+W): the meeting in view on the Meetings page."""
        if self.pages.currentIndex() == self.MEETINGS:
            current = self.workspace_area.current()
            if current is not None:
                self.close_workspace(current)

    def close_tab(self, index: int) -> None:
        """The dossier's own tabs cannot be closed (the portfolio-wide views are pages of their
        own: nothing opens among the dossier's tabs any more)."""

    def _show_view_page(self, view: QWidget, page: int) -> None:
        """A portfolio-wide view as the page in view, read again if the dossier changed since
        it was last shown."""
        if self.pages.indexOf(view) < 0:
            self.pages.addWidget(view)
        self.pages.setCurrentWidget(view)
        self.page_actions[page].setChecked(True)
        if view in self._stale_views:
            self._stale_views.discard(view)
            view.reload()  # type: ignore[attr-defined]  # FollowUpsView or PortfolioView

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
        """The portfolio overview, on a page of its own (Ctrl+5)."""
        if self.portfolio_view is None:
            view = PortfolioView(
                self.db, self.runner, self.pages, current_settings=self.current_settings
            )
            view.sig_open_client.connect(self._open_client_overview)
            self.portfolio_view = view
        self._show_view_page(self.portfolio_view, self.PORTFOLIO)
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
        """The portfolio's open action items, on a page of their own (Ctrl+4)."""
        if self.follow_ups is None:
            view = FollowUpsView(self.db, self.undo_stack, self.runner, self.pages)
            view.sig_changed.connect(
                lambda cid: self.sig_dossier_changed.emit(operations.Change.of([cid], view))
            )
            view.sig_open.connect(self.show_notes_of)
            self.follow_ups = view
        self._show_view_page(self.follow_ups, self.FOLLOW_UPS)
        return self.follow_ups

    def show_notes_of(self, client_id: int, meeting_id: int) -> None:
        """Select the client and show the notes of one of its meetings."""
        self.filter_clear()
        self.select_client_id(client_id)
        self.show_page(self.CLIENTS)
        self.tabs.setCurrentWidget(self.notes)
        self.notes.select_meeting(meeting_id)
