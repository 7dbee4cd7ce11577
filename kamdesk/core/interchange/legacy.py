"""Which legacy encoding a text file that is not UTF-8 is written in.

charset-normalizer proposes encodings among the candidates; the plausibility of the letters
each reading gives decides (symbols, control characters, mixed scripts and odd capitals count
against a reading), ties going to the order of the candidates. When several readings all
give plausible letters ("Niccolò" / "Niccolň"), the language the accented words then fit
decides (:mod:`.charsets`). One logic for every importer: a file gets the same answer whichever
reads it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from kamdesk.core.interchange import charsets

# Single-byte and East Asian legacy encodings we tell apart, in order of preference on a tie:
# Windows-1250 first, the likely legacy encoding of this app's users.
LEGACY_ENCODINGS = ("cp1250", "cp1252", "iso8859_2", "iso8859_15", "cp1251", "koi8_r", "cp932")

_SCRIPTS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "CJK": "CJK", "HANGUL": "HANGUL"}
_VOWELS = set("aeiouyąęóáéíúý")


def _script(ch: str) -> str | None:
    try:
        first = unicodedata.name(ch).split()[0]
    except ValueError:
        return None
    if first in ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "THAI"):
        return first
    return _SCRIPTS.get(first)


def _symbols(text: str) -> float:
    """Points against the non-ASCII characters that are not letters of a known script."""
    score = 0.0
    for ch in text:
        if ord(ch) < 128:
            continue
        cat = unicodedata.category(ch)
        if cat[0] == "C":
            score -= 3
        elif cat[0] in "SP" or (cat[0] == "L" and _script(ch) is None):
            score -= 1
    return score


def _word_points(word: str, foreign: list[str]) -> float:
    """Points for one word holding non-ASCII letters: for it when its letters are of one
    script and written the way a language writes them, against it otherwise."""
    scripts = {_script(c) or "?" for c in word}
    if len(scripts) > 1:
        return -2.0 * len(foreign)
    points = float(len(foreign))
    if scripts <= {"LATIN", "CYRILLIC", "GREEK"}:
        if len(word) >= 3 and 5 * len(foreign) >= 4 * len(word):
            points = -len(foreign)  # "Ŕíäđĺé": Cyrillic read as Latin
        elif any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False)):
            points = -len(foreign)  # "аНДРЕЙ": KOI8-R read as Windows-1251
    lower = word.lower()
    for i, c in enumerate(lower[:-1]):
        nxt = lower[i + 1]
        if c == "ń" and nxt in _VOWELS:  # Polish never writes ń before a vowel
            points -= 2
        if c == "ñ" and nxt.isalpha() and nxt not in _VOWELS:  # Spanish ñ precedes a vowel
            points -= 2
    return points


def _plausibility(text: str) -> float:
    """How much ``text`` looks like real names and words: letters of one script per word count
    for it; symbols, control characters, mixed scripts, odd capitals and words made mostly of
    accented letters count against it. Only non-ASCII characters are scored."""
    score = _symbols(text)
    for word in re.findall(r"[^\W\d_]+", text):
        foreign = [c for c in word if ord(c) >= 128]
        if foreign:
            score += _word_points(word, foreign)
    return score


def _non_ascii_sample(data: bytes, limit: int = 65536) -> bytes:
    lines = [line for line in data.splitlines() if not line.isascii()]
    out = bytearray()
    for line in lines:
        out += line + b"\n"
        if len(out) >= limit:
            break
    return bytes(out)


def _scored(data: bytes, sample: bytes, among: Sequence[str]) -> list[tuple[float, int, str]]:
    """(plausibility, -rank, codec) of each candidate that charset-normalizer proposes (or,
    for a short sample it proposes nothing for, of each that reads plausibly) and that
    decodes all of ``data``."""
    from charset_normalizer import from_bytes  # heavy: loaded when a file needs it

    proposals = [r.encoding for r in from_bytes(sample, cp_isolation=list(among))]
    proposed = [c for c in among if c in proposals]
    if not proposed and len(sample) >= 4096:
        return []
    scored: list[tuple[float, int, str]] = []
    for rank, codec in enumerate(among):
        if proposed and codec not in proposed:
            continue
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(sample.decode(codec))
        if not proposed and score <= 0:
            continue
        scored.append((score, -rank, codec))
    return scored


def guess_legacy(data: bytes, among: Sequence[str] = LEGACY_ENCODINGS) -> str | None:
    """The most plausible of ``among`` for bytes that are not UTF-8 (None when none fits).
    charset-normalizer proposes; the plausibility of the letters decides."""
    sample = _non_ascii_sample(data)
    if not sample:
        return None
    scored = _scored(data, sample, among)
    if not scored:
        return None
    top = max(scored)
    near = [s for s in scored if s[0] >= top[0] - max(1.0, 0.05 * abs(top[0]))]
    if len(near) == 1:
        return top[2]
    # letters of every reading look like letters ("Niccolò" / "Niccolň"): the language the
    # accented words then fit decides, the order of preference ties

    def fit(entry: tuple[float, int, str]) -> tuple[float, int]:
        found = charsets.language_fit(sample.decode(entry[2]))
        return (found[0] if found else -math.inf, entry[1])

    return max(near, key=fit)[2]
