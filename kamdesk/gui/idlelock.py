"""Locking the window of an encrypted dossier after idle time.

After ``idle_ms`` without keyboard, mouse or touch input anywhere in the application, the
edits still waiting for their autosave delay are committed, every part of the main window
and every other window is hidden (an open dialog is cancelled), and a lock screen asks for
the passphrase. It is checked against the open dossier's key (not by reopening the file);
a wrong one is said so, and the lock stays. While locked, input and shortcuts reach only the
lock screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.gui.dialogs.passphrase import PassphraseEntry

T = QEvent.Type
ACTIVITY = {
    T.KeyPress,
    T.MouseButtonPress,
    T.MouseButtonDblClick,
    T.MouseMove,
    T.Wheel,
    T.TouchBegin,
    T.TouchUpdate,
}
# swallowed while locked unless aimed at the lock screen
BLOCKED = ACTIVITY | {
    T.KeyRelease,
    T.MouseButtonRelease,
    T.Shortcut,
    T.ShortcutOverride,
    T.ContextMenu,
    T.TouchEnd,
    T.DragEnter,
    T.Drop,
}


class LockScreen(QWidget):
    """What the window shows while locked: its name and the passphrase field."""

    unlock_requested = Signal()

    def __init__(self, name: str, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget(self)
        box.setFixedWidth(440)  # a fixed width lets the wrapped prompt take its full height
        layout = QVBoxLayout(box)
        title = QLabel(self.tr("kamdesk is locked"), box)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.entry = PassphraseEntry(
            self.tr("{name} is encrypted. Type its passphrase to go on.").format(name=name), box
        )
        layout.addWidget(self.entry)
        self.button = QPushButton(self.tr("Unlock"), box)
        self.button.setDefault(True)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignRight)
        outer.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.button.clicked.connect(self.unlock_requested)
        self.entry.edit.returnPressed.connect(self.unlock_requested)


class IdleLock(QObject):
    sig_locked = Signal(bool)  # True when the lock screen goes up, False when it goes away

    def __init__(
        self,
        window: QMainWindow,
        name: str,
        check: Callable[[str], bool],
        flush: Callable[[], None],
        idle_ms: int,
    ):
        super().__init__(window)
        self.window = window
        self.name = name
        self._check = check
        self._flush = flush
        self.screen: LockScreen | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self.lock)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)  # Qt drops it when this object goes with the window
        self.timer.start()

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if self.screen is None:
            if kind in ACTIVITY:
                self.timer.start()
            return False
        if obj is self.window and kind == T.Resize:
            self.screen.setGeometry(self.window.rect())
        # input and shortcuts reach only the lock screen
        return kind in BLOCKED and not self._on_screen(obj)

    def _on_screen(self, obj: QObject) -> bool:
        node: QObject | None = obj
        while node is not None:
            if node is self.screen:
                return True
            node = node.parent()
        return False

    def lock(self) -> None:
        if self.screen is not None:
            return
        self.timer.stop()
        self._flush()  # autosaves committed before anything is hidden
        self._hidden = []
        for w in QApplication.topLevelWidgets():
            if w is self.window or not w.isVisible():
                continue
            if w.isModal() or w.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                w.close()  # a question or a menu left open is cancelled, not kept
            else:
                self._hidden.append(w)
        self._hidden += [
            w
            for w in self.window.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            if w.isVisible()
        ]
        for widget in self._hidden:
            widget.hide()
        self.screen = LockScreen(self.name, self.window)
        self.screen.setGeometry(self.window.rect())
        self.screen.unlock_requested.connect(self._try_unlock)
        self.screen.show()
        self.screen.raise_()
        self.screen.entry.edit.setFocus()
        self.sig_locked.emit(True)

    def _try_unlock(self) -> None:
        if self.screen is None:
            return
        wrong = self.tr("Wrong passphrase. The window stays locked.")
        if self.screen.entry.run_check(lambda text: None if self._check(text) else wrong):
            self.unlock()

    def stop(self) -> None:
        """The window is closing: no more locking, and no filter left on the application
        (a closed window may live on, and a lock left up would swallow all input)."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.screen is not None:
            self.screen.hide()
            self.screen.deleteLater()
            self.screen = None

    def unlock(self) -> None:
        """Take the lock screen away (call only once the passphrase was checked)."""
        if self.screen is None:
            return
        self.screen.hide()
        self.screen.deleteLater()
        self.screen = None
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self.timer.start()
        self.sig_locked.emit(False)
