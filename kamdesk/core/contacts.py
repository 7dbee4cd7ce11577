"""People from other tools: importing contact files (vCard, CSV) and exporting people as CSV.

Reading never writes. A file becomes a :class:`ContactFile`: candidates (people as the file
gives them) plus bad rows with their line numbers. :func:`plan_import` compares the candidates
with the client's people and says, per person, what would happen; only :func:`apply_import`
writes, in one transaction.

Choices made here:

- **Files** are capped at :data:`MAX_FILE_BYTES` (checked before reading). Encodings: a BOM
  (UTF-8, UTF-16LE/BE, UTF-32), UTF-16 without a BOM (told by its NUL bytes), strict UTF-8,
  then charset-normalizer among :data:`LEGACY_ENCODINGS`. Its proposals are re-ranked by how
  plausible the decoded letters are (symbols, control characters, mixed scripts and odd
  capitals count against a decoding), ties going to the order of that list, so Windows-1250
  wins a tie: it is the likely legacy encoding of this app's users. A file whose encoding
  cannot be told is refused; the caller can name the encoding instead.
- **vCard** 2.1, 3.0 and 4.0. The bytes are split into lines (CR LF, CR CR LF, LF, or CR alone
  when the file has no LF) and unfolded (RFC folds and 2.1 quoted-printable soft breaks)
  *before* anything is decoded, so a fold that splits a UTF-8 character is harmless. Each
  value is then decoded by itself: quoted-printable first, then its CHARSET, else UTF-8, else
  the legacy encoding guessed from all such values of the file (The Bat! writes
  ``Iksi=F1ski`` with no CHARSET: that is "Iksiński" in Windows-1250). Only the properties we
  map (FN, N, ORG, TITLE, ROLE, EMAIL, TEL, LANG, KIND, X-ABShowAs) go on to vobject, so a
  photo, a key or an odd X- property can never spoil a card; lines inside a card that are not
  properties at all are skipped. A card that cannot be read is a bad row at its BEGIN line.
- **CSV**: the delimiter (comma, semicolon, tab) comes from csv.Sniffer, checked against the
  header line. Presets know the headers of Google Contacts (both layouts), Outlook, Yahoo,
  Thunderbird, common CRMs (Salesforce, HubSpot) and our own export; the best-matching one is
  picked unless the caller names one or gives a mapping. Line numbers are physical lines, so a
  row after a multi-line quoted cell still gets the line an editor shows.
- A **phone** value with no digit in it is not a phone number and is passed over. An e-mail
  must look like ``local@domain``; when a person has e-mails but none of them does, the row is
  bad.
- **Duplicates**: the same e-mail (ignoring case) or the same name after folding case and
  diacritics (:func:`name_key`: word order and Mr/Dr/Jr-like titles are ignored, so
  "Wróbel, Łukasz" is "lukasz wrobel") are one person. Duplicates inside a file are merged into
  the first (later ones only fill its empty fields). Against the client's people, a match is
  updated: e-mail, phone and position are replaced when the file has a different value,
  department and language only fill empty fields; the name and every relationship field the
  KAM entered are never touched.
- **CSV export** is UTF-8 with a BOM (Excel opens it), comma-separated, CR LF. Text cells
  starting with ``= + - @``, tab, CR or LF get a leading ``'`` so that no spreadsheet runs
  them; our importer removes exactly that ``'`` again, so "+48 22 …" survives a round trip.

Nothing here logs: contact files are personal data.
"""

from __future__ import annotations

import binascii
import codecs
import csv
import datetime as dt
import io
import math
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlmodel import Session, col, select

from kamdesk.core import backup, search
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.core.editing import FieldError, slug, unique_key, validate
from kamdesk.core.errors import InvalidInput, KamdeskError, Problem, UnknownKey
from kamdesk.core.files import write_atomically
from kamdesk.core.queries import FollowUp

MAX_FILE_BYTES = 20 * 1024 * 1024
FIELDS = ("name", "position", "department", "email", "phone", "language")
FIELD_LABELS = {
    "name": "name",
    "position": "position",
    "department": "department",
    "email": "e-mail",
    "phone": "phone",
    "language": "language",
}
# Single-byte and East Asian legacy encodings we tell apart, in order of preference on a tie.
LEGACY_ENCODINGS = ("cp1250", "cp1252", "iso8859_2", "iso8859_15", "cp1251", "koi8_r", "cp932")
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
# What to offer when the user names the encoding (codec name, label).
ENCODING_CHOICES = (
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp1250", "Windows-1250 (Central European)"),
    ("iso8859_2", "ISO-8859-2 (Central European)"),
    ("cp1252", "Windows-1252 (Western European)"),
    ("cp1251", "Windows-1251 (Cyrillic)"),
    ("koi8_r", "KOI8-R (Cyrillic)"),
    ("cp932", "Shift_JIS (Japanese)"),
)
# Cells starting with one of these are formulas (or can become one) in spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One person as a contact file gives them; values are already validated."""

    line: int  # the physical line where the card or row starts (1-based)
    name: str
    position: str | None = None
    department: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None

    def values(self) -> dict[str, str | None]:
        return {f: getattr(self, f) for f in FIELDS}


@dataclass(frozen=True)
class RowProblem:
    """A card or row that is not imported, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"

    def as_problem(self) -> Problem:
        return Problem(f"line {self.line}", self.message)


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read into cells: the header and each row with the line it starts on."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str


# field -> the columns it is read from, best first (the first non-empty value wins)
ColumnMapping = dict[str, list[str]]


@dataclass
class ContactFile:
    """What a contact file holds, before anything is written."""

    source: str
    kind: Literal["vcard", "csv"]
    encoding: str  # for people: "UTF-8", "Windows-1250 (detected)", …
    records: int  # cards or rows read
    candidates: list[Candidate]
    problems: list[RowProblem]
    delimiter: str | None = None
    table: CsvTable | None = None
    preset: str | None = None
    mapping: ColumnMapping = field(default_factory=dict)

    @property
    def needs_mapping(self) -> bool:
        """A CSV file whose name column is not known yet (no preset matched)."""
        return self.kind == "csv" and not any(self.mapping.get(f) for f in _NAME_SOURCES)


# --- reading bytes and text -----------------------------------------------------------------


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB ({size:,} bytes)"


def _too_big(source: str, size: int) -> InvalidInput:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return InvalidInput(
        source,
        [Problem("", f"the file is {_size(size)}; contact files of up to {limit} MB are read")],
    )


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, refused with a clear reason when missing, too big or empty. The size
    is checked before reading, so a huge file is refused at once."""
    path = Path(path)
    source = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InvalidInput(source, [Problem("", "this is a folder, not a file")])
        if info.st_size > MAX_FILE_BYTES:
            raise _too_big(source, info.st_size)
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput(source, [Problem("", "no such file")]) from None
    except PermissionError:
        raise InvalidInput(source, [Problem("", "permission denied reading the file")]) from None
    except OSError as exc:
        raise InvalidInput(source, [Problem("", f"cannot read the file: {exc.strerror}")]) from exc
    if len(raw) > MAX_FILE_BYTES:  # it grew, or it is not a regular file
        raise _too_big(source, len(raw))
    _check_not_empty(raw, source)
    return raw


def _check_not_empty(raw: bytes, source: str) -> None:
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InvalidInput(source, [Problem("", "the file is empty")])


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 with BOM"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32LE"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16LE with BOM"),
    (b"\xfe\xff", "utf-16-be", "UTF-16BE with BOM"),
)


def _utf16_without_bom(raw: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when the NUL bytes say so (mostly-Latin text in UTF-16 has a
    NUL in every other byte), else None."""
    sample = raw[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    if odd > 0.1 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even > 0.1 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _line_of(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _strict(raw: bytes, codec: str, label: str, source: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            source,
            [
                Problem(
                    f"line {_line_of(raw, exc.start)}",
                    f"the file looks like {label}, but byte offset {exc.start} is not valid "
                    f"{label}; save it as UTF-8 and import it again",
                )
            ],
        ) from None


def _unicode_form(raw: bytes, source: str) -> tuple[str, str] | None:
    """The text and its label when the file is UTF-8/16/32 with a BOM or UTF-16 without."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            return _strict(raw[len(bom) :], codec, label, source), label
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        label = f"{ENCODING_LABELS[utf16]} without BOM"
        return _strict(raw[: len(raw) - len(raw) % 2], utf16, label, source), label
    return None


def _codec(name: str, source: str) -> str:
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise InvalidInput(source, [Problem("", f"{name!r} is not an encoding we know")]) from None


def _binary(source: str) -> InvalidInput:
    return InvalidInput(
        source, [Problem("", "this is not a text file (it holds binary data such as NUL bytes)")]
    )


def _undecidable(source: str) -> InvalidInput:
    names = ", ".join(ENCODING_LABELS[c] for c in LEGACY_ENCODINGS)
    return InvalidInput(
        source,
        [
            Problem(
                "",
                "cannot tell the file's encoding: it is not UTF-8 or UTF-16, and it does not "
                f"read as any of {names}; save it as UTF-8 (or name its encoding) and import "
                "it again",
            )
        ],
    )


def decode_text(raw: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and a label of its encoding (detected unless ``encoding`` is given)."""
    if encoding:
        codec = _codec(encoding, source)
        label = ENCODING_LABELS.get(codec, codec)
        text = _strict(raw, codec, label, source).lstrip("\ufeff")
    else:
        found = _unicode_form(raw, source)
        if found is not None:
            text, label = found
        elif b"\x00" in raw:
            raise _binary(source)
        else:
            try:
                text, label = raw.decode("utf-8"), "UTF-8"
            except UnicodeDecodeError:
                guessed = guess_legacy(raw)
                if guessed is None:
                    raise _undecidable(source) from None
                text, label = raw.decode(guessed), f"{ENCODING_LABELS[guessed]} (detected)"
    if "\x00" in text:
        raise _binary(source)
    if not text.strip():
        raise InvalidInput(source, [Problem("", "the file is empty")])
    return text, label


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


def _plausibility(text: str) -> float:
    """How much ``text`` looks like real names and words: letters of one script per word count
    for it; symbols, control characters, mixed scripts, odd capitals and words made mostly of
    accented letters count against it. Only non-ASCII characters are scored."""
    score = 0.0
    for ch in text:
        if ord(ch) < 128:
            continue
        cat = unicodedata.category(ch)
        if cat[0] == "C":
            score -= 3
        elif cat[0] in "SP" or (cat[0] == "L" and _script(ch) is None):
            score -= 1
    for word in re.findall(r"[^\W\d_]+", text):
        foreign = [c for c in word if ord(c) >= 128]
        if not foreign:
            continue
        scripts = {_script(c) or "?" for c in word}
        if len(scripts) > 1:
            score -= 2 * len(foreign)
            continue
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
        score += points
    return score


def _non_ascii_sample(data: bytes, limit: int = 65536) -> bytes:
    lines = [line for line in data.splitlines() if not line.isascii()]
    out = bytearray()
    for line in lines:
        out += line + b"\n"
        if len(out) >= limit:
            break
    return bytes(out)


def guess_legacy(data: bytes, among: Sequence[str] = LEGACY_ENCODINGS) -> str | None:
    """The most plausible of :data:`LEGACY_ENCODINGS` for bytes that are not UTF-8 (None when
    none fits). charset-normalizer proposes; the plausibility of the letters decides."""
    from charset_normalizer import from_bytes

    sample = _non_ascii_sample(data)
    if not sample:
        return None
    proposals = [r.encoding for r in from_bytes(sample, cp_isolation=list(among))]
    proposed = [c for c in among if c in proposals]
    short = len(sample) < 4096
    if not proposed and not short:
        return None
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
    if not scored:
        return None
    top = max(scored)
    near = [s for s in scored if s[0] >= top[0] - max(1.0, 0.05 * abs(top[0]))]
    if len(near) == 1:
        return top[2]
    # letters of every reading look like letters ("Niccolò" / "Niccolň"): the language the
    # accented words then fit decides (kamdesk.core.charsets), the order of preference ties
    from kamdesk.core import charsets

    def fit(entry: tuple[float, int, str]) -> tuple[float, int]:
        found = charsets.language_fit(sample.decode(entry[2]))
        return (found[0] if found else -math.inf, entry[1])

    return max(near, key=fit)[2]


# --- values ---------------------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\]+")


def is_email(value: str) -> bool:
    """Loosely ``local@domain``: no spaces, one @, domain labels not empty (international
    addresses and single-label test domains such as ``x@invalid`` are fine)."""
    if not _EMAIL.fullmatch(value):
        return False
    domain = value.rsplit("@", 1)[1]
    return all(domain.split("."))


def _clean_email(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:].strip()
    bracketed = re.search(r"<([^<>]+)>\s*$", value)
    return bracketed.group(1).strip() if bracketed else value


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("tel:"):
        value = value[4:].strip()
    return value


def _has_digit(value: str) -> bool:
    return any(c.isdigit() for c in value)


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None


def unneutralise(value: str) -> str:
    """Undo the ``'`` our CSV export puts before a cell starting like a formula."""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def _finish(
    line: int,
    name: str | None,
    values: dict[str, str | None],
    bad_emails: Sequence[str] = (),
    no_name: str = "no name",
) -> Candidate | RowProblem:
    """Validate one person's values with the dossier's own rules: a candidate or a bad row."""
    messages: list[str] = []
    clean: dict[str, Any] = {}
    name = _one_line(name)
    if not name:
        messages.append(no_name)
    for column, raw in (("name", name), *values.items()):
        value = _one_line(raw)
        if value is None:
            clean[column] = None
            continue
        try:
            clean[column] = validate(m.Stakeholder, column, value)
        except FieldError as exc:
            messages.append(f"{FIELD_LABELS.get(column, column)}: {exc.message}")
    if bad_emails and not clean.get("email"):
        shown = bad_emails[0] if len(bad_emails[0]) <= 80 else bad_emails[0][:77] + "…"
        messages.append(f"e-mail {shown!r} is not a valid address")
    if messages:
        return RowProblem(line, "; ".join(messages))
    return Candidate(line=line, **clean)


def _pick_email(options: Iterable[str]) -> tuple[str | None, list[str]]:
    """The first valid address (already in order of preference), and the invalid ones."""
    bad: list[str] = []
    for option in options:
        value = _clean_email(option)
        if not value:
            continue
        if is_email(value):
            return value, bad
        bad.append(value)
    return None, bad


def _pick_phone(options: Iterable[str]) -> str | None:
    for option in options:
        value = _clean_phone(option)
        if value and _has_digit(value):
            return value
    return None


# --- vCard ------------------------------------------------------------------------------------

_WANTED = {
    "VERSION",
    "FN",
    "N",
    "ORG",
    "TITLE",
    "ROLE",
    "EMAIL",
    "TEL",
    "LANG",
    "KIND",
    "X-ABSHOWAS",
}
_NAME_RE = re.compile(rb"[A-Za-z0-9_-]+")


@dataclass
class _Prop:
    line: int
    name: str
    params: list[str]
    charset: str | None
    data: bytes  # the value's bytes, quoted-printable already decoded
    qp: bool


@dataclass
class _Card:
    line: int
    props: list[_Prop] = field(default_factory=list)
    broken: list[tuple[int, str]] = field(default_factory=list)
    closed: bool = False


def _physical_lines(raw: bytes) -> list[bytes]:
    """Lines ending in LF, CR LF or CR CR LF (a CR inside a line stays); a file without any LF
    is split on CR (classic Mac)."""
    if b"\n" not in raw:
        return raw.split(b"\r")
    return [line.rstrip(b"\r") for line in raw.split(b"\n")]


def _split_unquoted(data: bytes, sep: int) -> list[bytes]:
    if b'"' not in data:
        return data.split(bytes([sep]))
    parts, start, quoted = [], 0, False
    for i, b in enumerate(data):
        if b == 0x22:
            quoted = not quoted
        elif b == sep and not quoted:
            parts.append(data[start:i])
            start = i + 1
    parts.append(data[start:])
    return parts


def _head_and_value(line: bytes) -> tuple[bytes, bytes | None]:
    """Split a content line at its first colon outside double quotes."""
    colon = line.find(b":")
    if colon < 0:
        return line, None
    if b'"' not in line[:colon]:
        return line[:colon], line[colon + 1 :]
    quoted = False
    for i, b in enumerate(line):
        if b == 0x22:
            quoted = not quoted
        elif b == 0x3A and not quoted:
            return line[:i], line[i + 1 :]
    return line, None


def _is_qp(line: bytes) -> bool:
    head, _ = _head_and_value(line)
    return b"QUOTED-PRINTABLE" in head.upper()


def _logical_lines(raw: bytes) -> list[tuple[int, bytes]]:
    """Unfold at byte level: RFC folds (a line starting with space or tab continues the one
    before) and quoted-printable soft breaks (a QP value ending in '=' continues on the next
    line). Blank lines are dropped. Each logical line keeps its first physical line number."""
    out: list[tuple[int, bytearray, bool]] = []  # (line number, bytes, is quoted-printable)
    soft = False
    for number, line in enumerate(_physical_lines(raw), 1):
        if soft and out:
            buffer = out[-1][1]
            del buffer[-1]  # the '=' of the soft break
            buffer += line
        elif line[:1] in (b" ", b"\t") and out:
            out[-1][1].extend(line[1:])
        elif not line.strip():
            soft = False
            continue
        else:
            out.append((number, bytearray(line), _is_qp(line)))
        soft = out[-1][2] and out[-1][1].endswith(b"=")
    return [(n, bytes(b)) for n, b, _ in out]


def _param_value(param: bytes) -> tuple[str, str]:
    key, _, value = param.decode("utf-8", "replace").partition("=")
    return key.strip().upper(), value.strip().strip('"')


def _read_cards(raw: bytes) -> list[_Card]:
    cards: list[_Card] = []
    current: _Card | None = None
    depth = 0
    for number, line in _logical_lines(raw):
        head, value = _head_and_value(line)
        parts = _split_unquoted(head, 0x3B)
        name = parts[0].rsplit(b".", 1)[-1].strip()
        if not _NAME_RE.fullmatch(name):
            continue  # not a property line: skipped
        upper = name.decode("ascii").upper()
        if value is None:
            if current is not None and depth == 1 and upper in _WANTED - {"VERSION"}:
                current.broken.append((number, f"the {upper} line has no ':' before its value"))
            continue
        if upper in ("BEGIN", "END") and value.strip().upper() == b"VCARD":
            if upper == "BEGIN":
                depth += 1
                if current is None:
                    current, depth = _Card(number), 1
            elif current is not None:
                depth -= 1
                if depth == 0:
                    current.closed = True
                    cards.append(current)
                    current = None
            continue
        if current is None or depth != 1 or upper not in _WANTED:
            continue
        params: list[str] = []
        charset: str | None = None
        qp = False
        for param in parts[1:]:
            key, pvalue = _param_value(param)
            if key == "QUOTED-PRINTABLE" or (
                key == "ENCODING" and pvalue.upper() == "QUOTED-PRINTABLE"
            ):
                qp = True
            elif key == "CHARSET":
                charset = pvalue or None
            elif key and key != "ENCODING":
                params.append(param.decode("utf-8", "replace").strip())
        data = binascii.a2b_qp(value) if qp else value
        current.props.append(_Prop(number, upper, params, charset, data, qp))
    if current is not None:
        cards.append(current)
    return cards


def _needs_legacy(prop: _Prop) -> bool:
    if prop.charset or prop.data.isascii():
        return False
    try:
        prop.data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _decode_value(prop: _Prop, legacy: str | None) -> str | None:
    """The value as text: by its CHARSET, else UTF-8, else the file's legacy encoding. A value
    whose declared CHARSET does not fit its bytes keeps a replacement character where a byte
    is broken; an undeclared one that fits nothing gives None."""
    declared: str | None = None
    if prop.charset:
        try:
            declared = codecs.lookup(prop.charset).name
            return prop.data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    for codec in ("utf-8", legacy):
        if codec is not None:
            try:
                return prop.data.decode(codec)
            except UnicodeDecodeError:
                pass
    return prop.data.decode(declared, "replace") if declared else None


# Properties holding one text (ORG: texts split by ";" only) in which other programs leave a
# comma unescaped ("FN:Mustermann, Heiko", "ORG:Acme, Inc."): vobject would cut the value at
# it (FN "Mustermann") or split it into a list; the comma is kept as text.
_COMMA_IS_TEXT = {"FN", "TITLE", "ROLE", "NOTE", "ORG"}


def _escape_commas(text: str) -> str:
    out: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        else:
            out.append("\\," if ch == "," else ch)
    return "".join(out)


def _content_line(prop: _Prop, text: str) -> str:
    text = re.sub(r"\r\n|\r|\n", r"\\n", text)
    if prop.name.upper().rsplit(".", 1)[-1] in _COMMA_IS_TEXT:
        text = _escape_commas(text)
    params = "".join(f";{p}" for p in prop.params)
    return f"{prop.name}{params}:{text}"


def _types(line: Any) -> set[str]:
    found = {str(p).upper() for p in getattr(line, "singletonparams", [])}
    params = getattr(line, "params", {})
    for value in params.get("TYPE", []):
        found.update(t.strip().upper() for t in str(value).split(","))
    if "PREF" in params:
        found.add("PREF")
    return found


def _texts(component: Any, name: str) -> list[tuple[str, set[str]]]:
    out = []
    for line in component.contents.get(name, []):
        value = line.value
        if isinstance(value, list):
            value = ";".join(str(v) for v in value)
        if isinstance(value, str) and value.strip():
            out.append((value.strip(), _types(line)))
    return out


def _join_parts(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


def _name_from_n(component: Any) -> str | None:
    for line in component.contents.get("n", []):
        n = line.value
        parts = [_join_parts(getattr(n, a, "")) for a in ("given", "additional", "family")]
        joined = " ".join(p for p in parts if p)
        if joined:
            return joined
    return None


def _org(component: Any) -> list[str]:
    for line in component.contents.get("org", []):
        value = line.value
        parts = value if isinstance(value, list) else [value]
        parts = [str(p).strip() for p in parts]
        if any(parts):
            return parts
    return []


def _email_rank(types: set[str]) -> int:
    return 0 if "PREF" in types else 1 if "WORK" in types else 2


def _phone_rank(types: set[str]) -> int:
    if types & {"FAX", "PAGER", "TEXTPHONE", "TTY"}:
        return 9
    if "PREF" in types:
        return 0
    if "WORK" in types:
        return 1
    if "CELL" in types:
        return 2
    return 3


def _card_candidate(line: int, component: Any) -> Candidate | RowProblem:
    org = _org(component)
    kind = {v.upper() for v, _ in _texts(component, "kind")} | {
        v.upper() for v, _ in _texts(component, "x-abshowas")
    }
    fn = next((v for v, _ in _texts(component, "fn")), None)
    from_n = _name_from_n(component)
    if fn and from_n and "," in fn and name_key(fn) == name_key(from_n):
        fn = from_n  # "Mustermann, Heiko" filed by surname: N gives the name as it is said
    name = fn or from_n
    if not name and kind & {"ORG", "COMPANY"} and org:
        name = org[0]
    titles = _texts(component, "title") or _texts(component, "role")
    emails = sorted(_texts(component, "email"), key=lambda e: _email_rank(e[1]))
    phones = sorted(_texts(component, "tel"), key=lambda p: _phone_rank(p[1]))
    email, bad = _pick_email(v for v, _ in emails)
    units = [u for u in org[1:] if u]
    no_name = "no name (the card has no FN or N)"
    if org and org[0]:
        no_name = f"no name (the card has no FN or N, only the organisation {org[0]!r})"
    return _finish(
        line,
        name,
        {
            "position": titles[0][0] if titles else None,
            "department": " / ".join(units) or None,
            "email": email,
            "phone": _pick_phone(v for v, _ in phones),
            "language": next((v for v, _ in _texts(component, "lang")), None),
        },
        bad,
        no_name,
    )


def _vobject_card(card: _Card, legacy: str | None) -> Candidate | RowProblem:
    import vobject
    from vobject.base import VObjectError

    if not card.closed:
        return RowProblem(card.line, "the card never ends (no END:VCARD; the file may be cut off)")
    if card.broken:
        number, message = card.broken[0]
        return RowProblem(card.line, f"line {number}: {message}")
    lines = ["BEGIN:VCARD"]
    for prop in card.props:
        text = _decode_value(prop, legacy)
        if text is None:
            return RowProblem(
                card.line,
                f"line {prop.line}: the {prop.name} value is not UTF-8 and names no CHARSET; "
                "its encoding cannot be told",
            )
        lines.append(_content_line(prop, text))
    lines.append("END:VCARD")
    try:
        component = vobject.readOne("\r\n".join(lines) + "\r\n")
    # vobject raises assorted errors on odd input; any of them means "this card is unreadable"
    except Exception:
        for prop, content in zip(card.props, lines[1:], strict=False):
            try:
                vobject.base.textLineToContentLine(content)
            except (VObjectError, ValueError):
                return RowProblem(
                    card.line, f"line {prop.line}: the {prop.name} line cannot be read"
                )
        return RowProblem(card.line, "the card cannot be read")
    return _card_candidate(card.line, component)


def parse_vcard(raw: bytes, source: str, encoding: str | None = None) -> ContactFile:
    """Read a vCard file (any number of cards) into candidates and bad cards."""
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(source, len(raw))
    _check_not_empty(raw, source)
    label = "UTF-8"
    codec = _codec(encoding, source) if encoding else None
    if codec and codec.startswith(("utf-16", "utf-32")):
        raw = (
            _strict(raw, codec, ENCODING_LABELS.get(codec, codec), source).lstrip("\ufeff").encode()
        )
        label = ENCODING_LABELS.get(codec, codec)
        codec = None
    else:
        found = None if codec else _unicode_form(raw, source)
        if found is not None:
            text, label = found
            raw = text.encode("utf-8")
        elif b"\x00" in raw:
            raise _binary(source)
    cards = _read_cards(raw)
    if not cards:
        raise InvalidInput(
            source, [Problem("", "this is not a vCard file: it has no BEGIN:VCARD line")]
        )
    samples = [p.data for c in cards for p in c.props if _needs_legacy(p)]
    legacy = codec
    if samples and legacy is None:
        legacy = guess_legacy(b"\n".join(samples))
    if samples and legacy is not None:
        how = "named" if codec else "guessed"
        label += f"; undeclared 8-bit text as {ENCODING_LABELS.get(legacy, legacy)} ({how})"
    candidates: list[Candidate] = []
    problems: list[RowProblem] = []
    for card in cards:
        result = _vobject_card(card, legacy)
        if isinstance(result, Candidate):
            candidates.append(result)
        else:
            problems.append(result)
    return ContactFile(source, "vcard", label, len(cards), candidates, problems)


# --- CSV ------------------------------------------------------------------------------------

_NAME_SOURCES = ("name", "first_name", "last_name")
MAPPABLE = ("name", "first_name", "middle_name", "last_name", *FIELDS[1:])
MAPPABLE_LABELS = {
    "name": "Full name",
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "position": "Position",
    "department": "Department",
    "email": "E-mail",
    "phone": "Phone",
    "language": "Language",
}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    columns: Mapping[str, tuple[str, ...]]  # field -> alternative headers, best first


def _numbered(template: str, count: int) -> tuple[str, ...]:
    return tuple(template.format(i) for i in range(1, count + 1))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "kamdesk",
            "kamdesk export",
            {
                "name": ("Name",),
                "position": ("Position",),
                "department": ("Department",),
                "email": ("E-mail",),
                "phone": ("Phone",),
                "language": ("Language",),
            },
        ),
        Preset(
            "google",
            "Google Contacts",
            {
                "name": ("Name",),
                "first_name": ("Given Name", "First Name"),
                "middle_name": ("Additional Name", "Middle Name"),
                "last_name": ("Family Name", "Last Name"),
                "email": _numbered("E-mail {} - Value", 6),
                "phone": _numbered("Phone {} - Value", 8),
                "position": ("Organization 1 - Title", "Organization Title"),
                "department": ("Organization 1 - Department", "Organization Department"),
            },
        ),
        Preset(
            "outlook",
            "Outlook",
            {
                "first_name": ("First Name",),
                "middle_name": ("Middle Name",),
                "last_name": ("Last Name",),
                "position": ("Job Title",),
                "department": ("Department",),
                "email": ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address"),
                "phone": (
                    "Business Phone",
                    "Mobile Phone",
                    "Primary Phone",
                    "Company Main Phone",
                    "Business Phone 2",
                    "Home Phone",
                    "Other Phone",
                ),
                "language": ("Language",),
            },
        ),
        # Outlook's CSV export names its columns in the language of Outlook itself: the
        # seeds' languages (PL, RU, IT, HU). Other columns and spellings: --map.
        Preset(
            "outlook-pl",
            "Outlook (polski)",
            {
                "first_name": ("Imię",),
                "middle_name": ("Drugie imię",),
                "last_name": ("Nazwisko",),
                "position": ("Stanowisko",),
                "department": ("Dział",),
                "email": ("Adres e-mail", "Adres e-mail 2", "Adres e-mail 3"),
                "phone": (
                    "Telefon służbowy",
                    "Telefon komórkowy",
                    "Telefon podstawowy",
                    "Telefon główny firmy",
                    "Telefon służbowy 2",
                    "Telefon domowy",
                    "Inny telefon",
                ),
                "language": ("Język",),
            },
        ),
        Preset(
            "outlook-ru",
            "Outlook (русский)",
            {
                "first_name": ("Имя",),
                "middle_name": ("Отчество",),
                "last_name": ("Фамилия",),
                "position": ("Должность",),
                "department": ("Отдел",),
                "email": ("Адрес эл. почты", "Адрес 2 эл. почты", "Адрес 3 эл. почты"),
                "phone": (
                    "Рабочий телефон",
                    "Мобильный телефон",
                    "Основной телефон",
                    "Телефон организации",
                    "Рабочий телефон 2",
                    "Домашний телефон",
                    "Другой телефон",
                ),
                "language": ("Язык",),
            },
        ),
        Preset(
            "outlook-it",
            "Outlook (italiano)",
            {
                "first_name": ("Nome",),
                "middle_name": ("Secondo nome",),
                "last_name": ("Cognome",),
                "position": ("Posizione",),
                "department": ("Reparto",),
                "email": (
                    "Indirizzo posta elettronica",
                    "Indirizzo posta elettronica 2",
                    "Indirizzo posta elettronica 3",
                ),
                "phone": (
                    "Ufficio",
                    "Cellulare",
                    "Telefono principale",
                    "Telefono principale società",
                    "Ufficio 2",
                    "Abitazione",
                    "Altro telefono",
                ),
                "language": ("Lingua",),
            },
        ),
        Preset(
            "outlook-hu",
            "Outlook (magyar)",
            {
                "first_name": ("Utónév",),
                "middle_name": ("Második utónév",),
                "last_name": ("Vezetéknév",),
                "position": ("Beosztás",),
                "department": ("Osztály",),
                "email": (
                    "Elektronikus levélcím",
                    "2. elektronikus levélcím",
                    "3. elektronikus levélcím",
                ),
                "phone": (
                    "Munkahelyi telefon",
                    "Mobiltelefon",
                    "Elsődleges telefon",
                    "Cég fő telefonszáma",
                    "2. munkahelyi telefon",
                    "Otthoni telefon",
                    "Egyéb telefon",
                ),
                "language": ("Nyelv",),
            },
        ),
        Preset(
            "yahoo",
            "Yahoo",
            {
                "first_name": ("First",),
                "middle_name": ("Middle",),
                "last_name": ("Last",),
                "position": ("Title",),
                "email": ("Email", "Alternate Email 1", "Alternate Email 2"),
                "phone": ("Work", "Mobile", "Home", "Other"),
            },
        ),
        Preset(
            "thunderbird",
            "Thunderbird",
            {
                "name": ("Display Name",),
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "position": ("Job Title",),
                "department": ("Department",),
                "email": ("Primary Email", "Secondary Email"),
                "phone": ("Work Phone", "Mobile Number", "Home Phone"),
            },
        ),
        Preset(
            "crm",
            "CRM (Salesforce, HubSpot…)",
            {
                "name": ("Full Name", "Name", "Contact Name"),
                "first_name": ("First Name", "Firstname"),
                "last_name": ("Last Name", "Lastname", "Surname"),
                "position": ("Title", "Job Title"),
                "department": ("Department",),
                "email": ("Email", "Email Address", "Work Email"),
                "phone": (
                    "Phone",
                    "Phone Number",
                    "Business Phone",
                    "Work Phone",
                    "Mobile",
                    "Mobile Phone",
                    "Mobile Phone Number",
                ),
                "language": ("Language", "Preferred Language"),
            },
        ),
    )
}


def _norm(header: str) -> str:
    return " ".join(header.split()).casefold()


def _index(header: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, name in enumerate(header):
        key = _norm(name)
        if key and key not in out:
            out[key] = i
    return out


def preset_mapping(
    header: Sequence[str], preset: Preset, rows: Sequence[Sequence[str]] = ()
) -> ColumnMapping:
    """The preset's columns that this header has (named as the header spells them), plus
    every other column of e-mail addresses found in ``rows`` (see :func:`_email_columns`)."""
    index = _index(header)
    mapping = {
        f: [header[index[_norm(c)]] for c in cols if _norm(c) in index]
        for f, cols in preset.columns.items()
        if any(_norm(c) in index for c in cols)
    }
    taken = {_norm(c) for cols in mapping.values() for c in cols}
    extra = [c for c in _email_columns(header, rows) if _norm(c) not in taken]
    if extra:
        mapping["email"] = [*mapping.get("email", []), *extra]
    return mapping


_EMAIL_HEADER = re.compile(r"e-?mail|почт|posta elettronica|levélcím|courriel|correo", re.I)
_NOT_AN_ADDRESS = re.compile(
    r"type|display|name|label|typ|nazwa|тип|отображ|tipo|nome|típus|megjelen", re.I
)


def _email_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns whose header speaks of e-mail (not of its type or display name) and whose
    filled cells are mostly addresses: roundcube's "Email Home/Work/Other", a CRM's
    "Email 2". Work addresses first, as a KAM writes to them."""
    found: list[tuple[int, int, str]] = []
    for i, name in enumerate(header):
        if not _EMAIL_HEADER.search(name) or _NOT_AN_ADDRESS.search(name):
            continue
        cells = [r[i].strip() for r in rows[:200] if i < len(r) and r[i].strip()]
        good = sum(1 for c in cells if is_email(_clean_email(c)))
        if cells and 2 * good > len(cells):
            work = 0 if re.search(r"work|business|służb|рабоч|ufficio|munkahely", name, re.I) else 1
            found.append((work, i, name))
    return [name for _, _, name in sorted(found)]


def best_preset(header: Sequence[str]) -> str | None:
    """The preset whose columns this header has most of (one with a name column)."""
    best: tuple[int, str] | None = None
    for name, preset in PRESETS.items():
        mapping = preset_mapping(header, preset)
        if not any(mapping.get(f) for f in _NAME_SOURCES):
            continue
        score = sum(len(v) for v in mapping.values())
        if best is None or score > best[0]:
            best = (score, name)
    return best[1] if best else None


def explicit_mapping(
    header: Sequence[str], chosen: Mapping[str, str | Sequence[str] | None]
) -> ColumnMapping:
    """A mapping the user picked (field -> column header or headers), checked against the
    header."""
    index = _index(header)
    out: ColumnMapping = {}
    for f, columns in chosen.items():
        if f not in MAPPABLE:
            raise UnknownKey(
                f"{f!r} is not a field people can be imported into; the fields are: "
                f"{', '.join(MAPPABLE)}."
            )
        if columns is None:
            continue
        names = [columns] if isinstance(columns, str) else list(columns)
        for c in names:
            if _norm(c) not in index:
                shown = ", ".join(repr(h) for h in header[:12]) + (" …" if len(header) > 12 else "")
                raise UnknownKey(f"The file has no column {c!r}; its columns are: {shown}.")
        if names:
            out[f] = [header[index[_norm(c)]] for c in names]
    return out


def parse_map(texts: Sequence[str]) -> dict[str, list[str]]:
    r"""A mapping given on the command line: ``"Imię=first_name,Nazwisko=last_name"`` (one or
    more such texts; ``\,`` and ``\=`` for a comma or an equals sign in a column's name). A
    field named twice takes its columns in the order given."""
    out: dict[str, list[str]] = {}
    for text in texts:
        for pair in re.split(r"(?<!\\),", text):
            if not pair.strip():
                continue
            parts = re.split(r"(?<!\\)=", pair)
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise UnknownKey(
                    f"--map: {pair.strip()!r} is not COLUMN=FIELD (for example "
                    "'Imię=first_name,Nazwisko=last_name')."
                )
            column = parts[0].strip().replace("\\,", ",").replace("\\=", "=")
            name = parts[1].strip()
            if name not in MAPPABLE:
                raise UnknownKey(
                    f"--map: {name!r} is not a field people can be imported into; the fields "
                    f"are: {', '.join(MAPPABLE)}."
                )
            out.setdefault(name, []).append(column)
    return out


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in ",;\t"}
    most = max(counts, key=lambda d: counts[d])
    sniffed: str | None
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = None
    if sniffed in counts and counts[sniffed] > 0 and 2 * counts[sniffed] >= counts[most]:
        return sniffed
    return most if counts[most] > 0 else ","


def read_csv_table(text: str, source: str) -> CsvTable:
    """Cells of a CSV text, each row with the physical line it starts on."""
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lstrip("\ufeff") for c in cells]
            else:
                rows.append((start, cells))
    except csv.Error as exc:
        raise InvalidInput(
            source, [Problem(f"line {last + 1}", f"the CSV cannot be read here: {exc}")]
        ) from None
    if header is None:
        raise InvalidInput(source, [Problem("", "the file is empty")])
    return CsvTable(header, rows, delimiter)


def _type_of(header: list[str], index: dict[str, int], column: str) -> str | None:
    """The sibling "… - Type"/"… - Label" column of a Google "… - Value" column."""
    if not _norm(column).endswith(" - value"):
        return None
    stem = _norm(column)[: -len("value")]
    for kind in ("type", "label"):
        if stem + kind in index:
            return header[index[stem + kind]]
    return None


def _ordered(cells: list[str], columns: list[tuple[int, int | None]], phone: bool) -> list[str]:
    """The cells of one field's columns, best first: Google marks the primary one with '*';
    then work, then mobile; fax and pager numbers last."""
    found = []
    size = len(cells)
    for order, (i, t) in enumerate(columns):
        value = unneutralise(cells[i].strip()) if i < size else ""
        if not value:
            continue
        kind = cells[t].casefold() if t is not None and t < len(cells) else ""
        rank = 3
        if kind.startswith("*"):
            rank = 0
        elif "fax" in kind or "pager" in kind:
            rank = 9 if phone else 3
        elif "work" in kind:
            rank = 1
        elif "mobile" in kind or "cell" in kind:
            rank = 2 if phone else 3
        found.append((rank if kind else 3, order, value))
    return [v for _, _, v in sorted(found)]


def csv_candidates(
    table: CsvTable, mapping: ColumnMapping
) -> tuple[list[Candidate], list[RowProblem]]:
    """People from the table's rows under a mapping; bad rows with their line numbers."""
    index = _index(table.header)
    cols: dict[str, list[tuple[int, int | None]]] = {}
    for f in MAPPABLE:
        cols[f] = []
        for c in mapping.get(f, []):
            if _norm(c) not in index:
                continue
            i = index[_norm(c)]
            kind = (
                _type_of(table.header, index, table.header[i]) if f in ("email", "phone") else None
            )
            cols[f].append((i, index[_norm(kind)] if kind else None))
    candidates: list[Candidate] = []
    problems: list[RowProblem] = []
    for line, cells in table.rows:

        def first(f: str, cells: list[str] = cells) -> str | None:
            for i, _ in cols[f]:  # plain columns: the first non-empty one wins
                value = cells[i].strip() if i < len(cells) else ""
                if value:
                    return unneutralise(value)
            return None

        name = first("name") or " ".join(
            v for v in (first("first_name"), first("middle_name"), first("last_name")) if v
        )
        email, bad = _pick_email(_ordered(cells, cols["email"], False))
        result = _finish(
            line,
            name,
            {
                "position": first("position"),
                "department": first("department"),
                "email": email,
                "phone": _pick_phone(_ordered(cells, cols["phone"], True)),
                "language": first("language"),
            },
            bad,
            "no name (the name columns are empty)",
        )
        if isinstance(result, Candidate):
            candidates.append(result)
        else:
            problems.append(result)
    return candidates, problems


def parse_csv(
    raw: bytes,
    source: str,
    mapping: str | Mapping[str, str | Sequence[str] | None] | None = None,
    encoding: str | None = None,
) -> ContactFile:
    """Read a CSV file of people. ``mapping`` is a preset name, an explicit mapping (field ->
    column header), or None to pick the best-matching preset (the result then may need a
    mapping: see :attr:`ContactFile.needs_mapping`)."""
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(source, len(raw))
    _check_not_empty(raw, source)
    text, label = decode_text(raw, source, encoding)
    table = read_csv_table(text, source)
    contact_file = ContactFile(
        source, "csv", label, len(table.rows), [], [], table.delimiter, table
    )
    return remap(contact_file, mapping)


def remap(
    contact_file: ContactFile, mapping: str | Mapping[str, str | Sequence[str] | None] | None
) -> ContactFile:
    """The same CSV file read under another preset or mapping (nothing is read again)."""
    table = contact_file.table
    if table is None:
        raise KamdeskError("Only CSV files have columns to map.")
    preset: str | None = None
    if mapping is None:
        preset = best_preset(table.header)
        rows = [cells for _, cells in table.rows]
        columns = preset_mapping(table.header, PRESETS[preset], rows) if preset else {}
    elif isinstance(mapping, str):
        if mapping not in PRESETS:
            raise UnknownKey(
                f"No CSV mapping called {mapping!r}; the presets are: {', '.join(PRESETS)}."
            )
        preset = mapping
        columns = preset_mapping(table.header, PRESETS[mapping], [c for _, c in table.rows])
    else:
        columns = explicit_mapping(table.header, mapping)
        if "email" not in mapping:  # not chosen (None: chosen to leave out): keep those found
            found = _email_columns(table.header, [c for _, c in table.rows])
            if found:
                columns["email"] = found
    if any(columns.get(f) for f in _NAME_SOURCES):
        candidates, problems = csv_candidates(table, columns)
    else:
        candidates, problems = [], []
    return ContactFile(
        contact_file.source,
        "csv",
        contact_file.encoding,
        len(table.rows),
        candidates,
        problems,
        table.delimiter,
        table,
        preset,
        columns,
    )


def read_contacts(
    path: Path | str,
    kind: Literal["vcard", "csv"] | None = None,
    mapping: str | Mapping[str, str | Sequence[str] | None] | None = None,
    encoding: str | None = None,
) -> ContactFile:
    """Read a contact file; its kind comes from the extension or, failing that, the content."""
    path = Path(path)
    raw = read_bytes(path)
    if kind is None:
        kind = file_kind(path, raw)
    if kind == "vcard":
        return parse_vcard(raw, str(path), encoding)
    return parse_csv(raw, str(path), mapping, encoding)


def file_kind(path: Path, raw: bytes) -> Literal["vcard", "csv"]:
    suffix = path.suffix.lower()
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    head = raw[:4096].replace(b"\x00", b"").upper()
    return "vcard" if b"BEGIN:VCARD" in head else "csv"


# --- planning and applying an import ----------------------------------------------------------

Action = Literal["create", "update", "skip"]
# Replaced when the file has another value; the others only fill empty fields.
REPLACED = ("email", "phone", "position")
FILLED = ("department", "language")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "jr", "sr", "phd"}


def name_key(name: str) -> str:
    """A name folded for duplicate detection: case, diacritics, word order and titles ignored
    ("Wróbel, Łukasz", "lukasz wrobel" and "Dr. Łukasz Wróbel" give the same key)."""
    words = search.words(name)
    kept = [w for w in words if w not in _TITLES] or words
    return " ".join(sorted(kept))


def _email_key(email: str | None) -> str | None:
    return email.strip().casefold() if email else None


def _same(column: str, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    if column == "email":
        return a.strip().casefold() == b.strip().casefold()
    if column == "phone":

        def digits(v: str) -> str:
            return ("+" if v.strip().startswith("+") else "") + re.sub(r"\D", "", v)

        return digits(a) == digits(b)
    return a.strip() == b.strip()


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass
class PlanItem:
    """What happens to one person of the file (duplicates already merged into it)."""

    action: Action
    candidate: Candidate
    lines: list[int]  # every line merged into this person, first one first
    existing_id: int | None = None
    existing_key: str | None = None
    existing_name: str | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def merged(self) -> int:
        return len(self.lines) - 1


@dataclass
class ImportPlan:
    client_id: int
    items: list[PlanItem]

    def count(self, action: Action) -> int:
        return sum(1 for i in self.items if i.action == action)

    @property
    def merged(self) -> int:
        return sum(i.merged for i in self.items)

    @property
    def writes(self) -> bool:
        return any(i.action != "skip" for i in self.items)

    def summary(self) -> str:
        return _counts(self.count("create"), self.count("update"), self.count("skip"), self.merged)


def _counts(created: int, updated: int, unchanged: int, merged: int) -> str:
    text = f"{created} new, {updated} updated, {unchanged} unchanged"
    if merged:
        text += f", {merged} duplicate{'s' if merged != 1 else ''} merged"
    return text


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    merged: int

    def __str__(self) -> str:
        return _counts(self.created, self.updated, self.unchanged, self.merged)


def _merge(first: Candidate, other: Candidate) -> Candidate:
    values = first.values()
    for f, v in other.values().items():
        if values[f] is None and v is not None:
            values[f] = v
    return Candidate(line=first.line, **values)  # type: ignore[arg-type]


def _keys(c: Candidate) -> list[str]:
    out = []
    if c.email:
        out.append("e:" + c.email.strip().casefold())
    key = name_key(c.name)
    if key:
        out.append("n:" + key)
    return out


def _group(candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Likely duplicates inside the file, grouped (transitively), in file order."""
    parent = list(range(len(candidates)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, c in enumerate(candidates):
        for k in _keys(c):
            if k in seen:
                a, b = root(seen[k]), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                seen[k] = i
    groups: dict[int, list[Candidate]] = {}
    for i, c in enumerate(candidates):
        groups.setdefault(root(i), []).append(c)
    return [groups[r] for r in sorted(groups)]


def _client(session: Session, client_id: int) -> m.Client:
    client = session.get(m.Client, client_id)
    if client is None:
        raise KamdeskError("That client no longer exists (it was deleted).")
    return client


def client_id_for_key(db: Database, key: str) -> int:
    with db.session() as session:
        found = session.exec(select(m.Client.id).where(m.Client.key == key)).first()
    if found is None:
        raise UnknownKey(f"No client with key {key!r}.")
    return found


def plan_import(db: Database, client_id: int, candidates: Sequence[Candidate]) -> ImportPlan:
    """What importing ``candidates`` into the client would do; nothing is written."""
    with db.session() as session:
        _client(session, client_id)
        people = list(
            session.exec(
                select(m.Stakeholder)
                .where(m.Stakeholder.client_id == client_id)
                .order_by(col(m.Stakeholder.id))
            )
        )
    by_key: dict[str, m.Stakeholder] = {}
    for person in people:
        for k in _keys(Candidate(0, person.name, email=person.email)):
            by_key.setdefault(k, person)
    items: list[PlanItem] = []
    targets: dict[int, PlanItem] = {}  # existing person id -> the item updating them
    for group in _group(candidates):
        merged = group[0]
        for other in group[1:]:
            merged = _merge(merged, other)
        lines = [c.line for c in group]
        keys = _keys(merged)
        match = next((by_key[k] for k in keys if k.startswith("e:") and k in by_key), None)
        match = match or next((by_key[k] for k in keys if k in by_key), None)
        if match is not None and match.id in targets:  # two file persons, one existing person
            item = targets[match.id]
            item.candidate = _merge(item.candidate, merged)
            item.lines += lines
            continue
        item = PlanItem("create", merged, lines)
        if match is not None:
            assert match.id is not None
            item.existing_id, item.existing_key, item.existing_name = (
                match.id,
                match.key,
                match.name,
            )
            targets[match.id] = item
        items.append(item)
    by_id = {p.id: p for p in people}
    for item in items:
        if item.existing_id is None:
            item.changes = [
                FieldChange(f, None, v) for f, v in item.candidate.values().items() if v is not None
            ]
            continue
        person = by_id[item.existing_id]
        changes = []
        for f in REPLACED + FILLED:
            old, new = getattr(person, f), getattr(item.candidate, f)
            if new is None or _same(f, old, new) or (f in FILLED and old):
                continue
            changes.append(FieldChange(f, old, new))
        item.changes = changes
        item.action = "update" if changes else "skip"
    return ImportPlan(client_id, items)


def apply_import(db: Database, client_id: int, plan: ImportPlan) -> ImportSummary:
    """Carry out a plan in one transaction: all of it or, on any problem, nothing. A person
    changed since the plan was made stops the import (make a new plan)."""
    if plan.client_id != client_id:
        raise KamdeskError("This preview was made for another client; nothing was imported.")

    def stale() -> KamdeskError:
        return KamdeskError(
            "The client's people changed since the preview; nothing was imported. "
            "Preview the file again."
        )

    summary = ImportSummary(
        plan.count("create"), plan.count("update"), plan.count("skip"), plan.merged
    )
    if not plan.writes:
        return summary
    backup.before_import(db)
    with db.transaction() as session:
        _client(session, client_id)
        keys = set(
            session.exec(select(m.Stakeholder.key).where(m.Stakeholder.client_id == client_id))
        )
        for item in plan.items:
            if item.action == "create":
                c = item.candidate
                key = unique_key(keys, slug(c.name))
                keys.add(key)
                session.add(
                    m.Stakeholder(
                        client_id=client_id,
                        key=key,
                        name=c.name,
                        position=c.position,
                        department=c.department,
                        email=c.email,
                        phone=c.phone,
                        language=c.language,
                    )
                )
            elif item.action == "update":
                person = session.get(m.Stakeholder, item.existing_id)
                if person is None or person.client_id != client_id:
                    raise stale()
                for change in item.changes:
                    if not _same(change.field, getattr(person, change.field), change.old):
                        raise stale()
                    setattr(person, change.field, change.new)
                session.add(person)
        session.flush()
        search.reindex_client(session, client_id)
    return ImportSummary(
        plan.count("create"), plan.count("update"), plan.count("skip"), plan.merged
    )


# --- CSV export -------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """A text cell made safe for spreadsheets: a leading ``'`` when it starts like a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)  # numbers stay numbers
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return neutralise(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV for spreadsheets: UTF-8 BOM first (write it with ``write_atomically``), commas,
    CR LF, quotes where needed, text cells neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write :func:`csv_text` atomically (the old file stays whole on any error)."""
    write_atomically(Path(path), csv_text(header, rows))


PEOPLE_HEADER = (
    "Client key",
    "Client",
    "Key",
    "Name",
    "Position",
    "Department",
    "E-mail",
    "Phone",
    "Language",
    "VIP",
    "KOL",
    "Buying role",
    "Attitude",
    "Influence",
    "Stage",
    "Last contact",
)


def _people_rows(session: Session, client_id: int | None) -> Iterator[list[object]]:
    stmt = (
        select(m.Stakeholder, m.Client)
        .join(m.Client, col(m.Client.id) == m.Stakeholder.client_id)
        .order_by(
            col(m.Client.name), col(m.Client.id), col(m.Stakeholder.name), col(m.Stakeholder.id)
        )
    )
    if client_id is not None:
        stmt = stmt.where(m.Stakeholder.client_id == client_id)
    for p, c in session.exec(stmt):
        yield [
            c.key,
            c.name,
            p.key,
            p.name,
            p.position,
            p.department,
            p.email,
            p.phone,
            p.language,
            p.vip,
            p.kol,
            p.buying_role,
            p.attitude,
            p.influence,
            p.stage,
            p.last_contact_on,
        ]


def people_csv(db: Database, client_id: int | None = None) -> str:
    """The people of one client (or of every client) as CSV text. Personal notes, interests
    and other private fields are never exported."""
    with db.session() as session:
        if client_id is not None:
            _client(session, client_id)
        return csv_text(PEOPLE_HEADER, list(_people_rows(session, client_id)))


def export_people_csv(db: Database, path: Path | str, client_id: int | None = None) -> int:
    """Write :func:`people_csv` atomically; returns how many people were written."""
    with db.session() as session:
        if client_id is not None:
            _client(session, client_id)
        rows = list(_people_rows(session, client_id))
    write_atomically(Path(path), csv_text(PEOPLE_HEADER, rows))
    return len(rows)


FOLLOW_UPS_HEADER = (
    "Due",
    "Days overdue",
    "Client key",
    "Client",
    "Meeting key",
    "Meeting",
    "Action",
    "Owner",
    "Done",
)


def follow_ups_csv(rows: Iterable[FollowUp], today: dt.date) -> str:
    """Action items (``queries.follow_ups``) as CSV text, neutralised like the people export."""
    return csv_text(
        FOLLOW_UPS_HEADER,
        (
            (
                r.due.isoformat() if r.due else "",
                r.days_overdue(today) or "",
                r.client_key,
                r.client_name,
                r.meeting_key,
                r.meeting_title,
                r.text,
                r.owner or "",
                "yes" if r.done else "",
            )
            for r in rows
        ),
    )
