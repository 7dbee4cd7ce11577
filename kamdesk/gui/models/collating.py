"""Sorting what a list shows as its readers expect: Qt's ``QCollator`` for the user's locale,
so "Łódź…" sorts among the L's (in Polish after every plain "L"), never after "Pomorska" or
"Z" as code points would put it; digits compare as numbers ("Lab 9" before "Lab 10")."""

from __future__ import annotations

from PySide6.QtCore import (
    QCollator,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex


def collator(locale_name: str | None = None) -> QCollator:
    """A case-insensitive, numeric collator for ``locale_name`` (e.g. "pl", "en_GB"), or the
    system's locale."""
    result = QCollator(QLocale(locale_name) if locale_name else QLocale())
    result.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    result.setNumericMode(True)
    return result


class CollatingProxy(QSortFilterProxyModel):
    """A sort/filter proxy whose texts sort by the locale's collation (other values as Qt
    sorts them)."""

    def __init__(self, parent: QObject | None = None, locale_name: str | None = None):
        super().__init__(parent)
        self.collator = collator(locale_name)

    def set_locale(self, locale_name: str | None) -> None:
        self.collator = collator(locale_name)
        self.invalidate()

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 - Qt API
        a, b = left.data(self.sortRole()), right.data(self.sortRole())
        if isinstance(a, str) and isinstance(b, str):
            order = self.collator.compare(a, b)
            return order < 0 if order else a < b  # equal to the collator: a stable order
        return super().lessThan(left, right)
