"""The one way to run work off the GUI thread.

``TaskRunner.run(fn, on_done, on_failed)`` runs ``fn()`` in Qt's thread pool; the callbacks
come back on the GUI thread through queued signals. ``fn`` must not touch widgets, and opens
its own database session if it needs one. A task's result can be abandoned (``cancel()``):
WeasyPrint has no cancel, so the work finishes but nobody hears of it. Tests may swap in
``SyncRunner``, which runs everything at once on the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    """Lives on the GUI thread; emitted from the worker, delivered queued."""

    sig_done = Signal(object)
    sig_failed = Signal(object)


class TaskHandle:
    def __init__(self) -> None:
        self.cancelled = False
        self.finished = False

    def cancel(self) -> None:
        self.cancelled = True


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            self.signals.sig_failed.emit(exc)
        else:
            self.signals.sig_done.emit(result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._live: set[_Signals] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> TaskHandle:
        handle = TaskHandle()
        signals = _Signals(self)
        self._live.add(signals)

        def done(result: Any) -> None:
            self._finish(signals, handle)
            if not handle.cancelled:
                on_done(result)

        def failed(exc: BaseException) -> None:
            self._finish(signals, handle)
            if not handle.cancelled:
                on_failed(exc)

        signals.sig_done.connect(done)
        signals.sig_failed.connect(failed)
        self.pool.start(_Task(fn, signals))
        return handle

    def _finish(self, signals: _Signals, handle: TaskHandle) -> None:
        handle.finished = True
        self._live.discard(signals)
        signals.deleteLater()

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


class SyncRunner:
    """Same interface, no threads: for tests that want determinism."""

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> TaskHandle:
        handle = TaskHandle()
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001
            handle.finished = True
            on_failed(exc)
        else:
            handle.finished = True
            on_done(result)
        return handle

    def wait(self, msecs: int = 0) -> bool:
        return True
