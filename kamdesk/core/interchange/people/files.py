"""Reading a contact file of either kind: its kind from the extension or, failing that, the
content; its bytes through the one text-file reader, with the contact files' policy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from kamdesk.core.interchange import textfile
from kamdesk.core.interchange.people.csvfile import parse_csv
from kamdesk.core.interchange.people.model import POLICY, ContactFile
from kamdesk.core.interchange.people.vcard import parse_vcard


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, refused with a clear reason when missing, too big or empty. The size
    is checked before reading, so a huge file is refused at once."""
    raw = textfile.read_bytes(path, POLICY)
    textfile.check_blank(raw, str(path), POLICY)
    return raw


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
