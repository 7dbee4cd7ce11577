"""The portfolio's follow-ups: open action items of every client, overdue first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar

from kamdesk.gui.models.followups import DONE_COLUMN
from tests.gui.conftest import sql


def test_follow_ups_tab_ticks_filters_and_opens_notes(qtbot, demo_window) -> None:
    window = demo_window("Pomorska Grupa Szpitalna S.A.")
    window.follow_ups_action.trigger()
    view = window.follow_ups
    # a page of its own: the dossier's tabs are not pushed aside
    assert view is not None and window.pages.currentWidget() is view and view.isVisible()
    assert window.tabs.count() == window.FIXED_TABS
    open_items = sql(window, "SELECT count(*) FROM action_item WHERE NOT done")
    assert view.model.rowCount() == open_items > 0
    clients = {view.model.index(r, 1).data() for r in range(view.model.rowCount())}
    assert len(clients) >= 3  # every client, not just the selected one
    # overdue first, and they say so
    today = view.today  # the view's own day (no second reading of the clock)
    overdue = sql(
        window, f"SELECT count(*) FROM action_item WHERE NOT done AND due < '{today.isoformat()}'"
    )
    assert overdue > 0
    assert "overdue" in view.model.index(0, 0).data()
    assert f"{overdue} overdue" in view.summary.text()

    # tick the first done: saved, gone from the list, undoable
    action_id = view.model.index(0, 0).data(Qt.ItemDataRole.UserRole)
    assert view.model.setData(
        view.model.index(0, DONE_COLUMN),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert sql(window, f"SELECT done FROM action_item WHERE id = {action_id}") == 1
    assert view.model.rowCount() == open_items - 1
    window.undo_action.trigger()
    assert sql(window, f"SELECT done FROM action_item WHERE id = {action_id}") == 0
    assert view.model.rowCount() == open_items
    view.show_done.setChecked(True)
    assert view.model.rowCount() == sql(window, "SELECT count(*) FROM action_item")

    # filter by client name
    view.filter.setText("adriatica")
    assert 0 < view.model.rowCount() < open_items
    assert all("Adriatica" in view.model.index(r, 1).data() for r in range(view.model.rowCount()))

    # double-click opens that meeting's notes in the dossier
    target = view.model.index(0, 0).data(Qt.ItemDataRole.UserRole)
    view.table.doubleClicked.emit(view.model.index(0, 3))
    assert window.tabs.currentWidget() is window.notes
    assert window.current_client_key() == "banca-adriatica"
    assert window.notes.notes == sql(
        window, f"SELECT notes_id FROM action_item WHERE id = {target}"
    )
    # an action ticked in the notes shows in the follow-ups when they are shown again
    window.open_follow_ups()
    window.show_page(window.CLIENTS)
    window.tabs.setCurrentWidget(window.notes)
    done_col = next(
        i for i, c in enumerate(window.notes.action_list.model.columns) if c.name == "done"
    )
    row = next(
        r
        for r in range(window.notes.action_list.model.rowCount())
        if not window.notes.action_list.model.rows[r].done
    )
    assert window.notes.action_list.model.setData(
        window.notes.action_list.model.index(row, done_col),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    bar = window.findChild(QToolBar, "pages")  # the toolbar's Follow-ups button
    button = bar.widgetForAction(window.page_actions[window.FOLLOW_UPS])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is view
    view.filter.clear()
    view.show_done.setChecked(False)
    assert view.model.rowCount() < sql(window, "SELECT count(*) FROM action_item")
    assert view.model.rowCount() == sql(window, "SELECT count(*) FROM action_item WHERE NOT done")
    window.show_page(window.CLIENTS)
    assert window.follow_ups is view and not view.isVisible()  # kept, for the next time


def test_follow_ups_export_csv_neutralises_formulas(qtbot, demo_window, tmp_path) -> None:
    import csv

    window = demo_window(None)
    action = sql(window, "SELECT id FROM action_item WHERE NOT done ORDER BY id LIMIT 1")
    window.db.engine.dispose()
    import sqlite3

    conn = sqlite3.connect(window.db.path)
    conn.execute(
        "UPDATE action_item SET text = '=HYPERLINK(\"http://x\")', owner = '+48 22 555 0101' "
        f"WHERE id = {action}"
    )
    conn.commit()
    conn.close()
    view = window.open_follow_ups()
    view.export(tmp_path / "f.csv")
    raw = (tmp_path / "f.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["Due", "Days overdue", "Client key", "Client"]
    assert len(rows) - 1 == view.model.rowCount()
    cells = [c for row in rows for c in row]
    assert '\'=HYPERLINK("http://x")' in cells  # neutralised, not a live formula
    assert "'+48 22 555 0101" in cells
    assert any("Алматинская" in c for c in cells)
