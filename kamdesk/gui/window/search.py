"""The window's search: the box over the portfolio list, its results grouped by kind, and
the keys that move between them; a hit opens the client, person, meeting or notes it names."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidgetItem

from kamdesk.core import reading
from kamdesk.core.storage import search
from kamdesk.gui.models.portfolio import ClientKeyRole
from kamdesk.gui.window.base import WindowBase


class SearchMixin(WindowBase):
    """The search box and its results."""

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

    def filter_clear(self) -> None:
        if self.search.text():
            self.search.clear()
            self.run_search()


class _SearchKeys(QObject):
    """The search box's keys: Down moves into the results, Enter opens the current (or
    first) one; Up on the first result (or Escape in the list) goes back to the box."""

    def __init__(self, window: WindowBase):
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
