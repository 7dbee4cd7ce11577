"""Reading a portfolio document: the bytes as UTF-8 JSON (no key repeated in an object,
numbers finite and of sane length, nesting bounded), its structure by the schema, and its
references (keys unique, every reference resolving in the file or the database). Every
problem is reported with its JSON path."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from kamdesk.core.errors import InvalidInput, Problem
from kamdesk.core.interchange import textfile
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m

MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_REPORTED = 200
_UTF16 = "the file is UTF-16; save it as UTF-8 and import it again"
_UTF32 = "the file is UTF-32; save it as UTF-8 and import it again"


# --- reading ---------------------------------------------------------------------------------


def _refuse(source: str, where: str, message: str) -> Exception:
    return InvalidInput(source, [Problem(where, message)])


# The format is UTF-8 JSON: a UTF-8 BOM is tolerated, UTF-16/32 and legacy encodings are
# refused with what to do, and the size is measured by what is read as well as by st_size
# (a device or a pipe says 0: /dev/zero). An OSError other than these is not the file's
# content: it is not worded here.
_POLICY = textfile.TextPolicy(
    max_bytes=MAX_FILE_BYTES,
    too_big=lambda size: "the file is larger than the limit of 1 GiB",
    refuse=_refuse,
    boms=(
        textfile.Bom(b"\xff\xfe\x00\x00", "UTF-32LE", refused=_UTF32),
        textfile.Bom(b"\x00\x00\xfe\xff", "UTF-32BE", refused=_UTF32),
        textfile.Bom(b"\xff\xfe", "UTF-16LE", refused=_UTF16),
        textfile.Bom(b"\xfe\xff", "UTF-16BE", refused=_UTF16),
        textfile.Bom(b"\xef\xbb\xbf", "UTF-8 with BOM"),
    ),
    not_unicode=("", ""),  # no Unicode form is decoded but UTF-8
    not_utf8=(
        "line {line}",
        "byte 0x{byte:02x} at offset {offset} is not UTF-8; the format is UTF-8 JSON",
    ),
    unreadable=None,
)


def read_text(path: Path) -> str:
    """The file's text, or InvalidInput naming what is wrong with the bytes."""
    # the limit as it is now (a test lowers it)
    policy = dataclasses.replace(_POLICY, max_bytes=MAX_FILE_BYTES)
    return decode(textfile.read_bytes(path, policy), str(path))


def decode(raw: bytes, source: str) -> str:
    textfile.check_blank(raw, source, _POLICY)
    return textfile.decode(raw, source, _POLICY).text


def format_path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = "from" if part == "from_" else str(part)
            out += f".{name}" if out else name
    return out


_DUPS = "\x00duplicates"
MAX_DEPTH = 64  # the format nests about 8 deep; a file nested deeper is not a portfolio
MAX_NUMBER_CHARS = 40  # digits, sign, point and exponent of one number


class _BadNumber:
    """A number JSON allows but the format does not: non-finite or absurdly long. Kept in
    place while parsing so that the walk below can name its path."""

    def __init__(self, text: str, why: str):
        self.text = text if len(text) <= 20 else text[:17] + "…"
        self.why = why


def _int(text: str) -> int | _BadNumber:
    if len(text) > MAX_NUMBER_CHARS:
        return _BadNumber(text, f"a number of {len(text):,} digits is too long")
    return int(text)


def _float(text: str) -> float | _BadNumber:
    if len(text) > MAX_NUMBER_CHARS:
        return _BadNumber(text, f"a number of {len(text):,} characters is too long")
    value = float(text)
    if not math.isfinite(value):
        return _BadNumber(text, "the number is too large (numbers must be finite)")
    return value


def _constant(text: str) -> _BadNumber:
    return _BadNumber(text, f"{text} is not a number the format allows (numbers must be finite)")


def _load_json(text: str, source: str) -> Any:
    # A repeated name inside one object is recorded under a marker key that no JSON text can
    # produce as a real field (it is removed from nothing else: the structure stage re-reads
    # the text), then reported with its path; so are numbers that are not finite or too long
    # (NaN, Infinity, 1e999, a 5,000-digit integer) and nesting deeper than MAX_DEPTH.
    found = False

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        obj: dict[str, Any] = {}
        for name, value in pairs:
            if name in obj:
                found = True
                obj.setdefault(_DUPS, []).append(name)
            obj[name] = value
        return obj

    def bad(make: Any) -> Any:
        def parse(text: str) -> Any:
            nonlocal found
            value = make(text)
            found = found or isinstance(value, _BadNumber)
            return value

        return parse

    try:
        data = json.loads(
            text,
            object_pairs_hook=hook,
            parse_int=bad(_int),
            parse_float=bad(_float),
            parse_constant=bad(_constant),
        )
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            source,
            [Problem(f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}")],
        ) from None
    except RecursionError:
        raise InvalidInput(
            source, [Problem("", f"the JSON is nested deeper than {MAX_DEPTH} levels")]
        ) from None
    problems: list[Problem] = []

    def walk(node: Any, loc: list[Any]) -> None:
        if len(loc) > MAX_DEPTH:
            problems.append(
                Problem(format_path(loc[:MAX_DEPTH]), f"nested deeper than {MAX_DEPTH} levels")
            )
            return
        if isinstance(node, _BadNumber):
            problems.append(Problem(format_path(loc), node.why))
        elif isinstance(node, dict):
            for name in node.get(_DUPS, []):
                problems.append(
                    Problem(format_path([*loc, name]), "field given twice in one object")
                )
            for name, value in node.items():
                if name != _DUPS:
                    walk(value, [*loc, name])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*loc, i])

    if found or _deeper_than(data, MAX_DEPTH):
        walk(data, [])
        if problems:
            raise InvalidInput(source, problems[:MAX_REPORTED])
    return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether the parsed document nests deeper than ``limit`` (iterative: any depth)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
    return False


def parse(text: str, source: str) -> doc.Portfolio:
    """Stages 1 and 2: JSON and structure. Raises InvalidInput with every problem."""
    data = _load_json(text, source)
    if not isinstance(data, dict):
        raise InvalidInput(source, [Problem("", "the document must be a JSON object")])
    fmt = data.get("format")
    if fmt != doc.FORMAT_NAME:
        raise InvalidInput(
            source,
            [Problem("format", f"expected {doc.FORMAT_NAME!r}; is this a kamdesk portfolio?")],
        )
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        shown = json.dumps(version)
        raise InvalidInput(source, [Problem("version", f"{shown} is not a format version number")])
    if isinstance(version, int) and version > doc.FORMAT_VERSION:
        raise InvalidInput(
            source,
            [
                Problem(
                    "version",
                    f"{version} is newer than this kamdesk understands "
                    f"({doc.FORMAT_VERSION}); update kamdesk",
                )
            ],
        )
    try:
        return doc.Portfolio.model_validate_json(text)
    except ValidationError as exc:
        problems = [
            Problem(format_path(err["loc"]), doc.error_text(err))
            for err in exc.errors(include_url=False)
        ]
        raise InvalidInput(source, problems) from None


# --- references --------------------------------------------------------------------------


@dataclass
class Known:
    """What the database already holds that a document may refer to."""

    products: set[str]
    stakeholders: dict[str, set[str]]  # client key -> stakeholder keys
    needs: dict[str, set[str]]  # client key -> need keys
    meeting_owner: dict[str, str]  # meeting key -> client key

    @classmethod
    def load(cls, session: Session) -> Known:
        products = set(session.exec(select(m.Product.key)).all())
        client_keys = dict(session.exec(select(m.Client.id, m.Client.key)).all())
        stakeholders: dict[str, set[str]] = defaultdict(set)
        for cid, key in session.exec(select(m.Stakeholder.client_id, m.Stakeholder.key)):
            stakeholders[client_keys[cid]].add(key)
        needs: dict[str, set[str]] = defaultdict(set)
        for cid, key in session.exec(select(m.Need.client_id, m.Need.key)):
            needs[client_keys[cid]].add(key)
        owners = {
            key: client_keys[cid]
            for key, cid in session.exec(select(m.Meeting.key, m.Meeting.client_id))
        }
        return cls(products, stakeholders, needs, owners)


def _dupes(items: Sequence[Any], attr: str, where: str, what: str) -> Iterable[Problem]:
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, attr) if attr else item
        if value in seen:
            yield Problem(
                f"{where}[{i}]" + (f".{attr.rstrip('_')}" if attr else ""),
                f"{what} {json.dumps(value, ensure_ascii=False)} is already used at "
                f"{where}[{seen[value]}]",
            )
        else:
            seen[value] = i


def check_references(p: doc.Portfolio, known: Known) -> list[Problem]:
    """What the schema cannot see: keys used twice, references to a product, person or need
    that neither the document nor the dossier has, a meeting key another client owns, notes
    and comments without what they annotate. In document order."""
    refs = _References(known, known.products | {prod.key for prod in p.products})
    refs.problems += _dupes(p.products, "key", "products", "product key")
    refs.problems += _dupes(p.clients, "key", "clients", "client key")
    for ci, client in enumerate(p.clients):
        refs.client(f"clients[{ci}]", client)
    return refs.problems


class _References:
    """The problems found so far, and the keys every client of the document may name."""

    def __init__(self, known: Known, products: set[str]):
        self.known = known
        self.products = products
        self.problems: list[Problem] = []
        self.meeting_seen: dict[str, str] = {}

    def ref(self, path: str, value: str | None, pool: set[str], what: str) -> None:
        if value is not None and value not in pool:
            self.problems.append(
                Problem(path, f"{json.dumps(value, ensure_ascii=False)} is not a known {what}")
            )

    def client(self, at: str, client: doc.Client) -> None:
        known, problems = self.known, self.problems
        people = known.stakeholders.get(client.key, set()) | {s.key for s in client.stakeholders}
        needs = known.needs.get(client.key, set()) | {n.key for n in client.needs}
        problems += _dupes(client.stakeholders, "key", f"{at}.stakeholders", "stakeholder key")
        problems += _dupes(client.needs, "key", f"{at}.needs", "need key")
        problems += _dupes(client.financials, "period", f"{at}.financials", "period")
        problems += _dupes(client.targets, "period", f"{at}.targets", "period")
        problems += _dupes(client.competitors, "name", f"{at}.competitors", "competitor")
        problems += _dupes(client.key_reasons, "", f"{at}.key_reasons", "reason")
        for reason in client.key_reason_notes.as_dict():
            if reason not in client.key_reasons:
                problems.append(
                    Problem(
                        f"{at}.key_reason_notes.{reason}",
                        f"a note needs the reason: add {reason!r} to key_reasons",
                    )
                )
        for ni, need in enumerate(client.needs):
            problems += _dupes(need.products, "", f"{at}.needs[{ni}].products", "product")
            for pi, prod in enumerate(need.products):
                self.ref(f"{at}.needs[{ni}].products[{pi}]", prod, self.products, "product key")
        for ii, issue in enumerate(client.issues):
            self.ref(
                f"{at}.issues[{ii}].raised_by",
                issue.raised_by,
                people,
                "stakeholder of this client",
            )
        self.relations(at, client, people)
        for mi, meeting in enumerate(client.meetings):
            self.meeting(f"{at}.meetings[{mi}]", meeting, client.key, people, needs)

    def relations(self, at: str, client: doc.Client, people: set[str]) -> None:
        seen_rel: dict[tuple[str, str, str], int] = {}
        for ri, rel in enumerate(client.relations):
            self.ref(f"{at}.relations[{ri}].from", rel.from_, people, "stakeholder of this client")
            self.ref(f"{at}.relations[{ri}].to", rel.to, people, "stakeholder of this client")
            if rel.from_ == rel.to:
                self.problems.append(
                    Problem(f"{at}.relations[{ri}].to", "a person cannot relate to themselves")
                )
            triple = (rel.from_, rel.to, rel.kind)
            if triple in seen_rel:
                self.problems.append(
                    Problem(
                        f"{at}.relations[{ri}]",
                        f"same relation as {at}.relations[{seen_rel[triple]}]",
                    )
                )
            seen_rel.setdefault(triple, ri)

    def meeting(
        self, mat: str, meeting: doc.Meeting, client_key: str, people: set[str], needs: set[str]
    ) -> None:
        problems = self.problems
        if meeting.key in self.meeting_seen:
            problems.append(
                Problem(
                    f"{mat}.key",
                    f"meeting key {meeting.key!r} is already used at {self.meeting_seen[meeting.key]}",
                )
            )
        else:
            self.meeting_seen[meeting.key] = mat
        owner = self.known.meeting_owner.get(meeting.key)
        if owner is not None and owner != client_key:
            problems.append(
                Problem(
                    f"{mat}.key",
                    f"meeting key {meeting.key!r} already belongs to client {owner!r}",
                )
            )
        problems += _dupes(meeting.attendees, "", f"{mat}.attendees", "attendee")
        problems += _dupes(meeting.products, "", f"{mat}.products", "product")
        for ai, person in enumerate(meeting.attendees):
            self.ref(f"{mat}.attendees[{ai}]", person, people, "stakeholder of this client")
        if meeting.notes is not None:
            nat = f"{mat}.notes"
            problems += _dupes(meeting.notes.present, "", f"{nat}.present", "person")
            for ai, person in enumerate(meeting.notes.present):
                self.ref(f"{nat}.present[{ai}]", person, people, "stakeholder of this client")
            verdicts = meeting.notes.self_review.as_dict()
            for n in meeting.notes.self_review_comments.as_dict():
                if n not in verdicts:
                    problems.append(
                        Problem(
                            f"{nat}.self_review_comments.{n}",
                            f"a comment needs a verdict: set self_review.{n} to ok or slip",
                        )
                    )
        for pi, prod in enumerate(meeting.products):
            self.ref(f"{mat}.products[{pi}]", prod, self.products, "product key")
        for pi, proposal in enumerate(meeting.proposals):
            self.ref(f"{mat}.proposals[{pi}].need", proposal.need, needs, "need of this client")
