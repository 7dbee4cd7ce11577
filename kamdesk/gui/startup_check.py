"""``kamdesk --startup-check``: how long the app takes until a user can work.

The clock starts when the ``kamdesk`` package starts importing (``kamdesk.STARTED``), so it
counts every import (SQLAlchemy, PySide6…), opening and checking the database, building the
main window and filling its first page; it leaves out only the Python interpreter's own start,
which ``benchmarks/startup.py`` measures from outside. It stops at the first paint of the Home
page's headline after the worker has read the page (the next meetings with their readiness,
overdue follow-ups, clients needing attention), with the window exposed on the screen.
``benchmarks/bare_window.py`` stops its clock the same way.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

from kamdesk import STARTED
from kamdesk.gui.mainwindow import MainWindow


class _FirstFullPaint(QObject):
    """Watches the Home page's headline paints; ``done`` once one showed the page read."""

    def __init__(self, window: MainWindow, loop: QEventLoop) -> None:
        super().__init__(window)
        self.window, self.loop = window, loop
        self.elapsed_ms: float | None = None

    def complete(self) -> bool:
        handle = self.window.windowHandle()
        if handle is None or not handle.isExposed():
            return False
        return self.window.home.data is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and self.elapsed_ms is None and self.complete():
            # this paint draws the complete list; it is counted once it is done
            QTimer.singleShot(0, self._stop)
        return False

    def _stop(self) -> None:
        if self.elapsed_ms is None:
            self.elapsed_ms = (time.perf_counter() - STARTED) * 1000
            self.loop.quit()


def measure(window: MainWindow, timeout_s: float = 120.0) -> float | None:
    """Show ``window`` and wait until its Home page was painted complete; the milliseconds
    since kamdesk started, or None after ``timeout_s``."""
    loop = QEventLoop()
    watcher = _FirstFullPaint(window, loop)
    viewport = window.home.headline
    viewport.installEventFilter(watcher)
    window.show()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if watcher.elapsed_ms is None:
        loop.exec()
    viewport.removeEventFilter(watcher)
    return watcher.elapsed_ms
