"""The look: Fusion, a light or dark palette as the system is, status colours readable on
both."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from kamdesk.gui import style


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(x) for x in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_fusion_follows_the_systems_scheme_and_status_colours_stay_readable(qapp) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before_style, before_palette = app.style().name(), app.palette()
    hints = QGuiApplication.styleHints()
    try:
        style.apply(app)
        assert app.style().name().lower() == "fusion"
        dark_now = hints.colorScheme() == Qt.ColorScheme.Dark
        assert style.is_dark() is dark_now  # the palette is the scheme's
        for palette in (app.style().standardPalette(), style.dark_palette()):
            app.setPalette(palette)
            base = palette.color(QPalette.ColorRole.Base)
            text = palette.color(QPalette.ColorRole.Text)
            assert _contrast(text, base) >= 7
            for kind in ("ok", "bad", "muted"):
                assert _contrast(style.status(kind), base) >= 4.5, (kind, style.is_dark())
        assert style.is_dark()  # the last one set was the dark palette
        assert style.status("ok") != QColor("#1b6e20")  # the dark variant
    finally:
        hints.colorSchemeChanged.disconnect()
        app.setStyle(before_style)
        app.setPalette(before_palette)
