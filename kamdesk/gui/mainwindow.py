"""The main window, three pages (a toolbar and Ctrl+1/2/3 switch them): Home (the next
meetings across clients, overdue follow-ups, clients needing attention), Clients (the
portfolio list beside the selected client's dossier tabs) and Meetings (each open meeting's
preparation workspace in a tab of its own, so the dossier's tabs are never pushed away).

Signals: none of its own; it wires the portfolio, the meeting list, the workspaces and the
undo stack together in ``_connect_signals``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QRegularExpression,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk import __version__
from kamdesk.core import reading, settings
from kamdesk.core.account import editing
from kamdesk.core.filenames import file_name
from kamdesk.core.meeting import readiness
from kamdesk.core.meeting.context import MeetingContext
from kamdesk.core.model import models as m
from kamdesk.core.storage import search
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations, saving
from kamdesk.gui.models.collating import CollatingProxy
from kamdesk.gui.models.meetings import MeetingsModel
from kamdesk.gui.models.portfolio import ClientKeyRole, PortfolioModel
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
from kamdesk.gui.widgets.recordform import ActionCommand, RecordForm
from kamdesk.gui.workers import TaskHandle, TaskRunner


class MainWindow(QMainWindow):
    sig_dossier_saved = Signal(str)  # the path of a dossier PDF just written
    sig_dossier_changed = Signal(object)  # an operations.Change: what changed, and where
    FIXED_TABS = 11  # the dossier's tabs; the portfolio-wide views open after them
    HOME, CLIENTS, MEETINGS = range(3)  # the pages

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

    def _build_portfolio_list(self) -> QWidget:
        """The left side: the search box, its hits and the portfolio list."""
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        self.search = QLineEdit(left)
        self.search.setPlaceholderText(self.tr("Search clients, people, meetings, notes…"))
        self.search.setAccessibleName(self.tr("Search clients, people, meetings and notes"))
        self.search.setToolTip(
            self.tr("Ctrl+F. Down moves into the results, Enter opens the first one.")
        )
        self.search.setClearButtonEnabled(True)
        left_layout.addWidget(self.search)
        self.hits = QListWidget(left)
        self.hits.setAccessibleName(self.tr("Search results"))
        self.hits.setMaximumHeight(260)
        self.hits.setWordWrap(True)
        self.hits.hide()
        left_layout.addWidget(self.hits)
        self._search_keys = _SearchKeys(self)
        self.search.installEventFilter(self._search_keys)
        self.hits.installEventFilter(self._search_keys)
        self._closing = False  # set in closeEvent: refreshes queued before it are dropped
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(150)

        self.model = PortfolioModel(parent=self)
        # names sort by the locale's collation: "Łódź…" among the L's, not after "Pomorska"
        self.proxy = CollatingProxy(self, self.current_settings().locale)
        # sorted when rows come (reload, _refresh_portfolio) and on a header click, not on every
        # change of data: the readiness column filling in re-sorted 2,000 rows through the
        # collator (a Python call per comparison), freezing the window for 270 ms
        self.proxy.setDynamicSortFilter(False)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterRole(ClientKeyRole)
        self.proxy.setFilterKeyColumn(0)
        self.table = QTableView(left)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Portfolio"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        # a long name takes two lines (every row the same height: no row is measured, which
        # on 2,000 clients would cost seconds); the whole name is in the tooltip
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(
            2 * self.table.fontMetrics().lineSpacing() + 8
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # fixed widths: "resize to contents" reads every row (2,000 clients: 168,000 calls)
        for column, width in ((1, 90), (2, 110), (3, 200), (4, 120), (5, 60), (6, 60), (7, 140)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        # the client's name has the room; the rest are in the dossier (and in Home): the
        # header's menu brings them back
        for column in (2, 3, 5, 6, 7):
            self.table.setColumnHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._columns_menu)
        header.setToolTip(self.tr("Right-click to choose the columns"))
        left_layout.addWidget(self.table)

        return left

    def _columns_menu(self, pos: QPoint) -> None:
        """The portfolio list's header menu: tick the columns to show (the client's name
        always stays)."""
        menu = QMenu(self)
        for column in range(1, self.model.columnCount()):
            name = self.model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(str(name))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(
                lambda on, column=column: self.table.setColumnHidden(column, not on)
            )
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))
        self.columns_menu = menu  # kept for tests

    def _build_tabs(self) -> None:
        """The dossier's own tabs (meeting workspaces open after them)."""
        self.tabs = QTabWidget(self)
        self.tabs.setTabsClosable(True)
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
        for index in range(self.FIXED_TABS):  # the dossier's own tabs cannot be closed
            self.tabs.tabBar().setTabButton(
                index, self.tabs.tabBar().ButtonPosition.RightSide, None
            )

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

    def _build_actions(self) -> None:
        """The menus and their shortcuts."""
        self.find_action = QAction(self.tr("&Find"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # StandardKey.Quit is empty on Linux
        # Edit › Undo undoes the last saved change; what is still being typed is saved first,
        # so it is that change. Ctrl+Z inside a text field or an open table cell never gets
        # here: the widget's own undo takes it (Qt gives text widgets the shortcut first).
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.undo_action.triggered.disconnect()  # the stack's own connection: see undo()
        self.undo_action.triggered.connect(self.undo)
        self.print_action = QAction(self.tr("&Print brief…"), self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.preview_action = QAction(self.tr("Pre&view brief"), self)
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
        meeting_menu = self.menuBar().addMenu(self.tr("&Meeting"))
        meeting_menu.addAction(self.preview_action)
        meeting_menu.addAction(self.print_action)
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

    def run_search(self) -> None:
        """Filter the portfolio to the clients matching the search, and list what matched:
        a header per kind (Clients, People, Meetings, Notes, Plans), each hit with the words
        that matched in their context (plain text: a list item shows no markup)."""
        text = self.search.text()
        self.hits.clear()
        if not text.strip():
            self.proxy.setFilterRegularExpression(QRegularExpression())
            self.hits.hide()
            return
        groups = reading.search_groups(self.db, text)
        client_keys = reading.client_keys(self.db)
        found = [hit for _kind, hits in groups for hit in hits]
        keys = {client_keys[h.client_id] for h in found if h.client_id in client_keys}
        pattern = "^(" + "|".join(re.escape(k) for k in sorted(keys)) + ")$" if keys else "^$"
        self.proxy.setFilterRegularExpression(QRegularExpression(pattern))
        headers = {
            "client": self.tr("Clients"),
            "person": self.tr("People"),
            "meeting": self.tr("Meetings"),
            "notes": self.tr("Notes"),
            "plan": self.tr("Plans"),
        }
        for kind, hits in groups:
            header = QListWidgetItem(headers[kind])
            header.setFlags(Qt.ItemFlag.NoItemFlags)  # not selectable: the keys pass it by
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            self.hits.addItem(header)
            for hit in hits:
                line = hit.title if kind == "client" else f"{hit.title} — {hit.client_name}"
                item = QListWidgetItem(f"{line}\n    {hit.snippet}" if hit.snippet else line)
                item.setData(Qt.ItemDataRole.UserRole, hit)
                item.setToolTip(line)
                self.hits.addItem(item)
        if not found:
            self.hits.addItem(self.tr("Nothing found for “{text}”.").format(text=text))
        self.hits.show()
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def search_results(self) -> list[QListWidgetItem]:
        """The result items of the last search, in the order shown (headers left out)."""
        items = (self.hits.item(i) for i in range(self.hits.count()))
        return [i for i in items if isinstance(i.data(Qt.ItemDataRole.UserRole), search.Hit)]

    def open_current_hit(self) -> bool:
        """Enter in the search box: open the result in focus, else the first one."""
        if self.search_timer.isActive():  # typed a moment ago: search now, not stale hits
            self.search_timer.stop()
            self.run_search()
        results = self.search_results()
        if not results:
            return False
        current = self.hits.currentItem()
        self.open_hit(current if current in results else results[0])
        return True

    def focus_results(self) -> bool:
        """Down in the search box: into the results, on the first one."""
        if self.search_timer.isActive():
            self.search_timer.stop()
            self.run_search()
        results = self.search_results()
        if not results or self.hits.isHidden():
            return False
        if self.hits.currentItem() not in results:
            self.hits.setCurrentItem(results[0])
        self.hits.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def open_hit(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(hit, search.Hit):
            return
        target = reading.hit_target(self.db, hit)
        if target is None:
            return
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ClientKeyRole) == target.client_key:
                self.table.selectRow(row)
        if not target.meeting_key or target.person_key or hit.kind == "notes":
            self.show_page(self.CLIENTS)
        if target.person_key:
            self.tabs.setCurrentWidget(self.people)
            self.people.select_person(target.person_key)
        elif hit.kind == "notes":
            self.tabs.setCurrentWidget(self.notes)
            self.notes.select_meeting(hit.ref_id)
        elif target.meeting_key:
            self.open_meeting(target.meeting_key)
        else:
            self.tabs.setCurrentWidget(self.overview)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- data --

    def reload(self) -> None:
        current = self.current_client_key()
        self.model.set_rows(reading.portfolio_rows(self.db, self.current_settings().exchange_rates))
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        row = 0
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ClientKeyRole) == current:
                row = r
        before = self.current_client_key()
        if self.proxy.rowCount():
            self.table.selectRow(row)
        if self.current_client_key() == before:  # no selection change, so no signal came
            self.show_client()
        self._compute_readiness()
        self._home_stale = True
        if self.pages.currentIndex() == self.HOME:
            self.show_page(self.HOME)

    def _compute_readiness(self, keys: list[str] | None = None) -> None:
        """Readiness of the clients' next meetings (all, or ``keys``), on the worker (it loads
        every meeting's context); the column fills in when it is done."""
        keys = self.model.next_meeting_keys() if keys is None else keys
        db, prefs = self.db, self.current_settings()

        def work() -> dict[str, tuple[bool, int]]:
            return readiness.scores(db, keys, prefs)

        def failed(exc: BaseException) -> None:
            self.statusBar().showMessage(operations.failure_text(exc), 8000)

        self.runner.run(work, self.model.set_readiness, failed)

    def current_client_key(self) -> str | None:
        index = self.table.currentIndex()
        return index.siblingAtColumn(0).data(ClientKeyRole) if index.isValid() else None

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
        if widget is not None and widget in self._stale_views:
            self._stale_views.discard(widget)
            widget.reload()  # type: ignore[attr-defined]  # FollowUpsView or PortfolioView
            return
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

    def _refresh_portfolio(self, client_ids: list[int] | None = None) -> None:
        """Recompute the portfolio's figures: only ``client_ids`` (rows updated in place), or
        every client (the model is reset; the selection is kept)."""
        if self._closing:
            # queued by the last edits saved while closing: the dossier is closed by now, and a
            # session opened on it would leave a connection nobody closes
            return
        rows = reading.portfolio_rows(self.db, self.current_settings().exchange_rates, client_ids)
        if client_ids is not None:
            self.model.update_rows(rows)
            self._sort_portfolio()  # a renamed client moves to its place
            self._compute_readiness(
                [r.next_meeting.key for r in rows if r.next_meeting is not None]
            )
            return
        key = self.current_client_key()
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(rows)
        self._sort_portfolio()
        self._compute_readiness()
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ClientKeyRole) == key:
                self.table.selectRow(row)
        self.table.selectionModel().blockSignals(False)

    def _sort_portfolio(self) -> None:
        """Sort the list again as its header says (the proxy does not re-sort by itself)."""
        header = self.table.horizontalHeader()
        self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

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
        now = dt.datetime.now(dt.UTC)

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

    def filter_clear(self) -> None:
        if self.search.text():
            self.search.clear()
            self.run_search()

    def _invalidate_tabs(self) -> None:
        """Data changed: the dossier tabs and the portfolio-wide tabs not in view reload when
        they are shown next."""
        current = self.tabs.currentWidget()
        self._loaded_tabs &= {current}
        self._stale_views = {
            view for view in (self.follow_ups, self.portfolio_view) if view not in (None, current)
        }

    # -- adding and deleting clients and meetings (undoable) --

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

    def _close_workspace_of(self, meeting_id: int) -> None:
        for key, workspace in list(self.workspaces.items()):
            if workspace.meeting_id == meeting_id:
                self.close_workspace(workspace)
                self.workspaces.pop(key, None)

    def _push(self, command: ActionCommand) -> None:
        self.undo_stack.push(command)
        if command.error is not None:
            QMessageBox.warning(self, self.tr("Not done"), str(command.error))

    def select_client_id(self, client_id: int) -> None:
        key = reading.client_key(self.db, client_id)
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ClientKeyRole) == key:
                self.table.selectRow(row)

    def _workspace_do(self, purpose: str) -> None:
        widget = (
            self.workspace_area.current() if self.pages.currentIndex() == self.MEETINGS else None
        )
        if widget is not None:
            widget.render_brief(purpose)
        else:
            self.statusBar().showMessage(self.tr("Open a meeting first."), 4000)

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


class _SearchKeys(QObject):
    """The search box's keys: Down moves into the results, Enter opens the current (or
    first) one; Up on the first result (or Escape in the list) goes back to the box."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        window, key = self.window, event.key()
        if watched is window.search:
            if key == Qt.Key.Key_Down:
                return window.focus_results()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                return window.open_current_hit()
        elif watched is window.hits:
            results = window.search_results()
            at_top = bool(results) and window.hits.currentItem() is results[0]
            if key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and at_top):
                window.search.setFocus(Qt.FocusReason.BacktabFocusReason)
                return True
        return False
