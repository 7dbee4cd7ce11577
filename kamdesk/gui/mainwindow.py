"""The main window. At this stage: the portfolio list (the desktop issue builds it out)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk import __version__
from kamdesk.core.db import Database
from kamdesk.core.queries import portfolio_rows
from kamdesk.gui.models.portfolio import PortfolioModel


class MainWindow(QMainWindow):
    def __init__(self, db: Database):
        super().__init__()
        self.db = db
        self.setWindowTitle(
            self.tr("kamdesk {version} — {path}").format(version=__version__, path=db.path.name)
        )
        self._build()
        self._connect_signals()
        self.reload()
        self._restore_geometry()

    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.search = QLineEdit(central)
        self.search.setPlaceholderText(self.tr("Filter clients…"))
        self.search.setAccessibleName(self.tr("Filter clients"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        self.model = PortfolioModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView(central)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Portfolio"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        self.find_action = QAction(self.tr("&Find"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # StandardKey.Quit is empty on Linux
        menu = self.menuBar().addMenu(self.tr("&File"))
        menu.addAction(self.find_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.statusBar().showMessage(str(self.db.path))
        self.resize(1000, 600)

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.find_action.triggered.connect(self.search.setFocus)
        self.quit_action.triggered.connect(self.close)

    def reload(self) -> None:
        with self.db.session() as session:
            self.model.set_rows(portfolio_rows(session))
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("mainwindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        QSettings().setValue("mainwindow/geometry", self.saveGeometry())
        super().closeEvent(event)
