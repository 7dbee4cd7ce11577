"""A meeting workspace belongs to its client: its checklist opens that client's dossier on the
exact row or field, whoever is selected in the portfolio; its tab names client and meeting;
no message shows an internal id."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.views.meeting import MeetingWorkspace
from tests.gui.conftest import sql

BANCA, PATIKA = "Banca Adriatica S.p.A.", "Patika-Lánc Gyógyszertárak Zrt."
MEETING = "adriatica-screening-pilot"


@pytest.fixture
def window(qtbot, demo_window) -> MainWindow:
    win = demo_window(BANCA)
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def _click_client(qtbot, window: MainWindow, name: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # the Clients page
    assert window.table.isVisible()
    row = next(r for r in range(window.proxy.rowCount()) if window.proxy.index(r, 0).data() == name)
    rect = window.table.visualRect(window.proxy.index(row, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_client_key() != "banca-adriatica"


def _click_check(qtbot, ws: MeetingWorkspace, check_id: str) -> None:
    item = ws.checklist.item_for(check_id)
    assert item is not None
    tree = ws.checklist.tree
    if item.parent() is not None:  # a passing line, folded in its mistake
        item.parent().setExpanded(True)
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _no_internal_id(text: str) -> bool:
    return not re.search(r"\b(stakeholder|product|issue|client|meeting)[:.]\w", text)


def test_a_checklist_jump_lands_in_the_meetings_client_with_another_selected(
    qtbot, window: MainWindow
) -> None:
    ws = window.open_meeting(MEETING)
    _click_client(qtbot, window, PATIKA)
    window.open_meeting(ws.key)  # back to its workspace
    assert window.current_client_key() == "patika-lanc"

    _click_check(qtbot, ws, "uninformed.profile.colombo")  # "Complete Paolo Colombo's profile"
    assert window.current_client_key() == "banca-adriatica"
    assert window.tabs.currentWidget() is window.people
    person = window.people.list.currentItem()
    assert person.data(Qt.ItemDataRole.UserRole + 1) == "colombo"
    colombo = sql(window, "SELECT id FROM stakeholder WHERE key = 'colombo'")
    assert window.people.form.row_id == colombo
    position = window.people.form.fields["position"].widget
    qtbot.waitUntil(lambda: QApplication.focusWidget() is position)
    assert _no_internal_id(window.statusBar().currentMessage())

    # an objection's response: the Issues tab, on that objection's response cell
    window.open_meeting(ws.key)  # back to its workspace
    _click_client(qtbot, window, PATIKA)
    window.open_meeting(ws.key)  # back to its workspace
    _click_check(qtbot, ws, "arguing.response.10")
    assert window.current_client_key() == "banca-adriatica"
    assert window.tabs.currentWidget() is window.lists["issues"]
    (issues,) = window.lists["issues"].editors
    index = issues.view.currentIndex()
    assert issues.model.rows[index.row()].id == 10
    assert issues.model.columns[index.column()].name == "response"

    # the same with the client filtered out of the list
    window.open_meeting(ws.key)  # back to its workspace
    window.search.setText("patika")
    window.run_search()
    assert window.proxy.rowCount() == 1 and window.current_client_key() == "patika-lanc"
    window.open_meeting(ws.key)  # back to its workspace
    _click_check(qtbot, ws, "manners.address.bortolotti")
    assert window.current_client_key() == "banca-adriatica"
    assert window.people.list.currentItem().data(Qt.ItemDataRole.UserRole + 1) == "bortolotti"
    form_of_address = window.people.form.fields["form_of_address"].widget
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form_of_address)


def test_tab_titles_name_client_and_meeting_and_messages_no_ids(qtbot, window: MainWindow) -> None:
    ws = window.open_meeting(MEETING)
    text = window.workspace_tabs.tabText(window.workspace_tabs.indexOf(ws))
    assert text.startswith("Banca Adriatica S.p.A. – ")
    assert "ColoScreen pilot" in text
    assert window.workspace_tabs.tabToolTip(window.workspace_tabs.indexOf(ws)) == (
        f"{BANCA} – {ws.ctx.meeting.title}"
    )
    # a renamed meeting renames its tab
    ws.fields["title"].widget.setText("Pilot design")
    ws.fields["title"].timer.start()
    qtbot.waitUntil(
        lambda: (
            window.workspace_tabs.tabText(window.workspace_tabs.indexOf(ws))
            == "Banca Adriatica S.p.A. – Pilot design"
        )
    )
    # a target that no longer exists: a sentence, not the target's id
    banca = sql(window, "SELECT id FROM client WHERE key = 'banca-adriatica'")
    window._outside_target("stakeholder:nobody.position", banca)
    message = window.statusBar().currentMessage()
    assert message and _no_internal_id(message) and "nobody" not in message
    # the proposals of the meeting are in the workspace itself: its last proposal
    window.open_meeting(ws.key)  # back to its workspace
    with qtbot.assertNotEmitted(ws.sig_outside_target):
        ws.go_to("meeting.proposals")
    assert window.workspace_tabs.currentWidget() is ws
    proposals = ws.proposals
    assert proposals.model.rows
    assert proposals.view.currentIndex().row() == len(proposals.model.rows) - 1
