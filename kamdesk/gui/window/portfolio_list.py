"""The window's left side: the portfolio list (its columns and their menu, the sort by the
locale's collation), reading it again whole or per client, the readiness of each client's next
meeting computed on the worker, and which client is selected."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QListWidget,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading
from kamdesk.core.meeting import readiness
from kamdesk.gui import operations
from kamdesk.gui.models.collating import CollatingProxy
from kamdesk.gui.models.portfolio import ClientKeyRole, PortfolioModel
from kamdesk.gui.window.base import WindowBase
from kamdesk.gui.window.search import _SearchKeys


class PortfolioListMixin(WindowBase):
    """The portfolio list on the left and the selected client."""

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

    def select_client_id(self, client_id: int) -> None:
        key = reading.client_key(self.db, client_id)
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ClientKeyRole) == key:
                self.table.selectRow(row)
