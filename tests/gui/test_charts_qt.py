"""The charts' SVG draws in Qt (QSvgRenderer) as it does in the PDF: valid, at its own size,
with the dark series and the light one both on the picture."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from tests.core.documents.test_charts import all_charts


def _render(svg: str) -> tuple[QSvgRenderer, QImage]:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(renderer.defaultSize(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return renderer, image


def _colours(image: QImage) -> set[str]:
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }


@pytest.mark.parametrize("name", ["revenue", "sales", "share", "pareto"])
@pytest.mark.parametrize("locale", ["en", "ru"])
def test_chart_renders_in_qt(qapp: object, name: str, locale: str) -> None:
    renderer, image = _render(all_charts(locale)[name])
    assert renderer.isValid()
    size = renderer.defaultSize()
    assert size.width() == 640 and size.height() in (260, 300)
    colours = _colours(image)
    assert "#0d3b66" in colours  # our series, dark navy: the CSS reached Qt as attributes
    assert len(colours) > 3  # text, axes and guides as well, not a blank box
    if name == "sales":
        assert "#b9c4cc" in colours  # the target, light grey


def test_greyscale_keeps_series_apart(qapp: object) -> None:
    """Dark navy and light grey stay far apart in lightness when printed in greyscale."""
    dark, light = QColor("#0d3b66"), QColor("#b9c4cc")
    assert light.lightness() - dark.lightness() > 100
