"""Saving like a desktop app: the file dialog first, then the work, then a word of where the
file went.

- ``ask_path`` opens the save dialog in the folder used last (remembered in QSettings; the
  first time, the user's Documents folder, else their home) with a suggested name made from
  titles (``core.filenames``), and remembers the folder chosen. Nothing is rendered before
  the user has chosen: the ~5 s render of a PDF comes after the dialog, never before it.
- ``save_pdf`` runs the render on the runner behind a busy progress dialog whose Cancel
  abandons it: a cancelled render writes nothing.
- ``announce_saved`` puts "Saved <name>" in the window's status bar with two buttons: "Open"
  (the file, in the desktop's program for it) and "Show in folder".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from kamdesk.core.files import write_bytes_atomically
from kamdesk.gui import operations
from kamdesk.gui.operations import Runner
from kamdesk.gui.workers import TaskHandle

LAST_FOLDER_KEY = "saving/last_folder"
NOTICE_MS = 30_000  # how long "Saved …" stays in the status bar


def default_folder() -> Path:
    """The user's Documents folder, or their home when there is none."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return Path(docs)
    return Path.home()


def last_folder() -> Path:
    """The folder the last file was saved in (while it still exists), else the default."""
    value = QSettings().value(LAST_FOLDER_KEY)
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    return default_folder()


def ask_path(parent: QWidget, title: str, suggested: str, filters: str) -> Path | None:
    """The path the user chose in the save dialog (opened in ``last_folder()`` on
    ``suggested``), or None when they cancelled. The folder chosen is remembered."""
    name, _chosen = QFileDialog.getSaveFileName(
        parent, title, str(last_folder() / suggested), filters
    )
    if not name:
        return None
    path = Path(name)
    QSettings().setValue(LAST_FOLDER_KEY, str(path.parent))
    return path


def open_file(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class SavedNotice(QWidget):
    """ "Saved <name>" with "Open" and "Show in folder", in the status bar."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = path
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is the user's text
        self.label.setText(self.tr("Saved {name}").format(name=path.name))
        self.label.setToolTip(str(path))
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.setAccessibleName(self.tr("Open the saved file"))
        self.folder_button = QPushButton(self.tr("Show in folder"), self)
        self.folder_button.setAccessibleName(self.tr("Show the saved file's folder"))
        for button in (self.open_button, self.folder_button):
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.open_button)
        layout.addWidget(self.folder_button)
        layout.addStretch(1)
        self.open_button.clicked.connect(lambda: open_file(self.path))
        self.folder_button.clicked.connect(lambda: show_in_folder(self.path))


def announce_saved(parent: QWidget, path: Path) -> SavedNotice | None:
    """Say in the status bar of ``parent``'s window that ``path`` was saved (replacing an
    earlier notice); None when ``parent`` is in no main window."""
    window = parent.window()
    if not isinstance(window, QMainWindow):
        return None
    bar = window.statusBar()
    for old in bar.findChildren(SavedNotice):
        bar.removeWidget(old)
        old.deleteLater()
    bar.clearMessage()  # a message would hide the notice
    notice = SavedNotice(path, bar)
    bar.addWidget(notice, 1)
    notice.show()

    def expire() -> None:
        if notice in bar.findChildren(SavedNotice):
            bar.removeWidget(notice)
            notice.deleteLater()

    QTimer.singleShot(NOTICE_MS, bar, expire)
    return notice


def save_pdf(
    parent: QWidget,
    runner: Runner,
    build_html: Callable[[], str],
    path: Path,
    *,
    label: str,
    on_saved: Callable[[Path], None],
    on_failed: Callable[[BaseException], None],
    on_cancelled: Callable[[], None] = lambda: None,
) -> tuple[TaskHandle, QProgressDialog]:
    """Render and write a PDF behind a busy dialog (``label``) whose Cancel abandons it
    (nothing is written); when written, the status bar says so and ``on_saved(path)``."""
    progress = QProgressDialog(label, parent.tr("Cancel"), 0, 0, parent)
    progress.setWindowTitle(parent.tr("Saving"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)  # shown only when it takes a moment
    progress.setAutoReset(False)
    progress.setValue(0)

    def finish() -> None:
        progress.reset()
        progress.hide()
        progress.deleteLater()

    def done(written: Path) -> None:
        finish()
        announce_saved(parent, written)
        on_saved(written)

    def failed(exc: BaseException) -> None:
        finish()
        on_failed(exc)

    handle = operations.save_pdf(runner, build_html, path, done, failed)

    def cancel() -> None:
        handle.cancel()
        finish()
        on_cancelled()

    if not handle.finished:
        progress.canceled.connect(cancel)
    return handle, progress


def write_and_announce(parent: QWidget, path: Path, data: bytes) -> None:
    """Write bytes made already (atomically) and say so; raises ``KamdeskError``."""
    write_bytes_atomically(path, data)
    announce_saved(parent, path)
