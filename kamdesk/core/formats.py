"""Figures, money, dates and times for the user's locale (Babel): the one formatting used by
templates (as filters), by the readiness messages and by the GUI."""

from __future__ import annotations

import datetime as dt
import math

import babel
import babel.dates
import babel.numbers

# Babel rounds through decimal with 28 significant digits: figures from here on are shown in
# scientific notation rather than failing (or printing 300 digits).
EXACT_LIMIT = 1e18


def is_known_locale(name: str) -> bool:
    """Whether Babel knows ``name`` (e.g. "pl", "en_GB", "it-IT"): what a Formatter takes."""
    try:
        babel.Locale.parse(name.strip().replace("-", "_"))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return False
    return True


class Formatter:
    """Locale-aware formatting used by templates (as filters) and by code."""

    def __init__(self, locale: str):
        self.locale = babel.Locale.parse(locale.replace("-", "_"))

    def _beyond(self, value: float, limit: float = EXACT_LIMIT) -> str | None:
        """How a figure that Babel cannot print exactly is shown: a dash for NaN/Infinity (an
        old dossier or another program may hold one), scientific notation past ``limit``
        (a ratio over a near-zero figure), None for every ordinary figure."""
        if not math.isfinite(value):
            return "—"
        if abs(value) >= limit:
            return babel.numbers.format_scientific(value, format="0.##E0", locale=self.locale)
        return None

    def money(self, value: float | None, currency: str | None, compact: bool = False) -> str:
        if value is None:
            return "—"
        if currency is None:
            return self.number(value)
        if (odd := self._beyond(value)) is not None:
            return odd if odd == "—" else f"{odd} {currency}"
        if compact and abs(value) >= 10_000:
            return babel.numbers.format_compact_currency(
                value, currency, locale=self.locale, fraction_digits=1
            )
        return babel.numbers.format_currency(
            value,
            currency,
            locale=self.locale,
            format_type="standard",
            currency_digits=False,
            decimal_quantization=False,
        )

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        if (odd := self._beyond(value)) is not None:
            return odd
        return babel.numbers.format_decimal(round(value, digits), locale=self.locale)

    def percent(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        if (odd := self._beyond(value * 100 if math.isfinite(value) else value)) is not None:
            return odd if odd == "—" else f"{odd}\u00a0%"
        pattern = self.locale.percent_formats[None].pattern  # e.g. "#,##0%", "#,##0 %"
        if digits:
            pattern = (
                pattern.replace("0%", "0." + "0" * digits + "%")
                .replace("0\u00a0%", "0." + "0" * digits + "\u00a0%")
                .replace("0 %", "0." + "0" * digits + " %")
            )
        return babel.numbers.format_percent(value, format=pattern, locale=self.locale)

    def signed_percent(self, value: float | None) -> str:
        if value is None:
            return "—"
        text = self.percent(value)
        return text if value < 0 or text == "—" else "+" + text

    def date(self, value: dt.date | None, fmt: str = "medium") -> str:
        return (
            "—" if value is None else babel.dates.format_date(value, format=fmt, locale=self.locale)
        )

    def datetime(self, value: dt.datetime | None, fmt: str = "medium") -> str:
        """A moment shown in its own UTC offset (the meeting's local time), with the offset."""
        if value is None:
            return "—"
        tz = value.tzinfo
        date = babel.dates.format_date(
            value, format=fmt if fmt != "short" else "short", locale=self.locale
        )
        time = babel.dates.format_time(value, format="short", tzinfo=tz, locale=self.locale)
        return f"{date} {time} (UTC{_offset(value)})"

    def time(self, value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        return babel.dates.format_time(
            value, format="short", tzinfo=value.tzinfo, locale=self.locale
        )

    def weekday(self, value: dt.datetime | dt.date | None) -> str:
        if value is None:
            return ""
        return babel.dates.format_date(value, format="EEEE", locale=self.locale)


def _offset(value: dt.datetime) -> str:
    offset = value.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"
