"""Time zones of a calendar file: a TZID is resolved by the IANA name, else by the file's own
VTIMEZONE (built through icalendar, per file: see :mod:`.repair`), else by mapping a Windows
name ("W. Europe Standard Time") to its IANA zone, else, for a "/vendor/Europe/Berlin" prefix
(RFC 5545 3.2.19), by the IANA name after it; an unknown zone is ``None`` (the event becomes a
problem rather than a guess). A meeting keeps the UTC offset of its own zone at its instant
(:func:`fixed`).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Component, Timezone, TimezoneDaylight, TimezoneStandard

from kamdesk.core.interchange.ics.model import VTIMEZONE, RowError, text_of

# The common Windows zone names, in case icalendar's full CLDR table is missing (older icalendar).
_COMMON_WINDOWS_ZONES = {
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "Romance Standard Time": "Europe/Paris",
    "GMT Standard Time": "Europe/London",
    "GTB Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Kyiv",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Russian Standard Time": "Europe/Moscow",
    "Turkey Standard Time": "Europe/Istanbul",
    "Central Asia Standard Time": "Asia/Almaty",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles",
    "UTC": "Etc/UTC",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "India Standard Time": "Asia/Kolkata",
}


def _windows_zones() -> dict[str, str]:
    try:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
    except ImportError:  # pragma: no cover - icalendar before 6.1
        table = dict(_COMMON_WINDOWS_ZONES)
    else:
        table = {**_COMMON_WINDOWS_ZONES, **WINDOWS_TO_OLSON}
    return {name.casefold(): iana for name, iana in table.items()}


_WINDOWS_ZONES = _windows_zones()
_IANA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*\Z")


def iana(name: str | None) -> dt.tzinfo | None:
    if not name or len(name) > 64 or not _IANA_NAME.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def fixed(moment: dt.datetime) -> dt.datetime:
    """The same instant in a fixed UTC offset (whole minutes): how a meeting keeps its time."""
    offset = moment.utcoffset()
    assert offset is not None
    minutes = round(offset.total_seconds() / 60)
    if abs(minutes) > 18 * 60:
        raise RowError(f"its time zone is {minutes / 60:+.1f} hours from UTC, which cannot be")
    return moment.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))


class FileZones:
    """The zones one VCALENDAR's TZIDs name, each resolved once."""

    def __init__(self, cal: Component) -> None:
        self.vtimezones = {
            text_of(c.get("TZID")).strip().casefold(): c
            for c in cal.subcomponents
            if c.name == VTIMEZONE and c.get("TZID") is not None
        }
        self.zones: dict[str, dt.tzinfo | None] = {}

    def zone(self, tzid: str) -> dt.tzinfo | None:
        key = tzid.strip().strip('"').strip()
        if key.casefold() not in self.zones:
            zone = iana(key) or self._vtimezone(key) or iana(_WINDOWS_ZONES.get(key.casefold()))
            if zone is None and key.startswith("/"):  # "/vendor/Europe/Berlin" (RFC 5545 3.2.19)
                parts = key.strip("/").split("/")
                zone = next(
                    (z for i in range(1, len(parts)) if (z := iana("/".join(parts[i:])))),
                    None,
                )
            self.zones[key.casefold()] = zone
        return self.zones[key.casefold()]

    def _vtimezone(self, key: str) -> dt.tzinfo | None:
        found = self.vtimezones.get(key.casefold())
        if found is None:
            return None
        component = Timezone()
        component.update(found)
        component.subcomponents = [
            c for c in found.subcomponents if isinstance(c, TimezoneStandard | TimezoneDaylight)
        ]
        try:
            zone = component.to_tz(lookup_tzid=False)
            dt.datetime(2000, 1, 1, tzinfo=zone).utcoffset()  # fails now rather than later
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            return None
        return zone if isinstance(zone, dt.tzinfo) else None
