"""Every control says what it is to a screen reader (its accessible name, from its text, its
label's buddy or its own accessible name), and Tab moves through a form in reading order."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def _qt_internal(widget: QWidget) -> bool:
    """Parts Qt builds and names itself: a header inside a view, a spin box's or combo box's
    own line edit, a line edit's clear button, a combo box's popup list, a tab's close button,
    a table's corner button, a toolbar's or menu bar's overflow button (``qt_…``)."""
    parent = widget.parent()
    return (
        widget.objectName().startswith("qt_")
        or isinstance(widget, QHeaderView)
        or isinstance(parent, (QAbstractSpinBox, QComboBox, QLineEdit, QTabBar))
        or type(parent).__name__ in ("QComboBoxPrivateContainer", "QFrame")
        and isinstance(widget, QAbstractItemView)
    )


def _unnamed(root: QWidget) -> list[str]:
    out = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or _qt_internal(widget):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        name = face.text(QAccessible.Text.Name) if face is not None else ""
        if not name.strip():
            out.append(
                f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}"
            )
    return out


def test_every_control_of_every_page_has_a_name(qtbot, demo_window) -> None:
    window = demo_window("Banca Adriatica S.p.A.")
    for index in range(window.tabs.count()):  # each tab built and loaded
        window.tabs.setCurrentIndex(index)
    window.open_follow_ups()
    window.open_portfolio()
    window.open_meeting("adriatica-screening-pilot")
    window.show_page(window.HOME)
    assert _unnamed(window) == []
    dialog = window.settings_dialog()
    try:
        assert _unnamed(dialog) == []
    finally:
        dialog.reject()


def test_tab_moves_through_the_workspace_in_reading_order(qtbot, demo_window) -> None:
    window = demo_window("Banca Adriatica S.p.A.")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ws = window.open_meeting("adriatica-screening-pilot")
    title = ws.fields["title"].widget
    title.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is title)
    seen: list[QWidget] = []
    for _ in range(30):
        focus = QApplication.focusWidget()
        assert focus is not None
        if focus not in seen:
            seen.append(focus)
        if focus is ws.fields["objective"].widget:
            break
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    names = [w.objectName() for w in seen]
    assert names[:3] == ["field_title", "field_kind", "field_starts_at"]
    assert names[-1] == "field_objective" and "field_attendees" in names
    tops = [w.mapTo(window, QPoint(0, 0)).y() for w in seen]
    assert tops == sorted(tops)  # top to bottom, none skipped back


def test_tab_moves_through_home_list_by_list(qtbot, demo_window) -> None:
    window = demo_window(None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page(window.HOME)
    home = window.home
    home.meetings.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is home.meetings)
    order = []
    for _ in range(3):
        order.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert order == [home.meetings, home.overdue, home.attention]
