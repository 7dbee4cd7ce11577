"""Starting the desktop application."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamdesk.gui.mainwindow import MainWindow

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


def run_app(
    db_path: Path,
    load_demo: bool = False,
    passphrase: str | None = None,
    startup_check: bool = False,
) -> int:
    """The desktop app. ``startup_check``: open the main window, wait until it is shown with
    the portfolio list filled, print "startup-check: N ms" and return 0 (gui/startup_check);
    no dialog is ever shown then: a problem is printed and the return value is 1."""
    from kamdesk.core import demo
    from kamdesk.core.errors import KamdeskError
    from kamdesk.core.storage import crypto

    if not has_screen():
        print(NO_SCREEN, file=sys.stderr)
        return 1

    from PySide6.QtWidgets import QApplication, QMessageBox

    from kamdesk.gui import collector

    collector.tune()  # no full garbage collection while the KAM works (gui/collector.py)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("kamdesk")
    if isinstance(app, QApplication):
        from kamdesk.gui import style

        collector.IdleCollector(app)  # the full collection when nobody is working (its parent)

        style.apply(app)  # Fusion, light or dark as the system is
    _add_bundled_fonts()
    app.setOrganizationName("kamdesk")
    from kamdesk.core.errors import DatabaseDamaged
    from kamdesk.gui.dialogs import backups
    from kamdesk.gui.dialogs.passphrase import open_database

    try:
        path = db_path.expanduser().resolve()
        if (
            startup_check
            and crypto.is_encrypted(path)
            and not (passphrase or crypto.provided_passphrase(path))
        ):
            print(
                f"kamdesk: {path} is encrypted; give its passphrase with $KAMDESK_PASSPHRASE "
                "or --passphrase-file for --startup-check.",
                file=sys.stderr,
            )
            return 1
        # an encrypted dossier: the passphrase given (or $KAMDESK_PASSPHRASE), else asked
        try:
            db = open_database(path, passphrase)
        except DatabaseDamaged as exc:  # offer the newest good backup, then open again
            if startup_check:
                raise
            offer = backups.offer_restore(db_path.expanduser().resolve(), exc)
            if offer == "unavailable":
                raise
            if offer == "declined":
                print(f"kamdesk: {exc}", file=sys.stderr)
                return 1
            db = open_database(db_path.expanduser().resolve(), passphrase)
    except KamdeskError as exc:
        # locked by another window, read-only folder, newer schema, not a database…
        if not startup_check:
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

        if startup_check:
            return _startup_check(MainWindow(db), db.backup_warning)
        while True:
            window = MainWindow(db)
            window.show()
            window.setup_idle_lock()
            collector.freeze_started()
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


def _startup_check(window: MainWindow, backup_warning: str | None) -> int:
    from kamdesk.gui.startup_check import measure

    if backup_warning:
        print(f"kamdesk: {backup_warning}", file=sys.stderr)
    elapsed = measure(window)
    window.close()  # saves pending edits (none) and waits for the worker
    if elapsed is None:
        print("kamdesk: the home page was not read within 120 s.", file=sys.stderr)
        return 1
    print(f"startup-check: {round(elapsed)} ms", flush=True)
    return 0


def _add_bundled_fonts() -> None:
    """The fonts the briefs use (DejaVu Sans Condensed), for Qt too: the charts and the map
    then look the same on screen as on paper."""
    from PySide6.QtGui import QFontDatabase

    from kamdesk.core import resources

    for font in sorted(resources.path("fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
