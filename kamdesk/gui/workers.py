"""The one way to run work off the GUI thread (the machinery; views use it through
``gui.operations``, which types it and adds the default failure dialog).

``TaskRunner.run(fn, on_done, on_failed)`` runs ``fn()`` in Qt's thread pool; the callbacks
come back on the GUI thread through queued signals. ``fn`` must not touch widgets; it reads
and writes through the core's services (each opens its own session). A task's result can be
abandoned (``cancel()``): WeasyPrint has no cancel, so the work finishes but nobody hears of
it. ``render_pdf(html)`` (called inside a task) makes a PDF where this runner makes them: the
thread runner in the render process, so the event loop keeps its rhythm. Tests may swap in
``SyncRunner``, which runs everything at once on the calling thread and renders in-process.
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

    def render_pdf(self, html: str) -> bytes:
        return render_pdf_in_process(html)


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

    def render_pdf(self, html: str) -> bytes:
        from kamdesk.core.documents.reports import (
            html_to_pdf,  # WeasyPrint, loaded when first needed
        )

        return html_to_pdf(html)


# --- PDF rendering in a separate process -------------------------------------------------------
#
# WeasyPrint holds the GIL for long stretches (its import, font and layout work), which a
# thread cannot hide: measured, the event loop stalled up to ~110 ms during a render on the
# thread pool. A worker thread hands the HTML to one reused process and waits there (the GIL
# is free meanwhile), so the window keeps its 10 ms rhythm.

_pdf_pool: Any = None


def render_pdf_in_process(html: str) -> bytes:
    """PDF bytes for ``html``, made in kamdesk's render process (started on first use)."""
    global _pdf_pool
    import concurrent.futures
    import multiprocessing

    from kamdesk.core.documents.reports import html_to_pdf

    if _pdf_pool is None:
        _pdf_pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        )
    try:
        return _pdf_pool.submit(html_to_pdf, html).result()
    except concurrent.futures.process.BrokenProcessPool:
        _pdf_pool = None  # the render process died (e.g. killed): start a new one next time
        raise


def shutdown_render_process() -> None:
    global _pdf_pool
    if _pdf_pool is not None:
        _pdf_pool.shutdown(wait=False, cancel_futures=True)
        _pdf_pool = None
