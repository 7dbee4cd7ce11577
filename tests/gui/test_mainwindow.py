"""The main window on a real database holding the demo portfolio."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from kamdesk.core import demo
from kamdesk.core.storage.db import Database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.models.portfolio import ClientKeyRole
from tests.gui.conftest import sql


def test_portfolio_list_shows_the_demo_and_filters(qtbot, tmp_path: Path) -> None:
    with Database.open(tmp_path / "gui.db") as db:
        demo.load_demo(db)
        window = MainWindow(db)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        table = window.table
        assert table.model().rowCount() == 4
        keys = {table.model().index(r, 0).data(ClientKeyRole) for r in range(4)}
        assert keys == {"szpital-pomorze", "patika-lanc", "banca-adriatica", "almaty-lab"}
        # per client: income share with dependency level, attainment, next meeting, readiness
        by_key = {table.model().index(r, 0).data(ClientKeyRole): r for r in range(4)}
        hospital = by_key["szpital-pomorze"]
        assert table.model().index(hospital, 1).data() == "22.0 %  critical"
        assert "%" in table.model().index(hospital, 2).data()
        assert "2027" in table.model().index(hospital, 3).data()
        # readiness is computed on the worker and fills in
        qtbot.waitUntil(lambda: (table.model().index(hospital, 4).data() or "").startswith("ready"))
        assert table.model().index(by_key["patika-lanc"], 4).data().startswith("not ready")

        qtbot.keyClicks(window.search, "adriatica")
        qtbot.waitUntil(lambda: table.model().rowCount() == 1)
        assert table.model().index(0, 0).data() == "Banca Adriatica S.p.A."
        window.search.setText("Алматинская")  # non-ASCII: setText, not keyClicks (PITFALLS)
        qtbot.waitUntil(
            lambda: table.model().rowCount() == 1 and "Almaty" in table.model().index(0, 0).data()
        )
        window.search.clear()
        qtbot.waitUntil(lambda: table.model().rowCount() == 4)
        assert window.hits.isHidden()
        assert window.table.accessibleName() == "Portfolio"
        assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_no_screen_message(monkeypatch, capsys, tmp_path: Path) -> None:
    from kamdesk.gui import app

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert app.run_app(tmp_path / "x.db", load_demo=True) == 1
    assert "QT_QPA_PLATFORM=offscreen" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_search_finds_people_across_scripts_and_opens_them(qtbot, tmp_path: Path) -> None:
    from kamdesk.gui.workers import SyncRunner

    with Database.open(tmp_path / "search.db") as db:
        demo.load_demo(db)
        window = MainWindow(db, runner=SyncRunner())
        qtbot.addWidget(window)
        window.show()
        qtbot.keyClicks(window.search, "sokolov")  # Latin letters find a Cyrillic name
        qtbot.waitUntil(lambda: window.hits.count() > 0)
        assert window.hits.item(0).text() == "People"  # the header of the first kind found
        item = window.search_results()[0]
        assert "Соколов" in item.text() and item.data(Qt.ItemDataRole.UserRole).kind == "person"
        assert window.table.model().rowCount() == 1
        window.open_hit(item)
        assert window.tabs.currentWidget() is window.people
        assert "Соколов" in window.people.list.currentItem().text()
        window.search.setText("zzzz-nothing")
        qtbot.waitUntil(
            lambda: window.hits.count() == 1 and "Nothing found" in window.hits.item(0).text()
        )
        assert window.table.model().rowCount() == 0
        window.close()


def test_a_search_pending_at_close_does_not_reopen_the_closed_dossier(qtbot, demo_window) -> None:
    """The search runs 150 ms after the last key; a window closed (and its dossier closed)
    before then must not run it: it would open a connection nobody closes."""
    window = demo_window("Pomorska Grupa Szpitalna S.A.")
    qtbot.keyClicks(window.search, "lodz")
    assert window.search_timer.isActive()
    window.close()
    window.db.close()
    qtbot.wait(window.search_timer.interval() * 3)
    assert window.db.engine.pool.checkedin() == 0


def test_an_edit_saved_while_closing_does_not_reopen_the_closed_dossier(qtbot, demo_window) -> None:
    """Closing saves the edit still in its autosave delay, which queues a refresh of the
    portfolio list; that refresh runs after the dossier is closed and must be dropped: it would
    open a connection nobody closes (Python 3.13 warns when it is collected)."""
    window = demo_window("Pomorska Grupa Szpitalna S.A.")
    window.overview.form.fields["history"].widget.setPlainText("Founded in Gdańsk in 1945.")
    window.close()
    window.db.close()
    qtbot.wait(50)  # the queued refresh gets its turn
    assert sql(window, "SELECT history FROM client WHERE key = 'szpital-pomorze'") == (
        "Founded in Gdańsk in 1945."
    )
    assert window.db.engine.pool.checkedin() == 0
