"""The file name kamdesk suggests when the user saves something: made from what the user
calls the thing (the client's name, the meeting's title), never from internal keys.

``file_name(["Wisła Holding", "Framework tender 2027", "brief"], "pdf")`` gives
``Wisła Holding – Framework tender 2027 – brief.pdf``. What no common file system takes is
replaced: ``/ \\ : * ? " < > |`` by a hyphen (a double quote by an apostrophe), control
characters (CR, LF, tab…) by a space; runs of spaces become one; leading dots go (a hidden
file on Unix), and so do trailing ones of a name without an extension (Windows drops them
silently); "S.A." before the extension stays. A name Windows reserves (``CON``, ``NUL``,
``COM1``…) gets a leading underscore. The whole name stays within ``MAX_BYTES`` of UTF-8
(ext4 and most others allow 255 bytes, and the dialog may add a path): long titles are cut at
a character, with "…".

Qt-free, free of other kamdesk imports: a leaf.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SEPARATOR = " – "
MAX_BYTES = 180
FALLBACK = "kamdesk"

_ILLEGAL = str.maketrans({c: "-" for c in "/\\:*?<>|"} | {'"': "'"})
_SPACES = re.compile(r"\s+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def clean(part: str) -> str:
    """One part of a name, with nothing a file system refuses (see the module)."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in part)
    return _SPACES.sub(" ", text.translate(_ILLEGAL)).strip()


def _cut(text: str, max_bytes: int) -> str:
    """``text`` within ``max_bytes`` of UTF-8, cut at a character and marked with "…"."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    budget = max_bytes - len("…".encode())
    out = []
    used = 0
    for char in text:
        size = len(char.encode("utf-8"))
        if used + size > budget:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip(" .–-") + "…"


def file_name(parts: Iterable[str | None], extension: str, max_bytes: int = MAX_BYTES) -> str:
    """The suggested name: the non-empty ``parts`` joined by " – ", cleaned, capped, with
    ``extension`` (given with or without its dot)."""
    ext = clean(extension.lstrip(".")).replace(" ", "")
    suffix = f".{ext}" if ext else ""
    stem = SEPARATOR.join(c for c in (clean(p) for p in parts if p) if c).lstrip(" .")
    if not suffix:
        stem = stem.rstrip(" .")
    stem = _cut(stem or FALLBACK, max(16, max_bytes - len(suffix.encode("utf-8"))))
    if _RESERVED.match(stem):
        stem = "_" + stem
    return stem + suffix
