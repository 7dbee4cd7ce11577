"""Translation for the core and the templates: one ``_()`` backed by gettext catalogs in
``resources/translations/<locale>/LC_MESSAGES/kamdesk.mo`` (none shipped yet: English)."""

from __future__ import annotations

import gettext as _gettext
from functools import cache

from kamdesk.core import resources

DOMAIN = "kamdesk"


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    try:
        localedir = resources.path("translations")
    except FileNotFoundError:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(localedir), languages=[locale], fallback=True)


_current = "en"


def set_locale(locale: str) -> None:
    global _current
    _current = locale


def _(message: str) -> str:
    return translations(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current).ngettext(singular, plural, n)
