"""A spreadsheet cell that could run: text starting with ``= + - @``, tab, CR or LF is a
formula in a spreadsheet, or can become one. Our CSV export puts a ``'`` before such a cell
(:func:`neutralise`) so that no spreadsheet runs it; our CSV reader takes exactly that ``'``
off again (:func:`unneutralise`), so "+48 22 …" survives a round trip.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: str) -> str:
    """A text cell made safe for spreadsheets: a leading ``'`` when it starts like a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """Undo the ``'`` our CSV export puts before a cell starting like a formula."""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value
