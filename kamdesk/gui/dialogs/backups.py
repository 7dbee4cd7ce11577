"""The backups of the open dossier: the list (date, reason, size), "Back up now" and
"Restore…"; and, at start, the offer to restore the newest good backup of a damaged dossier.

A restore needs the database closed, so the dialog does not restore by itself: it checks the
chosen backup, asks to confirm, records the request and closes. The main window then closes
(``MainWindow.show_backups``) and :func:`kamdesk.gui.app.run_app` restores and reopens
(:func:`take_restore_request`, :func:`restore_and_reopen`).

Signals:
    sig_restore_requested(object): the user confirmed restoring this backup (a ``Path``,
        already checked); the request is also kept for :func:`take_restore_request`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import settings
from kamdesk.core.errors import DatabaseDamaged, KamdeskError
from kamdesk.core.storage import backup
from kamdesk.core.storage.db import Database
from kamdesk.gui import operations
from kamdesk.gui.operations import Runner

REASON_LABELS = {
    "daily": "daily",
    "migration": "before an upgrade",
    "import": "before an import",
    "manual": "by hand",
}

_pending_restore: Path | None = None


def take_restore_request() -> Path | None:
    """The backup the user chose to restore in the dialog (once), or None."""
    global _pending_restore
    request, _pending_restore = _pending_restore, None
    return request


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 10 * 1024 * 1024 else f"{size / 2**20:,.1f} MB"


class BackupsDialog(QDialog):
    sig_restore_requested = Signal(object)

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        runner: Runner | None = None,
        *,
        current_settings: Callable[[], settings.Settings] = settings.current,
    ):
        super().__init__(parent)
        self.current_settings = current_settings  # the window's settings, read when needed
        from kamdesk.gui.workers import TaskRunner

        self.db = db
        self.runner: Runner = runner or TaskRunner(self)
        self.restore_file: Path | None = None
        self.backups: list[backup.BackupInfo] = []
        tr = self.tr
        self.setWindowTitle(tr("Backups"))
        layout = QVBoxLayout(self)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([tr("Taken"), tr("Why"), tr("Size")])
        self.table.setAccessibleName(tr("Backups, newest first"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.backup_button = QPushButton(tr("Back up now"), self)
        self.restore_button = QPushButton(tr("Restore…"), self)
        self.restore_button.setToolTip(
            tr("Replace the dossier with the selected backup; the current file is kept aside")
        )
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()
        self.resize(620, 420)

    def refresh(self) -> None:
        try:
            prefs = self.current_settings()
        except KamdeskError:
            prefs = settings.Settings()
        self.where.setText(
            self.tr(
                "Kept in {folder}: a daily backup on the first open of each day "
                "({daily} days and {weekly} weeks are kept), and one before every upgrade "
                "and import (the last {other} of each)."
            ).format(
                folder=backup.backup_dir(self.db.path, prefs),
                daily=prefs.backup_keep_daily,
                weekly=prefs.backup_keep_weekly,
                other=backup.KEEP_OTHER,
            )
        )
        self.backups = backup.list_backups(self.db.path, prefs)
        self.table.setRowCount(len(self.backups))
        for i, info in enumerate(self.backups):
            cells = (
                info.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                self.tr(REASON_LABELS.get(info.reason, info.reason)),
                _size(info.size),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(info.path))
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(i, column, item)
        if self.backups:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None and not self.db.readonly)

    def back_up_now(self) -> None:
        self.backup_button.setEnabled(False)
        self.status.setText(self.tr("Backing up…"))
        db = self.db

        def done(path: Path) -> None:
            self.backup_button.setEnabled(True)
            self.refresh()
            self.status.setText(self.tr("Backed up to {file}.").format(file=path))

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(True)
            self.status.setText("")
            operations.show_failure(self, self.tr("No backup taken"), exc)

        self.runner.run(lambda: backup.backup_now(db, "manual"), done, failed)

    def restore_selected(self) -> None:
        global _pending_restore
        info = self.selected()
        if info is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            backup.check_file(info.path)
        except KamdeskError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, self.tr("This backup cannot be restored"), str(exc))
            return
        QApplication.restoreOverrideCursor()
        answer = QMessageBox.question(
            self,
            self.tr("Restore this backup?"),
            self.tr(
                "Replace the dossier with the backup taken {when} ({why})? What was saved "
                "after it will no longer be in the dossier; the current file is kept aside "
                "beside it (…{name}.replaced-…). kamdesk then reopens the dossier."
            ).format(
                when=info.taken_at.strftime("%Y-%m-%d %H:%M"),
                why=self.tr(REASON_LABELS.get(info.reason, info.reason)),
                name=self.db.path.name,
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.restore_file = info.path
        _pending_restore = info.path
        self.sig_restore_requested.emit(info.path)
        self.accept()


def offer_restore(
    db_path: Path, error: DatabaseDamaged, parent: QWidget | None = None
) -> Literal["restored", "declined", "unavailable"]:
    """At start, for a damaged dossier: show the problem and offer its newest good backup.
    "unavailable": there is none to offer (the caller shows the error as usual)."""
    if error.newest_backup is None:
        return "unavailable"
    tr = QApplication.translate
    box = QMessageBox(QMessageBox.Icon.Critical, "kamdesk", str(error), parent=parent)
    restore_button = box.addButton(
        tr("BackupsDialog", "Restore the newest good backup"), QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton(tr("BackupsDialog", "Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore_button)
    box.exec()
    if box.clickedButton() is not restore_button:
        return "declined"
    try:
        result = backup.restore(db_path, error.newest_backup)
    except KamdeskError as exc:
        QMessageBox.critical(parent, "kamdesk", str(exc))
        return "declined"
    if result.replaced is not None:
        QMessageBox.information(
            parent,
            "kamdesk",
            tr(
                "BackupsDialog", "Restored from {backup}. The damaged file was kept as {aside}."
            ).format(backup=error.newest_backup, aside=result.replaced),
        )
    return "restored"


def restore_and_reopen(
    db: Database, backup_file: Path, passphrase: str | None = None, parent: QWidget | None = None
) -> Database | None:
    """Close ``db``, restore ``backup_file`` in its place and open it again (an encrypted
    dossier asks for its passphrase again). On a failed restore the unchanged dossier is
    reopened; None when it cannot be opened at all (the problem was shown)."""
    from kamdesk.core.storage import crypto
    from kamdesk.gui.dialogs.passphrase import open_database

    path, key = db.path, db.key
    if key is not None:
        crypto.remember(key)  # the backup shares the dossier's salt, so its key opens it
    try:
        db.close()
        try:
            result: backup.RestoreResult | None = backup.restore(path, backup_file)
        except KamdeskError as exc:
            QMessageBox.critical(parent, "kamdesk", str(exc))
            result = None
    finally:
        if key is not None:
            crypto.forget(key)
    try:
        reopened = open_database(path, passphrase, parent)
    except KamdeskError as exc:
        QMessageBox.critical(parent, "kamdesk", str(exc))
        return None
    if result is not None and result.replaced is not None:
        QMessageBox.information(
            parent,
            "kamdesk",
            QApplication.translate(
                "BackupsDialog", "Restored from {backup}. The previous file was kept as {aside}."
            ).format(backup=backup_file, aside=result.replaced),
        )
    return reopened
