"""Editing driven by real key events. Table editors: Tab, Shift+Tab, Enter, Escape and typing
move and save like a spreadsheet, and an autosave or a reload during the edit never moves the
open cell or touches another row (kamdesk/gui/widgets/listeditor.py). Text fields: the reload
after their own autosave keeps the cursor and the field's undo (kamdesk/gui/widgets/recordform.py).
Ctrl+Z inside a field undoes its typing; Edit › Undo undoes the last saved change."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QPlainTextEdit

from kamdesk.core.account import editing
from kamdesk.core.model import models as m
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.widgets.listeditor import ListEditor
from tests.gui.conftest import sql

BANCA = "Banca Adriatica S.p.A."


@pytest.fixture
def window(qtbot, demo_window) -> MainWindow:
    win = demo_window(BANCA)
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def _rows(window: MainWindow, query: str) -> dict[int, tuple[object, ...]]:
    conn = sqlite3.connect(window.db.path)
    try:
        return {row[0]: row[1:] for row in conn.execute(query)}
    finally:
        conn.close()


def _col(editor: ListEditor, name: str) -> int:
    return next(i for i, c in enumerate(editor.model.columns) if c.name == name)


def _start_editing(qtbot, editor: ListEditor, row: int, column: str) -> QLineEdit:
    """Make a cell current and open its editor with F2, as a user would."""
    view = editor.view
    view.setFocus()
    view.setCurrentIndex(editor.model.index(row, _col(editor, column)))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    widget = view.indexWidget(view.currentIndex())
    assert isinstance(widget, QLineEdit) and view.state() == QAbstractItemView.State.EditingState
    return widget


def _type_on_cell(qtbot, editor: ListEditor, text: str) -> QLineEdit:
    """Type on the current cell with no editor open: the first key opens the editor (and goes
    into it), the others go to the editor, which has the focus by then."""
    qtbot.keyClick(editor.view, text[0])
    widget = editor.view.indexWidget(editor.view.currentIndex())
    assert isinstance(widget, QLineEdit)
    qtbot.keyClicks(widget, text[1:])
    return widget


def _editing(editor: ListEditor) -> bool:
    return editor.view.state() == QAbstractItemView.State.EditingState


def _current(editor: ListEditor) -> tuple[int, str]:
    index = editor.view.currentIndex()
    return editor.model.rows[index.row()].id, editor.model.columns[index.column()].name


ISSUES = (
    "SELECT i.id, i.kind, i.text, i.raised_by_id, i.response, i.status FROM client_issue i "
    "JOIN client c ON c.id = i.client_id WHERE c.key = 'banca-adriatica' ORDER BY i.id"
)


def test_tab_enter_escape_and_typing_move_like_a_spreadsheet(qtbot, window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.lists["issues"])
    (issues,) = window.lists["issues"].editors
    before = _rows(window, ISSUES)
    assert len(before) >= 2
    first, second = issues.model.rows[0].id, issues.model.rows[1].id

    # edit the first row's text; Tab saves it and moves one cell right, in the same row,
    # with no editor open (so the next keys cannot overwrite anything by surprise)
    edit = _start_editing(qtbot, issues, 0, "text")
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, " (checked)")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert not _editing(issues)
    assert _current(issues) == (first, "raised_by_id")
    assert sql(window, f"SELECT text FROM client_issue WHERE id = {first}") == (
        str(before[first][1]) + " (checked)"
    )
    # Shift+Tab goes back; Tab twice reaches the response
    qtbot.keyClick(issues.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert _current(issues) == (first, "text")
    qtbot.keyClick(issues.view, Qt.Key.Key_Tab)
    qtbot.keyClick(issues.view, Qt.Key.Key_Tab)
    assert _current(issues) == (first, "response")

    # typing on a cell replaces its value (the first key opens the editor); Enter saves and
    # moves down one row, same column
    edit = _type_on_cell(qtbot, issues, "Calm answer")
    assert edit.text() == "Calm answer"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not _editing(issues))  # Qt closes the editor on the next turn
    assert sql(window, f"SELECT response FROM client_issue WHERE id = {first}") == "Calm answer"
    assert _current(issues) == (second, "response")

    # Escape drops the edit: the value stays what it was
    edit = _start_editing(qtbot, issues, 1, "response")
    edit.selectAll()
    qtbot.keyClicks(edit, "junk")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not _editing(issues) and _current(issues) == (second, "response")
    assert issues.model.rows[1].response == before[second][3]

    # Tab from the last column wraps to the next row's first cell
    issues.view.setCurrentIndex(issues.model.index(0, len(issues.model.columns) - 1))
    qtbot.keyClick(issues.view, Qt.Key.Key_Tab)
    assert _current(issues) == (second, "kind")

    after = _rows(window, ISSUES)
    changed = {i for i in before if before[i] != after[i]}
    assert changed == {first}
    assert after[first][1:] == (
        str(before[first][1]) + " (checked)",
        before[first][2],
        "Calm answer",
        before[first][4],
    )


ACTIONS = "SELECT id, text, owner, due, done FROM action_item WHERE notes_id = {notes} ORDER BY id"


def test_autosaves_and_reloads_under_an_open_cell_keep_its_text_and_row(
    qtbot, window: MainWindow
) -> None:
    notes = window.notes
    window.tabs.setCurrentWidget(notes)
    held = sql(window, "SELECT id FROM meeting WHERE key = 'adriatica-welfare-review-2026'")
    assert notes.select_meeting(held)
    actions = notes.action_list
    assert actions.model.rowCount() >= 3
    before = _rows(window, ACTIONS.format(notes=notes.notes))
    target = actions.model.rows[1].id
    original = str(before[target][0])

    edit = _start_editing(qtbot, actions, 1, "text")
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, " by Friday")

    # 1. the summary autosaves (its debounce ends) while the cell is open
    notes.form.fields["summary"].widget.setPlainText("Summary saved during the edit.")
    qtbot.waitUntil(
        lambda: (
            sql(window, f"SELECT summary FROM meeting_notes WHERE id = {notes.notes}")
            == "Summary saved during the edit."
        )
    )
    # 2. who was present changes: the notes view reloads the action items
    present = notes.present.item(0)
    present.setCheckState(
        Qt.CheckState.Unchecked
        if present.checkState() == Qt.CheckState.Checked
        else Qt.CheckState.Checked
    )
    # 3. another row's value changes behind the table (an undo, another view): updated in
    # place, the open cell untouched
    other = actions.model.rows[0].id
    editing.set_field(window.db, m.ActionItem, other, "owner", "Chiara Zanetti")
    actions.load(notes.notes)
    assert actions.model.rows[0].owner == "Chiara Zanetti"
    # 4. a row is added behind the table: that reload waits until the editor closes
    added = editing.add_row(window.db, m.ActionItem, {"notes_id": notes.notes, "text": "Late"})
    actions.load(notes.notes)
    assert actions.model.rowCount() == len(before)

    # the same editor is still open, on the same cell, with what was typed
    assert _editing(actions) and actions.view.indexWidget(actions.view.currentIndex()) is edit
    assert _current(actions) == (target, "text")
    assert edit.text() == original + " by Friday"

    qtbot.keyClicks(edit, " at noon")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert not _editing(actions)
    assert _current(actions) == (target, "owner")
    assert actions.model.rowCount() == len(before) + 1
    after = _rows(window, ACTIONS.format(notes=notes.notes))
    assert after[target][0] == original + " by Friday at noon"
    assert {i for i in before if before[i] != after[i]} == {target, other}
    assert after[other] == (before[other][0], "Chiara Zanetti", *before[other][2:])
    assert after[added][0] == "Late"

    # keys after the autosave: the next cell typed into is the one shown
    qtbot.keyClick(_type_on_cell(qtbot, actions, "Ewa"), Qt.Key.Key_Tab)
    assert sql(window, f"SELECT owner FROM action_item WHERE id = {target}") == "Ewa"
    assert _current(actions) == (target, "due")


def test_ctrl_z_in_a_cell_undoes_the_typing_and_edit_undo_the_saved_change(
    qtbot, window: MainWindow
) -> None:
    window.tabs.setCurrentWidget(window.lists["issues"])
    (issues,) = window.lists["issues"].editors
    first = issues.model.rows[0].id
    original = issues.model.rows[0].text

    edit = _start_editing(qtbot, issues, 0, "text")
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, " again")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # saved
    assert sql(window, f"SELECT text FROM client_issue WHERE id = {first}") == original + " again"

    edit = _start_editing(qtbot, issues, 0, "text")
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, " typo")
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # the cell's own undo took the key: the typing is gone, nothing saved was undone
    assert _editing(issues) and edit.text() == original + " again"
    assert sql(window, f"SELECT text FROM client_issue WHERE id = {first}") == original + " again"
    qtbot.keyClick(edit, Qt.Key.Key_Escape)

    # Edit › Undo undoes the last saved change
    window.undo_action.trigger()
    assert sql(window, f"SELECT text FROM client_issue WHERE id = {first}") == original
    assert issues.model.rows[0].text == original


def test_edit_undo_with_a_cell_open_saves_it_first_then_undoes_it(
    qtbot, window: MainWindow
) -> None:
    window.tabs.setCurrentWidget(window.lists["issues"])
    (issues,) = window.lists["issues"].editors
    first = issues.model.rows[0].id
    original = issues.model.rows[0].text
    edit = _start_editing(qtbot, issues, 0, "text")
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, " saved")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    edit = _start_editing(qtbot, issues, 0, "text")
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, " pending")
    window.undo_action.trigger()  # from the menu: the open cell is the latest change
    assert not _editing(issues)
    assert sql(window, f"SELECT text FROM client_issue WHERE id = {first}") == original + " saved"
    assert issues.model.rows[0].text == original + " saved"
    window.redo_action.trigger()
    assert (
        sql(window, f"SELECT text FROM client_issue WHERE id = {first}")
        == original + " saved pending"
    )


@pytest.mark.parametrize("where", ["notes summary", "meeting objective"])
def test_typing_on_after_an_autosave_keeps_the_cursor_and_the_fields_undo(
    qtbot, window: MainWindow, where: str
) -> None:
    if where == "notes summary":
        window.tabs.setCurrentWidget(window.notes)
        held = sql(window, "SELECT id FROM meeting WHERE key = 'adriatica-welfare-review-2026'")
        assert window.notes.select_meeting(held)
        box = window.notes.form.fields["summary"].widget
        saved = f"SELECT summary FROM meeting_notes WHERE id = {window.notes.notes}"
    else:
        ws = window.open_meeting("adriatica-screening-pilot")
        box = ws.fields["objective"].widget
        saved = "SELECT objective FROM meeting WHERE key = 'adriatica-screening-pilot'"
    assert isinstance(box, QPlainTextEdit)
    original = box.toPlainText()
    box.setFocus()
    box.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(box, " Also")
    qtbot.waitUntil(lambda: sql(window, saved) == original + " Also")  # autosaved
    qtbot.keyClicks(box, " more")  # the cursor is still where the user left it
    assert box.toPlainText() == original + " Also more"
    qtbot.waitUntil(lambda: sql(window, saved) == original + " Also more")
    # Ctrl+Z in the field is the field's own undo of the typing, across the autosaves
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # (the document merges a run of typing into one step)
    assert box.toPlainText() == original
    qtbot.waitUntil(lambda: sql(window, saved) == original)  # and that is saved too
    # Edit › Undo undoes the last saved change: the field's undo just saved is undone
    window.undo_action.trigger()
    assert sql(window, saved) == original + " Also more"
    assert box.toPlainText() == original + " Also more"
