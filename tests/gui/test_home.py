"""The home page: the window's first page answers "what is next, and is it ready?" — on the
demo portfolio loaded for a fixed day, the window given a fixed clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QWidget

from kamdesk.core import demo, reading
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.views.home import KeyRole
from kamdesk.gui.views.meeting import MeetingWorkspace
from kamdesk.gui.workers import SyncRunner

TODAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)


def _window(qtbot, path: Path, *, with_demo: bool = True) -> MainWindow:
    db = Database.open(path)
    if with_demo:
        demo.load_demo(db, today=TODAY)
    window = MainWindow(db, runner=SyncRunner(), clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()  # shortcuts go to the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def window(qtbot, tmp_path: Path):
    window = _window(qtbot, tmp_path / "home.db")
    yield window
    window.close()
    window.db.close()


def test_the_window_opens_on_home_with_the_next_meetings_in_time_order(window) -> None:
    assert window.pages.currentWidget() is window.home and window.home.isVisible()
    expected = reading.home(window.db, Settings(), NOW).meetings
    tree = window.home.meetings
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [r.data(0, KeyRole) for r in rows] == [a.key for a in expected]
    assert len(rows) >= 3
    for row, agenda in zip(rows, expected, strict=True):
        assert row.text(2) == agenda.client_name and row.text(3) == agenda.title
        # the blockers, each whole, one level down
        assert [row.child(i).text(3) for i in range(row.childCount())] == list(agenda.blockers)
        assert row.text(4) == ("ready" if agenda.ready else f"{len(agenda.blockers)} to fix")
    # the headline names the next meeting and what is left to fix
    first = expected[0]
    assert first.client_name in window.home.headline.text()
    assert first.title in window.home.headline.text()
    assert first.headline in window.home.headline.text()  # "N things to fix before …"


def test_enter_opens_the_meetings_workspace_and_the_dossier_tabs_stay(qtbot, window) -> None:
    tree = window.home.meetings
    blocked = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).childCount()
    )
    tree.setFocus()
    tree.setCurrentItem(blocked)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    ws = window.workspace_tabs.currentWidget()
    assert isinstance(ws, MeetingWorkspace) and ws.key == blocked.data(0, KeyRole)
    assert window.pages.currentWidget() is window.workspace_area and ws.isVisible()
    assert window.tabs.count() == window.FIXED_TABS  # nothing pushed into the dossier's tabs
    # Ctrl+1 comes back home; Ctrl+2 shows the dossier, Ctrl+3 the open meetings
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.home
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.table.isVisible() and window.tabs.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert ws.isVisible()
    assert window.page_actions[window.MEETINGS].text().endswith("(1)")


def test_a_client_needing_attention_opens_its_dossier(qtbot, window) -> None:
    tree = window.home.attention
    rows = {tree.topLevelItem(i).data(0, KeyRole): i for i in range(tree.topLevelItemCount())}
    item = tree.topLevelItem(rows["patika-lanc"])
    assert "credit limit exceeded" in item.text(1)
    tree.setFocus()
    tree.setCurrentItem(item)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.splitter
    assert window.current_client_key() == "patika-lanc"
    assert window.tabs.currentWidget() is window.overview


def test_an_overdue_follow_up_opens_its_meetings_notes(qtbot, window) -> None:
    tree = window.home.overdue
    assert tree.topLevelItemCount() >= 1
    item = tree.topLevelItem(0)
    client_id = item.data(0, KeyRole)
    tree.setFocus()
    tree.setCurrentItem(item)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.notes and window.notes.isVisible()
    assert window.shown_client_id == client_id


def test_an_edit_elsewhere_is_on_home_when_it_is_shown_again(qtbot, window) -> None:
    tree = window.home.meetings
    first = tree.topLevelItem(0)
    key = first.data(0, KeyRole)
    ws = window.open_meeting(key)
    ws.fields["title"].widget.setText("Renamed on the way")
    ws.fields["title"].timer.start()
    ws.flush()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.home.meetings.topLevelItem(0).text(3) == "Renamed on the way"


def _inside(window: QWidget, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def test_home_fits_a_laptop_screen(window) -> None:
    assert window.size().width() <= 1366 and window.size().height() <= 768
    for widget in (
        window.home.headline,
        window.home.meetings,
        window.home.overdue,
        window.home.attention,
    ):
        assert widget.isVisible() and _inside(window, widget), widget.accessibleName()
    for button in window.findChildren(QAbstractButton):
        if button.isVisible():
            assert _inside(window, button)


def test_an_empty_dossier_says_what_to_do(qtbot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path / "empty.db", with_demo=False)
    try:
        home = window.home
        assert "New client" in home.headline.text()
        assert not home.meetings.isVisible() and home.meetings_empty.isVisible()
        assert "New client" in home.meetings_empty.text()
        assert home.overdue_empty.isVisible() and home.attention_empty.isVisible()
        qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        assert window.workspace_area.empty.isVisible()
        assert "Open one from Home" in window.workspace_area.empty.text()
    finally:
        window.close()
        window.db.close()


def test_a_long_blocker_wraps_whole_in_its_column(qtbot, window) -> None:
    tree = window.home.meetings
    width = tree.columnWidth(3)
    metrics = tree.fontMetrics()
    longest = None
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        item.setExpanded(True)
        for c in range(item.childCount()):
            child = item.child(c)
            if longest is None or len(child.text(3)) > len(longest.text(3)):
                longest = child
    assert longest is not None
    qtbot.waitUntil(lambda: tree.visualItemRect(longest).height() > 0)
    lines = -(-metrics.horizontalAdvance(longest.text(3)) // max(width - 12, 1))  # ceil
    assert lines >= 2  # a blocker longer than its column…
    # …is as high as its wrapped lines, not one line ending in "…"
    assert tree.visualItemRect(longest).height() >= lines * metrics.lineSpacing()


def test_more_than_the_home_lists_hold_is_said(qtbot, window, monkeypatch) -> None:
    from kamdesk.core.meeting import agenda

    monkeypatch.setattr(agenda, "MAX_ROWS", 0)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # read again
    home = window.home
    assert home.overdue.topLevelItemCount() == 0 and home.overdue_empty.isVisible()
    assert "… and 1 more overdue" in home.overdue_empty.text()
    assert "more clients" in home.attention_empty.text()
