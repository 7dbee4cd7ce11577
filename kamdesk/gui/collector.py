"""When the garbage collector may pause the app: not while the KAM is working.

A full collection walks every object of the process holding the GIL: on the large portfolio
100–230 ms were measured, so a read on the worker that makes many objects (Home's readiness of
50 meetings: 25,000 rows), or any moment at all, could freeze the window for that long. So:
- the young generations are collected as usual (a few milliseconds each);
- a full collection comes on its own only after 1,000 middle ones (Python's default is 10), a
  safety net against a long busy stretch;
- the objects made while starting (modules, the window, its first data) are frozen out of
  every later collection (``freeze_started``): they live as long as the app;
- and ``IdleCollector`` runs the full collection when nobody has touched keyboard or mouse
  for a while (10 s), where its pause is felt by no one.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

IDLE_MS = 10_000
THRESHOLDS = (700, 10, 1000)  # Python's own first two; full collections 100 times rarer

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def tune() -> None:
    """The thresholds above, for this process (the desktop app; the CLI keeps Python's)."""
    gc.set_threshold(*THRESHOLDS)


def freeze_started() -> None:
    """Leave what exists now out of every later collection (after one last collection)."""
    gc.collect()
    gc.freeze()


class IdleCollector(QObject):
    """A full collection once the app has had no input for ``idle_ms`` (then again only after
    new input and another idle stretch)."""

    def __init__(self, app: QApplication, idle_ms: int = IDLE_MS) -> None:
        super().__init__(app)
        self.collections = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one moves its deadline
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self._collect)
        app.installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _INPUT:
            self.timer.start()  # the KAM is working: later
        return False

    def _collect(self) -> None:
        gc.collect()
        self.collections += 1
