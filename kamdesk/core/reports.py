"""HTML and PDF rendering: one Jinja environment and one locked-down WeasyPrint path.

- Templates come only from ``resources/templates``; autoescape is on for every template and
  undefined names are errors. User text is data, never a template.
- Numbers, money and dates are formatted for the user's locale with Babel.
- WeasyPrint gets a URL fetcher that serves files from ``resources/`` and refuses everything
  else (``file://`` elsewhere, ``http(s)://``, ``data:``…), for the document and its
  stylesheets alike. Refusals are recorded so callers and tests can see them.
- WeasyPrint is imported lazily (it costs ~0.7 s and ~50 MB).
- A document may ask for a tagged PDF variant (PDF/UA-1) with
  ``<meta name="kamdesk-pdf-variant" content="pdf/ua-1">`` at the top of its head: the choice
  travels with the HTML, so any process that renders it (the CLI, the GUI's render process)
  makes the same PDF. Escaped user text can never form that tag.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import babel.dates
import babel.numbers
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kamdesk.core import i18n, resources


class ResourceOnlyFetcher:
    """Serves ``file:`` URLs inside the resources folder; refuses all other URLs."""

    def __init__(self) -> None:
        self.root = resources.root().resolve()
        self.refused: list[str] = []
        self.served: list[str] = []
        self._lock = threading.Lock()

    def resolve(self, url: str) -> Path | None:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parsed.path)).resolve()
        if self.root not in path.parents or not path.is_file():
            return None
        return path

    def __call__(self, url: str) -> Any:
        from weasyprint.urls import URLFetcherResponse

        path = self.resolve(url)
        if path is None:
            with self._lock:
                self.refused.append(url)
            raise ValueError(f"kamdesk fetches only its own resources; refused {url[:80]!r}")
        with self._lock:
            self.served.append(url)
        mime = {
            ".css": "text/css",
            ".ttf": "font/ttf",
            ".svg": "image/svg+xml",
            ".png": "image/png",
        }.get(path.suffix, "application/octet-stream")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


def _weasy_fetcher(fetcher: ResourceOnlyFetcher) -> Any:
    """Wrap our fetcher in WeasyPrint's URLFetcher class (it expects that type)."""
    from weasyprint.urls import URLFetcher

    class _Fetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            return fetcher(url)

    return _Fetcher(allowed_protocols={"file"})


# --- Jinja ------------------------------------------------------------------------------------


# Babel rounds through decimal with 28 significant digits: figures from here on are shown in
# scientific notation rather than failing (or printing 300 digits).
EXACT_LIMIT = 1e18


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


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(resources.path("templates"))),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(template: str, locale: str, **context: Any) -> str:
    """Render a packaged template. ``context`` values are data: never compiled as templates."""
    env = _environment()
    fmt = Formatter(locale)
    translations = i18n.translations(locale)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translations.gettext, translations.ngettext, newstyle=True
    )
    stylesheet = resources.path("styles", template.rsplit(".", 2)[0] + ".css")
    css = Markup(stylesheet.read_text("utf-8")) if stylesheet.exists() else Markup("")  # noqa: S704 - our file
    return env.get_template(template).render(fmt=fmt, locale=str(fmt.locale), css=css, **context)


PDF_VARIANTS = ("pdf/ua-1",)
_VARIANT_META = re.compile(r'<meta name="kamdesk-pdf-variant" content="([a-z0-9/-]+)">')


def pdf_variant(html: str) -> str | None:
    """The PDF variant the document asks for (see the module's notes), if one we support."""
    found = _VARIANT_META.search(html, 0, 2048)
    return found.group(1) if found and found.group(1) in PDF_VARIANTS else None


def html_to_pdf(
    html: str, fetcher: ResourceOnlyFetcher | None = None, title: str | None = None
) -> bytes:
    """PDF bytes for an HTML document, with only packaged resources reachable."""
    from weasyprint import HTML

    fetcher = fetcher or ResourceOnlyFetcher()
    base_url = resources.root().resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=_weasy_fetcher(fetcher))
    variant = pdf_variant(html)
    # a variant gets a file identifier (both /ID halves: a hash of the content)
    options: dict[str, Any] = {"pdf_variant": variant, "pdf_identifier": True} if variant else {}
    pdf = document.write_pdf(**options)
    assert pdf is not None
    return bytes(pdf)
