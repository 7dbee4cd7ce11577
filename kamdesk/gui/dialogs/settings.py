"""Edit › Settings… (Ctrl+,): the settings of ``core.settings`` in a dialog, not a TOML file.

The KAM's name and locale, the readiness thresholds, exchange rates (each currency a client
counts in is listed; one without a rate says so, since that client's income share stays
empty), backups and the idle lock. The TOML file stays the storage: Save validates the whole
model (``Settings``, declared once; the spin boxes take their ranges from it) and writes it
through ``settings.save`` (atomically). A bad value is named in one line and nothing is
written. ``sig_saved(Settings)`` tells the window, which then uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import settings
from kamdesk.core.errors import KamdeskError
from kamdesk.core.formats import is_known_locale
from kamdesk.core.reading import CurrenciesInUse

INTS = (
    "default_buffer_min",
    "financials_max_age_days",
    "product_review_max_age_days",
    "min_questions",
    "phone_min_digits",
    "lock_after_idle_min",
    "backup_keep_daily",
    "backup_keep_weekly",
)
FLOATS = ("near_duplicate_ratio", "credit_overdue_max_share")
BOOLS = ("red_flags_block", "brief_limits_sheet")
TEXTS = ("kam_name", "locale", "backup_folder")


def _bounds(name: str) -> tuple[float, float]:
    """The range ``Settings`` declares for a field (ge/le), for its spin box."""
    low, high = 0.0, 1e6
    for rule in settings.Settings.model_fields[name].metadata:
        if getattr(rule, "ge", None) is not None:
            low = float(rule.ge)
        if getattr(rule, "le", None) is not None:
            high = float(rule.le)
    return low, high


class SettingsDialog(QDialog):
    """Signals: ``sig_saved(Settings)`` once the file holds the new settings."""

    sig_saved = Signal(object)

    def __init__(
        self,
        prefs: settings.Settings,
        currencies: CurrenciesInUse,
        path: Path | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.prefs, self.currencies, self.path = prefs, currencies, path
        self.widgets: dict[str, Any] = {}
        self.labels = self._labels()
        tabs = QTabWidget(self)
        tabs.addTab(self._page(TEXTS[:2]), self.tr("You"))
        tabs.addTab(self._page(INTS[:5] + FLOATS + BOOLS), self.tr("Readiness"))
        tabs.addTab(self._rates_page(), self.tr("Exchange rates"))
        tabs.addTab(self._page(INTS[5:] + TEXTS[2:]), self.tr("Backups and lock"))
        self.tabs = tabs
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was typed
        self.message.setStyleSheet("color: #c62828")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, 480)

    def _labels(self) -> dict[str, str]:
        return {
            "kam_name": self.tr("Your name (on briefs)"),
            "locale": self.tr("Locale (numbers, dates)"),
            "default_buffer_min": self.tr("Travel buffer (min)"),
            "financials_max_age_days": self.tr("Financials stale after (days)"),
            "product_review_max_age_days": self.tr("Product facts stale after (days)"),
            "min_questions": self.tr("Open questions at least"),
            "phone_min_digits": self.tr("Digits of a phone number"),
            "near_duplicate_ratio": self.tr("Near-duplicate similarity"),
            "credit_overdue_max_share": self.tr("Overdue share of receivables"),
            "red_flags_block": self.tr("Red flags block the meeting"),
            "brief_limits_sheet": self.tr("Limits on a separate sheet"),
            "lock_after_idle_min": self.tr("Lock after idle (min, 0 never)"),
            "backup_keep_daily": self.tr("Daily backups kept"),
            "backup_keep_weekly": self.tr("Weekly backups kept"),
            "backup_folder": self.tr("Backup folder (empty: beside the file)"),
            "exchange_rates": self.tr("Exchange rates"),
        }

    def _field(self, name: str, parent: QWidget) -> QWidget:
        value = getattr(self.prefs, name)
        widget: Any
        if name in INTS or name in FLOATS:
            low, high = _bounds(name)
            widget = QSpinBox(parent) if name in INTS else QDoubleSpinBox(parent)
            if name in FLOATS:
                widget.setDecimals(3)
                widget.setSingleStep(0.01)
            widget.setRange(int(low) if name in INTS else low, int(high) if name in INTS else high)
            widget.setValue(value)
        elif name in BOOLS:
            widget = QCheckBox(parent)
            widget.setChecked(value)
        else:
            widget = QLineEdit(value, parent)
        widget.setAccessibleName(self.labels[name])
        self.widgets[name] = widget
        return widget

    def _page(self, names: tuple[str, ...]) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        for name in names:
            form.addRow(self.labels[name], self._field(name, page))
        return page

    def _rates_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(
            self.tr(
                "Value of one unit of each currency in {currency}, our company's currency."
            ).format(currency=self.currencies.company),
            page,
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        codes = sorted(set(self.currencies.foreign) | set(self.prefs.exchange_rates))
        self.rates = QTableWidget(len(codes), 2, page)
        self.rates.setAccessibleName(self.labels["exchange_rates"])
        self.rates.setHorizontalHeaderLabels([self.tr("Currency"), self.tr("Rate")])
        self.rates.verticalHeader().hide()
        self.rates.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, code in enumerate(codes):
            item = QTableWidgetItem(code)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.rates.setItem(row, 0, item)
            rate = self.prefs.exchange_rates.get(code)
            self.rates.setItem(row, 1, QTableWidgetItem("" if rate is None else f"{rate:g}"))
        self.missing_note = QLabel(page)
        self.missing_note.setTextFormat(Qt.TextFormat.PlainText)  # client names
        self.missing_note.setWordWrap(True)
        self.rates.itemChanged.connect(lambda _item: self._show_missing())
        layout.addWidget(intro)
        layout.addWidget(self.rates)
        layout.addWidget(self.missing_note)
        self._show_missing()
        return page

    def _rate_texts(self) -> dict[str, str]:
        texts = {}
        for row in range(self.rates.rowCount()):
            code, value = self.rates.item(row, 0), self.rates.item(row, 1)
            if code is not None:
                texts[code.text()] = value.text().strip() if value is not None else ""
        return texts

    def _show_missing(self) -> None:
        """A line per currency a client uses without a rate: its income share stays empty."""
        texts = self._rate_texts()
        lines = [
            self.tr("No rate for {code}: income shares of {clients} stay empty.").format(
                code=code, clients=", ".join(names)
            )
            for code, names in self.currencies.foreign.items()
            if not texts.get(code)
        ]
        self.missing_note.setText("\n".join(lines))
        self.missing_note.setVisible(bool(lines))

    # -- saving --

    def _rates(self) -> dict[str, float]:
        """The rates typed (an empty cell: no rate); raises ValueError naming the currency."""
        rates = {}
        for code, text in self._rate_texts().items():
            if not text:
                continue
            try:
                rate = float(text.replace(",", ".").replace(" ", ""))
            except ValueError:
                rate = -1.0
            if not rate > 0 or rate == float("inf"):
                raise ValueError(
                    self.tr("Exchange rate for {code}: give a number above 0.").format(code=code)
                )
            rates[code] = rate
        return rates

    def values(self) -> dict[str, Any]:
        """What the dialog holds, field by field (not yet validated)."""
        out: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            if name in BOOLS:
                out[name] = widget.isChecked()
            elif name in TEXTS:
                out[name] = widget.text().strip()
            else:
                out[name] = widget.value()
        return out

    def edited(self) -> settings.Settings:
        """The settings as edited; ValueError with a one-line message naming the field."""
        values = self.values()
        if not is_known_locale(values["locale"]):
            raise ValueError(
                self.tr(
                    "{field}: “{value}” is not a locale (e.g. en, pl, hu, it, ru, en_GB)."
                ).format(field=self.labels["locale"], value=values["locale"])
            )
        values["exchange_rates"] = self._rates()
        try:
            return settings.Settings.model_validate({**self.prefs.model_dump(), **values})
        except ValidationError as exc:  # a limit the widgets did not keep (the net)
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else ""
            raise ValueError(
                self.tr("{field}: {problem}.").format(
                    field=self.labels.get(field, field), problem=first["msg"]
                )
            ) from exc

    def save(self) -> None:
        try:
            new = self.edited()
            settings.save(new, self.path)
        except (ValueError, KamdeskError) as exc:
            self.message.setText(str(exc).splitlines()[0] if str(exc) else "")
            self.message.show()
            return
        self.message.hide()
        self.sig_saved.emit(new)
        self.accept()
