"""The portfolio at a glance: where our income depends on whom (Pareto chart, concentration
warnings), and per client the key definitions, income share, plan attainment, growth, overdue
money, VIP/KOL coverage and the next meeting with its readiness.

The figures are computed on the worker (a few hundred ms for 2,000 clients); readiness of the
next meetings follows in a second pass, like the portfolio list.

Signals:
    sig_open_client(int): show this client's dossier.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QCollator, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading, settings
from kamdesk.core.account import portfolio
from kamdesk.core.filenames import file_name
from kamdesk.core.formats import Formatter
from kamdesk.core.model import labels
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations, saving
from kamdesk.gui.models.collating import collator
from kamdesk.gui.operations import Runner
from kamdesk.gui.widgets.tables import cell

ALERT = QColor("#b71c1c")
COLUMNS = (
    "Client",
    "Key at",
    "Why key",
    "Income share",
    "Dependency",
    "Plan (year)",
    "Plan (quarter)",
    "Growth (year)",
    "Growth (quarter)",
    "Overdue",
    "VIP/KOL loyal",
    "Contacts late",
    "Next meeting",
    "Readiness",
)
READINESS_COLUMN = COLUMNS.index("Readiness")
NAME_WIDTH = 240  # the client column at least


class SortItem(QTableWidgetItem):
    """A cell shown as text, sorted by a number (missing values sort last)."""

    def __init__(self, text: str, key: float | None):
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.key if self.key is not None else float("-inf")
        theirs = getattr(other, "key", None)
        theirs = theirs if theirs is not None else float("-inf")
        return mine < theirs


class NameItem(QTableWidgetItem):
    """A cell of text sorted by the locale's collation ("Łódź…" among the L's)."""

    def __init__(self, text: str, collator: QCollator):
        super().__init__(text)
        self.collator = collator

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.collator.compare(self.text(), other.text()) < 0


class PortfolioView(QWidget):
    sig_open_client = Signal(int)

    def __init__(
        self,
        db: Database,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        current_settings: Callable[[], settings.Settings] = settings.current,
    ):
        super().__init__(parent)
        self.db, self.runner = db, runner
        self.current_settings = current_settings  # the window's settings, read when needed
        self.figures: portfolio.Portfolio | None = None
        self.readiness: dict[str, tuple[bool, int]] = {}
        tr = self.tr
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings = QLabel(self)
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setStyleSheet(
            "QLabel { color: #b71c1c; font-weight: bold; background: #fdecea; padding: 6px; }"
        )
        self.chart = QSvgWidget(self)
        self.chart.setAccessibleName(tr("Pareto chart of our income by client"))
        self.chart.setMinimumHeight(220)
        self.refresh_button = QPushButton(tr("Refresh"), self)
        self.report_button = QPushButton(tr("Save portfolio report (PDF)…"), self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setAccessibleName(tr("Portfolio figures"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, NAME_WIDTH)
        header.setSectionResizeMode(len(COLUMNS) - 2, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it may name the user's file
        self.status.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.report_button)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.headline)
        top_layout.addWidget(self.warnings)
        top_layout.addWidget(self.chart, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.table)
        splitter.setSizes([420, 300])  # the chart whole, its axis labels too
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.refresh_button.clicked.connect(self.reload)
        self.report_button.clicked.connect(self.ask_report)
        self.table.cellDoubleClicked.connect(self._open)
        self.reload()

    # -- computing --

    def reload(self) -> None:
        """Recompute the figures on the worker, then the readiness of the next meetings."""
        db, prefs = self.db, self.current_settings()  # read here, not on the worker
        self.status.setText(self.tr("Computing…"))

        def work() -> tuple[portfolio.Portfolio, settings.Settings]:
            return reading.portfolio(db, prefs.exchange_rates), prefs

        self.runner.run(work, self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(
            self.tr("Could not compute the portfolio: {error}").format(
                error=operations.failure_text(exc)
            )
        )

    def _show(self, result: tuple[portfolio.Portfolio, settings.Settings]) -> None:
        figures, prefs = result
        self.figures = figures
        fmt = Formatter(prefs.locale)
        self._show_concentration(figures, fmt, prefs.locale)
        self._fill(figures, fmt)
        self.status.setText(
            self.tr("{n} clients · as of {date}").format(
                n=len(figures.clients), date=fmt.date(figures.today)
            )
        )
        self._compute_readiness([c.next_meeting_key for c in figures.clients if c.next_meeting_key])

    def _show_concentration(
        self, figures: portfolio.Portfolio, fmt: Formatter, locale: str
    ) -> None:
        from kamdesk.core.documents import charts

        conc = figures.concentration
        if conc.hhi is None:
            self.headline.setText(
                self.tr(
                    "Set our company's annual income (Edit › Our company), the clients' "
                    "financials and exchange rates to see how our income depends on each client."
                )
            )
        else:
            self.headline.setText(
                self.tr(
                    "Income year {year}: the top client ({name}) brings {top1} of our income, "
                    "the top three {top3}; all {n} clients together {all}. "
                    "Herfindahl index {hhi} of 10,000."
                ).format(
                    year=conc.year or "—",
                    name=conc.top1_name,
                    top1=fmt.percent(conc.top1_share),
                    top3=fmt.percent(conc.top3_share),
                    n=conc.clients_with_income,
                    all=fmt.percent(conc.dossier_share),
                    hhi=fmt.number(conc.hhi),
                )
            )
        self.warnings.setText("\n".join(f"⚠ {w}" for w in conc.warnings))
        self.warnings.setVisible(bool(conc.warnings))
        svg = (
            charts.pareto(
                figures.pareto,
                conc.company_income,
                currency=figures.company_currency,
                locale=locale,
                width=1000,
                height=280,
                title=self.tr("Our income by client (Pareto)"),
                labels=(self.tr("Our income"), self.tr("Cumulative share of our income")),
            )
            if conc.company_income
            else None
        )
        self.chart.load(QByteArray(svg.encode("utf-8")) if svg else QByteArray())
        self.chart.setVisible(svg is not None)
        self.chart_svg = svg

    def _fill(self, figures: portfolio.Portfolio, fmt: Formatter) -> None:
        reasons, dependency = labels.key_reason(), labels.dependency()
        levels = labels.key_level()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(figures.clients))
        order = collator(str(fmt.locale))

        def pct(ratio: portfolio.Ratio | None, signed: bool = False) -> SortItem:
            if ratio is None or ratio.value is None:
                return SortItem("—", None)
            text = fmt.signed_percent(ratio.value) if signed else fmt.percent(ratio.value)
            item = SortItem(f"{text}  ({ratio.period})", ratio.value)
            if (signed and ratio.value < 0) or (not signed and ratio.value < 0.9):
                item.setForeground(QBrush(ALERT))
            return item

        for row, c in enumerate(figures.clients):
            why = [reasons["income_share"]] if c.key_by_income else []
            why += [reasons[r] for r in c.key_reasons if r != "income_share"]
            share = SortItem(
                fmt.percent(c.income_share) if c.income_share is not None else "—",
                c.income_share,
            )
            if c.income_problem:
                share.setToolTip(c.income_problem)
            dep = QTableWidgetItem(dependency[c.dependency])
            if c.dependency in ("critical", "mono_client"):
                dep.setForeground(QBrush(ALERT))
            overdue = SortItem(
                "—"
                if c.overdue is None
                else f"{fmt.money(c.overdue, c.currency, compact=True)}"
                + (f"  ({fmt.percent(c.overdue_ratio)})" if c.overdue_ratio is not None else ""),
                c.overdue_ratio,
            )
            if c.overdue_ratio is not None and c.overdue_ratio > 0.1:
                overdue.setForeground(QBrush(ALERT))
            if c.payment_terms_days:
                overdue.setToolTip(
                    self.tr("Payment terms {days} days").format(days=c.payment_terms_days)
                )
            loyal = SortItem(
                f"{c.vips_kols_loyal} / {c.vips_kols}" if c.vips_kols else "—", c.coverage
            )
            late = SortItem(str(c.contacts_overdue), c.contacts_overdue)
            if c.contacts_overdue:
                late.setForeground(QBrush(ALERT))
            meeting = SortItem(
                f"{fmt.date(c.next_meeting_at.date())} · {c.next_meeting_title}"
                if c.next_meeting_at
                else self.tr("none planned"),
                c.next_meeting_at.timestamp() if c.next_meeting_at else None,
            )
            name = NameItem(c.name, order)
            name.setData(Qt.ItemDataRole.UserRole, c.id)
            cells = [
                name,
                NameItem(levels[c.key_level], order),
                NameItem(", ".join(why), order),
                share,
                dep,
                pct(c.attainment_year),
                pct(c.attainment_quarter),
                pct(c.growth_year, signed=True),
                pct(c.growth_quarter, signed=True),
                overdue,
                loyal,
                late,
                meeting,
                SortItem("…" if c.next_meeting_key else "", None),
            ]
            for column, item in enumerate(cells):
                item.setData(Qt.ItemDataRole.UserRole + 1, c.next_meeting_key)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(COLUMNS.index("Income share"), Qt.SortOrder.DescendingOrder)
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """The client's name, the column the list is read by, as wide as the longest name (its
        whole text fits), up to three fifths of the view; the figures scroll beside it."""
        metrics = self.table.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(cell(self.table, row, 0).text())
                for row in range(self.table.rowCount())
            ),
            default=0,
        )
        padding = 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
        most = max(NAME_WIDTH, self.width() * 3 // 5)
        self.table.horizontalHeader().resizeSection(0, min(max(NAME_WIDTH, widest + padding), most))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_name_column()

    def _compute_readiness(self, keys: list[str]) -> None:
        from kamdesk.core.meeting import readiness

        db, prefs = self.db, self.current_settings()
        self.runner.run(
            lambda: readiness.scores(db, keys, prefs), self._show_readiness, self._failed
        )

    def _show_readiness(self, result: dict[str, tuple[bool, int]]) -> None:
        self.readiness = result
        self.table.setSortingEnabled(False)
        for row in range(self.table.rowCount()):
            item = cell(self.table, row, READINESS_COLUMN)
            key = item.data(Qt.ItemDataRole.UserRole + 1)
            if key in result:
                ready, score = result[key]
                item.setText(
                    (self.tr("READY") if ready else self.tr("NOT READY")) + f" · {score}/100"
                )
                if isinstance(item, SortItem):  # it sorts by the score, ready ones first
                    item.key = score + (1000 if ready else 0)
                item.setForeground(QBrush(QColor("#1e7b3c") if ready else ALERT))
        self.table.setSortingEnabled(True)

    # -- acting --

    def row_of(self, client_key: str) -> int:
        assert self.figures is not None
        wanted = next(c.id for c in self.figures.clients if c.key == client_key)
        return next(
            r
            for r in range(self.table.rowCount())
            if cell(self.table, r, 0).data(Qt.ItemDataRole.UserRole) == wanted
        )

    def _open(self, row: int, _column: int) -> None:
        self.sig_open_client.emit(cell(self.table, row, 0).data(Qt.ItemDataRole.UserRole))

    def ask_report(self) -> None:
        path = saving.ask_path(
            self,
            self.tr("Save the portfolio report"),
            file_name([self.tr("Portfolio report")], "pdf"),
            "PDF (*.pdf)",
        )
        if path is not None:
            self.save_report(path)

    def save_report(self, path: Path) -> None:
        """Build the report (HTML here, PDF in the render process) and write it atomically,
        behind a busy dialog that can abandon it; the status bar says where it went."""

        db, prefs = self.db, self.current_settings()
        self.report_button.setEnabled(False)
        self.status.setText(self.tr("Making the report…"))

        def html() -> str:
            return reading.portfolio_report_html(db, prefs)

        def done(_path: Path) -> None:
            self.report_button.setEnabled(True)
            self.status.setText(self.tr("Saved {name}").format(name=path.name))

        def failed(exc: BaseException) -> None:
            self.report_button.setEnabled(True)
            self.status.setText("")
            operations.show_failure(self, self.tr("The report could not be made"), exc)

        def cancelled() -> None:
            self.report_button.setEnabled(True)
            self.status.setText("")

        saving.save_pdf(
            self,
            self.runner,
            html,
            path,
            label=self.tr("Making the report…"),
            on_saved=done,
            on_failed=failed,
            on_cancelled=cancelled,
        )
