"""Reusable hypothesis strategies for hostile input: text, names, numbers and dates, and whole
contact (vCard, CSV) and calendar (ICS) files as the tools people use write them, and worse.

Every strategy here is deterministic given hypothesis' seed and reads no clock, no network
and no file outside the repository's own fixtures."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from kamdesk.core.interchange.people.presets import PRESETS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# --- text ----------------------------------------------------------------------------------------

LINE_BREAKS = ["\r", "\n", "\r\n", "\r\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
MARKUP = [
    "<b>",
    "</b>",
    "<img src=file:///etc/passwd>",
    '<img src="file:///etc/passwd">',
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "</td></tr></table>",
    "&amp;",
    "&",
    "]]>",
    "<!--",
]
TEMPLATE = ["{{ 7*7 }}", "{% if %}", "{% endif %}", "{# x #}", "${7*7}", "%s", "{0}"]
FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", "+48 22 555", "-2", "@SUM(A1)", "=HYPERLINK()"]
UNICODE = [
    "\t",
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u0301",  # a combining acute accent with nothing to sit on
    "e\u0301\u0301\u0301",
    "\u200b",  # ZERO WIDTH SPACE
    "\u00a0",
    "\ufeff",
    "\ufffd",
    "\x1b[31m",
    "\x7f",
    "🎉",
    "👩\u200d👩\u200d👧",
    "🇵🇱",
    "Łódź",
    "Wróbel",
    "Андрей",
    "שלום",
    "مرحبا",
    "中文",
    "ß",
    "İ",
    "ﬁ",
]
PUNCTUATION = [",", ";", ":", '"', "'", "\\", "|", "=", " ", "  ", "/", "*", "#", "%", "_", "`"]
PIECES = LINE_BREAKS + MARKUP + TEMPLATE + FORMULAS + UNICODE + PUNCTUATION

# any code point but surrogates (they cannot be encoded and no file holds them)
CHARS = st.characters(exclude_categories=("Cs",))


@st.composite
def _joined(draw: st.DrawFn, max_pieces: int) -> str:
    parts = draw(
        st.lists(st.sampled_from(PIECES) | st.text(CHARS, max_size=12), max_size=max_pieces)
    )
    return "".join(parts)


def hostile_text(max_size: int = 5000, nul: bool = True) -> st.SearchStrategy[str]:
    """Text meant to break something: line breaks of every kind, NUL, bidi and combining marks,
    emoji, markup, template syntax, spreadsheet formulas; sometimes very long (up to
    ``max_size`` characters). Never a surrogate."""
    long = st.builds(
        lambda piece, n: (piece * n)[:max_size],
        st.sampled_from(PIECES + ["x", "Ł", "👩\u200d👩\u200d👧"]),
        st.integers(min_value=1, max_value=max_size),
    )
    strategy = st.one_of(
        _joined(12),
        st.sampled_from(PIECES),
        st.text(CHARS, max_size=60),
        long,
        st.text(CHARS, min_size=max_size // 2, max_size=max_size),
    ).map(lambda t: t[:max_size])
    strategy = strategy.map(lambda t: t.replace("\x00", ""))
    if nul:  # now and then a NUL (most fields refuse it, so rarely)
        strategy = _sometimes_nul(strategy, max_size)
    return strategy


def _sometimes_nul(strategy: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    with_nul = st.builds(
        lambda t, at: (t[:at] + "\x00" + t[at:])[:max_size],
        strategy,
        st.integers(min_value=0, max_value=max_size),
    )
    return st.one_of(*([strategy] * 7), with_nul)


def hostile_line(max_size: int = 200, nul: bool = True) -> st.SearchStrategy[str]:
    """Hostile text that is still not empty after stripping (what a required field gets)."""
    return hostile_text(max_size, nul).filter(lambda t: t.strip() != "")


NAMES = [
    "Mustermann, Heiko",
    "Wróbel; Łukasz",
    "Wróbel, Łukasz",
    'O\'Brien, "Pat"',
    "Dr. Łukasz Wróbel, PhD",
    "Соколов, Андрей Викторович",
    "van der Berg; Jan",
    "=cmd|' /C calc'!A0",
    "+Kowalska",
    "-Nowak",
    "@Smith",
    "María-José Carreño Quiñones",
    "李, 小龍",
    "<b>Bold</b>, Name",
    "{{ 7*7 }}, Jinja",
    "Name\twith\ttabs",
    "Name\r\nBroken",
    "Jr., Sr.",
    "Mr",
]


@st.composite
def names(draw: st.DrawFn, nul: bool = False) -> str:
    """Person names as files and people write them: "Last, First", "Last; First", titles,
    quotes, scripts, and the hostile rest."""
    kind = draw(st.integers(min_value=0, max_value=3))
    if kind == 0:
        return draw(st.sampled_from(NAMES))
    if kind == 1:
        last = draw(st.sampled_from(["Mustermann", "Wróbel", "Соколов", "O'Neil", "Ng"]))
        first = draw(st.sampled_from(["Heiko", "Łukasz", "Андрей", "Zoë", "J."]))
        sep = draw(st.sampled_from([", ", "; ", ",", ";", " ", " , "]))
        return f"{last}{sep}{first}"
    return draw(hostile_line(120, nul))


def emails() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            [
                "a.sokolov@wisla.example",
                "A.SOKOLOV@WISLA.EXAMPLE",
                "łukasz@wróbel.pl",
                "mailto:x@invalid",
                "Pat <pat@example.com>",
                "no-at-sign",
                "two@@example.com",
                "a@b",
                "a@.b",
                "=cmd@x.y",
                "x@y;z@w",
                "",
            ]
        ),
        st.emails().map(str),
        hostile_text(80, nul=False),
    )


def phones() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            ["+48 22 555 01 02", "tel:+1-555-0100", "(0) 123", "no phone", "+", "-1", "=1+1"]
        ),
        hostile_text(40, nul=False),
    )


# --- numbers and dates ---------------------------------------------------------------------------

EXTREME_NUMBERS: list[float | int] = [
    0,
    -0.0,
    -1,
    1e-9,
    -1e-9,
    5e-324,
    1e15,
    -1e15,
    2**53 + 1,
    2**63,
    10**20,
    1.7976931348623157e308,
    0.1 + 0.2,
]
NON_FINITE = [math.nan, math.inf, -math.inf]


def numbers(allow_non_finite: bool = True, integers_only: bool = False) -> st.SearchStrategy[Any]:
    """Extreme numbers: 0, negative, tiny, huge, and NaN/Infinity where the type allows."""
    if integers_only:
        return st.one_of(
            st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63), 10**20]),
            st.integers(min_value=-(10**20), max_value=10**20),
        )
    extremes = EXTREME_NUMBERS + (NON_FINITE if allow_non_finite else [])
    return st.one_of(
        st.sampled_from(extremes),
        st.floats(allow_nan=allow_non_finite, allow_infinity=allow_non_finite),
        st.integers(min_value=-(10**16), max_value=10**16),
    )


def dates() -> st.SearchStrategy[dt.date]:
    return st.one_of(
        st.sampled_from(
            [
                dt.date.min,
                dt.date.max,
                dt.date(1970, 1, 1),
                dt.date(2000, 2, 29),
                dt.date(2026, 1, 1),
            ]
        ),
        st.dates(),
    )


def datetimes() -> st.SearchStrategy[dt.datetime]:
    """Aware datetimes, including the ends of the range and odd offsets."""
    zones = st.sampled_from(
        [
            dt.UTC,
            dt.timezone(dt.timedelta(hours=14)),
            dt.timezone(dt.timedelta(hours=-12)),
            dt.timezone(dt.timedelta(hours=5, minutes=45)),
            dt.timezone(dt.timedelta(hours=23, minutes=59)),
        ]
    )
    return st.builds(
        lambda d, z: d.replace(tzinfo=z),
        st.one_of(
            st.sampled_from([dt.datetime(1, 1, 1, 0, 0), dt.datetime(9999, 12, 31, 23, 59)]),
            st.datetimes(),
        ),
        zones,
    )


DATE_TEXTS = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-11-25T10:00:00",
    "2026-11-25T25:61:61",
    "2026-11-25T23:59:60Z",
    "20261125",
    "20261125T100000Z",
    "2026-11-25T10:00:00+25:00",
    "-2026-01-01",
    "+12026-01-01",
    "yesterday",
    "",
    "NaN",
]


def date_texts() -> st.SearchStrategy[str]:
    return st.sampled_from(DATE_TEXTS) | hostile_text(30)


# --- folding and line ends -------------------------------------------------------------------------


@st.composite
def folded(draw: st.DrawFn, line: bytes, eol: bytes) -> bytes:
    """A content line folded RFC-style (EOL then a space or tab) at random *byte* positions,
    so a fold may split a UTF-8 character in two."""
    if len(line) < 24 or not draw(st.booleans()):  # short lines (BEGIN, END) stay whole
        return line
    cuts = sorted(
        set(draw(st.lists(st.integers(min_value=1, max_value=len(line) - 1), max_size=4)))
    )
    out, last = [], 0
    for cut in cuts:
        out.append(line[last:cut])
        last = cut
    out.append(line[last:])
    sep = eol + draw(st.sampled_from([b" ", b"\t"]))
    return sep.join(out)


EOLS = [b"\r\n", b"\n", b"\r", b"\r\r\n"]


# --- vCard -----------------------------------------------------------------------------------------

VCARD_CHARSETS = ["UTF-8", "windows-1250", "windows-1252", "ISO-8859-2", "KOI8-R", "bogus-42"]


def _vcard_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _qp(data: bytes) -> bytes:
    """Quoted-printable as vCard 2.1 writers produce it, with ``=`` soft breaks."""
    import binascii

    return binascii.b2a_qp(data, quotetabs=True).replace(b"=\n", b"=\r\n")


@st.composite
def vcard_property(draw: st.DrawFn, version: str) -> bytes:
    name = draw(
        st.sampled_from(
            [
                "FN",
                "N",
                "ORG",
                "TITLE",
                "ROLE",
                "EMAIL",
                "TEL",
                "LANG",
                "KIND",
                "X-ABShowAs",
                "NOTE",
                "PHOTO",
                "X-CUSTOM",
                "item1.EMAIL",
                "BDAY",
                "fn",
            ]
        )
    )
    if name in ("N",):
        value = ";".join(draw(st.lists(names(), min_size=1, max_size=5)))
    elif name in ("FN",):
        value = draw(names())
    elif "EMAIL" in name:
        value = draw(emails())
    elif name == "TEL":
        value = draw(phones())
    elif name == "KIND":
        value = draw(st.sampled_from(["individual", "org", "ORG", "group", ""]))
    elif name == "X-ABShowAs":
        value = draw(st.sampled_from(["COMPANY", "PERSON", ""]))
    elif name == "PHOTO":
        value = draw(st.sampled_from(["/9j/4AAQSkZJRgABAQ==", "\x00\x01\x02", "http://x/y.jpg"]))
    else:
        value = draw(hostile_text(300, nul=False))
    if draw(st.booleans()):
        value = _vcard_escape(value)
    params: list[str] = []
    if name in ("EMAIL", "TEL", "item1.EMAIL") and draw(st.booleans()):
        types = draw(st.lists(st.sampled_from(["WORK", "HOME", "PREF", "CELL", "FAX", "X-ODD"])))
        if version == "2.1":
            params += types
        else:
            params += [f"TYPE={','.join(types)}"] if types else []
    charset = draw(st.sampled_from([None, *VCARD_CHARSETS]))
    codec = "utf-8"
    if charset is not None and draw(st.booleans()):
        params.append(f"CHARSET={charset}")
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            codec = "utf-8"
    elif charset is not None and draw(st.booleans()):
        # undeclared 8-bit text (The Bat!): a legacy encoding with no CHARSET to say so
        codec = draw(st.sampled_from(["cp1250", "cp1252", "koi8_r"]))
    data = value.encode(codec, errors="replace")
    qp = version == "2.1" and draw(st.booleans())
    if qp:
        params.append(draw(st.sampled_from(["ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE"])))
        data = _qp(data)
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        params.append(draw(st.sampled_from(['X-Q="a:b;c"', "=", ";", 'TYPE="unclosed'])))
    head = ";".join([name, *params]).encode("ascii", errors="replace")
    sep = b":" if draw(st.integers(min_value=0, max_value=19)) else b""  # sometimes no colon
    return head + sep + data


@st.composite
def vcard_files(draw: st.DrawFn) -> bytes:
    """A vCard file of 1-4 cards: version 2.1, 3.0 or 4.0; quoted-printable or not; CHARSET
    or not; folds splitting UTF-8; random property order and line ends; sometimes cut off,
    nested, with a BOM, or as UTF-16."""
    eol = draw(st.sampled_from(EOLS))
    cards: list[bytes] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        version = draw(st.sampled_from(["2.1", "3.0", "4.0"]))
        props = draw(st.lists(vcard_property(version), min_size=0, max_size=8))
        if draw(st.integers(min_value=0, max_value=4)):
            props.append(b"FN:" + draw(names()).replace("\x00", "").encode())
        props = list(draw(st.permutations(props)))
        lines = [f"VERSION:{version}".encode()] + props
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            lines.insert(1, b"BEGIN:VCARD" + eol + b"FN:Nested" + eol + b"END:VCARD")
        body = eol.join([draw(folded(line, eol)) for line in lines])
        end = b"" if draw(st.integers(min_value=0, max_value=19)) == 0 else eol + b"END:VCARD"
        begin = draw(st.sampled_from([b"BEGIN:VCARD", b"begin:vcard", b"BEGIN:VCARD "]))
        cards.append(begin + eol + body + end)
    raw = eol.join(cards) + draw(st.sampled_from([eol, b"", eol + eol, b"\x1a"]))
    wrap = draw(st.sampled_from(["none", "none", "none", "bom", "utf-16", "utf-16-be"]))
    if wrap == "bom":
        raw = codecs.BOM_UTF8 + raw
    elif wrap.startswith("utf-16"):
        text = raw.decode("utf-8", errors="replace")
        raw = text.encode(wrap) if wrap == "utf-16" else text.encode("utf-16-be")
    return raw


# --- CSV -----------------------------------------------------------------------------------------

PRESET_HEADERS = sorted(
    {column for preset in PRESETS.values() for cols in preset.columns.values() for column in cols}
)
GOOGLE_TYPES = [f"E-mail {i} - Type" for i in range(1, 4)] + [
    f"Phone {i} - Type" for i in range(1, 4)
]
ODD_HEADERS = ["", " Name ", "NAME", "name\n", "\ufeffName", "Notes", "=cmd", "Name", "Name"]
CSV_ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "cp1250", "utf-16"]


@st.composite
def csv_header(draw: st.DrawFn) -> list[str]:
    """A header: one preset's columns (Google, Outlook, ...), some of them, shuffled, with
    foreign and odd columns; or a random set."""
    preset = draw(st.sampled_from(sorted(PRESETS)))
    known = [c for cols in PRESETS[preset].columns.values() for c in cols]
    if preset == "google":
        known += GOOGLE_TYPES
    header = draw(st.lists(st.sampled_from(known), min_size=1, max_size=len(known), unique=True))
    header += draw(st.lists(st.sampled_from(PRESET_HEADERS + ODD_HEADERS), max_size=3))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        header += draw(st.lists(hostile_text(30), max_size=3))
    return list(draw(st.permutations(header)))


def _cell_for(column: str) -> st.SearchStrategy[str]:
    low = column.casefold()
    if "mail" in low:
        return emails()
    if "phone" in low or low in ("work", "mobile", "home", "other"):
        return phones()
    if "type" in low or "label" in low:
        return st.sampled_from(["* Work", "Mobile", "Fax", "Pager", "Home", "", "*"])
    if "name" in low or low in ("first", "last", "middle"):
        return names()
    return hostile_text(200, nul=False)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV contact file: a known or random header, random delimiter (, ; tab), quoting, line
    ends and encoding (UTF-8 with or without BOM, Windows-1252/1250, UTF-16); rows shorter or
    longer than the header; sometimes a broken quote."""
    header = draw(csv_header())
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    eol = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=eol)
    writer.writerow(header)
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        row = [draw(_cell_for(c)) for c in header]
        change = draw(st.integers(min_value=0, max_value=5))
        if change == 0:
            row = row[: draw(st.integers(min_value=0, max_value=len(row)))]
        elif change == 1:
            row += draw(st.lists(hostile_text(20), max_size=3))
        writer.writerow(row)
    text = buffer.getvalue()
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        text += draw(st.sampled_from(['"unclosed, quote', 'a"b"c', '""""', "\x00"]))
    encoding = draw(st.sampled_from(CSV_ENCODINGS))
    return text.encode(encoding, errors="replace")


# --- ICS -----------------------------------------------------------------------------------------

TZIDS = [
    "Europe/Warsaw",
    "W. Europe Standard Time",
    "Central European Standard Time",
    " Europe/Berlin ",
    '"Europe/Kyiv"',
    "/freeassociation.sourceforge.net/Europe/Berlin",
    "Unknown/Zone",
    "Local",
    "../../etc/passwd",
    "UTC",
    "Etc/GMT+12",
    "",
]


@st.composite
def ics_time(draw: st.DrawFn, name: str) -> str:
    """DTSTART/DTEND/RECURRENCE-ID in all their forms, and broken ones."""
    moment = draw(
        st.one_of(
            st.sampled_from(
                [
                    dt.datetime(2026, 11, 25, 10, 0),
                    dt.datetime(2026, 3, 29, 2, 30),  # a time that does not exist in Warsaw
                    dt.datetime(2026, 10, 25, 2, 30),  # a time that exists twice
                    dt.datetime(1, 1, 1, 0, 0),
                    dt.datetime(9999, 12, 31, 23, 59, 59),
                    dt.datetime(1900, 1, 1),
                ]
            ),
            st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
        )
    )
    stamp = f"{moment.year:04d}{moment:%m%d}T{moment:%H%M%S}"
    form = draw(st.integers(min_value=0, max_value=7))
    if form == 0:
        return f"{name};VALUE=DATE:{stamp[:8]}"
    if form == 1:
        return f"{name}:{stamp}"  # floating
    if form == 2:
        return f"{name}:{stamp}Z"
    if form in (3, 4):
        tzid = draw(st.sampled_from(TZIDS))
        return f"{name};TZID={tzid}:{stamp}"
    if form == 5:
        return f"{name};TZID=Europe/Warsaw:{stamp}Z"  # both a zone and UTC
    if form == 6:
        return f"{name}:{draw(date_texts())}"
    return f"{name};VALUE=DATE-TIME:{stamp[:8]}"


RRULES = [
    "FREQ=WEEKLY;COUNT=10",
    "FREQ=DAILY;UNTIL=20270101T000000Z",
    "FREQ=DAILY;UNTIL=20270101",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=YEARLY;INTERVAL=0",
    "FREQ=WEEKLY;COUNT=0",
    "FREQ=WEEKLY;INTERVAL=-1",
    "FREQ=SECONDLY",
    "FREQ=HOURLY;COUNT=3",
    "FREQ=WEEKLY;UNTIL=19000101T000000Z",
    "FREQ=DAILY",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=FORTNIGHTLY",
    "COUNT=3",
    "",
    "FREQ=DAILY;UNTIL=garbage",
    "FREQ=MONTHLY;BYSETPOS=400;BYDAY=MO",
]


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


@st.composite
def vevent(draw: st.DrawFn) -> list[str]:
    lines = ["BEGIN:VEVENT"]
    props: list[str] = []
    if draw(st.booleans()):
        props.append(f"UID:{draw(st.sampled_from(['a@x', 'b@x', 'meet-1@kamdesk.invalid', '']))}")
    for prop in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        if draw(st.integers(min_value=0, max_value=4)):
            value = draw(hostile_text(400, nul=False))
            if prop == "LOCATION" and draw(st.booleans()):
                value = draw(
                    st.sampled_from(
                        ["https://teams.microsoft.com/l/x", "+48 22 555 01 02", "Microsoft Teams"]
                    )
                )
            if draw(st.booleans()):
                value = _ics_escape(value)
            props.append(f"{prop}:{value}")
    if draw(st.integers(min_value=0, max_value=9)):
        props.append(draw(ics_time("DTSTART")))
    end = draw(st.integers(min_value=0, max_value=3))
    if end == 1:
        props.append(draw(ics_time("DTEND")))
    elif end == 2:
        duration = draw(st.sampled_from(["PT1H", "-PT1H", "P9999W", "PT0S", "P1D", "garbage"]))
        props.append(f"DURATION:{duration}")
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        cn = draw(names())
        address = draw(emails())
        cutype = draw(st.sampled_from(["", ";CUTYPE=ROOM", ";CUTYPE=INDIVIDUAL", ";ROLE=CHAIR"]))
        quoted = draw(st.booleans())
        cn_param = f'"{cn}"' if quoted else cn
        props.append(
            f"{draw(st.sampled_from(['ATTENDEE', 'ORGANIZER']))};CN={cn_param}{cutype}:mailto:{address}"
        )
    if draw(st.booleans()):
        props.append(f"RRULE:{draw(st.sampled_from(RRULES))}")
        if draw(st.booleans()):
            props.append(draw(ics_time("EXDATE")))
        if draw(st.booleans()):
            props.append(draw(ics_time("RDATE")))
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        props.append(draw(ics_time("RECURRENCE-ID")))
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        props.append(f"STATUS:{draw(st.sampled_from(['CANCELLED', 'CONFIRMED', 'x']))}")
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        props.append(f"SEQUENCE:{draw(st.sampled_from(['1', '-1', 'x', '99999999999999999999']))}")
    if draw(st.integers(min_value=0, max_value=6)) == 0:
        props.append("BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM")
    lines += list(draw(st.permutations(props)))
    if draw(st.integers(min_value=0, max_value=9)):
        lines.append("END:VEVENT")
    return lines


VTIMEZONE = """BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE"""
BROKEN_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Local
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+9999
TZOFFSETTO:x
END:STANDARD
END:VTIMEZONE"""


@st.composite
def ics_files(draw: st.DrawFn) -> bytes:
    """An iCalendar file: VCALENDAR with 1-3 VEVENTs (random SUMMARY, DESCRIPTION, LOCATION,
    ATTENDEE; DTSTART/DTEND in all their forms; TZID; RRULE...), sometimes a VTIMEZONE, a
    METHOD:CANCEL, kamdesk's own PRODID, folds splitting UTF-8, any line ends, a cut."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    lines.append(
        "PRODID:"
        + draw(st.sampled_from(["-//kamdesk//kamdesk 0.1//EN", "-//Microsoft//Outlook//EN", ""]))
    )
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        lines.append(f"METHOD:{draw(st.sampled_from(['CANCEL', 'REQUEST', 'PUBLISH']))}")
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        lines.append(f"X-WR-TIMEZONE:{draw(st.sampled_from(TZIDS))}")
    if draw(st.booleans()):
        lines += VTIMEZONE.split("\n")
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        lines += BROKEN_VTIMEZONE.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        lines += draw(vevent())
    if draw(st.integers(min_value=0, max_value=9)):
        lines.append("END:VCALENDAR")
    eol = draw(st.sampled_from(EOLS))
    encoded = [draw(folded(line.encode("utf-8"), eol)) for line in "\r\n".join(lines).split("\r\n")]
    raw = eol.join(encoded) + eol
    wrap = draw(st.sampled_from(["none", "none", "none", "bom", "utf-16", "cp1250"]))
    if wrap == "bom":
        raw = codecs.BOM_UTF8 + raw
    elif wrap == "utf-16":
        raw = raw.decode("utf-8", errors="replace").encode("utf-16")
    elif wrap == "cp1250":
        raw = raw.decode("utf-8", errors="replace").encode("cp1250", errors="replace")
    return raw


# --- byte-level mutation of real files -------------------------------------------------------------


def fixture_bytes(folder: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted((FIXTURES / folder).iterdir()) if p.is_file()]


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """A real exported file with a few bytes flipped, inserted, deleted or cut off."""
    raw = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not raw:
            break
        at = draw(st.integers(min_value=0, max_value=len(raw) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut", "splice"]))
        if action == "flip":
            raw[at] = draw(st.integers(min_value=0, max_value=255))
        elif action == "insert":
            raw[at:at] = draw(
                st.sampled_from([b"\x00", b"\r", b"\n ", b"\xc5", b"=", b":", b";", b'"', b"\xff"])
                | st.binary(max_size=8)
            )
        elif action == "delete":
            del raw[at : at + draw(st.integers(min_value=1, max_value=16))]
        elif action == "cut":
            del raw[at:]
        else:
            raw[at:at] = bytes(raw[draw(st.integers(min_value=0, max_value=len(raw) - 1)) :][:200])
    return bytes(raw)
