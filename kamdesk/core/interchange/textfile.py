"""The one reader of a user's text file: a vCard or CSV of people, an .ics calendar, a
portfolio's JSON. Each format gives its :class:`TextPolicy`; what the steps below leave to a
policy is all that differs between the formats, so every difference is written down there.

Reading (:func:`read_bytes`): the size is checked before reading (so a huge file is refused at
once) and again by what was read (a device or a pipe says 0, and a file may grow). A missing
file, a folder, a file that may not be read: each refused in the format's own words, and an
operating-system error the format has no words for is left to rise.

Decoding (:func:`decode`), in this order:

1. a file of blanks only (ASCII whitespace, or the policy's own set of blank bytes) is empty;
2. the policy's byte-order marks, read top to bottom: a mark decodes the file strictly in its
   encoding, refuses it (a JSON file is UTF-8 only), or is skipped, the rows below it still
   applying to what follows (a calendar's UTF-8 BOM before a UTF-16 one);
3. UTF-16 without a BOM, told by the policy's sniffer: by the share of NUL bytes in every
   other byte (people), or by the first two bytes (calendars); none for JSON;
4. a NUL byte anywhere else means binary data (when the policy refuses it);
5. strict UTF-8;
6. otherwise the legacy encoding the policy's guess gives (:mod:`.legacy`; a calendar's
   guess always gives one, Windows-1252 failing all else), read with replacement characters
   where it does not fit (only beyond what the guess looked at); no guess, or none found, is
   a refusal (JSON always; a people file whose encoding cannot be told).

The result says which encoding it was (a label for people, the codec and the first byte that
was not UTF-8 for the calendar's notes). A caller may also name the encoding: it is then
decoded strictly, a BOM of it dropped.
"""

from __future__ import annotations

import codecs
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-32-le": "UTF-32LE",
    "utf-32-be": "UTF-32BE",
    "cp1250": "Windows-1250",
    "cp1252": "Windows-1252",
    "iso8859_2": "ISO-8859-2",
    "iso8859_15": "ISO-8859-15",
    "cp1251": "Windows-1251",
    "koi8_r": "KOI8-R",
    "cp932": "Shift_JIS",
}

# A refusal in the format's own terms: (source, where in the file or "", message) -> error.
Refuse = Callable[[str, str, str], Exception]
# UTF-16 without a BOM: (codec, the bytes to decode) or None.
Sniffer = Callable[[bytes], tuple[str, bytes] | None]


@dataclass(frozen=True)
class Bom:
    """One row of a policy's byte-order marks: ``codec`` decodes the rest strictly,
    ``refused`` refuses the file with that message, neither skips the mark."""

    mark: bytes
    label: str
    codec: str | None = None
    refused: str | None = None


@dataclass(frozen=True)
class TextPolicy:
    """What one format accepts and what its user is told otherwise. Message templates may use
    ``{path}`` and ``{strerror}`` (reading), ``{label}``, ``{offset}``, ``{line}`` and
    ``{byte}`` (decoding)."""

    max_bytes: int
    too_big: Callable[[int], str]  # the size read or stat'ed -> the message
    refuse: Refuse
    boms: tuple[Bom, ...]
    not_unicode: tuple[str, str]  # (where, message): a BOM'd or UTF-16 file does not decode
    not_utf8: tuple[str, str]  # (where, message): not UTF-8, and no legacy encoding read
    missing: str = "no such file"
    folder: str = "this is a folder, not a file"
    denied: str | None = "permission denied reading the file"  # None: worded as unreadable
    unreadable: str | None = "cannot read the file: {strerror}"  # None: the OSError rises
    empty: str = "the file is empty"
    blank: bytes | None = None  # the bytes a blank file is made of; None: ASCII whitespace
    sniff_utf16: Sniffer | None = None
    binary: str | None = None  # None: NUL is not checked (JSON's parser refuses it)
    # bytes that are not UTF-8 -> the legacy encoding they are in (None: cannot be told);
    # no guess: such a file is refused
    guess_legacy: Callable[[bytes], str | None] | None = None


@dataclass(frozen=True)
class Decoded:
    text: str
    label: str  # for people: "UTF-8", "Windows-1250 (detected)", "UTF-16LE with BOM", …
    codec: str
    not_utf8_at: int | None = None  # read as a legacy encoding: the first byte UTF-8 refused


def size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB ({size:,} bytes)"


def line_of(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _refuse(
    policy: TextPolicy, source: str, where: str, message: str, **values: object
) -> Exception:
    return policy.refuse(source, where.format(**values), message.format(**values))


def read_bytes(path: Path | str, policy: TextPolicy, source: str | None = None) -> bytes:
    """The file's bytes (at most the policy's size), refused with a clear reason when it is
    missing, a folder, unreadable or too big. ``source`` names the file in refusals (default:
    the path)."""
    path = Path(path)
    source = str(path) if source is None else source
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(policy, source, "", policy.folder, path=path)
        if info.st_size > policy.max_bytes:
            raise policy.refuse(source, "", policy.too_big(info.st_size))
        with path.open("rb") as fh:
            raw = fh.read(policy.max_bytes + 1)
    except FileNotFoundError:
        raise _refuse(policy, source, "", policy.missing, path=path) from None
    except IsADirectoryError:
        raise _refuse(policy, source, "", policy.folder, path=path) from None
    except OSError as exc:
        if isinstance(exc, PermissionError) and policy.denied is not None:
            raise _refuse(policy, source, "", policy.denied, path=path) from None
        if policy.unreadable is None:
            raise
        raise _refuse(policy, source, "", policy.unreadable, strerror=exc.strerror) from None
    check_size(raw, source, policy)  # it grew, or it is not a regular file
    return raw


def check_size(raw: bytes, source: str, policy: TextPolicy) -> None:
    if len(raw) > policy.max_bytes:
        raise policy.refuse(source, "", policy.too_big(len(raw)))


def check_blank(raw: bytes, source: str, policy: TextPolicy) -> None:
    blank = raw.strip(policy.blank) if policy.blank is not None else raw.strip()
    if not blank:
        raise policy.refuse(source, "", policy.empty)


def strict(raw: bytes, codec: str, label: str, source: str, policy: TextPolicy) -> str:
    """``raw`` in ``codec``, or refused at the first byte that does not decode."""
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        where, message = policy.not_unicode
        line = line_of(raw, exc.start)
        raise _refuse(
            policy, source, where, message, label=label, offset=exc.start, line=line
        ) from None


def codec_named(name: str, source: str, policy: TextPolicy) -> str:
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise policy.refuse(source, "", f"{name!r} is not an encoding we know") from None


def refuse_binary(source: str, policy: TextPolicy) -> Exception:
    assert policy.binary is not None
    return policy.refuse(source, "", policy.binary)


def unicode_form(raw: bytes, source: str, policy: TextPolicy) -> tuple[bytes, Decoded | None]:
    """Steps 2 and 3: the bytes after any skipped mark, and the text when the file is in a
    Unicode form other than plain UTF-8 (a BOM, or UTF-16 without one)."""
    for bom in policy.boms:
        if not raw.startswith(bom.mark):
            continue
        if bom.refused is not None:
            raise policy.refuse(source, "", bom.refused)
        raw = raw[len(bom.mark) :]
        if bom.codec is not None:
            return raw, Decoded(
                strict(raw, bom.codec, bom.label, source, policy), bom.label, bom.codec
            )
    found = policy.sniff_utf16(raw) if policy.sniff_utf16 is not None else None
    if found is not None:
        codec, data = found
        label = f"{ENCODING_LABELS[codec]} without BOM"
        return raw, Decoded(strict(data, codec, label, source, policy), label, codec)
    return raw, None


def _plain(raw: bytes, source: str, policy: TextPolicy) -> Decoded:
    """Steps 4 to 6: bytes in no Unicode form but, perhaps, UTF-8."""
    if policy.binary is not None and b"\x00" in raw:
        raise refuse_binary(source, policy)
    try:
        return Decoded(raw.decode("utf-8"), "UTF-8", "utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    codec = policy.guess_legacy(raw) if policy.guess_legacy is not None else None
    if codec is None:
        where, message = policy.not_utf8
        raise _refuse(
            policy, source, where, message, byte=raw[bad], offset=bad, line=line_of(raw, bad)
        )
    # the guess decoded all it looked at: replacements only come where it did not look, or
    # into a fallback it gave without looking
    text = raw.decode(codec, errors="replace")
    return Decoded(text, f"{ENCODING_LABELS[codec]} (detected)", codec, bad)


def decode(raw: bytes, source: str, policy: TextPolicy, encoding: str | None = None) -> Decoded:
    """The file's text (steps 2 to 6; the size and blank checks are the caller's, as some
    formats make them before anything else), or ``encoding`` read strictly."""
    if encoding:
        codec = codec_named(encoding, source, policy)
        label = ENCODING_LABELS.get(codec, codec)
        found = Decoded(strict(raw, codec, label, source, policy).lstrip("\ufeff"), label, codec)
    else:
        raw, unicode = unicode_form(raw, source, policy)
        found = unicode if unicode is not None else _plain(raw, source, policy)
    if policy.binary is not None and "\x00" in found.text:
        raise refuse_binary(source, policy)
    return found


def utf16_by_nuls(raw: bytes) -> tuple[str, bytes] | None:
    """UTF-16 told by its NUL bytes: mostly-Latin text in UTF-16 has a NUL in every other
    byte. A last odd byte is left out."""
    sample = raw[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    whole = raw[: len(raw) - len(raw) % 2]
    if odd > 0.1 * pairs and even <= 0.02 * pairs:
        return "utf-16-le", whole
    if even > 0.1 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be", whole
    return None


def utf16_by_first_pair(raw: bytes) -> tuple[str, bytes] | None:
    """UTF-16 told by its first character: ASCII with a NUL before (BE) or after (LE) it."""
    if len(raw) >= 2 and raw[0] == 0 and raw[1] != 0:
        return "utf-16-be", raw
    if len(raw) >= 2 and raw[0] != 0 and raw[1] == 0:
        return "utf-16-le", raw
    return None
