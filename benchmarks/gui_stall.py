"""Event-loop responsiveness of the desktop app on the demo data (offscreen).

A 10 ms probe timer runs while the app does real work: start-up, selecting each client,
opening every meeting workspace, editing fields (autosave + checklist), and rendering a brief
on the thread pool. The longest gap between probe ticks is the worst stall a user would feel.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from kamdesk.core import demo
    from kamdesk.core.db import Database
    from kamdesk.gui.mainwindow import MainWindow

    app = QApplication(sys.argv)
    tmp = tempfile.mkdtemp()
    os.environ["KAMDESK_CONFIG"] = str(Path(tmp) / "settings.toml")
    db = Database.open(Path(tmp) / "stall.db")
    demo.load_demo(db)

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(10)
    probe.timeout.connect(tick)
    probe.start()
    phases: dict[str, float] = {}

    def step(label: str, fn) -> None:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        fn()
        phases[label] = (time.perf_counter() - start) * 1000
        app.processEvents()

    window: list[MainWindow] = []
    step("open main window", lambda: window.append(MainWindow(db)) or window[0].show())
    win = window[0]
    for row in range(win.proxy.rowCount()):
        step(f"select client {row}", lambda r=row: win.table.selectRow(r))
    keys = [
        "pomorze-tender-2027",
        "patika-q1-listing",
        "adriatica-screening-pilot",
        "almaty-launch-rt",
    ]
    for key in keys:
        step(f"open {key}", lambda k=key: win.open_meeting(k))
    ws = win.workspaces["patika-q1-listing"]
    step(
        "edit travel time (save + checklist)",
        lambda: (ws.fields["travel_min"].widget.setValue(30), ws.commit(ws.fields["travel_min"])),
    )
    step("undo", win.undo_stack.undo)
    done = [False]
    brief_ws = win.workspaces["pomorze-tender-2027"]
    original = brief_ws._rendered
    brief_ws._rendered = lambda purpose, pdf: done.__setitem__(0, True)  # no window, just the work
    start = time.perf_counter()
    brief_ws.render_brief("preview")
    deadline = time.time() + 60
    while not done[0] and time.time() < deadline:
        app.processEvents()
        time.sleep(0.002)
    phases["brief rendered on the pool (wall)"] = (time.perf_counter() - start) * 1000
    brief_ws._rendered = original
    probe.stop()
    win.close()
    db.close()

    print("kamdesk GUI responsiveness (offscreen, demo data)")
    for label, ms in phases.items():
        print(f"  {label:<40} {ms:8.1f} ms")
    print(
        f"  probe ticks {len(gaps)}, median gap {statistics.median(gaps):.1f} ms, "
        f"worst gap {max(gaps):.1f} ms (target: no stall over 100 ms)"
    )


if __name__ == "__main__":
    main()
