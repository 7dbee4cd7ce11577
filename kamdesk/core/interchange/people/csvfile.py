"""Reading CSV files of people: the cells, which columns hold which field, the candidates.

The delimiter (comma, semicolon, tab) comes from csv.Sniffer, checked against the header
line. The preset (:mod:`.presets`) whose columns the header has most of is picked unless the
caller names one or gives a mapping; columns of e-mail addresses that no preset names are
found by their header and their cells. Line numbers are physical lines, so a row after a
multi-line quoted cell still gets the line an editor shows. A cell our own export protected
against spreadsheet formulas loses that ``'`` again (:mod:`kamdesk.core.interchange.cells`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence

from kamdesk.core.errors import InvalidInput, KamdeskError, Problem, UnknownKey
from kamdesk.core.interchange.cells import unneutralise
from kamdesk.core.interchange.people.model import (
    NAME_SOURCES,
    Candidate,
    ColumnMapping,
    ContactFile,
    CsvTable,
    RowProblem,
    check_raw,
    clean_email,
    decode_text,
    finish,
    is_email,
    pick_email,
    pick_phone,
)
from kamdesk.core.interchange.people.presets import MAPPABLE, PRESETS, Preset


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
        good = sum(1 for c in cells if is_email(clean_email(c)))
        if cells and 2 * good > len(cells):
            work = 0 if re.search(r"work|business|służb|рабоч|ufficio|munkahely", name, re.I) else 1
            found.append((work, i, name))
    return [name for _, _, name in sorted(found)]


def best_preset(header: Sequence[str]) -> str | None:
    """The preset whose columns this header has most of (one with a name column)."""
    best: tuple[int, str] | None = None
    for name, preset in PRESETS.items():
        mapping = preset_mapping(header, preset)
        if not any(mapping.get(f) for f in NAME_SOURCES):
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
        email, bad = pick_email(_ordered(cells, cols["email"], False))
        result = finish(
            line,
            name,
            {
                "position": first("position"),
                "department": first("department"),
                "email": email,
                "phone": pick_phone(_ordered(cells, cols["phone"], True)),
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
    check_raw(raw, source)
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
    if any(columns.get(f) for f in NAME_SOURCES):
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
