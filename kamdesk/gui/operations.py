"""The GUI's operation layer: how a view runs work that reads or writes the dossier, or makes
a document, without blocking the window.

A view never opens a database session (``core.reading`` reads, ``core.editing`` writes); what
takes long runs as an operation: ``run(parent, runner, work, on_done)`` runs ``work()`` on the
window's ``Runner`` and calls ``on_done(result)`` on the GUI thread; a failure goes to
``on_failed`` when given, otherwise to ``show_failure``, the one failure dialog: the user
sentence of a ``KamdeskError``, or for anything else a crash log without personal data and a
line saying where it is (never a traceback). ``save_pdf`` is the one way a view makes a PDF
file: HTML built on the worker, the PDF made where the runner makes them, written atomically.

The ``Runner`` protocol is what ``workers.TaskRunner`` (the real thread pool) and
``workers.SyncRunner`` (tests) both are, so no view asks which one it has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from kamdesk import __version__
from kamdesk.core import crashlog
from kamdesk.core.errors import KamdeskError
from kamdesk.core.files import write_bytes_atomically
from kamdesk.gui.workers import TaskHandle

T = TypeVar("T")


class Runner(Protocol):
    """Runs work off the GUI thread and reports back on it."""

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_failed: Callable[[BaseException], None],
    ) -> TaskHandle: ...

    def wait(self, msecs: int = ...) -> bool: ...

    def render_pdf(self, html: str) -> bytes:
        """PDF bytes for ``html``; called inside a task."""
        ...


@dataclass(frozen=True)
class Change:
    """What the window's one "dossier changed" signal carries: the clients whose data changed,
    or ``clients=None`` when every client's figures may have (our company, a product); and the
    view or workspace that made the change (``origin``), which shows it already."""

    clients: frozenset[int] | None
    origin: object | None = None

    @classmethod
    def of(cls, client_ids: Iterable[int | None], origin: object | None = None) -> Change:
        return cls(frozenset(c for c in client_ids if c is not None), origin)

    def touches(self, client_id: int | None) -> bool:
        return self.clients is None or client_id in self.clients


def failure_text(exc: BaseException) -> str:
    """What the user reads about a failed operation: our own sentence for what we foresaw,
    else a pointer to a crash log (written here) that holds nothing personal."""
    if isinstance(exc, KamdeskError):
        return str(exc)
    log = crashlog.write(exc, "gui", __version__, now=dt.datetime.now(dt.UTC))
    line = crashlog.one_line(exc, log)
    return line[:1].upper() + line[1:]  # a sentence of its own in a dialog


def show_failure(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """The default failure dialog of an operation."""
    QMessageBox.critical(parent, title, failure_text(exc))


def run(
    parent: QWidget,
    runner: Runner,
    work: Callable[[], T],
    on_done: Callable[[T], None],
    on_failed: Callable[[BaseException], None] | None = None,
    *,
    failure_title: str | None = None,
) -> TaskHandle:
    """Run ``work()`` on ``runner``; ``on_done(result)`` on the GUI thread, or on failure
    ``on_failed(exc)`` when given, else the failure dialog titled ``failure_title``."""
    title = failure_title or QCoreApplication.translate("operations", "Not done")
    return runner.run(work, on_done, on_failed or (lambda exc: show_failure(parent, title, exc)))


def save_pdf(
    runner: Runner,
    build_html: Callable[[], str],
    path: Path,
    on_done: Callable[[Path], None],
    on_failed: Callable[[BaseException], None],
) -> TaskHandle:
    """Build a document's HTML on the worker, make its PDF where ``runner`` makes them and
    write it atomically to ``path``; ``on_done(path)`` on the GUI thread. Cancelling the
    returned handle before the PDF is made means nothing is written."""
    handles: list[TaskHandle] = []

    def work() -> Path | None:
        pdf = runner.render_pdf(build_html())
        if handles and handles[0].cancelled:  # abandoned while it rendered
            return None
        write_bytes_atomically(path, pdf)
        return path

    handle = runner.run(work, lambda p: on_done(p) if p is not None else None, on_failed)
    handles.append(handle)
    return handle
