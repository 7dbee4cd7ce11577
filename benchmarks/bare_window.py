"""The anchor for ``kamdesk --startup-check``: a bare PySide6 window, nothing of kamdesk.

A QMainWindow holding a QTableView over a QStandardItemModel with the demo's four clients and
the portfolio list's visible columns, shown; the clock runs from this script's first line to
the first paint of the filled table with the window exposed, and prints
"startup-check: N ms" like kamdesk does (kamdesk/gui/startup_check.py). The difference between
the two is what kamdesk itself costs at start-up.
"""

import time

STARTED = time.perf_counter()

import sys  # noqa: E402

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView  # noqa: E402

ROWS = [
    ("Almaty Laboratory Network LLP", "", "101 % (2026-Q3)", "not ready · 97"),
    ("Banca Adriatica S.p.A.", "8.0 %", "89 % (2026-Q3)", "not ready · 87"),
    ("Patika-Lánc Gyógyszertárak Zrt.", "", "90 % (2026-Q3)", "not ready · 88"),
    ("Pomorska Grupa Szpitalna S.A.", "", "99 % (2026-Q3)", "ready · 100"),
]


class FirstPaint(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.elapsed_ms: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        handle = self.window.windowHandle()
        if event.type() == QEvent.Type.Paint and handle is not None and handle.isExposed():
            QTimer.singleShot(0, self.stop)
        return False

    def stop(self) -> None:
        if self.elapsed_ms is None:
            self.elapsed_ms = (time.perf_counter() - STARTED) * 1000
            QApplication.quit()


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    model = QStandardItemModel(0, 4, window)
    model.setHorizontalHeaderLabels(["Client", "Income share", "Attainment", "Readiness"])
    for row in ROWS:
        model.appendRow([QStandardItem(text) for text in row])
    table = QTableView(window)
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1280, 700)
    watcher = FirstPaint(window)
    table.viewport().installEventFilter(watcher)
    window.show()
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    elapsed = watcher.elapsed_ms
    table.viewport().removeEventFilter(watcher)  # a filter left on a dying widget crashes
    if elapsed is None:
        print("bare window: not painted within 60 s", file=sys.stderr)
        return 1
    print(f"startup-check: {round(elapsed)} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
