"""The main window on a real database holding the demo portfolio."""

from __future__ import annotations

from pathlib import Path

from kamdesk.core import demo
from kamdesk.core.db import Database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.models.portfolio import ClientKeyRole


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
        # the next meeting column shows the upcoming negotiation of the hospital group
        texts = [table.model().index(r, 4).data() for r in range(4)]
        assert any("2027" in t for t in texts)

        qtbot.keyClicks(window.search, "adriatica")
        assert table.model().rowCount() == 1
        assert table.model().index(0, 0).data() == "Banca Adriatica S.p.A."
        window.search.setText("Алматинская")  # non-ASCII: setText, not keyClicks (PITFALLS)
        assert table.model().rowCount() == 1
        window.search.clear()
        assert table.model().rowCount() == 4
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
