"""Lists favour their key column on a 1366×768 laptop screen: the follow-ups' action is the
widest column, the people list needs no sideways scrolling and shows each name whole, the
portfolio overview shows each client's whole name."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.models.followups import COLUMNS as FOLLOW_UP_COLUMNS

LAPTOP = (1366, 768)


def _laptop(qtbot, window: MainWindow) -> None:
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: window.width() == LAPTOP[0])


def test_the_action_column_is_the_widest_and_stretches(qtbot, demo_window) -> None:
    window = demo_window("Pomorska Grupa Szpitalna S.A.")
    _laptop(qtbot, window)
    view = window.open_follow_ups()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    header = view.table.horizontalHeader()
    action = FOLLOW_UP_COLUMNS.index("Action")
    widths = [header.sectionSize(c) for c in range(len(FOLLOW_UP_COLUMNS))]
    assert widths[action] == max(widths)
    assert all(widths[action] > w for c, w in enumerate(widths) if c != action)
    assert header.sectionResizeMode(action) == header.ResizeMode.Stretch
    # the columns fill the table: no sideways scrolling at this size
    assert not view.table.horizontalScrollBar().isVisible()
    # on a narrower window the action keeps the lead
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    widths = [header.sectionSize(c) for c in range(len(FOLLOW_UP_COLUMNS))]
    assert widths[action] == max(widths)


def test_people_list_shows_whole_names_without_a_horizontal_scrollbar(qtbot, demo_window) -> None:
    window = demo_window(None)
    _laptop(qtbot, window)
    assert window.proxy.rowCount() == 4  # every demo client
    for row in range(window.proxy.rowCount()):
        window.table.selectRow(row)
        window.tabs.setCurrentWidget(window.people)
        people = window.people.list
        qtbot.waitUntil(lambda people=people: people.isVisible())
        assert people.count() > 0
        assert people.horizontalScrollBar().maximum() == 0
        assert not people.horizontalScrollBar().isVisible()
        room = people.viewport().width()
        metrics = people.fontMetrics()
        for i in range(people.count()):
            item = people.item(i)
            name = item.data(Qt.ItemDataRole.UserRole + 2)
            first_line = item.text().split("\n")[0]
            assert first_line.startswith(name)  # the name first
            assert metrics.horizontalAdvance(first_line) <= room, first_line


def test_the_portfolio_overview_shows_each_client_name_whole(qtbot, demo_window) -> None:
    window = demo_window("Pomorska Grupa Szpitalna S.A.")
    _laptop(qtbot, window)
    view = window.open_portfolio()
    qtbot.waitUntil(lambda: view.table.rowCount() == window.proxy.rowCount())
    width = view.table.columnWidth(0)
    metrics = view.table.fontMetrics()
    names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert any(name.startswith("Almaty Laboratory Network LLP (") for name in names)
    for name in names:
        assert metrics.horizontalAdvance(name) <= width, name
    others = [view.table.columnWidth(c) for c in range(1, view.table.columnCount())]
    assert width > max(others)  # the key column is the widest


def test_the_client_list_names_a_client_whole_in_its_tooltip(qtbot, demo_window) -> None:
    window = demo_window(None)
    names = [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())]
    tips = [
        window.proxy.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)
        for r in range(window.proxy.rowCount())
    ]
    assert tips == names and any("«Алматинская лабораторная сеть»" in t for t in tips)
