"""The open meetings (the window's third page, Ctrl+3): each meeting's preparation workspace
in a tab of its own, listed and closable, apart from the dossier's tabs so opening meetings
never pushes those away. With none open, the page says how to open one.

Signals:
    sig_close(QWidget): the user asked to close this workspace (its tab's close button).
    sig_count(int): how many workspaces are open now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QTabWidget, QWidget

from kamdesk.gui.views.meeting import MeetingWorkspace


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class WorkspaceArea(QWidget):
    sig_close = Signal(QWidget)
    sig_count = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.setAccessibleName(self.tr("Open meetings"))
        self.empty = QLabel(
            self.tr(
                "No meeting is open. Open one from Home (Ctrl+1) or from a client's "
                "Meetings tab (Ctrl+2): double-click it or press Enter."
            ),
            self,
        )
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        self.tabs.tabCloseRequested.connect(self._close_requested)

    def _close_requested(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is not None:
            self.sig_close.emit(widget)

    def add(self, workspace: MeetingWorkspace) -> None:
        self.tabs.addTab(workspace, "")
        self.name(workspace)
        self.show_workspace(workspace)
        self._count_changed()

    def remove(self, workspace: MeetingWorkspace) -> None:
        index = self.tabs.indexOf(workspace)
        if index >= 0:
            self.tabs.removeTab(index)
        self._count_changed()

    def show_workspace(self, workspace: MeetingWorkspace) -> None:
        self.tabs.setCurrentWidget(workspace)

    def current(self) -> MeetingWorkspace | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, MeetingWorkspace) else None

    def count(self) -> int:
        return self.tabs.count()

    def name(self, workspace: MeetingWorkspace) -> None:
        """A workspace's tab names its client and its meeting: "Client – Meeting"."""
        index = self.tabs.indexOf(workspace)
        if index < 0:
            return
        client, title = workspace.ctx.client.name, workspace.ctx.meeting.title
        self.tabs.setTabText(index, f"{_short(client, 22)} – {_short(title, 30)}")
        self.tabs.setTabToolTip(index, f"{client} – {title}")

    def _count_changed(self) -> None:
        self.stack.setCurrentWidget(self.tabs if self.tabs.count() else self.empty)
        self.sig_count.emit(self.tabs.count())
