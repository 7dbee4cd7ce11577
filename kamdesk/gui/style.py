"""The look: Qt's Fusion style with a restrained palette, light or dark as the system is, and
the few status colours (ready, not ready, muted) chosen to stay readable on either.

``apply(app)`` sets it up once and follows the system when it switches between light and dark;
``status(kind)`` gives a view the colour of a status on the palette in use.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# (light palette, dark palette): each at least 4.5:1 against the list background it sits on
_STATUS = {
    "ok": ("#1b6e20", "#81c784"),
    "bad": ("#b71c1c", "#ef9a9a"),
    "muted": ("#5f6368", "#a0a4a8"),
}


def is_dark() -> bool:
    """Whether the palette in use is a dark one (by the lightness of its window colour)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def status(kind: str) -> QColor:
    """The colour of ``kind`` ("ok", "bad", "muted") on the palette in use."""
    light, dark = _STATUS[kind]
    return QColor(dark if is_dark() else light)


def dark_palette() -> QPalette:
    """A calm dark palette for Fusion (Fusion's own is light only)."""
    palette = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1f2023"), QColor("#e8e8e8")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#26282b"),
        QPalette.ColorRole.ToolTipBase: window,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8a8d91"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#35373b"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff8a80"),
        QPalette.ColorRole.Link: QColor("#8ab4f8"),
        QPalette.ColorRole.Highlight: QColor("#3d6fb4"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    disabled = QColor("#7c7f83")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def _follow_scheme(app: QApplication) -> None:
    dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    style = app.style()
    app.setPalette(dark_palette() if dark else style.standardPalette())


def apply(app: QApplication) -> None:
    """Fusion, in the system's light or dark scheme, following it when it changes."""
    app.setStyle("Fusion")
    _follow_scheme(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: _follow_scheme(app))
