"""Sorting names as people read them, without ICU (PyICU is not available).

``sort_key("Łódź")`` sorts among the L's, not after "Z" as code points do: the text is
decomposed (NFKD), its accents dropped, the letters that do not decompose mapped by hand
(ł→l, ø→o, đ→d, ß→ss, æ→ae, œ→oe, ı→i, þ→th) and case folded. Ties are broken by the
accented, then the original text, so the order is total and stable: "Lodz" < "Łódź".

This is the core's order (lists it returns sorted). The GUI sorts what it shows with Qt's
``QCollator`` for the user's locale, which knows each language's own rules (in Polish "Ł"
comes after every "L"); both put "Łódź" before "Pomorska".

Qt-free, free of other kamdesk imports: a leaf.
"""

from __future__ import annotations

import unicodedata

_EXTRA = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "þ": "th",
        "ħ": "h",
    }
)


def fold(text: str) -> str:
    """``text`` without accents and case, for comparing in order (see the module)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_EXTRA)


def sort_key(text: str) -> tuple[str, str, str]:
    """A key for ``sorted``: folded text first, then accents, then the original."""
    return (fold(text), text.casefold(), text)
