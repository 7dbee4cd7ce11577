"""What every part of the main window shares: its signals and pages, the dossier and the
runner it was given, and the widgets the parts build and use, declared here so that each
part (a mixin over this base, one module per concern) is type-checked against them.

The methods one part calls on another are declared under ``TYPE_CHECKING`` only: at run time
they come from the part that defines them, through ``MainWindow``'s bases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QWidget,
)

from kamdesk.core import settings
from kamdesk.core.meeting.context import MeetingContext
from kamdesk.core.storage.db import Database
from kamdesk.gui.models.collating import CollatingProxy
from kamdesk.gui.models.meetings import MeetingsModel
from kamdesk.gui.models.portfolio import PortfolioModel
from kamdesk.gui.operations import Runner
from kamdesk.gui.views.followups import FollowUpsView
from kamdesk.gui.views.home import HomeView
from kamdesk.gui.views.lists import ClientLists
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.views.notes import NotesView
from kamdesk.gui.views.overview import OverviewView
from kamdesk.gui.views.people import PeopleView
from kamdesk.gui.views.portfolio import PortfolioView
from kamdesk.gui.views.products import ProductsView
from kamdesk.gui.views.relmap import RelationshipMap
from kamdesk.gui.views.workspaces import WorkspaceArea
from kamdesk.gui.workers import TaskHandle

if TYPE_CHECKING:
    from kamdesk.gui.idlelock import IdleLock


class WindowBase(QMainWindow):
    """The main window's shared state; its parts are mixins over it (see ``MainWindow``)."""

    sig_dossier_saved = Signal(str)  # the path of a dossier PDF just written
    sig_dossier_changed = Signal(object)  # an operations.Change: what changed, and where
    FIXED_TABS = 11  # the dossier's tabs, all of them (the portfolio-wide views are pages)
    # the pages: the first three built with the window (their index in ``pages`` is theirs),
    # the portfolio-wide two when first opened
    HOME, CLIENTS, MEETINGS, FOLLOW_UPS, PORTFOLIO = range(5)

    # given (MainWindow.__init__)
    db: Database
    runner: Runner
    current_settings: Callable[[], settings.Settings]
    clock: Callable[[], dt.datetime]
    settings_path: Path | None
    undo_stack: QUndoStack
    # state
    workspaces: dict[str, MeetingWorkspace]
    follow_ups: FollowUpsView | None
    portfolio_view: PortfolioView | None
    _stale_views: set[QWidget]
    shown_client_id: int | None
    _loaded_tabs: set[QWidget]
    _home_stale: bool
    _opening: set[str]
    _closing: bool
    _meetings_task: TaskHandle | None
    dossier_task: TaskHandle
    dossier_progress: QProgressDialog
    idle_lock: IdleLock  # only while an encrypted dossier locks after idle time
    # pages
    splitter: QSplitter
    home: HomeView
    workspace_area: WorkspaceArea
    workspace_tabs: QTabWidget
    pages: QStackedWidget
    page_actions: list[QAction]
    # the portfolio list and the search (portfolio_list.py, search.py)
    search: QLineEdit
    hits: QListWidget
    _search_keys: QObject
    search_timer: QTimer
    model: PortfolioModel
    proxy: CollatingProxy
    table: QTableView
    columns_menu: QMenu
    # the dossier's tabs (mainwindow.py, dossier.py)
    tabs: QTabWidget
    overview: OverviewView
    people: PeopleView
    lists: dict[str, ClientLists]
    meetings_page: QWidget
    products: ProductsView
    relmap: RelationshipMap
    notes: NotesView
    client_title: QLabel
    meetings_model: MeetingsModel
    meetings: QTableView
    meetings_hint: QLabel
    new_meeting_button: QPushButton
    delete_meeting_button: QPushButton
    read_only_label: QLabel
    # actions (mainwindow.py)
    find_action: QAction
    quit_action: QAction
    undo_action: QAction
    redo_action: QAction
    print_action: QAction
    preview_action: QAction
    close_tab_action: QAction
    new_client_action: QAction
    import_people_action: QAction
    import_meetings_action: QAction
    dossier_action: QAction
    backups_action: QAction
    company_action: QAction
    settings_action: QAction
    follow_ups_action: QAction
    portfolio_action: QAction
    portfolio_menu: QMenu

    if TYPE_CHECKING:  # one part's methods that another calls (defined in the part)

        def _close_workspace_of(self, meeting_id: int) -> None: ...
        def _dossier_changed(self, all_clients: bool = False) -> None: ...
        def _load_tab(self, widget: QWidget | None) -> None: ...
        def _meeting_key(self, row: int) -> str: ...
        def _outside_target(self, target: str, client_id: int | None = None) -> None: ...
        def _refresh_meetings(self) -> None: ...
        def _refresh_portfolio(self, client_ids: list[int] | None = None) -> None: ...
        def current_client_id(self) -> int | None: ...
        def current_client_key(self) -> str | None: ...
        def filter_clear(self) -> None: ...
        def focus_results(self) -> bool: ...
        def open_current_hit(self) -> bool: ...
        def open_meeting(self, key: str, ctx: MeetingContext | None = None) -> MeetingWorkspace: ...
        def reload(self) -> None: ...
        def search_results(self) -> list[QListWidgetItem]: ...
        def select_client_id(self, client_id: int) -> None: ...
        def show_client(self) -> None: ...
        def show_page(self, page: int) -> None: ...
