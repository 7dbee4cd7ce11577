"""Starting the desktop application."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NO_SCREEN = (
    "kamdesk: no screen found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
    "  To run without a screen: QT_QPA_PLATFORM=offscreen make run\n"
    "  or on a virtual screen:   xvfb-run -a make run"
)


def has_screen() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_app(db_path: Path, load_demo: bool = False, passphrase: str | None = None) -> int:
    from kamdesk.core import demo
    from kamdesk.core.errors import KamdeskError

    if not has_screen():
        print(NO_SCREEN, file=sys.stderr)
        return 1

    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("kamdesk")
    _add_bundled_fonts()
    app.setOrganizationName("kamdesk")
    from kamdesk.core.errors import DatabaseDamaged
    from kamdesk.gui.dialogs import backups
    from kamdesk.gui.dialogs.passphrase import open_database

    try:
        # an encrypted dossier: the passphrase given (or $KAMDESK_PASSPHRASE), else asked
        try:
            db = open_database(db_path.expanduser().resolve(), passphrase)
        except DatabaseDamaged as exc:  # offer the newest good backup, then open again
            offer = backups.offer_restore(db_path.expanduser().resolve(), exc)
            if offer == "unavailable":
                raise
            if offer == "declined":
                print(f"kamdesk: {exc}", file=sys.stderr)
                return 1
            db = open_database(db_path.expanduser().resolve(), passphrase)
    except KamdeskError as exc:
        # locked by another window, read-only folder, newer schema, not a database…
        QMessageBox.critical(None, "kamdesk", str(exc))
        print(f"kamdesk: {exc}", file=sys.stderr)
        return 1
    if db is None:
        print("kamdesk: no passphrase given; the dossier was not opened.", file=sys.stderr)
        return 1
    try:
        if load_demo and demo.is_empty(db):
            demo.load_demo(db)

        from kamdesk.gui.mainwindow import MainWindow

        while True:
            window = MainWindow(db)
            window.show()
            window.setup_idle_lock()
            if db.backup_warning:  # today's automatic backup failed: say so once
                QMessageBox.warning(window, "kamdesk", db.backup_warning)
            code = app.exec()
            restore = backups.take_restore_request()  # File ▸ Backups… ▸ Restore closed it
            if restore is None:
                return code
            window.deleteLater()
            reopened = backups.restore_and_reopen(db, restore, passphrase)
            if reopened is None:
                return 1
            db = reopened
    finally:
        from kamdesk.gui.workers import shutdown_render_process

        shutdown_render_process()
        db.close()


def _add_bundled_fonts() -> None:
    """The fonts the briefs use (DejaVu Sans Condensed), for Qt too: the charts and the map
    then look the same on screen as on paper."""
    from PySide6.QtGui import QFontDatabase

    from kamdesk.core import resources

    for font in sorted(resources.path("fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
