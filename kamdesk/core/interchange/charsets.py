"""Which language a text's accented words belong to: the evidence that tells Windows-1252
from Windows-1250 (and ISO-8859-1/2/15) when both give letters.

The same byte is "ò" in Windows-1252 and "ň" in Windows-1250, "è" and "č", "à" and "ŕ": an
Italian address book read as Central European gives "Niccolň Bertč", and letter-by-letter
checks cannot see it (both are Latin letters). The words around them can: "Niccolň" is not
how any language writes, "Niccolò" is Italian. Each European language's letter pairs (with
the word's start and end) are counted once from the names of countries, languages, scripts,
currencies, months and days in that language, which Babel's CLDR data holds; a text scores
by how likely its accented words are in the language that fits them best.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

# the languages of the encodings in question (Western and Central European), the seeds'
# Polish, Italian and Hungarian among them
LANGUAGES = (
    "it", "fr", "de", "es", "pt", "ca", "nl", "sv", "da", "no", "fi", "en",
    "pl", "cs", "sk", "hu", "ro", "hr", "sl",
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_SMOOTHING = 0.1


@functools.cache
def _profile(language: str) -> tuple[Counter[str], Counter[str]]:
    """Letter pairs (``^`` and ``$`` marking a word's ends) and how often each first letter
    starts one, in ``language``."""
    import babel

    locale = babel.Locale.parse(language)
    texts = [
        *locale.territories.values(),
        *locale.languages.values(),
        *locale.scripts.values(),
        *locale.currencies.values(),
    ]
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in context.values():
                texts += width.values()
    pairs: Counter[str] = Counter()
    firsts: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            marked = f"^{word}$"
            for a, b in zip(marked, marked[1:], strict=False):
                pairs[a + b] += 1
                firsts[a] += 1
    return pairs, firsts


def language_fit(text: str) -> tuple[float, str] | None:
    """How well the accented words of ``text`` fit the language they fit best: the mean log
    likelihood of their letter pairs that hold an accented letter (higher is better), and
    that language. ``None`` when the text has no accented word."""
    words = [w for w in _WORD.findall(text.lower()) if not w.isascii()]
    if not words:
        return None
    best: tuple[float, str] | None = None
    from babel.core import UnknownLocaleError

    for language in LANGUAGES:
        try:
            pairs, firsts = _profile(language)
        except (UnknownLocaleError, OSError):  # a bundle without that language's data
            continue
        total, count = 0.0, 0
        for word in words:
            marked = f"^{word}$"
            for a, b in zip(marked, marked[1:], strict=False):
                if a.isascii() and b.isascii():
                    continue
                total += math.log((pairs[a + b] + _SMOOTHING) / (firsts[a] + 10))
                count += 1
        fit = total / count
        if best is None or fit > best[0]:
            best = (fit, language)
    return best
