"""The main window, five pages (a toolbar and Ctrl+1…5 switch them): Home (the next
meetings across clients, overdue follow-ups, clients needing attention), Clients (the
portfolio list beside the selected client's dossier tabs), Meetings (each open meeting's
preparation workspace in a tab of its own, so the dossier's tabs are never pushed away),
Follow-ups and Portfolio (the portfolio-wide views, made when first shown).

Signals: declared in ``window/base.py`` (dossier saved, dossier changed); the window wires the portfolio, the meeting list, the workspaces and the
undo stack together in ``_connect_signals``.

Here: building the window, its menus, the wiring and its manners (closing, geometry, undo,
settings, the idle lock). Its parts are mixins in ``kamdesk/gui/window/`` (one module per
concern over ``base.py``, which declares what they share).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from kamdesk import __version__
from kamdesk.core import reading, settings
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations
from kamdesk.gui.operations import Runner
from kamdesk.gui.views.followups import FollowUpsView
from kamdesk.gui.views.home import HomeView
from kamdesk.gui.views.lists import build_tabs
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.views.notes import NotesView
from kamdesk.gui.views.overview import OverviewView
from kamdesk.gui.views.people import PeopleView
from kamdesk.gui.views.portfolio import PortfolioView
from kamdesk.gui.views.products import ProductsView
from kamdesk.gui.views.relmap import RelationshipMap
from kamdesk.gui.views.workspaces import WorkspaceArea
from kamdesk.gui.widgets.listeditor import SheetView
from kamdesk.gui.widgets.recordform import RecordForm
from kamdesk.gui.window.dossier import DossierMixin
from kamdesk.gui.window.jumps import JumpsMixin
from kamdesk.gui.window.pages import PagesMixin
from kamdesk.gui.window.portfolio_list import PortfolioListMixin
from kamdesk.gui.window.records import RecordsMixin
from kamdesk.gui.window.search import SearchMixin
from kamdesk.gui.window.transfers import TransfersMixin
from kamdesk.gui.workers import TaskRunner


class MainWindow(
    SearchMixin,
    PortfolioListMixin,
    DossierMixin,
    PagesMixin,
    JumpsMixin,
    RecordsMixin,
    TransfersMixin,
    QMainWindow,
):
    """The window: built and wired here, with its manners (closing, geometry, undo, the idle
    lock); its signals (``sig_dossier_saved``, ``sig_dossier_changed``), pages and shared
    widgets are declared in ``kamdesk/gui/window/base.py``, its parts in the mixins beside it."""

    def __init__(
        self,
        db: Database,
        runner: Runner | None = None,
        current_settings: Callable[[], settings.Settings] = settings.current,
        clock: Callable[[], dt.datetime] | None = None,
    ):
        super().__init__()
        self.db = db
        self.runner: Runner = runner or TaskRunner(self)
        # the settings, read once and again when the file changes; every view is handed this
        self.current_settings = current_settings
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.settings_path: Path | None = None  # where the settings dialog saves (None: default)
        self.undo_stack = QUndoStack(self)
        self.workspaces: dict[str, MeetingWorkspace] = {}
        self.follow_ups: FollowUpsView | None = None
        self.portfolio_view: PortfolioView | None = None
        # portfolio-wide tabs (follow-ups, overview) whose data changed since they were shown:
        # they reload when shown next, not on every autosave
        self._stale_views: set[QWidget] = set()
        self.shown_client_id: int | None = None
        self._loaded_tabs: set[QWidget] = set()
        self._home_stale = True  # Home reads itself when shown and after a change
        self._opening: set[str] = set()  # meetings whose context the worker is reading
        self.setWindowTitle(
            self.tr("kamdesk {version} — {path}").format(version=__version__, path=db.path.name)
        )
        self._build()
        self._connect_signals()
        self.reload()
        self._restore_geometry()

    # -- layout --

    def _build(self) -> None:
        left = self._build_portfolio_list()
        self._build_tabs()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([480, 860])
        self.splitter = splitter
        self.home = HomeView(
            self.db, self.runner, self, current_settings=self.current_settings, clock=self.clock
        )
        self.workspace_area = WorkspaceArea(self)
        self.workspace_tabs = self.workspace_area.tabs
        self.pages = QStackedWidget(self)
        for page in (self.home, splitter, self.workspace_area):  # HOME, CLIENTS, MEETINGS
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self._build_actions()
        self._build_pages_bar()
        self._show_mode()
        # the screen's width up to 1440 and most of its height, frame included: at 1366x768 a
        # taller window hid the status bar
        available = self.screen().availableGeometry()
        self.resize(min(1440, available.width() - 16), min(900, int(available.height() * 0.92)))

    def _build_tabs(self) -> None:
        """The dossier's own tabs (meeting workspaces open after them)."""
        self.tabs = QTabWidget(self)
        self.tabs.setTabsClosable(False)  # the dossier's own tabs stay
        self.tabs.setDocumentMode(True)
        prefs = self.current_settings
        self.overview = OverviewView(self.db, self.undo_stack, self.tabs, current_settings=prefs)
        self.people = PeopleView(
            self.db, self.undo_stack, self.runner, self.tabs, current_settings=prefs
        )
        self.lists = build_tabs(self.db, self.undo_stack, self.tabs)
        self.tabs.addTab(self.overview, self.tr("Overview"))
        self.meetings_page = self._build_meetings_page()
        self.tabs.addTab(self.meetings_page, self.tr("Meetings"))
        self.tabs.addTab(self.lists["finances"], self.tr("Finances"))
        self.tabs.addTab(self.lists["plans"], self.tr("Plans"))
        self.tabs.addTab(self.lists["needs"], self.tr("Needs"))
        self.products = ProductsView(self.db, self.undo_stack, self.tabs)
        self.tabs.addTab(self.products, self.tr("Products"))
        self.tabs.addTab(self.lists["competitors"], self.tr("Competitors"))
        self.tabs.addTab(self.lists["issues"], self.tr("Issues"))
        self.tabs.addTab(self.people, self.tr("People"))
        self.relmap = RelationshipMap(self.db, self.undo_stack, self.tabs)
        self.tabs.addTab(self.relmap, self.tr("Relationship map"))
        self.notes = NotesView(
            self.db, self.undo_stack, self.tabs, current_settings=prefs, clock=self.clock
        )
        self.tabs.addTab(self.notes, self.tr("Notes"))

    def _build_actions(self) -> None:
        """The menus and their shortcuts: File, Edit, Meeting and Portfolio (Go is the pages
        bar's), each action also on the window so that its shortcut works on every page."""
        self._build_file_menu()
        self._build_edit_menu()
        self._build_meeting_menu()
        self._build_portfolio_menu()
        self.addActions(
            [
                self.new_client_action,
                self.find_action,
                self.quit_action,
                self.undo_action,
                self.redo_action,
                self.print_action,
                self.close_tab_action,
                self.follow_ups_action,
                self.portfolio_action,
                self.dossier_action,
                self.settings_action,
            ]
        )

    def _build_file_menu(self) -> None:
        """File: new client, close, the imports, the dossier PDF, backups, quit."""
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # StandardKey.Quit is empty on Linux
        self.close_tab_action = QAction(self.tr("&Close meeting"), self)
        # every binding of the platform's Close (Ctrl+W and Ctrl+F4 here), not only the first
        self.close_tab_action.setShortcuts(QKeySequence.StandardKey.Close)
        self.new_client_action = QAction(self.tr("&New client…"), self)
        self.new_client_action.setShortcut(QKeySequence.StandardKey.New)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.new_client_action)
        file_menu.addAction(self.close_tab_action)
        file_menu.addSeparator()
        self.import_people_action = QAction(self.tr("Import &people (vCard, CSV)…"), self)
        self.import_people_action.setToolTip(
            self.tr("Bring the selected client's people in from contacts or CRM exports")
        )
        self.import_meetings_action = QAction(self.tr("Import &meetings (calendar .ics)…"), self)
        self.import_meetings_action.setToolTip(
            self.tr("Bring the selected client's meetings in from calendar invitations")
        )
        file_menu.addAction(self.import_people_action)
        file_menu.addAction(self.import_meetings_action)
        file_menu.addSeparator()
        self.dossier_action = QAction(self.tr("Save client &dossier (PDF)…"), self)
        self.dossier_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.dossier_action.setToolTip(
            self.tr("The selected client's whole dossier as a bookmarked PDF, to read or share")
        )
        file_menu.addAction(self.dossier_action)
        self.backups_action = QAction(self.tr("&Backups…"), self)  # list, back up now, restore
        self.backups_action.triggered.connect(self.show_backups)
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

    def _build_edit_menu(self) -> None:
        """Edit: undo and redo, find, our company, settings."""
        self.find_action = QAction(self.tr("&Find"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        # Edit › Undo undoes the last saved change; what is still being typed is saved first,
        # so it is that change. Ctrl+Z inside a text field or an open table cell never gets
        # here: the widget's own undo takes it (Qt gives text widgets the shortcut first).
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.undo_action.triggered.disconnect()  # the stack's own connection: see undo()
        self.undo_action.triggered.connect(self.undo)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        self.company_action = QAction(self.tr("Our &company…"), self)
        edit_menu.addAction(self.company_action)
        edit_menu.addSeparator()
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))  # Preferences is empty on Linux
        self.settings_action.setToolTip(
            self.tr("Your name, locale, readiness thresholds, exchange rates, backups, lock")
        )
        self.settings_action.triggered.connect(lambda: self.settings_dialog().exec())
        edit_menu.addAction(self.settings_action)

    def _build_meeting_menu(self) -> None:
        """Meeting: the brief of the meeting in view, previewed or printed."""
        self.print_action = QAction(self.tr("&Print brief…"), self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.preview_action = QAction(self.tr("Pre&view brief"), self)
        meeting_menu = self.menuBar().addMenu(self.tr("&Meeting"))
        meeting_menu.addAction(self.preview_action)
        meeting_menu.addAction(self.print_action)

    def _build_portfolio_menu(self) -> None:
        """Portfolio: the overview and every client's follow-ups."""
        self.follow_ups_action = QAction(self.tr("&Follow-ups"), self)
        self.follow_ups_action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.follow_ups_action.setToolTip(self.tr("Open action items of every client"))
        self.portfolio_action = QAction(self.tr("Portfolio &overview"), self)
        self.portfolio_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.portfolio_action.setToolTip(
            self.tr("Income concentration, plan, growth, overdue money and coverage per client")
        )
        portfolio_menu = self.menuBar().addMenu(self.tr("&Portfolio"))
        portfolio_menu.addAction(self.portfolio_action)
        portfolio_menu.addAction(self.follow_ups_action)
        self.portfolio_menu = portfolio_menu

    def _show_mode(self) -> None:
        """Read-only or saving as you type: the status bar says which, and read-only turns off
        what would write."""
        mode = (
            self.tr("read-only") if self.db.readonly else self.tr("changes are saved as you type")
        )
        if self.db.read_only_reason:  # opened read-only because the file cannot be changed
            mode = self.tr("read-only, editing is off: {reason}").format(
                reason=self.db.read_only_reason
            )
            self.setWindowTitle(self.tr("{title} (read-only)").format(title=self.windowTitle()))
        if self.db.readonly:
            for action in (
                self.new_client_action,
                self.import_people_action,
                self.import_meetings_action,
                self.company_action,
            ):
                action.setEnabled(False)
        if self.db.readonly:  # stays when other messages come and go
            self.read_only_label = QLabel(mode)
            self.statusBar().addPermanentWidget(self.read_only_label)
        # read-only: the permanent label says so; the message is the path alone
        self.statusBar().showMessage(
            str(self.db.path) if self.db.readonly else f"{self.db.path} · {mode}"
        )

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_timer.timeout.connect(self.run_search)
        self.hits.itemActivated.connect(self.open_hit)
        self.hits.itemClicked.connect(self.open_hit)
        self.find_action.triggered.connect(self._focus_search)
        self.quit_action.triggered.connect(self.close)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_client())
        self.meetings.activated.connect(
            lambda index: self.open_meeting_soon(self.meetings_model.key(index.row()))
        )
        self.meetings.doubleClicked.connect(
            lambda index: self.open_meeting_soon(self.meetings_model.key(index.row()))
        )
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(lambda index: self._load_tab(self.tabs.widget(index)))
        self.close_tab_action.triggered.connect(self._close_current)
        self.workspace_area.sig_close.connect(self.close_workspace)
        self.workspace_area.sig_count.connect(self._count_workspaces)
        self.home.sig_open_meeting.connect(self.open_meeting_soon)
        self.home.sig_open_client.connect(self._open_client_key)
        self.home.sig_open_notes.connect(self.show_notes_of)
        self.new_client_action.triggered.connect(self.ask_new_client)
        self.company_action.triggered.connect(lambda: self.company_dialog().exec())
        self.follow_ups_action.triggered.connect(self.open_follow_ups)
        self.import_people_action.triggered.connect(lambda: self.import_dialog("people").exec())
        self.import_meetings_action.triggered.connect(lambda: self.import_dialog("meetings").exec())
        self.portfolio_action.triggered.connect(self.open_portfolio)
        self.dossier_action.triggered.connect(self.ask_dossier)
        self.new_meeting_button.clicked.connect(self.ask_new_meeting)
        self.meetings.selectionModel().currentRowChanged.connect(lambda *_: self._meetings_state())
        self.delete_meeting_button.clicked.connect(self.ask_delete_meeting)
        # every edit anywhere becomes the one "dossier changed" signal, with its scope
        self.sig_dossier_changed.connect(self._dossier_changed_to)
        views: list[Any] = [self.people, self.relmap, self.notes, self.overview]
        for view in [*views, *self.lists.values()]:
            view.sig_changed.connect(lambda view=view: self._changed_in_shown_client(view))
        self.products.sig_changed.connect(lambda: self._dossier_changed(all_clients=True))
        self.relmap.sig_open_person.connect(self._open_person)
        self.print_action.triggered.connect(lambda: self._workspace_do("print"))
        self.preview_action.triggered.connect(lambda: self._workspace_do("preview"))

    def settings_dialog(self) -> QDialog:
        """Edit › Settings… (Ctrl+,): saved to the settings file, then used here at once."""
        from kamdesk.gui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(
            self.current_settings(), reading.currencies_in_use(self.db), self.settings_path, self
        )
        dialog.sig_saved.connect(self._settings_saved)
        return dialog

    def _settings_saved(self, prefs: settings.Settings) -> None:
        """New settings: the list's order, figures, readiness and every open workspace follow
        (each reads ``current_settings`` again, which sees the file changed)."""
        self.proxy.set_locale(prefs.locale)
        self.reload()
        self.sig_dossier_changed.emit(operations.Change(None))
        self._apply_idle_lock(prefs.lock_after_idle_min)

    def _apply_idle_lock(self, minutes: int) -> None:
        """A new idle time for an encrypted dossier's lock: 0 turns it off."""
        lock = getattr(self, "idle_lock", None)
        if lock is None:
            self.setup_idle_lock(minutes * 60_000)  # nothing unless encrypted and minutes > 0
        elif minutes <= 0:
            lock.stop()
            lock.deleteLater()
            del self.idle_lock
        else:
            lock.timer.setInterval(minutes * 60_000)
            if not lock.locked:
                lock.timer.start()

    # -- window manners --

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("mainwindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def show_backups(self) -> None:
        """File ▸ Backups…: the dossier's backups. A confirmed restore closes this window;
        ``run_app`` then restores the file and opens it again (kamdesk/gui/dialogs/backups.py)."""
        from kamdesk.gui.dialogs.backups import BackupsDialog

        dialog = BackupsDialog(self.db, self, self.runner, current_settings=self.current_settings)
        if dialog.exec() and dialog.restore_file is not None:
            self.close()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        # a search still waiting for its delay would run on a dossier closed by then, opening
        # a connection nobody closes
        self.search_timer.stop()
        self.flush_edits()
        self._closing = True
        self.runner.wait(60000)  # let a write under way finish
        QSettings().setValue("mainwindow/geometry", self.saveGeometry())
        if getattr(self, "idle_lock", None) is not None:
            self.idle_lock.stop()
        super().closeEvent(event)

    # -- idle lock of an encrypted dossier (kamdesk/gui/idlelock.py); set up by gui/app.py --

    def flush_edits(self) -> None:
        """Commit every edit still waiting: fields in their autosave delay (every form, the
        meeting workspaces) and an open table cell."""
        for view in self.findChildren(SheetView):
            view.commit_editor()
        for form in self.findChildren(RecordForm):
            form.flush()
        for workspace in self.workspaces.values():
            workspace.flush()

    def undo(self) -> None:
        """Edit › Undo: the last saved change, after saving what is still being typed."""
        self.flush_edits()
        self.undo_stack.undo()

    def setup_idle_lock(self, idle_ms: int | None = None) -> None:
        """Lock after idle time when the dossier is encrypted: ``idle_ms``, else the settings'
        ``lock_after_idle_min`` (0: never)."""
        from kamdesk.gui.idlelock import IdleLock

        if not self.db.encrypted:
            return
        if idle_ms is None:
            idle_ms = self.current_settings().lock_after_idle_min * 60_000
        if idle_ms > 0:
            self.idle_lock = IdleLock(
                self, self.db.path.name, self.db.check_passphrase, self.flush_edits, idle_ms
            )
