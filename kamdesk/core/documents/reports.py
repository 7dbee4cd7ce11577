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

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kamdesk.core import i18n, resources
from kamdesk.core.formats import Formatter


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
