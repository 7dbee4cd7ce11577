"""Import and export of the portfolio exchange format (PORTFOLIO_FORMAT.md).

Import happens in three stages, and nothing is written unless all three pass:

1. *reading*: the bytes must be UTF-8 JSON (a BOM is tolerated), not empty, with no key
   repeated inside one object;
2. *structure*: the pydantic models of :mod:`exchange_schema` (closed enums, no unknown fields,
   strict types, ranges);
3. *references*: keys unique where the contract says so, and every reference resolving to an
   object in the file or already in the database.

Every problem found is reported with its JSON path. Then the document is merged into the
database in one transaction: objects with keys (products, clients, stakeholders, needs,
meetings) and financial periods/targets (by period) are updated in place when they exist;
plain lists given in the file (plans, competitors, issues, relations, key reasons, FAQs,
relationship plans, proposals, agenda, notes…) replace the stored list. Fields absent from the
file are left as they are. Nothing is ever deleted because it is missing from the file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, SQLModel, col, select

from kamdesk.core import backup, confirmations, files, search
from kamdesk.core import exchange_schema as doc
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.core.errors import InvalidInput, Problem, UnknownKey
from kamdesk.core.interchange import textfile
from kamdesk.core.queries import meeting_attendees

MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_REPORTED = 200
_UTF16 = "the file is UTF-16; save it as UTF-8 and import it again"
_UTF32 = "the file is UTF-32; save it as UTF-8 and import it again"

T = TypeVar("T", bound=SQLModel)


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


def _message(err: Any) -> str:
    kind = err["type"]
    value = err.get("input")
    shown = json.dumps(value, ensure_ascii=False, default=str) if value is not None else "null"
    if len(shown) > 60:
        shown = shown[:57] + "…"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        allowed = expected.replace("'", "").replace(" or ", ", ")
        return f"{shown} is not one of: {allowed}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"{shown} is not a whole number"
    if kind in ("float_type", "float_parsing"):
        return f"{shown} is not a number"
    if kind in ("bool_type", "bool_parsing"):
        return f"{shown} is not true or false"
    if kind in ("string_type",):
        return f"{shown} is not a text"
    if kind in ("list_type",):
        return f"{shown} is not a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{shown} is not an object"
    if kind.startswith("date_") or kind == "date_type":
        return f"{shown} is not a valid date (YYYY-MM-DD)"
    if kind == "timezone_aware":
        return f"{shown} needs a UTC offset, e.g. 2026-11-25T10:00:00+01:00"
    if kind.startswith("datetime_"):
        return f"{shown} is not a valid date-time (e.g. 2026-11-25T10:00:00+01:00)"
    return str(err["msg"])


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
            Problem(format_path(err["loc"]), _message(err)) for err in exc.errors(include_url=False)
        ]
        raise InvalidInput(source, problems) from None


# --- references --------------------------------------------------------------------------


@dataclass
class _Known:
    """What the database already holds that a document may refer to."""

    products: set[str]
    stakeholders: dict[str, set[str]]  # client key -> stakeholder keys
    needs: dict[str, set[str]]  # client key -> need keys
    meeting_owner: dict[str, str]  # meeting key -> client key

    @classmethod
    def load(cls, session: Session) -> _Known:
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


def check_references(p: doc.Portfolio, known: _Known) -> list[Problem]:
    problems: list[Problem] = []
    problems += _dupes(p.products, "key", "products", "product key")
    problems += _dupes(p.clients, "key", "clients", "client key")
    products = known.products | {prod.key for prod in p.products}
    meeting_seen: dict[str, str] = {}

    def ref(path: str, value: str | None, pool: set[str], what: str) -> None:
        if value is not None and value not in pool:
            problems.append(
                Problem(path, f"{json.dumps(value, ensure_ascii=False)} is not a known {what}")
            )

    for ci, client in enumerate(p.clients):
        at = f"clients[{ci}]"
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
                ref(f"{at}.needs[{ni}].products[{pi}]", prod, products, "product key")
        for ii, issue in enumerate(client.issues):
            ref(
                f"{at}.issues[{ii}].raised_by",
                issue.raised_by,
                people,
                "stakeholder of this client",
            )
        seen_rel: dict[tuple[str, str, str], int] = {}
        for ri, rel in enumerate(client.relations):
            ref(f"{at}.relations[{ri}].from", rel.from_, people, "stakeholder of this client")
            ref(f"{at}.relations[{ri}].to", rel.to, people, "stakeholder of this client")
            if rel.from_ == rel.to:
                problems.append(
                    Problem(f"{at}.relations[{ri}].to", "a person cannot relate to themselves")
                )
            triple = (rel.from_, rel.to, rel.kind)
            if triple in seen_rel:
                problems.append(
                    Problem(
                        f"{at}.relations[{ri}]",
                        f"same relation as {at}.relations[{seen_rel[triple]}]",
                    )
                )
            seen_rel.setdefault(triple, ri)
        for mi, meeting in enumerate(client.meetings):
            mat = f"{at}.meetings[{mi}]"
            if meeting.key in meeting_seen:
                problems.append(
                    Problem(
                        f"{mat}.key",
                        f"meeting key {meeting.key!r} is already used at {meeting_seen[meeting.key]}",
                    )
                )
            else:
                meeting_seen[meeting.key] = mat
            owner = known.meeting_owner.get(meeting.key)
            if owner is not None and owner != client.key:
                problems.append(
                    Problem(
                        f"{mat}.key",
                        f"meeting key {meeting.key!r} already belongs to client {owner!r}",
                    )
                )
            problems += _dupes(meeting.attendees, "", f"{mat}.attendees", "attendee")
            problems += _dupes(meeting.products, "", f"{mat}.products", "product")
            for ai, person in enumerate(meeting.attendees):
                ref(f"{mat}.attendees[{ai}]", person, people, "stakeholder of this client")
            if meeting.notes is not None:
                nat = f"{mat}.notes"
                problems += _dupes(meeting.notes.present, "", f"{nat}.present", "person")
                for ai, person in enumerate(meeting.notes.present):
                    ref(f"{nat}.present[{ai}]", person, people, "stakeholder of this client")
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
                ref(f"{mat}.products[{pi}]", prod, products, "product key")
            for pi, proposal in enumerate(meeting.proposals):
                ref(f"{mat}.proposals[{pi}].need", proposal.need, needs, "need of this client")
    return problems


# --- writing -----------------------------------------------------------------------------


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __str__(self) -> str:
        parts = []
        for kind in ("client", "product", "stakeholder", "meeting"):
            c, u = self.created.get(kind, 0), self.updated.get(kind, 0)
            if c or u:
                parts.append(f"{kind}s: {c} new, {u} updated")
        return "; ".join(parts) or "nothing to import"


def _columns(table: type[SQLModel], model: type[BaseModel]) -> tuple[str, ...]:
    cols = set(table.__table__.columns.keys())  # type: ignore[attr-defined]
    return tuple(name for name in model.model_fields if name in cols and name != "id")


CLIENT_COLS = _columns(m.Client, doc.Client)
PRODUCT_COLS = _columns(m.Product, doc.Product)
PERSON_COLS = _columns(m.Stakeholder, doc.Stakeholder)
# lessons: a JSON column from a nested object (written apart)
MEETING_COLS = tuple(c for c in _columns(m.Meeting, doc.Meeting) if c != "lessons")
FINANCE_COLS = _columns(m.FinancialPeriod, doc.FinancialPeriod)

# Nested objects of the format stored as columns of their parent: (attribute, column) pairs.
CREDIT_COLS = (
    ("limit", "credit_limit"),
    ("payment_terms_days", "payment_terms_days"),
    ("rating", "credit_rating"),
    ("previous_rating", "previous_credit_rating"),
)
DISCOUNT_COLS = (("standard_pct", "discount_standard_pct"), ("max_pct", "discount_max_pct"))
LIMIT_COLS = (
    ("max_discount_pct", "max_discount_pct"),
    ("walk_away", "walk_away"),
    ("credit_line", "credit_line"),
)


def _has(src: BaseModel, name: str, is_new: bool) -> bool:
    """Does the document give this field? (Everything counts for a new object: defaults too.)"""
    return is_new or name in src.model_fields_set


def _values(src: BaseModel, names: Iterable[str], is_new: bool) -> dict[str, Any]:
    return {name: getattr(src, name) for name in names if _has(src, name, is_new)}


def _nested(
    src: BaseModel, name: str, pairs: Iterable[tuple[str, str]], is_new: bool
) -> dict[str, Any]:
    if not _has(src, name, is_new):
        return {}
    inner: BaseModel = getattr(src, name)
    return {column: getattr(inner, attr) for attr, column in pairs if _has(inner, attr, is_new)}


def _table(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def _key_ids(session: Session, stmt: Any) -> dict[str, int]:
    return {key: rid for key, rid in session.exec(stmt) if rid is not None}


class _Writer:
    """Writes a validated document with batched Core statements: one INSERT per table and
    client for new rows (with RETURNING for the ids children need), an UPDATE per existing
    row carrying only the fields the document gives, and one DELETE per replaced list."""

    def __init__(self, session: Session, summary: ImportSummary, trusted_ticks: bool = False):
        self.s = session
        self.summary = summary
        self.trusted_ticks = trusted_ticks
        self.secret = confirmations.dossier_secret(session)
        self.product_ids = _key_ids(session, select(m.Product.key, m.Product.id))

    # -- primitives --

    def _insert(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
        if rows:
            self.s.execute(insert(_table(model)), rows)

    def _insert_ids(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        table = _table(model)
        result = self.s.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return list(result.scalars())

    def _update(self, model: type[SQLModel], row_id: int, values: dict[str, Any]) -> None:
        if values:
            table = _table(model)
            self.s.execute(update(table).where(table.c.id == row_id).values(**values))

    def _clear(self, model: type[SQLModel], column: str, parent_ids: Iterable[int]) -> None:
        ids = list(parent_ids)
        table = _table(model)
        for i in range(0, len(ids), 500):
            self.s.execute(delete(table).where(table.c[column].in_(ids[i : i + 500])))

    def _upsert(
        self,
        model: type[SQLModel],
        kind: str | None,
        items: list[tuple[int | None, dict[str, Any]]],
    ) -> list[int]:
        """Insert the items without an id, update the others; the ids in the items' order."""
        ids: list[int | None] = [rid for rid, _ in items]
        fresh = [i for i, (rid, _) in enumerate(items) if rid is None]
        for rid, values in items:
            if rid is not None:
                self._update(model, rid, values)
        for i, new_id in zip(
            fresh, self._insert_ids(model, [items[i][1] for i in fresh]), strict=True
        ):
            ids[i] = new_id
        if kind:
            self.summary.created[kind] += len(fresh)
            self.summary.updated[kind] += len(items) - len(fresh)
        return [i for i in ids if i is not None]

    # -- objects --

    def company(self, src: doc.Company) -> None:
        is_new = self.s.get(m.Company, 1) is None
        values = _values(src, ("name", "currency", "annual_income", "key_share_threshold"), is_new)
        if is_new:
            self._insert(m.Company, [{"id": 1, **values}])
        else:
            self._update(m.Company, 1, values)

    def products(self, products: Sequence[doc.Product]) -> None:
        existing = dict(self.product_ids)
        items = []
        for src in products:
            rid = existing.get(src.key)
            items.append((rid, _values(src, PRODUCT_COLS, rid is None)))
        ids = self._upsert(m.Product, "product", items)
        replace = [
            (pid, src)
            for pid, src in zip(ids, products, strict=True)
            if _has(src, "faqs", existing.get(src.key) is None)
        ]
        self._clear(
            m.ProductFaq, "product_id", [pid for pid, src in replace if src.key in existing]
        )
        self._insert(
            m.ProductFaq,
            [
                {"product_id": pid, "question": f.question, "answer": f.answer, "tags": f.tags}
                for pid, src in replace
                for f in src.faqs
            ],
        )
        for pid, src in zip(ids, products, strict=True):
            self.product_ids[src.key] = pid

    def client(self, src: doc.Client) -> None:
        s = self.s
        found = s.exec(select(m.Client.id).where(m.Client.key == src.key)).first()
        is_new = found is None
        values = _values(src, CLIENT_COLS, is_new)
        values |= _nested(src, "credit", CREDIT_COLS, is_new)
        values |= _nested(src, "discount_policy", DISCOUNT_COLS, is_new)
        (cid,) = self._upsert(m.Client, "client", [(found, values)])

        if _has(src, "key_reasons", is_new):
            self._clear(m.ClientKeyReason, "client_id", [cid])
            notes = src.key_reason_notes.as_dict()
            self._insert(
                m.ClientKeyReason,
                [{"client_id": cid, "reason": r, "note": notes.get(r)} for r in src.key_reasons],
            )
        if _has(src, "financials", is_new):
            have = {
                f.period: f.id
                for f in s.exec(select(m.FinancialPeriod).where(m.FinancialPeriod.client_id == cid))
            }
            self._upsert(
                m.FinancialPeriod,
                None,
                [
                    (
                        have.get(f.period),
                        {"client_id": cid, **_values(f, FINANCE_COLS, f.period not in have)},
                    )
                    for f in src.financials
                ],
            )
        if _has(src, "targets", is_new):
            have = {
                t.period: t.id
                for t in s.exec(select(m.SalesTarget).where(m.SalesTarget.client_id == cid))
            }
            self._upsert(
                m.SalesTarget,
                None,
                [
                    (have.get(t.period), {"client_id": cid, "period": t.period, "target": t.target})
                    for t in src.targets
                ],
            )
        if _has(src, "needs", is_new):
            need_ids = _key_ids(s, select(m.Need.key, m.Need.id).where(m.Need.client_id == cid))
            ids = self._upsert(
                m.Need,
                None,
                [
                    (need_ids.get(n.key), {"client_id": cid, "key": n.key, "text": n.text})
                    for n in src.needs
                ],
            )
            replace = [
                (nid, n)
                for nid, n in zip(ids, src.needs, strict=True)
                if _has(n, "products", n.key not in need_ids)
            ]
            self._clear(m.NeedProduct, "need_id", [nid for nid, n in replace if n.key in need_ids])
            self._insert(
                m.NeedProduct,
                [
                    {"need_id": nid, "product_id": self.product_ids[k]}
                    for nid, n in replace
                    for k in n.products
                ],
            )
        if _has(src, "plans", is_new):
            self._clear(m.Plan, "client_id", [cid])
            self._insert(m.Plan, [{"client_id": cid, **pl.model_dump()} for pl in src.plans])
        if _has(src, "competitors", is_new):
            self._clear(m.Competitor, "client_id", [cid])
            self._insert(
                m.Competitor, [{"client_id": cid, **c.model_dump()} for c in src.competitors]
            )

        people = self._stakeholders(cid, src, is_new)

        if _has(src, "issues", is_new):
            self._clear(m.ClientIssue, "client_id", [cid])
            self._insert(
                m.ClientIssue,
                [
                    {
                        "client_id": cid,
                        "kind": i.kind,
                        "text": i.text,
                        "response": i.response,
                        "status": i.status,
                        "raised_by_id": people[i.raised_by] if i.raised_by else None,
                    }
                    for i in src.issues
                ],
            )
        if _has(src, "relations", is_new):
            self._clear(m.Relation, "client_id", [cid])
            self._insert(
                m.Relation,
                [
                    {
                        "client_id": cid,
                        "from_id": people[r.from_],
                        "to_id": people[r.to],
                        "kind": r.kind,
                    }
                    for r in src.relations
                ],
            )
        if src.meetings:
            self._meetings(cid, src.meetings, people)
        search.reindex_client(self.s, cid)

    def _stakeholders(self, cid: int, src: doc.Client, client_is_new: bool) -> dict[str, int]:
        have = _key_ids(
            self.s,
            select(m.Stakeholder.key, m.Stakeholder.id).where(m.Stakeholder.client_id == cid),
        )
        if not _has(src, "stakeholders", client_is_new):
            return have
        persons = src.stakeholders
        ids = self._upsert(
            m.Stakeholder,
            "stakeholder",
            [
                (have.get(p.key), {"client_id": cid, **_values(p, PERSON_COLS, p.key not in have)})
                for p in persons
            ],
        )
        replace = [
            (pid, p)
            for pid, p in zip(ids, persons, strict=True)
            if _has(p, "relationship_plan", p.key not in have)
        ]
        self._clear(
            m.RelationshipStep, "stakeholder_id", [pid for pid, p in replace if p.key in have]
        )
        self._insert(
            m.RelationshipStep,
            [
                {"stakeholder_id": pid, **st.model_dump()}
                for pid, p in replace
                for st in p.relationship_plan
            ],
        )
        return have | {p.key: pid for pid, p in zip(ids, persons, strict=True)}

    def _meetings(self, cid: int, meetings: Sequence[doc.Meeting], people: dict[str, int]) -> None:
        have = _key_ids(
            self.s, select(m.Meeting.key, m.Meeting.id).where(m.Meeting.client_id == cid)
        )
        needs = _key_ids(self.s, select(m.Need.key, m.Need.id).where(m.Need.client_id == cid))
        items = []
        for src in meetings:
            is_new = src.key not in have
            values = {"client_id": cid, **_values(src, MEETING_COLS, is_new)}
            if _has(src, "starts_at", is_new):
                start = src.starts_at
                offset = start.utcoffset() if start else None
                values["starts_at_utc"] = start.astimezone(dt.UTC) if start else None
                values["utc_offset_min"] = (
                    int(offset.total_seconds() // 60) if offset is not None else None
                )
            values |= _nested(src, "limits", LIMIT_COLS, is_new)
            if _has(src, "lessons", is_new):
                values["lessons"] = {str(n): t for n, t in src.lessons.as_dict().items()}
            items.append((have.get(src.key), values))
        ids = self._upsert(m.Meeting, "meeting", items)
        pairs = list(zip(ids, meetings, strict=True))

        def given(name: str) -> list[tuple[int, doc.Meeting]]:
            return [(mid, mt) for mid, mt in pairs if _has(mt, name, mt.key not in have)]

        existing_ids = set(have.values())

        def old(rows: list[tuple[int, doc.Meeting]]) -> list[int]:
            return [mid for mid, mt in rows if mt.key in have]

        rows = given("attendees")
        self._clear(m.MeetingAttendee, "meeting_id", old(rows))
        self._insert(
            m.MeetingAttendee,
            [
                {"meeting_id": mid, "stakeholder_id": people[k]}
                for mid, mt in rows
                for k in mt.attendees
            ],
        )
        rows = given("products")
        self._clear(m.MeetingProduct, "meeting_id", old(rows))
        self._insert(
            m.MeetingProduct,
            [
                {"meeting_id": mid, "product_id": self.product_ids[k]}
                for mid, mt in rows
                for k in mt.products
            ],
        )
        rows = given("proposals")
        self._clear(m.Proposal, "meeting_id", old(rows))
        self._insert(
            m.Proposal,
            [
                {
                    "meeting_id": mid,
                    "text": pr.text,
                    "need_id": needs[pr.need] if pr.need else None,
                    "no_product": pr.no_product,
                }
                for mid, mt in rows
                for pr in mt.proposals
            ],
        )
        rows = given("notes")
        self._clear(m.MeetingNotes, "meeting_id", old(rows))  # actions and reviews cascade
        with_notes = [(mid, mt.notes) for mid, mt in rows if mt.notes is not None]
        note_ids = self._insert_ids(
            m.MeetingNotes,
            [
                {
                    "meeting_id": mid,
                    "summary": n.summary,
                    "summary_shared": n.summary_shared,
                    "private": n.private,
                    "decisions": list(n.decisions),
                    "objective_achieved": n.objective_achieved,
                    "next_meeting_on": n.next_meeting.on if n.next_meeting else None,
                    "next_meeting_purpose": n.next_meeting.purpose if n.next_meeting else None,
                }
                for mid, n in with_notes
            ],
        )
        notes = list(zip(note_ids, (n for _, n in with_notes), strict=True))
        self._insert(
            m.NotesPresent,
            [{"notes_id": nid, "stakeholder_id": people[k]} for nid, n in notes for k in n.present],
        )
        self._insert(
            m.ActionItem,
            [{"notes_id": nid, **a.model_dump()} for nid, n in notes for a in n.actions],
        )
        self._insert(
            m.SelfReview,
            [
                {
                    "notes_id": nid,
                    "mistake": k,
                    "verdict": v,
                    "comment": n.self_review_comments.as_dict().get(k),
                }
                for nid, n in notes
                for k, v in n.self_review.as_dict().items()
            ],
        )

        # Ticks given in the file vouch for the state just written; they count only once
        # reviewed here, unless the file's seal shows they come from this dossier's export.
        ticks = {
            mid: {
                n: getattr(mt.confirmations, n)
                for n in confirmations.NAMES
                if _has(mt.confirmations, n, mt.key not in have)
            }
            for mid, mt in given("confirmations")
        }
        # (new meetings start unticked: only ticks given as true need stamping there)
        ticks = {mid: t for mid, t in ticks.items() if mid in existing_ids or any(t.values())}
        source = dict(pairs)
        for mid, tick in ticks.items():
            meeting = self.s.get(m.Meeting, mid)
            assert meeting is not None
            values = confirmations.stamped(meeting, meeting_attendees(self.s, mid), tick)
            fps = {n: values[f"{n}_fp"] or "" for n, v in tick.items() if v}
            received = source[mid].confirmations_seal
            sealed = self.trusted_ticks or (
                received is not None
                and confirmations.seal_matches(self.secret, source[mid].key, fps, received)
            )
            pending = set(meeting.ticks_unreviewed or []) - set(tick)
            if not sealed:
                pending |= set(fps)
            self._update(
                m.Meeting,
                mid,
                {
                    **values,
                    "ticks_unreviewed": [n for n in confirmations.NAMES if n in pending],
                    "ticks_seal": received,
                },
            )


def import_text(
    db: Database, text: str, source: str, *, trusted_ticks: bool = False
) -> ImportSummary:
    """Validate a whole document, then merge it in one transaction (all-or-nothing).
    ``trusted_ticks``: the ticks count as reviewed here (the demo, which we wrote ourselves);
    otherwise only a file sealed by this dossier's own export brings reviewed ticks."""
    portfolio = parse(text, source)
    with db.session() as session:
        problems = check_references(portfolio, _Known.load(session))
    if problems:
        raise InvalidInput(source, problems)
    backup.before_import(db)
    summary = ImportSummary()
    with db.transaction() as session:
        writer = _Writer(session, summary, trusted_ticks)
        if portfolio.company is not None:
            writer.company(portfolio.company)
        writer.products(portfolio.products)
        for client in portfolio.clients:
            writer.client(client)
    return summary


def import_file(db: Database, path: Path) -> ImportSummary:
    return import_text(db, read_text(path), str(path))


# --- exporting --------------------------------------------------------------------------------


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _by_parent(
    session: Session, table: type[T], parent: str, ids: Any | None
) -> dict[int, list[T]]:
    """Rows of ``table`` grouped by their ``parent`` column, in insertion order; ``ids`` (a
    subquery of parent ids) limits them, None means all rows."""
    stmt = select(table).order_by(col(table.id))  # type: ignore[attr-defined]
    if ids is not None:
        stmt = stmt.where(col(getattr(table, parent)).in_(ids))
    grouped: dict[int, list[T]] = defaultdict(list)
    for row in session.exec(stmt):
        grouped[getattr(row, parent)].append(row)
    return grouped


def _kids(grouped: dict[int, list[T]], row_id: int | None) -> list[T]:
    return grouped.get(row_id, []) if row_id is not None else []


def _header(session: Session, now: dt.datetime | None) -> dict[str, Any]:
    """The document without its clients: format, stamp, company, products."""
    company = session.get(m.Company, 1)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    faqs = _by_parent(session, m.ProductFaq, "product_id", None)
    return {
        "format": doc.FORMAT_NAME,
        "version": doc.FORMAT_VERSION,
        "exported_at": stamp.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "company": None
        if company is None
        else {
            "name": company.name,
            "currency": company.currency,
            "annual_income": _num(company.annual_income),
            "key_share_threshold": _num(company.key_share_threshold),
        },
        "products": [
            {
                "key": p.key,
                "name": p.name,
                "summary": p.summary,
                "key_facts": list(p.key_facts),
                "faqs": [
                    {"question": f.question, "answer": f.answer, "tags": list(f.tags)}
                    for f in _kids(faqs, p.id)
                ],
                "reviewed_on": _date(p.reviewed_on),
            }
            for p in session.exec(select(m.Product).order_by(col(m.Product.id)))
        ],
        "clients": [],
    }


def export_document(
    session: Session, client_keys: Sequence[str] | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The portfolio (or the named clients) as a format-v1 document (a plain dict)."""
    document = _header(session, now)
    document["clients"] = _client_docs(session, client_keys)
    return document


def _client_docs(session: Session, client_keys: Sequence[str] | None) -> list[dict[str, Any]]:
    """The named clients (all when None) as format-v1 objects, in insertion order."""
    stmt = select(m.Client).order_by(col(m.Client.id))
    ids: Any = None
    if client_keys is not None:
        stmt = stmt.where(col(m.Client.key).in_(client_keys))
        ids = select(m.Client.id).where(col(m.Client.key).in_(client_keys))
    clients = list(session.exec(stmt))

    def under(table: Any, column: str, parent_ids: Any) -> Any:
        return (
            None
            if parent_ids is None
            else select(table.id).where(col(getattr(table, column)).in_(parent_ids))
        )

    need_ids = under(m.Need, "client_id", ids)
    person_ids = under(m.Stakeholder, "client_id", ids)
    meeting_ids = under(m.Meeting, "client_id", ids)
    notes_ids = under(m.MeetingNotes, "meeting_id", meeting_ids)

    product_key = dict(session.exec(select(m.Product.id, m.Product.key)).all())
    reasons = _by_parent(session, m.ClientKeyReason, "client_id", ids)
    fins = _by_parent(session, m.FinancialPeriod, "client_id", ids)
    targets = _by_parent(session, m.SalesTarget, "client_id", ids)
    needs = _by_parent(session, m.Need, "client_id", ids)
    need_products = _by_parent(session, m.NeedProduct, "need_id", need_ids)
    plans = _by_parent(session, m.Plan, "client_id", ids)
    competitors = _by_parent(session, m.Competitor, "client_id", ids)
    issues = _by_parent(session, m.ClientIssue, "client_id", ids)
    people = _by_parent(session, m.Stakeholder, "client_id", ids)
    person_key = {p.id: p.key for rows in people.values() for p in rows}
    steps = _by_parent(session, m.RelationshipStep, "stakeholder_id", person_ids)
    relations = _by_parent(session, m.Relation, "client_id", ids)
    meetings = _by_parent(session, m.Meeting, "client_id", ids)
    attendees = _by_parent(session, m.MeetingAttendee, "meeting_id", meeting_ids)
    meeting_products = _by_parent(session, m.MeetingProduct, "meeting_id", meeting_ids)
    proposals = _by_parent(session, m.Proposal, "meeting_id", meeting_ids)
    notes = {
        n.meeting_id: n
        for rows in _by_parent(session, m.MeetingNotes, "meeting_id", meeting_ids).values()
        for n in rows
    }
    actions = _by_parent(session, m.ActionItem, "notes_id", notes_ids)
    reviews = _by_parent(session, m.SelfReview, "notes_id", notes_ids)
    present = _by_parent(session, m.NotesPresent, "notes_id", notes_ids)
    need_key = {n.id: n.key for rows in needs.values() for n in rows}

    person_by_id = {p.id: p for rows in people.values() for p in rows}
    secret = confirmations.dossier_secret(session)

    def ticks(mt: m.Meeting) -> dict[str, bool]:
        """Ticks as they count now: a tick whose state has changed since is exported false."""
        if not (mt.route_checked_fp or mt.listening_plan_fp or mt.etiquette_reviewed_fp):
            return dict.fromkeys(confirmations.NAMES, False)
        attending = [person_by_id[a.stakeholder_id] for a in _kids(attendees, mt.id)]
        return confirmations.effective(mt, attending)

    def meeting_doc(mt: m.Meeting) -> dict[str, Any]:
        start = mt.starts_at
        nt = notes.get(mt.id) if mt.id is not None else None
        counting = ticks(mt)
        return {
            "key": mt.key,
            "title": mt.title,
            "kind": mt.kind,
            "starts_at": start.isoformat() if start else None,
            "duration_min": mt.duration_min,
            "mode": mt.mode,
            "location": mt.location,
            "on_site": mt.on_site,
            "video_link": mt.video_link,
            "phone": mt.phone,
            "travel_min": mt.travel_min,
            "buffer_min": mt.buffer_min,
            "attendees": [person_key[a.stakeholder_id] for a in _kids(attendees, mt.id)],
            "objective": mt.objective,
            "commitment_sought": mt.commitment_sought,
            "agenda": list(mt.agenda),
            "questions": list(mt.questions),
            "proposals": [
                {
                    "text": pr.text,
                    "need": need_key.get(pr.need_id) if pr.need_id else None,
                    "no_product": pr.no_product,
                }
                for pr in _kids(proposals, mt.id)
            ],
            "limits": {
                "max_discount_pct": _num(mt.max_discount_pct),
                "walk_away": mt.walk_away,
                "credit_line": mt.credit_line,
            },
            "products": [product_key[p.product_id] for p in _kids(meeting_products, mt.id)],
            "confirmations": counting,
            "confirmations_seal": confirmations.export_seal(mt, counting, secret),
            "lessons": {n: mt.lessons[n] for n in sorted(mt.lessons or {})},
            "override_reason": mt.override_reason,
            "notes": None
            if nt is None
            else {
                "summary": nt.summary,
                "summary_shared": nt.summary_shared,
                "private": nt.private,
                "present": [person_key[p.stakeholder_id] for p in _kids(present, nt.id)],
                "objective_achieved": nt.objective_achieved,
                "decisions": list(nt.decisions),
                "actions": [
                    {"text": a.text, "owner": a.owner, "due": _date(a.due), "done": a.done}
                    for a in _kids(actions, nt.id)
                ],
                "next_meeting": None
                if nt.next_meeting_on is None and nt.next_meeting_purpose is None
                else {"on": _date(nt.next_meeting_on), "purpose": nt.next_meeting_purpose},
                "self_review": {
                    str(r.mistake): r.verdict
                    for r in sorted(_kids(reviews, nt.id), key=lambda r: r.mistake)
                },
                "self_review_comments": {
                    str(r.mistake): r.comment
                    for r in sorted(_kids(reviews, nt.id), key=lambda r: r.mistake)
                    if r.comment is not None
                },
            },
        }

    def person_doc(p: m.Stakeholder) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(p, name) for name in PERSON_COLS}
        out["last_contact_on"] = _date(p.last_contact_on)
        out["relationship_plan"] = [
            {"step": st.step, "due": _date(st.due), "done": st.done} for st in _kids(steps, p.id)
        ]
        return out

    def client_doc(c: m.Client) -> dict[str, Any]:
        cid: int = c.id  # type: ignore[assignment]
        out: dict[str, Any] = {
            name: getattr(c, name)
            for name in CLIENT_COLS
            if name not in ("key_level", "reference_story")
        }
        out["key_reasons"] = [r.reason for r in _kids(reasons, cid)]
        out["key_reason_notes"] = {r.reason: r.note for r in _kids(reasons, cid) if r.note}
        out["key_level"] = c.key_level
        out["reference_story"] = c.reference_story
        out["financials"] = [
            {"period": f.period, **{k: _num(getattr(f, k)) for k in FINANCE_COLS if k != "period"}}
            for f in _kids(fins, cid)
        ]
        out["targets"] = [
            {"period": t.period, "target": _num(t.target)} for t in _kids(targets, cid)
        ]
        out["credit"] = {
            "limit": _num(c.credit_limit),
            "payment_terms_days": c.payment_terms_days,
            "rating": c.credit_rating,
            "previous_rating": c.previous_credit_rating,
        }
        out["discount_policy"] = {
            "standard_pct": _num(c.discount_standard_pct),
            "max_pct": _num(c.discount_max_pct),
        }
        out["needs"] = [
            {
                "key": n.key,
                "text": n.text,
                "products": [product_key[np.product_id] for np in _kids(need_products, n.id)],
            }
            for n in _kids(needs, cid)
        ]
        out["plans"] = [
            {"kind": pl.kind, "text": pl.text, "due": _date(pl.due), "status": pl.status}
            for pl in _kids(plans, cid)
        ]
        out["competitors"] = [
            {"name": co.name, "share_of_wallet": _num(co.share_of_wallet), "notes": co.notes}
            for co in _kids(competitors, cid)
        ]
        out["issues"] = [
            {
                "kind": i.kind,
                "text": i.text,
                "raised_by": person_key.get(i.raised_by_id) if i.raised_by_id else None,
                "response": i.response,
                "status": i.status,
            }
            for i in _kids(issues, cid)
        ]
        out["stakeholders"] = [person_doc(p) for p in _kids(people, cid)]
        out["relations"] = [
            {"from": person_key[r.from_id], "to": person_key[r.to_id], "kind": r.kind}
            for r in _kids(relations, cid)
        ]
        out["meetings"] = [meeting_doc(mt) for mt in _kids(meetings, cid)]
        return out

    return [client_doc(c) for c in clients]


def dumps(document: dict[str, Any]) -> str:
    _refuse_non_finite(document, [])
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _refuse_non_finite(node: Any, loc: list[Any]) -> None:
    """JSON has no NaN or Infinity: a number stored before the importer refused them stops
    the export with the place to correct, rather than an invalid file or a silent null."""
    problems: list[Problem] = []
    stack: list[tuple[Any, list[Any]]] = [(node, loc)]
    while stack:
        here, where = stack.pop()
        if isinstance(here, float) and not math.isfinite(here):
            problems.append(
                Problem(
                    format_path(where),
                    f"{'NaN' if math.isnan(here) else 'Infinity'} cannot be written in JSON: "
                    "correct the figure and export again",
                )
            )
        elif isinstance(here, dict):
            stack += [(v, [*where, k]) for k, v in here.items()]
        elif isinstance(here, list):
            stack += [(v, [*where, i]) for i, v in enumerate(here)]
    if problems:
        raise InvalidInput(
            "export", sorted(problems, key=str)[:MAX_REPORTED], outcome="nothing was written"
        )


EXPORT_BATCH = 100  # clients held in memory at a time while exporting


def iter_export_text(
    session: Session, client_keys: Sequence[str] | None = None, now: dt.datetime | None = None
) -> Iterator[str]:
    """The document as text, exactly ``dumps(export_document(...))``, produced a batch of
    clients at a time so a large portfolio never sits in memory whole."""
    stmt = select(m.Client.key).order_by(col(m.Client.id))
    if client_keys is not None:
        stmt = stmt.where(col(m.Client.key).in_(client_keys))
    keys = list(session.exec(stmt))
    head = dumps(_header(session, now))
    marker = '"clients": []'
    cut = head.rindex(marker)
    if not keys:
        yield head
        return
    yield head[:cut] + '"clients": [\n'
    for start in range(0, len(keys), EXPORT_BATCH):
        batch = _client_docs(session, keys[start : start + EXPORT_BATCH])
        parts = []
        for client in batch:
            _refuse_non_finite(client, ["clients", str(client.get("key"))])
            text = json.dumps(client, ensure_ascii=False, indent=2, allow_nan=False)
            parts.append("\n".join("    " + line for line in text.split("\n")))
        yield ("" if start == 0 else ",\n") + ",\n".join(parts)
    yield "\n  ]" + head[cut + len(marker) :]


def export_file(db: Database, path: Path, client_keys: Sequence[str] | None = None) -> int:
    """Export to ``path`` atomically; returns the number of clients written."""
    with db.session() as session:
        if client_keys is not None:
            known = set(
                session.exec(select(m.Client.key).where(col(m.Client.key).in_(client_keys)))
            )
            missing = [k for k in client_keys if k not in known]
            if missing:
                raise UnknownKey(f"No client with key {missing[0]!r}.")
            count = len(known)
        else:
            count = session.exec(select(func.count()).select_from(m.Client)).one()
        files.write_chunks_atomically(path, iter_export_text(session, client_keys))
    return count
