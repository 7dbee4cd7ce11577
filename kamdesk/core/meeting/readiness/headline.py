"""What the checklist's headline says: what to do and by when, not a score.

"3 things to fix before Tuesday 10:00" while something blocks, "Ready for Tuesday 10:00" when
nothing does; the score and the warnings are a secondary line ("2 things to consider · score
97/100"). The time is the meeting's start in its own offset, formatted for the locale; the
day is named relative to ``now``: "10:00 today", "tomorrow 10:00", a weekday within the week,
else the full date. Qt-free, so the brief and the command line can say the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kamdesk.core.formats import Formatter
from kamdesk.core.i18n import _, ngettext
from kamdesk.core.meeting.readiness.report import Report

# a weekday alone names the day up to this many days ahead; further on, the full date
WEEKDAY_DAYS = 6


@dataclass(frozen=True)
class Headline:
    text: str  # what to do and by when
    detail: str  # the warnings and the score
    ready: bool


def when(start: dt.datetime | None, fmt: Formatter, now: dt.datetime) -> str | None:
    """The meeting's start as the headline names it, or None while it has no start."""
    if start is None:
        return None
    time = fmt.time(start)
    days = (start.date() - now.astimezone(start.tzinfo).date()).days
    if days == 0:
        return _("{time} today").format(time=time)
    if days == 1:
        return _("tomorrow {time}").format(time=time)
    if 1 < days <= WEEKDAY_DAYS:
        return _("{weekday} {time}").format(weekday=fmt.weekday(start), time=time)
    return _("{date} {time}").format(date=fmt.date(start.date(), "full"), time=time)


def headline(report: Report, locale: str, now: dt.datetime) -> Headline:
    """The headline of a report: the count of blockers and the meeting's start."""
    fmt = Formatter(locale)
    at = when(report.starts_at, fmt, now)
    n = len(report.blockers())
    if n and at:
        text = ngettext(
            "{n} thing to fix before {when}", "{n} things to fix before {when}", n
        ).format(n=n, when=at)
    elif n:
        text = ngettext(
            "{n} thing to fix before the meeting", "{n} things to fix before the meeting", n
        ).format(n=n)
    elif at:
        text = _("Ready for {when}").format(when=at)
    else:
        text = _("Ready for the meeting")
    parts = []
    warnings = len(report.warnings())
    if warnings:
        parts.append(
            ngettext("{n} thing to consider", "{n} things to consider", warnings).format(n=warnings)
        )
    parts.append(_("score {score}/100").format(score=report.score))
    return Headline(text, " · ".join(parts), report.ready)
