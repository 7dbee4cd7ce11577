"""Repairing what real calendar files get wrong, before icalendar sees the text, keeping each
event's line number (put into it as ``X-KAMDESK-LINE``):

- line endings CRLF, LF, CR, CR CR LF; folding with a space or a TAB; over-long lines;
- raw unescaped line breaks inside DESCRIPTION and other texts (Exchange 2010): the
  following lines that are not properties are joined to the text as line breaks;
- a value separator ``:`` standing alone at the start of the next line (Exchange CDO);
- spaces around a TZID, in the VTIMEZONE and where it is used (GroupWise);
- lines outside any component, an END without its BEGIN, a file cut short (missing END lines
  are added), a bare VEVENT without a VCALENDAR around it; components nested deeper than
  :data:`MAX_NESTING` refuse the file.

VTIMEZONE is renamed so that icalendar does not register the file's zones in its process-wide
cache (a later file would otherwise get the first file's rules); they are resolved per file
instead (:class:`.zones.FileZones`). Every repair made is said in a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kamdesk.core.interchange.ics.model import LINE_PROP, VTIMEZONE, CalendarFileError

MAX_NESTING = 16  # VCALENDAR > VEVENT > VALARM is 3; deeper is not a real calendar

_LINE_BREAK = re.compile(r"\r*\n|\r")
_NAME_RE = re.compile(r"[A-Za-z0-9-]+")
_UNQUOTED = re.compile(r'[^";:,]*')
# Text properties whose value other programs write with raw, unescaped line breaks.
_TEXT_PROPS = {
    "DESCRIPTION",
    "SUMMARY",
    "LOCATION",
    "COMMENT",
    "CONTACT",
    "X-ALT-DESC",
    "STYLED-DESCRIPTION",
}
# Property names of RFC 5545, 5546, 7986, 9073 and 9074. A line starting with another name
# (and not X-) right after a text property is a raw line of that text ("Passcode: 123").
_RFC_NAMES = """
    BEGIN END CALSCALE METHOD PRODID VERSION ATTACH CATEGORIES CLASS COMMENT DESCRIPTION GEO
    LOCATION PERCENT-COMPLETE PRIORITY RESOURCES STATUS SUMMARY COMPLETED DTEND DUE DTSTART
    DURATION FREEBUSY TRANSP TZID TZNAME TZOFFSETFROM TZOFFSETTO TZURL ATTENDEE CONTACT
    ORGANIZER RECURRENCE-ID RELATED-TO URL UID EXDATE EXRULE RDATE RRULE ACTION REPEAT
    TRIGGER CREATED DTSTAMP LAST-MODIFIED SEQUENCE REQUEST-STATUS NAME REFRESH-INTERVAL
    SOURCE COLOR IMAGE CONFERENCE ACKNOWLEDGED PROXIMITY LOCATION-TYPE PARTICIPANT-TYPE
    CALENDAR-ADDRESS STYLED-DESCRIPTION STRUCTURED-DATA TZID-ALIAS-OF TZUNTIL BUSYTYPE
"""
_KNOWN_NAMES = frozenset(_RFC_NAMES.split())


def _split_line(line: str) -> tuple[str, list[tuple[str, list[str]]], str] | None:
    """``NAME[;PARAM=V[,V]...]:VALUE`` as (name, params, value); None when the line is not a
    content line. A linear scan (a regular expression here backtracks badly on long lines)."""
    match = _NAME_RE.match(line)
    if not match:
        return None
    name, i, n = match.group(), match.end(), len(line)
    params: list[tuple[str, list[str]]] = []
    while i < n and line[i] == ";":
        pmatch = _NAME_RE.match(line, i + 1)
        if not pmatch or pmatch.end() >= n or line[pmatch.end()] != "=":
            return None
        values: list[str] = []
        i = pmatch.end() + 1
        while True:
            if i < n and line[i] == '"':
                end = line.find('"', i + 1)
                if end < 0:
                    return None
                values.append(line[i : end + 1])
                i = end + 1
            else:
                end = _UNQUOTED.match(line, i).end()  # type: ignore[union-attr]
                values.append(line[i:end])
                i = end
            if i < n and line[i] == ",":
                i += 1
                continue
            break
        params.append((pmatch.group(), values))
    if i < n and line[i] == ":":
        return name, params, line[i + 1 :]
    return None


def _param_text(value: str) -> str:
    """A parameter value without spaces around it, quoted if it was or must be."""
    inner = value.strip().strip('"').strip()
    quoted = value.strip().startswith('"') or re.search(r"[:;,]", inner)
    return f'"{inner}"' if quoted else inner


def _join_line(name: str, params: list[tuple[str, list[str]]], value: str) -> str:
    rendered = "".join(f";{p}={','.join(vs)}" for p, vs in params)
    return f"{name}{rendered}:{value}"


@dataclass
class _Out:
    """The repaired logical lines, with what the notes need."""

    lines: list[list[str]] = field(default_factory=list)  # each: parts joined at the end
    names: list[str] = field(default_factory=list)  # property name of each line
    notes: list[str] = field(default_factory=list)

    starts: list[int] = field(default_factory=list)  # line in the file of each line

    def add(self, name: str, text: str, line: int = 0) -> None:
        self.lines.append([text])
        self.names.append(name)
        self.starts.append(line)


def _unfold(text: str) -> list[tuple[int, str]]:
    """The logical lines, each with the physical line it starts on: the line break and one
    blank before a folded line go."""
    starts: list[int] = []
    logical: list[list[str]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if line[:1] in (" ", "\t") and logical:
            logical[-1].append(line[1:])
        else:
            starts.append(number)
            logical.append([line])
    return [(number, "".join(pieces)) for number, pieces in zip(starts, logical, strict=True)]


def _join_lone_values(lines: list[tuple[int, str]], notes: list[str]) -> list[tuple[int, str]]:
    """Exchange CDO writes "ATTENDEE;CN=x", then ":" alone on the next line, then the address
    folded under it: the value separator (and what is folded under it) is joined to its
    property."""
    joined: list[tuple[int, str]] = []
    for number, line in lines:
        if (
            line.startswith(":")
            and joined
            and _NAME_RE.match(joined[-1][1])
            and _split_line(joined[-1][1]) is None
        ):
            joined[-1] = (joined[-1][0], joined[-1][1] + ":" + line[1:].lstrip())
            notes.append(
                f"Line {number}: a value that started on a line of its own was joined to its "
                "property."
            )
        else:
            joined.append((number, line))
    return joined


def _shown(component: str) -> str:
    return VTIMEZONE if component == "VTIMEZONE" else component


class _Repairer:
    """Takes the logical lines one by one into the repaired output (:class:`_Out`): raw text
    lines joined to their text property, components balanced, stray lines dropped, TZIDs
    trimmed."""

    def __init__(self, source: str, out: _Out) -> None:
        self.source = source
        self.out = out
        self.stack: list[str] = []  # the components open here
        self.spill_from: int | None = None  # the text property taking raw lines started here
        self.spill_to = 0
        self.dropped: list[int] = []
        self.tzid_fixed: set[str] = set()

    def feed(self, number: int, line: str) -> None:
        out = self.out
        if not line.strip():
            if self.spill_from is not None:
                out.lines[-1].append("\\n")
                self.spill_to = number
            return
        parts = _split_line(line)
        if self._raw_text(parts):
            if self.spill_from is None:
                self.spill_from = out.starts[-1]
            out.lines[-1].append("\\n" + line)
            self.spill_to = number
            return
        self.end_spill()
        if parts is None:
            self.dropped.append(number)
            return
        name, params, value = parts
        uname = name.upper()
        if uname == "BEGIN":
            self._begin(number, value.strip().upper())
        elif uname == "END":
            self._end(number, value.strip().upper())
        elif not self.stack or uname == LINE_PROP:
            self.dropped.append(number)
        else:
            out.add(uname, self._trim_tzids(line, name, params, value), number)

    def _raw_text(self, parts: tuple[str, list[tuple[str, list[str]]], str] | None) -> bool:
        """Whether a line right after a text property is a raw line of that text: not a
        property at all, not a property name of the RFCs (nor X-), or, once raw lines began,
        a name that is not all capitals ("Passcode: 123")."""
        out = self.out
        if not (out.lines and self.stack and out.names[-1] in _TEXT_PROPS):
            return False
        return (
            parts is None
            or parts[0].upper() not in _KNOWN_NAMES
            and not parts[0].upper().startswith("X-")
            or (self.spill_from is not None and parts[0] != parts[0].upper())
        )

    def end_spill(self) -> None:
        if self.spill_from is not None:
            self.out.notes.append(
                f"Lines {self.spill_from}–{self.spill_to}: the text of {self.out.names[-1]} had "
                "raw line breaks; they were kept as part of the text."
            )
        self.spill_from = None

    def _begin(self, number: int, component: str) -> None:
        out, stack = self.out, self.stack
        if not component or component == VTIMEZONE:
            self.dropped.append(number)
            return
        if not stack and component != "VCALENDAR":
            if component != "VEVENT":
                self.dropped.append(number)
                return
            out.add("BEGIN", "BEGIN:VCALENDAR")  # a bare VEVENT: give it its calendar
            stack.append("VCALENDAR")
        if len(stack) >= MAX_NESTING:
            raise CalendarFileError(
                self.source, f"components are nested too deeply (line {number})"
            )
        stack.append(component)
        out.add("BEGIN", f"BEGIN:{_shown(component)}")
        if component == "VEVENT":
            out.add(LINE_PROP, f"{LINE_PROP}:{number}")

    def _end(self, number: int, component: str) -> None:
        if component not in self.stack:
            self.dropped.append(number)
            return
        while self.stack:
            top = self.stack.pop()
            self.out.add("END", f"END:{_shown(top)}")
            if top == component:
                break
            self.out.notes.append(f"Line {number}: END:{top} was missing before END:{component}.")

    def _trim_tzids(
        self, line: str, name: str, params: list[tuple[str, list[str]]], value: str
    ) -> str:
        """The line with the spaces around its TZID (its value, or a TZID parameter) gone."""
        uname = name.upper()
        if uname == "TZID" and value != value.strip():
            self.tzid_fixed.add(value.strip())
            value = value.strip()
        if any(p.upper() == "TZID" for p, _ in params):
            fixed = []
            for p, values in params:
                if p.upper() == "TZID":
                    clean = [_param_text(v) for v in values]
                    if any(
                        c.strip('"') != v.strip('"') for c, v in zip(clean, values, strict=True)
                    ):
                        self.tzid_fixed.add(clean[0].strip('"'))
                    values = clean
                fixed.append((p, values))
            return _join_line(name, fixed, value)
        if uname == "TZID":
            return _join_line(name, params, value)
        return line

    def finish(self) -> None:
        """Close what the file left open, and say what was repaired."""
        out = self.out
        self.end_spill()
        if self.stack:
            out.notes.append(
                f"The file ends before END:{self.stack[0]} (it may be cut short); what it holds "
                "was read."
            )
            while self.stack:
                out.add("END", f"END:{_shown(self.stack.pop())}")
        for tzid in sorted(self.tzid_fixed):
            out.notes.append(
                f"The time zone name {tzid!r} had spaces around it; they were removed."
            )
        dropped = self.dropped
        if dropped:
            many = len(dropped) != 1
            out.notes.append(
                f"{len(dropped)} line{'s' if many else ''} that {'are' if many else 'is'} not "
                f"calendar data {'were' if many else 'was'} ignored (line {dropped[0]}"
                f"{', …' if len(dropped) > 1 else ''})."
            )


def repair(text: str, source: str) -> tuple[bytes, list[str]]:
    """The text repaired (see the module's docstring) as UTF-8 bytes for icalendar, and the
    notes on what was repaired."""
    out = _Out()
    repairer = _Repairer(source, out)
    for number, line in _join_lone_values(_unfold(text), out.notes):
        repairer.feed(number, line)
    repairer.finish()
    data = "\r\n".join("".join(parts) for parts in out.lines) + "\r\n"
    return data.encode("utf-8"), out.notes
