"""A calendar file's bytes as text, through the one text-file reader with the calendars'
policy: UTF-8 (with or without BOM) as the standard says; UTF-16 with a BOM or told by its
first character's zero byte, said in a note; otherwise a guessed legacy encoding (an old
Windows program's code page for Western, Central European or Cyrillic text; Windows-1252
when none fits), read with replacement characters where it does not fit and said in a note.
Binary data is refused; nothing is refused for its encoding alone.
"""

from __future__ import annotations

from kamdesk.core.interchange import textfile
from kamdesk.core.interchange.ics.model import MAX_FILE_BYTES, CalendarFileError
from kamdesk.core.interchange.legacy import guess_legacy
from kamdesk.core.interchange.textfile import Bom, TextPolicy

# What a calendar that is not UTF-8 is written in, in practice.
_LEGACY_ENCODINGS = ["cp1252", "cp1250", "cp1251"]


def _guess_encoding(raw: bytes) -> str:
    """The same letters-plausibility logic as the people files' (one answer for a file
    whichever importer reads it), limited to the code pages calendars come in."""
    return guess_legacy(raw[:200_000], _LEGACY_ENCODINGS) or "cp1252"


def _too_large(size: int) -> str:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return (
        f"the file is {size / (1024 * 1024):.1f} MB; a calendar file to import may be at "
        f"most {limit} MB (export only the meetings you need)"
    )


def _refuse(source: str, where: str, message: str) -> Exception:
    return CalendarFileError(source, message)


POLICY = TextPolicy(
    max_bytes=MAX_FILE_BYTES,
    too_big=_too_large,
    refuse=_refuse,
    # the UTF-8 BOM is dropped and what follows still read as it comes (UTF-16 included);
    # a UTF-32 BOM reads as UTF-16 and then holds NULs: binary data
    boms=(
        Bom(b"\xef\xbb\xbf", "UTF-8 with BOM"),
        Bom(b"\xff\xfe", "UTF-16LE with BOM", "utf-16-le"),
        Bom(b"\xfe\xff", "UTF-16BE with BOM", "utf-16-be"),
    ),
    not_unicode=("", "it looks like UTF-16 text but is not valid UTF-16"),
    not_utf8=("", "it is not UTF-8"),  # never said: the guess always gives an encoding
    missing="there is no file {path}",
    folder="{path} is a folder, not a calendar file",
    denied=None,
    unreadable="the file cannot be read ({strerror})",
    sniff_utf16=textfile.utf16_by_first_pair,
    binary="it is not a calendar file (it holds binary data)",
    guess_legacy=_guess_encoding,
)


def check_raw(raw: bytes, source: str) -> None:
    """A calendar file's bytes are at most :data:`MAX_FILE_BYTES` and not blank."""
    textfile.check_size(raw, source, POLICY)
    textfile.check_blank(raw, source, POLICY)


def decode(raw: bytes, source: str) -> tuple[str, list[str]]:
    """The file's text, and notes on an encoding that is not the standard's."""
    found = textfile.decode(raw, source, POLICY)
    notes: list[str] = []
    if found.codec.startswith("utf-16"):
        notes.append("The file is UTF-16 (calendar files are normally UTF-8); it was read as such.")
    elif found.not_utf8_at is not None:
        notes.append(
            f"The file is not UTF-8 (byte {found.not_utf8_at + 1} is not); it was read as "
            f"{found.codec}: check names with accents."
        )
    return found.text.lstrip("\ufeff"), notes
