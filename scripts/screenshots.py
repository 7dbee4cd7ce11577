"""Screenshots of the desktop app on the demo portfolio, for the README (``make screenshots``).

Runs offscreen by default (no screen needed); set QT_QPA_PLATFORM=xcb under Xvfb for the real
platform (``make screenshots`` does, under xvfb-run when it is there). At 1366×768: home.png,
main-window.png, meeting-workspace.png, relationship-map.png, notes.png, follow-ups.png and
portfolio.png; at 1920×1080 the first three again, named ``…-1920x1080.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


SIZES = ((1366, 768), (1920, 1080))  # a laptop, a desktop monitor


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from kamdesk.core import demo
    from kamdesk.core.storage.db import Database
    from kamdesk.gui import style
    from kamdesk.gui.mainwindow import MainWindow
    from kamdesk.gui.workers import SyncRunner

    tmp = Path(tempfile.mkdtemp())
    os.environ["KAMDESK_CONFIG"] = str(tmp / "settings.toml")
    app = QApplication(sys.argv)
    style.apply(app)  # as the app looks when started
    db = Database.open(tmp / "screens.db")
    demo.load_demo(db)
    out.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        window = MainWindow(db, runner=SyncRunner())
        window.resize(width, height)
        window.show()
        _shots(app, window, out, "" if (width, height) == SIZES[0] else f"-{width}x{height}")
        window.close()
    db.close()


def _shots(app, window, out: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    def shot(name: str) -> None:
        for _ in range(5):
            app.processEvents()
        path = out / f"{name}{suffix}.png"
        window.grab().save(str(path))
        print(path)

    shot("home")
    window.show_page(window.CLIENTS)
    rows = {window.proxy.index(r, 0).data(): r for r in range(window.proxy.rowCount())}
    window.table.selectRow(rows["Pomorska Grupa Szpitalna S.A."])
    window.tabs.setCurrentWidget(window.meetings_page)
    shot("main-window")
    window.open_meeting("patika-q1-listing")
    shot("meeting-workspace")
    if suffix:  # the desktop size: the first three are enough
        return
    window.show_page(window.CLIENTS)
    window.tabs.setCurrentWidget(window.relmap)
    window.relmap.fit()
    shot("relationship-map")
    window.tabs.setCurrentWidget(window.notes)
    past = [
        i
        for i in range(window.notes.meetings.count())
        if "Quarterly" in window.notes.meetings.item(i).text()
    ]
    if past:
        window.notes.meetings.setCurrentRow(past[0])
    shot("notes")
    window.open_follow_ups()
    shot("follow-ups")
    window.open_portfolio()
    shot("portfolio")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
