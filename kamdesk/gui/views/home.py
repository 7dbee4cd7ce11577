"""The home page (the window's first page, Ctrl+1): what is next and whether it is ready.

Three lists, read in one call (``reading.home``) on the runner: the next meetings of every
client for the coming weeks, each with when, leave-by, its client and what still blocks it
(the blockers themselves one level down, whole); the follow-ups already overdue; the clients
whose figures need attention. Each list says what to do when it is empty.

Signals:
    sig_open_meeting(str): open this meeting's workspace (its key).
    sig_open_client(str): show this client's dossier (its key).
    sig_open_notes(int, int): show this client's notes of this meeting (client id, meeting id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import reading, settings
from kamdesk.core.formats import Formatter
from kamdesk.core.meeting.agenda import AgendaMeeting, Home
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations, style
from kamdesk.gui.operations import Runner
from kamdesk.gui.widgets.tables import WrappingDelegate

KeyRole = Qt.ItemDataRole.UserRole + 1  # a meeting's or client's key; a follow-up's client id
MeetingIdRole = Qt.ItemDataRole.UserRole + 2  # a follow-up's meeting id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class HomeView(QWidget):
    sig_open_meeting = Signal(str)
    sig_open_client = Signal(str)
    sig_open_notes = Signal(int, int)

    def __init__(
        self,
        db: Database,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        current_settings: Callable[[], settings.Settings] = settings.current,
        clock: Callable[[], dt.datetime] = _now,
    ):
        super().__init__(parent)
        self.db, self.runner = db, runner
        self.current_settings, self.clock = current_settings, clock
        self.data: Home | None = None
        self._build()
        self._connect_signals()

    # -- layout --

    def _build(self) -> None:
        tr = self.tr
        body = self
        layout = QVBoxLayout(self)
        self.headline = QLabel(body)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setAccessibleName(tr("Your next meeting"))
        layout.addWidget(self.headline)

        self.meetings = self._tree(
            body, [tr("When"), tr("Leave by"), tr("Client"), tr("Meeting"), tr("Readiness")]
        )
        self.meetings.setAccessibleName(tr("Next meetings"))
        self.meetings_empty = self._hint(body)
        self.meetings_title = self._section(body, layout, self.meetings, self.meetings_empty)
        self.overdue = self._tree(body, [tr("Due"), tr("Action"), tr("Owner"), tr("Client")])
        self.overdue.setAccessibleName(tr("Overdue follow-ups"))
        self.overdue_empty = self._hint(body)
        self.overdue_title = self._section(body, layout, self.overdue, self.overdue_empty)
        self.attention = self._tree(body, [tr("Client"), tr("Why")])
        self.attention.setAccessibleName(tr("Clients needing attention"))
        self.attention_empty = self._hint(body)
        self.attention_title = self._section(body, layout, self.attention, self.attention_empty)
        layout.setStretchFactor(self.meetings, 3)
        layout.setStretchFactor(self.overdue, 1)
        layout.setStretchFactor(self.attention, 1)
        self.meetings_title.setText(tr("Next meetings"))
        self.overdue_title.setText(tr("Overdue follow-ups"))
        self.attention_title.setText(tr("Clients needing attention"))

    @staticmethod
    def _tree(parent: QWidget, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget(parent)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(True)
        tree.setUniformRowHeights(False)
        tree.setWordWrap(True)
        tree.setAlternatingRowColors(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # a wider column wraps its texts again (the rows' heights are measured anew), so a
        # blocker is never cut to "…" when the window grows
        relayout = QTimer(tree)
        relayout.setSingleShot(True)
        relayout.setInterval(0)
        relayout.timeout.connect(tree.doItemsLayout)
        tree.header().sectionResized.connect(lambda *_: relayout.start())
        return tree

    @staticmethod
    def _hint(parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setEnabled(False)  # greyed: guidance, not data
        return label

    @staticmethod
    def _section(parent: QWidget, layout: QVBoxLayout, tree: QTreeWidget, empty: QLabel) -> QLabel:
        title = QLabel(parent)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addSpacing(8)
        layout.addWidget(title)
        layout.addWidget(tree)
        layout.addWidget(empty)
        return title

    def _connect_signals(self) -> None:
        self.meetings.itemActivated.connect(self._meeting_activated)
        self.overdue.itemActivated.connect(self._follow_up_activated)
        self.attention.itemActivated.connect(self._client_activated)

    # -- data --

    def reload(self) -> None:
        """Read the home page again (on the runner); the lists fill in when it is done."""
        db, prefs, now = self.db, self.current_settings(), self.clock()
        operations.run(
            self,
            self.runner,
            lambda: reading.home(db, prefs, now),
            self.show_home,
            failure_title=self.tr("The home page could not be read"),
        )

    def show_home(self, home: Home) -> None:
        self.data = home
        fmt = Formatter(self.current_settings().locale)
        self._show_headline(home, fmt)
        self._fill_meetings(home, fmt)
        self._fill_overdue(home, fmt)
        self._fill_attention(home)

    def _when(self, fmt: Formatter, value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        return self.tr("{day}, {time}").format(
            day=fmt.date(value.date(), "EEE d MMM"), time=fmt.time(value)
        )

    def _show_headline(self, home: Home, fmt: Formatter) -> None:
        tr = self.tr
        if not home.clients:
            self.headline.setText(
                tr("Your dossier is empty. Add your first key client with File › New client.")
            )
            return
        if not home.meetings:
            self.headline.setText(
                tr("No meeting in the next {days} days.").format(days=home.horizon_days)
            )
            return
        first = home.meetings[0]
        self.headline.setText(
            tr("Next: {client} – {title}. {headline}.").format(
                client=first.client_name, title=first.title, headline=first.headline
            )
        )

    def _fill_meetings(self, home: Home, fmt: Formatter) -> None:
        tr = self.tr
        self.meetings.clear()
        for meeting in home.meetings:
            item = QTreeWidgetItem(
                [
                    self._when(fmt, meeting.starts_at),
                    fmt.time(meeting.leave_by) if meeting.leave_by else "—",
                    meeting.client_name,
                    meeting.title,
                    self._state(meeting),
                ]
            )
            item.setData(0, KeyRole, meeting.key)
            item.setForeground(4, style.status("ok" if meeting.ready else "bad"))
            item.setToolTip(2, meeting.client_name)
            item.setToolTip(3, meeting.title)
            for message in meeting.blockers:
                child = QTreeWidgetItem(["", "", "", message, ""])  # whole, wrapping
                child.setData(0, KeyRole, meeting.key)
                child.setForeground(3, style.status("bad"))
                item.addChild(child)
            self.meetings.addTopLevelItem(item)
        items = [self.meetings.topLevelItem(i) for i in range(self.meetings.topLevelItemCount())]
        if items and items[0] is not None:
            self.meetings.setCurrentItem(items[0])
        blocked = next((i for i in items if i is not None and i.childCount()), None)
        if blocked is not None:  # what blocks the soonest meeting not ready, in view
            blocked.setExpanded(True)
        self._fit(self.meetings, 3)
        self.meetings_empty.setText(
            tr(
                "No meeting in the next {days} days. Plan one from a client's Meetings tab "
                "(Ctrl+2, then New meeting…)."
            ).format(days=home.horizon_days)
            if home.clients
            else tr("No clients yet: add your first key client with File › New client (Ctrl+N).")
        )
        self._show_empty(self.meetings, self.meetings_empty)

    def _state(self, meeting: AgendaMeeting) -> str:
        if meeting.ready:
            return self.tr("ready")
        return self.tr("{n} to fix").format(n=len(meeting.blockers))

    def _fill_overdue(self, home: Home, fmt: Formatter) -> None:
        self.overdue.clear()
        for f in home.overdue:
            item = QTreeWidgetItem(
                [fmt.date(f.due, "short"), f.text, f.owner or "—", f.client_name]
            )
            # two ints, not a tuple: PySide frees a Python tuple held in item data wrongly
            item.setData(0, KeyRole, f.client_id)
            item.setData(0, MeetingIdRole, f.meeting_id)
            item.setForeground(0, style.status("bad"))
            item.setToolTip(1, f.text)
            self.overdue.addTopLevelItem(item)
        self._fit(self.overdue, 1)
        self._show_empty(self.overdue, self.overdue_empty)
        more = home.overdue_total - len(home.overdue)
        if more > 0:  # the oldest are listed; the Follow-ups view has every one
            self.overdue_empty.setText(
                self.tr("… and %n more overdue: Portfolio › Follow-ups (Ctrl+Shift+U).", "", more)
            )
            self.overdue_empty.show()
        else:
            self.overdue_empty.setText(self.tr("No follow-up is overdue."))

    def _fill_attention(self, home: Home) -> None:
        self.attention.clear()
        for client in home.attention:
            item = QTreeWidgetItem([client.client_name, " · ".join(client.reasons)])
            item.setData(0, KeyRole, client.client_key)
            item.setToolTip(0, client.client_name)
            self.attention.addTopLevelItem(item)
        self._fit(self.attention, 1)
        self._show_empty(self.attention, self.attention_empty)
        more = home.attention_total - len(home.attention)
        if more > 0:
            self.attention_empty.setText(
                self.tr(
                    "… and %n more clients: Portfolio › Portfolio overview (Ctrl+Shift+P).",
                    "",
                    more,
                )
            )
            self.attention_empty.show()
        else:
            self.attention_empty.setText(
                self.tr("Every client's figures look fine: nothing overdue, no plan behind.")
            )

    @staticmethod
    def _show_empty(tree: QTreeWidget, empty: QLabel) -> None:
        has_rows = tree.topLevelItemCount() > 0
        tree.setVisible(has_rows)
        empty.setVisible(not has_rows)

    @staticmethod
    def _fit(tree: QTreeWidget, key_column: int) -> None:
        """Columns sized to their contents, the key column taking the rest (and wrapping)."""
        delegate = tree.itemDelegate()
        if not isinstance(delegate, WrappingDelegate) or delegate.columns != (key_column,):
            tree.setItemDelegate(WrappingDelegate(tree, (key_column,)))
        header = tree.header()
        header.setStretchLastSection(False)
        for column in range(tree.columnCount()):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column == key_column
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)

    # -- activation --

    def _meeting_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key = item.data(0, KeyRole)
        if isinstance(key, str):
            self.sig_open_meeting.emit(key)

    def _follow_up_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        client_id, meeting_id = item.data(0, KeyRole), item.data(0, MeetingIdRole)
        if isinstance(client_id, int) and isinstance(meeting_id, int):
            self.sig_open_notes.emit(client_id, meeting_id)

    def _client_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key = item.data(0, KeyRole)
        if isinstance(key, str):
            self.sig_open_client.emit(key)
