"""The search box as a keyboard user meets it: Down into the results, Enter opens one;
results grouped by kind with a snippet; the client list in the locale's collation order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kamdesk.core.account import editing
from kamdesk.gui.mainwindow import MainWindow


def _search(qtbot, window: MainWindow, text: str) -> None:
    window.search.setFocus()
    window.search.clear()
    qtbot.keyClicks(window.search, text)
    qtbot.waitUntil(lambda: not window.search_timer.isActive() and window.hits.isVisible())


def _focused():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def test_down_moves_into_the_results_and_enter_opens_one(qtbot, demo_window) -> None:
    window = demo_window(None)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    assert window.search.placeholderText() == "Search clients, people, meetings, notes…"
    _search(qtbot, window, "crp")
    first, second = window.search_results()[:2]
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _focused() is window.hits)
    assert window.hits.currentItem() is first  # the header above it is passed by
    qtbot.keyClick(window.hits, Qt.Key.Key_Down)
    assert window.hits.currentItem() is second and "Horváth Zsófia" in second.text()
    qtbot.keyClick(window.hits, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.people
    assert "Horváth Zsófia" in window.people.list.currentItem().text()
    assert window.current_client_key() == "patika-lanc"

    # Up from the first result goes back to the box
    window.hits.setFocus()
    window.hits.setCurrentItem(first)
    qtbot.keyClick(window.hits, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: _focused() is window.search)

    # a new search, then Enter in the box: the first result (the client) opens
    _search(qtbot, window, "pomorska")
    window.tabs.setCurrentWidget(window.notes)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.overview
    assert window.current_client_key() == "szpital-pomorze"


def test_enter_right_after_typing_opens_what_was_typed(qtbot, demo_window) -> None:
    window = demo_window(None)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "sokolov")
    assert window.search_timer.isActive()  # the search has not run yet
    qtbot.keyClick(window.search, Qt.Key.Key_Enter)
    assert window.tabs.currentWidget() is window.people
    assert "Соколов" in window.people.list.currentItem().text()


def test_results_are_grouped_by_kind_with_a_snippet_of_the_match(qtbot, demo_window) -> None:
    window = demo_window(None)
    _search(qtbot, window, "crp")
    texts = [window.hits.item(i).text() for i in range(window.hits.count())]
    headers = [
        window.hits.item(i).text()
        for i in range(window.hits.count())
        if window.hits.item(i).flags() == Qt.ItemFlag.NoItemFlags
    ]
    assert headers == ["Clients", "People", "Meetings", "Notes", "Plans"]
    assert texts[0] == "Clients" and texts[1].startswith("Patika-Lánc Gyógyszertárak Zrt.\n")
    person = next(i for i in window.search_results() if "Horváth" in i.text())
    title, snippet = person.text().split("\n")
    assert title == "Horváth Zsófia — Patika-Lánc Gyógyszertárak Zrt."
    assert "«crp» pilot" in snippet
    # every result sits under the header of its kind
    kind_of_header = {
        "Clients": "client",
        "People": "person",
        "Meetings": "meeting",
        "Notes": "notes",
        "Plans": "plan",
    }
    current = None
    for i in range(window.hits.count()):
        item = window.hits.item(i)
        hit = item.data(Qt.ItemDataRole.UserRole)
        if hit is None:
            current = kind_of_header[item.text()]
        else:
            assert hit.kind == current


def _client_names(window: MainWindow) -> list[str]:
    return [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())]


def test_the_client_list_sorts_by_the_locale_collation(qtbot, demo_window) -> None:
    window = demo_window(None)
    for name in ("Łódź Diagnostics Sp. z o.o.", "Lublin Lab", "Zielona Góra Med"):
        editing.add_client(window.db, name)
    window.reload()
    names = _client_names(window)
    # by code point "Ł" (U+0141) would come after "Z"; the collation puts it among the L's
    assert names.index("Łódź Diagnostics Sp. z o.o.") < names.index("Pomorska Grupa Szpitalna S.A.")
    assert names[-1] == "Zielona Góra Med"
    assert names.index("Łódź Diagnostics Sp. z o.o.") < names.index("Lublin Lab")  # en: ł ≈ l
    window.proxy.set_locale("pl")  # Polish: "Ł" is a letter after "L"
    names = _client_names(window)
    assert names.index("Lublin Lab") < names.index("Łódź Diagnostics Sp. z o.o.")
    assert names.index("Łódź Diagnostics Sp. z o.o.") < names.index(
        "Patika-Lánc Gyógyszertárak Zrt."
    )


def test_the_portfolio_overview_sorts_names_by_collation(qtbot, demo_window) -> None:
    window = demo_window(None)
    editing.add_client(window.db, "Łódź Diagnostics Sp. z o.o.")
    window.reload()
    view = window.open_portfolio()
    view.table.sortItems(0, Qt.SortOrder.AscendingOrder)
    names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert names.index("Łódź Diagnostics Sp. z o.o.") < names.index("Pomorska Grupa Szpitalna S.A.")
    assert names == sorted(names, key=lambda n: n.replace("Ł", "L"))
