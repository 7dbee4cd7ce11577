"""Screenshots of the desktop app on the demo portfolio, for the README (``make screenshots``).

Runs offscreen by default (no screen needed); set QT_QPA_PLATFORM=xcb under Xvfb for the real
platform. Writes main-window.png, meeting-workspace.png, relationship-map.png, notes.png,
follow-ups.png and portfolio.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from kamdesk.core import demo
    from kamdesk.core.storage.db import Database
    from kamdesk.gui.mainwindow import MainWindow
    from kamdesk.gui.workers import SyncRunner

    tmp = Path(tempfile.mkdtemp())
    os.environ["KAMDESK_CONFIG"] = str(tmp / "settings.toml")
    app = QApplication(sys.argv)
    db = Database.open(tmp / "screens.db")
    demo.load_demo(db)
    window = MainWindow(db, runner=SyncRunner())
    window.resize(1440, 880)
    window.show()
    rows = {window.proxy.index(r, 0).data(): r for r in range(window.proxy.rowCount())}
    window.table.selectRow(rows["Pomorska Grupa Szpitalna S.A."])
    out.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out / name))
        print(out / name)

    window.tabs.setCurrentWidget(window.meetings_page)
    shot("main-window.png")
    window.open_meeting("patika-q1-listing")
    shot("meeting-workspace.png")
    window.tabs.setCurrentWidget(window.relmap)
    window.relmap.fit()
    shot("relationship-map.png")
    window.tabs.setCurrentWidget(window.notes)
    past = [
        i
        for i in range(window.notes.meetings.count())
        if "Quarterly" in window.notes.meetings.item(i).text()
    ]
    if past:
        window.notes.meetings.setCurrentRow(past[0])
    shot("notes.png")
    window.open_follow_ups()
    shot("follow-ups.png")
    window.open_portfolio()
    shot("portfolio.png")
    window.close()
    db.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
