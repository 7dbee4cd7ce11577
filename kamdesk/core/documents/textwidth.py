"""How wide a line of text is in the bundled font (DejaVu Sans Condensed), in SVG units, read
from the font's own advance widths: what the map and the charts use to wrap labels and keep
them apart, so the picture WeasyPrint and Qt draw matches the layout that was computed.

Kerning is ignored (it only narrows a line); a character the font lacks counts as a wide one.
"""

from __future__ import annotations

from functools import cache

from kamdesk.core import resources

FAMILY = "'DejaVu Sans Condensed', 'DejaVu Sans', sans-serif"  # as SVG names it
FONTS = {False: "DejaVuSansCondensed.ttf", True: "DejaVuSansCondensed-Bold.ttf"}
UNKNOWN = 0.7  # em, for a character the font has no glyph for


@cache
def _advances(bold: bool) -> tuple[dict[int, float], float, float]:
    """Each character's advance in em, and the font's line height and ascent in em."""
    from fontTools.ttLib import TTFont  # WeasyPrint's dependency; read once per process

    font = TTFont(resources.path("fonts", FONTS[bold]), lazy=True)
    scale = 1.0 / font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] * scale for code, glyph in font.getBestCmap().items()}
    hhea = font["hhea"]
    line = (hhea.ascent - hhea.descent + hhea.lineGap) * scale
    ascent = hhea.ascent * scale
    font.close()
    return widths, line, ascent


def width(text: str, size: float, bold: bool = False) -> float:
    """The advance of ``text`` at font size ``size`` (SVG units)."""
    widths = _advances(bold)[0]
    return size * sum(widths.get(ord(ch), UNKNOWN) for ch in text)


def line_height(size: float, bold: bool = False) -> float:
    """The distance from one line's baseline to the next at ``size``."""
    return size * _advances(bold)[1]


def ascent(size: float, bold: bool = False) -> float:
    """From the top of a line to its baseline at ``size``."""
    return size * _advances(bold)[2]
