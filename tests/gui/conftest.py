"""GUI fixtures: a main window on a real database holding the demo portfolio."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kamdesk.core import demo
from kamdesk.core.storage.db import Database
from kamdesk.gui.mainwindow import MainWindow
from kamdesk.gui.workers import SyncRunner


def sql(window: MainWindow, query: str) -> object:
    """One value read straight from the database file (not through the app)."""
    conn = sqlite3.connect(window.db.path)
    try:
        return conn.execute(query).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def demo_window(qtbot, tmp_path: Path) -> Iterator[Callable[[str | None], MainWindow]]:
    """Open the main window on a fresh demo database, on its Clients page (the portfolio and
    the dossier; the window itself opens on Home), with a client selected by name."""
    opened: list[tuple[MainWindow, Database]] = []

    def open_window(client: str | None = None) -> MainWindow:
        db = Database.open(tmp_path / f"gui-{len(opened)}.db")
        demo.load_demo(db)
        window = MainWindow(db, runner=SyncRunner())
        qtbot.addWidget(window)
        window.show()
        window.show_page(window.CLIENTS)
        if client is not None:
            rows = {window.proxy.index(r, 0).data(): r for r in range(window.proxy.rowCount())}
            window.table.selectRow(rows[client])
        opened.append((window, db))
        return window

    yield open_window
    for window, db in opened:
        window.close()
        db.close()


@pytest.fixture(autouse=True, scope="session")
def _render_process_ends() -> Iterator[None]:
    """The brief's render process (started by tests using the real thread pool) ends with the run."""
    yield
    from kamdesk.gui.workers import shutdown_render_process

    shutdown_render_process()
