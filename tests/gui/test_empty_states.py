"""Empty states: a tab with nothing to show says what to do, has the right buttons enabled,
and never shows another client's data (greyed or not)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kamdesk.gui.mainwindow import MainWindow

OTHER = "Banca Adriatica S.p.A."


def _line_texts(window: MainWindow) -> list[str]:
    """What the person form's text boxes show ("not set": an empty date or number)."""
    return [
        w.text()
        for w in window.people.form.findChildren(QLineEdit)
        if w.text() not in ("", "not set")
    ]


def test_a_new_clients_tabs_guide_and_show_nothing_of_another(qtbot, demo_window) -> None:
    window = demo_window(OTHER)
    window.tabs.setCurrentWidget(window.people)
    assert window.people.list.count() > 0 and _line_texts(window)  # Banca's people
    window.new_client("Nowa Klinika Sp. z o.o.")
    window.tabs.setCurrentWidget(window.overview)
    assert window.overview.form.fields["name"].widget.text() == "Nowa Klinika Sp. z o.o."

    window.tabs.setCurrentWidget(window.people)
    people = window.people
    assert people.list.count() == 0
    assert people.empty_hint.isVisible() and "Add person" in people.empty_hint.text()
    assert _line_texts(window) == []  # no field keeps a Banca person's values
    assert people.add_button.isEnabled() and not people.delete_button.isEnabled()

    window.tabs.setCurrentWidget(window.meetings_page)
    assert window.meetings_model.rowCount() == 0
    assert "No meetings yet" in window.meetings_hint.text() and window.meetings_hint.isVisible()
    assert window.new_meeting_button.isEnabled()
    assert not window.delete_meeting_button.isEnabled()  # nothing to delete

    window.tabs.setCurrentWidget(window.relmap)
    relmap = window.relmap
    assert not relmap.nodes and not relmap.scene.items()  # no one else's people drawn
    assert relmap.empty_hint.isVisible() and "People tab" in relmap.empty_hint.text()
    assert not relmap.link_button.isEnabled() and not relmap.export_button.isEnabled()

    window.tabs.setCurrentWidget(window.notes)
    assert window.notes.meetings.count() == 0
    assert window.notes.no_meetings.isVisible() and not window.notes.write_button.isVisible()


def test_delete_meeting_is_enabled_only_with_a_meeting_selected(qtbot, demo_window) -> None:
    window = demo_window(OTHER)
    window.tabs.setCurrentWidget(window.meetings_page)
    assert window.meetings_model.rowCount() > 0
    window.meetings.clearSelection()
    window.meetings.setCurrentIndex(window.meetings_model.index(-1, 0))
    assert not window.delete_meeting_button.isEnabled()
    qtbot.mouseClick(
        window.meetings.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.meetings.visualRect(window.meetings_model.index(0, 1)).center(),
    )
    assert window.delete_meeting_button.isEnabled()
    assert "Open a meeting" in window.meetings_hint.text()


def test_a_search_with_no_result_leaves_no_dossier_behind(qtbot, demo_window) -> None:
    window = demo_window(OTHER)
    window.tabs.setCurrentWidget(window.people)
    assert _line_texts(window)
    window.search.setText("zzzz-nothing-like-this")
    window.run_search()
    assert window.proxy.rowCount() == 0 and window.current_client_key() is None
    assert window.people.list.count() == 0 and _line_texts(window) == []  # the tab in view
    window.tabs.setCurrentWidget(window.overview)
    assert window.overview.form.fields["name"].widget.text() == ""
    assert window.people.list.count() == 0 and _line_texts(window) == []
    window.tabs.setCurrentWidget(window.meetings_page)
    assert window.meetings_model.rowCount() == 0
    assert not window.new_meeting_button.isEnabled()
    assert "Select a client" in window.meetings_hint.text()


def test_the_map_of_a_client_with_people_shows_no_hint(qtbot, demo_window) -> None:
    window = demo_window(OTHER)
    window.tabs.setCurrentWidget(window.relmap)
    assert window.relmap.nodes and not window.relmap.empty_hint.isVisible()
    assert window.relmap.link_button.isEnabled()
