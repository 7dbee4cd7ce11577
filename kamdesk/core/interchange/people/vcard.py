"""Reading vCard files (2.1, 3.0 and 4.0) into candidates.

The bytes are split into lines (CR LF, CR CR LF, LF, or CR alone when the file has no LF) and
unfolded (RFC folds and 2.1 quoted-printable soft breaks) *before* anything is decoded, so a
fold that splits a UTF-8 character is harmless. A file in UTF-16/32 (a BOM, its NUL bytes, or
named by the caller) is made UTF-8 first. Each value is then decoded by itself:
quoted-printable first, then its CHARSET, else UTF-8, else the legacy encoding guessed from
all such values of the file (The Bat! writes ``Iksi=F1ski`` with no CHARSET: that is
"Iksiński" in Windows-1250). Only the properties we map (FN, N, ORG, TITLE, ROLE, EMAIL, TEL,
LANG, KIND, X-ABShowAs) go on to vobject, so a photo, a key or an odd X- property can never
spoil a card; lines inside a card that are not properties at all are skipped. A card that
cannot be read is a bad row at its BEGIN line.
"""

from __future__ import annotations

import binascii
import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from kamdesk.core.errors import InvalidInput, Problem
from kamdesk.core.interchange import textfile
from kamdesk.core.interchange.legacy import guess_legacy
from kamdesk.core.interchange.people.model import (
    POLICY,
    Candidate,
    ContactFile,
    RowProblem,
    check_raw,
    finish,
    name_key,
    pick_email,
    pick_phone,
)
from kamdesk.core.interchange.textfile import ENCODING_LABELS

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


def _prop(number: int, name: str, params_raw: list[bytes], value: bytes) -> _Prop:
    """One wanted property: its parameters apart from ENCODING and CHARSET, its CHARSET, and
    its value's bytes with quoted-printable decoded."""
    params: list[str] = []
    charset: str | None = None
    qp = False
    for param in params_raw:
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
    return _Prop(number, name, params, charset, data, qp)


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
        current.props.append(_prop(number, upper, parts[1:], value))
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
    email, bad = pick_email(v for v, _ in emails)
    units = [u for u in org[1:] if u]
    no_name = "no name (the card has no FN or N)"
    if org and org[0]:
        no_name = f"no name (the card has no FN or N, only the organisation {org[0]!r})"
    return finish(
        line,
        name,
        {
            "position": titles[0][0] if titles else None,
            "department": " / ".join(units) or None,
            "email": email,
            "phone": pick_phone(v for v, _ in phones),
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


def _as_utf8(raw: bytes, source: str, encoding: str | None) -> tuple[bytes, str, str | None]:
    """The file's bytes as UTF-8 where it is in another Unicode form (its BOM, its NUL bytes,
    or a UTF-16/32 encoding the caller named), the label of its encoding, and the legacy
    encoding the caller named, if any (the values that are not UTF-8 are read in it)."""
    codec = textfile.codec_named(encoding, source, POLICY) if encoding else None
    if codec and codec.startswith(("utf-16", "utf-32")):
        label = ENCODING_LABELS.get(codec, codec)
        text = textfile.strict(raw, codec, label, source, POLICY).lstrip("\ufeff")
        return text.encode(), label, None
    found = None if codec else textfile.unicode_form(raw, source, POLICY)[1]
    if found is not None:
        return found.text.encode("utf-8"), found.label, codec
    if b"\x00" in raw:
        raise textfile.refuse_binary(source, POLICY)
    return raw, "UTF-8", codec


def parse_vcard(raw: bytes, source: str, encoding: str | None = None) -> ContactFile:
    """Read a vCard file (any number of cards) into candidates and bad cards."""
    check_raw(raw, source)
    raw, label, codec = _as_utf8(raw, source, encoding)
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
