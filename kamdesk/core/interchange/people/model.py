"""What a contact file gives, before anything is written: candidates, bad rows, the file.

- **Files** are capped at :data:`MAX_FILE_BYTES` (checked before reading). Encodings
  (:data:`POLICY`, read by :mod:`kamdesk.core.interchange.textfile`): a BOM (UTF-8,
  UTF-16LE/BE, UTF-32), UTF-16 without a BOM (told by its NUL bytes), strict UTF-8, then the
  most plausible of :data:`~kamdesk.core.interchange.legacy.LEGACY_ENCODINGS` (ties go to the
  order of that list, so Windows-1250 wins a tie: it is the likely legacy encoding of this
  app's users). A file whose encoding cannot be told is refused; the caller can name the
  encoding instead.
- A **phone** value with no digit in it is not a phone number and is passed over. An e-mail
  must look like ``local@domain``; when a person has e-mails but none of them does, the row is
  bad. Every value is checked with the dossier's own rules (:func:`finish`).
- **Names** are compared folded (:func:`name_key`: case, diacritics, word order and
  Mr/Dr/Jr-like titles ignored, so "Wróbel, Łukasz" is "lukasz wrobel").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session

from kamdesk.core.account.editing import FieldError, validate
from kamdesk.core.errors import InvalidInput, KamdeskError, Problem
from kamdesk.core.interchange import textfile
from kamdesk.core.interchange.legacy import LEGACY_ENCODINGS, guess_legacy
from kamdesk.core.interchange.textfile import ENCODING_LABELS, Bom, TextPolicy
from kamdesk.core.model import models as m
from kamdesk.core.storage import search

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
# The fields a CSV's name is read from (a full name, or its parts).
NAME_SOURCES = ("name", "first_name", "last_name")
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


def _too_big(size: int) -> str:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return f"the file is {textfile.size_text(size)}; contact files of up to {limit} MB are read"


def _refuse(source: str, where: str, message: str) -> Exception:
    return InvalidInput(source, [Problem(where, message)])


_LEGACY_NAMES = ", ".join(ENCODING_LABELS[c] for c in LEGACY_ENCODINGS)

POLICY = TextPolicy(
    max_bytes=MAX_FILE_BYTES,
    too_big=_too_big,
    refuse=_refuse,
    boms=(
        Bom(b"\xef\xbb\xbf", "UTF-8 with BOM", "utf-8"),
        Bom(b"\xff\xfe\x00\x00", "UTF-32LE", "utf-32-le"),
        Bom(b"\x00\x00\xfe\xff", "UTF-32BE", "utf-32-be"),
        Bom(b"\xff\xfe", "UTF-16LE with BOM", "utf-16-le"),
        Bom(b"\xfe\xff", "UTF-16BE with BOM", "utf-16-be"),
    ),
    not_unicode=(
        "line {line}",
        "the file looks like {label}, but byte offset {offset} is not valid {label}; save it "
        "as UTF-8 and import it again",
    ),
    not_utf8=(
        "",
        "cannot tell the file's encoding: it is not UTF-8 or UTF-16, and it does not read as "
        f"any of {_LEGACY_NAMES}; save it as UTF-8 (or name its encoding) and import it again",
    ),
    # a file of nothing but BOMs and NULs holds no people either
    blank=b" \t\r\n\x00\xef\xbb\xbf\xff\xfe",
    sniff_utf16=textfile.utf16_by_nuls,
    binary="this is not a text file (it holds binary data such as NUL bytes)",
    guess_legacy=guess_legacy,
)


def check_raw(raw: bytes, source: str) -> None:
    """A contact file's bytes are at most :data:`MAX_FILE_BYTES` and not blank."""
    textfile.check_size(raw, source, POLICY)
    textfile.check_blank(raw, source, POLICY)


def decode_text(raw: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and a label of its encoding (detected unless ``encoding`` is given)."""
    found = textfile.decode(raw, source, POLICY, encoding)
    if not found.text.strip():
        raise _refuse(source, "", POLICY.empty)
    return found.text, found.label


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
        return self.kind == "csv" and not any(self.mapping.get(f) for f in NAME_SOURCES)


# --- values ---------------------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\]+")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "jr", "sr", "phd"}


def is_email(value: str) -> bool:
    """Loosely ``local@domain``: no spaces, one @, domain labels not empty (international
    addresses and single-label test domains such as ``x@invalid`` are fine)."""
    if not _EMAIL.fullmatch(value):
        return False
    domain = value.rsplit("@", 1)[1]
    return all(domain.split("."))


def clean_email(value: str) -> str:
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


def name_key(name: str) -> str:
    """A name folded for duplicate detection: case, diacritics, word order and titles ignored
    ("Wróbel, Łukasz", "lukasz wrobel" and "Dr. Łukasz Wróbel" give the same key)."""
    words = search.words(name)
    kept = [w for w in words if w not in _TITLES] or words
    return " ".join(sorted(kept))


def finish(
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


def pick_email(options: Iterable[str]) -> tuple[str | None, list[str]]:
    """The first valid address (already in order of preference), and the invalid ones."""
    bad: list[str] = []
    for option in options:
        value = clean_email(option)
        if not value:
            continue
        if is_email(value):
            return value, bad
        bad.append(value)
    return None, bad


def pick_phone(options: Iterable[str]) -> str | None:
    for option in options:
        value = _clean_phone(option)
        if value and _has_digit(value):
            return value
    return None


def client_of(session: Session, client_id: int) -> m.Client:
    """The client people are imported into or exported from; refused once it is deleted."""
    client = session.get(m.Client, client_id)
    if client is None:
        raise KamdeskError("That client no longer exists (it was deleted).")
    return client
