"""What every rule of the gate shares: the meeting's context and settings, how a check is
added, how a text or a list is judged for substance, and small formatting helpers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kamdesk.core.account import confirmations
from kamdesk.core.formats import Formatter
from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.context import MeetingContext
from kamdesk.core.meeting.readiness.report import (
    Check,
    Level,
    short,
)
from kamdesk.core.settings import Settings

if TYPE_CHECKING:
    pass


class RuleBase:
    """The rules' shared state and helpers; each mistake's rules are a mixin over it."""

    def __init__(self, ctx: MeetingContext, settings: Settings, now: dt.datetime):
        self.ctx = ctx
        self.settings = settings
        self.words = settings.min_words
        self.now = now
        self.fmt = Formatter(settings.locale)
        self.checks: list[Check] = []
        counting = confirmations.effective(ctx.meeting, ctx.attendees)
        pending = set(ctx.meeting.ticks_unreviewed or [])
        self.ticks = {n: counting[n] and n not in pending for n in confirmations.NAMES}
        self.imported = [n for n in confirmations.NAMES if counting[n] and n in pending]
        self.langs = substance.languages(
            [settings.locale[:2], *(p.language for p in ctx.attendees)]
        )

    def add(
        self,
        mistake: int,
        check_id: str,
        level: Level,
        message: str,
        target: str | None = None,
        can_block: bool = True,
        credit: float = 1.0,
    ) -> None:
        self.checks.append(Check(mistake, check_id, level, message, target, can_block, credit))

    def need(
        self,
        mistake: int,
        check_id: str,
        ok: bool,
        missing: str,
        present: str,
        target: str | None = None,
        level: Level = Level.BLOCK,
    ) -> None:
        """A check that passes when ``ok``; otherwise fails at ``level``."""
        self.add(
            mistake,
            check_id,
            Level.OK if ok else level,
            present if ok else missing,
            target,
            can_block=level is Level.BLOCK,
        )

    def text(
        self,
        mistake: int,
        check_id: str,
        value: str | None,
        min_words: int,
        missing: str,
        what: str,
        hint: str,
        present: str,
        target: str | None = None,
        level: Level = Level.BLOCK,
    ) -> bool:
        """A text the gate relies on: missing (the check's id), saying too little
        (``substance.`` + the id, with what a real answer looks like) or good. True if good."""
        can_block = level is Level.BLOCK
        if not value or not value.strip():
            self.add(mistake, check_id, level, missing, target, can_block)
            return False
        n = substance.count(value)
        if n < min_words:
            self.add(
                mistake,
                f"substance.{check_id}",
                level,
                self.thin(what, value, n, min_words, hint),
                target,
                can_block,
            )
            return False
        self.add(mistake, check_id, Level.OK, present, target, can_block, richness(n, min_words))
        return True

    def thin(self, what: str, value: str, n: int, min_words: int, hint: str) -> str:
        return _("{what} “{text}” says too little ({n} of {min} meaningful words): {hint}").format(
            what=what, text=short(value.strip(), 40), n=n, min=min_words, hint=hint
        )

    def escalate(self) -> Level:
        return Level.BLOCK if self.settings.red_flags_block else Level.WARN

    def tick(
        self, mistake: int, name: str, ask: str, void: str, given: str, level: Level = Level.BLOCK
    ) -> None:
        meeting = self.ctx.meeting
        can_block = level is Level.BLOCK
        target = f"meeting.{name}"
        if self.ticks[name]:
            self.add(mistake, f"tick.{name}", Level.OK, given, target, can_block)
        elif name in self.imported:
            self.add(
                mistake,
                f"tick.{name}",
                level,
                _(
                    "{given} — imported, not reviewed here: check it yourself, then confirm the tick."
                ).format(given=given.rstrip(".")),
                target,
                can_block,
            )
        elif getattr(meeting, f"{name}_fp"):
            self.add(mistake, f"tick.{name}", level, void, target, can_block)
        else:
            self.add(mistake, f"tick.{name}", level, ask, target, can_block)

    def good_items(
        self,
        mistake: int,
        check_id: str,
        items: list[str],
        min_words: int,
        what: str,
        hint: str,
        target: str,
        row_targets: list[str] | None = None,
    ) -> list[str]:
        """The entries of a list that say something; one blocker names those that do not.
        With ``row_targets`` (one per entry, e.g. ``need:12.text``) the blocker points at the
        first entry that does not count, so a jump lands on that row."""
        typed = [i for i in items if i.strip()]
        good = [i for i in typed if substance.count(i) >= min_words]
        thin = [i for i in typed if substance.count(i) < min_words]
        if thin and row_targets is not None:
            first = next(
                k for k, i in enumerate(items) if i.strip() and substance.count(i) < min_words
            )
            target = row_targets[first]
        if thin:
            self.add(
                mistake,
                f"substance.{check_id}",
                Level.BLOCK,
                _("{n} {what} say too little ({shown}): {hint}").format(
                    n=len(thin), what=what, shown=quoted(thin), hint=hint
                ),
                target,
            )
        return good

    def distinct(self, mistake: int, check_id: str, items: list[str], target: str) -> list[str]:
        """The entries without their near-duplicates; one blocker names the pairs."""
        pairs = substance.near_duplicates(items, self.settings.near_duplicate_ratio)
        if pairs:
            shown = "; ".join(
                _("“{a}” and “{b}”").format(a=short(items[i], 40), b=short(items[j], 40))
                for i, j in pairs[:3]
            )
            self.add(
                mistake,
                f"substance.{check_id}",
                Level.BLOCK,
                _(
                    "Entries that say the same thing: {pairs}. Keep one of each and add another."
                ).format(pairs=shown),
                target,
            )
        dropped = {j for _i, j in pairs}
        return [item for k, item in enumerate(items) if k not in dropped]

    # -- 1 arriving late --


RATING_SCALE = [
    "AAA",
    "AA+",
    "AA",
    "AA-",
    "A+",
    "A",
    "A-",
    "BBB+",
    "BBB",
    "BBB-",
    "BB+",
    "BB",
    "BB-",
    "B+",
    "B",
    "B-",
    "CCC+",
    "CCC",
    "CCC-",
    "CC",
    "C",
    "RD",
    "SD",
    "D",
]


def rating(text: str | None) -> str:
    return (text or "").strip().split()[0] if text and text.strip() else ""


def rating_rank(text: str | None) -> int | None:
    """The position of a rating on the letter scale (0 is AAA), or None when the text does
    not start with a grade."""
    grade = rating(text).rstrip(",;:.")
    return RATING_SCALE.index(grade) if grade in RATING_SCALE else None


def richness(n: int, min_words: int) -> float:
    """A text only just long enough earns three quarters of its check; twice the minimum, all."""
    return min(1.0, 0.75 + 0.25 * (n - min_words) / max(min_words, 1))


def quoted(items: list[str], most: int = 3) -> str:
    shown = ", ".join(f"“{short(i.strip(), 30)}”" for i in items[:most])
    return shown + (", …" if len(items) > most else "")


def num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
