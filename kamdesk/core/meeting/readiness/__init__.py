"""The seven-mistakes gate: checks computed from a meeting's context.

Each check has a stable id, the mistake it prevents (1–7), a level (block / warn / ok), a
message saying what to do (for a text that says nothing: what a real answer looks like), and a
``target`` naming the field that fixes it (the GUI jumps there; a check on one row of the
client's lists names that row: ``need:12.text``, ``plan:7.text``, ``financial:3.period``,
``issue:10.response``; ``client.needs`` and the like only when there is no row to name). The
``headline`` says what to do and by when ("3 things to fix before Tuesday 10:00"). A meeting is ready when
nothing blocks. Red flags from the stakeholder map only warn, unless the ``red_flags_block``
setting says otherwise.

The mistakes: 1 arriving late, 2 arguing, 3 interrupting, 4 lack of information,
5 insufficient preparation, 6 bad manners, 7 poor product knowledge.

**Substance.** A text the gate relies on counts only when it says something
(core.substance; thresholds in ``Settings.min_words``): a filled field whose text is a
placeholder ("x", "tbd", "...") fails with the id ``substance.<the field's check id>``
(``substance.unprepared.objective``), a missing one with the check's own id, a good one passes
with the check's own id; so each field gives one line. Lists (questions, agenda items,
proposals, facts, answers, needs, plans) count only their meaningful entries, and say which
entries do not count. Rules beyond the texts: no duplicate or near-duplicate questions or
agenda items; open questions look like questions; financial periods have figures and have
begun by the meeting day (freshness counts only periods that have ended); travel time above 0
in person unless the place is on site; a number to call for a phone meeting; a link that
parses for a video call; a known discount policy for a negotiation's limits; a product or an
explicit "no product" for each proposal; no VIP/KOL attending at stage "unknown"; a prepared
line on the credit situation (overdue debt, a limit exceeded, a downgraded rating) for a
negotiation (a warning elsewhere); an answer to each slip of the last meeting's self-review;
ticks confirmed here (an imported tick is "imported, not reviewed here", core.confirmations).

**The score** (0–100) is the sum of the mistakes' points: each mistake weighs
``MISTAKE_WEIGHTS`` (more for preparation and information than for punctuality). Within a
mistake a check that can block weighs three times one that can only warn; a passing check earns
its weight (a text only just long enough earns three quarters of it), a warning half of it, a
blocker nothing, and a mistake that blocks keeps only ``BLOCKED_SHARE`` of what it earned.
``Report.score_lines()`` explains the points line by line ("+14 of 14 · 6 Bad manners: every
attendee's manners known"); the score is their sum.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kamdesk.core.account import analytics
from kamdesk.core.meeting.context import MeetingContext, load_meeting_contexts
from kamdesk.core.meeting.readiness.arguing import ArguingRules
from kamdesk.core.meeting.readiness.headline import Headline, headline
from kamdesk.core.meeting.readiness.interrupting import InterruptingRules
from kamdesk.core.meeting.readiness.late import LateRules
from kamdesk.core.meeting.readiness.manners import MannersRules
from kamdesk.core.meeting.readiness.product import ProductRules
from kamdesk.core.meeting.readiness.report import (
    BLOCK_WEIGHT,
    BLOCKED_SHARE,
    MISTAKE_WEIGHTS,
    MISTAKES,
    WARN_WEIGHT,
    Check,
    Level,
    Report,
    ScoreLine,
    mistake_title,
)
from kamdesk.core.meeting.readiness.rules import RATING_SCALE, rating_rank
from kamdesk.core.meeting.readiness.uninformed import UninformedRules
from kamdesk.core.meeting.readiness.unprepared import UnpreparedRules
from kamdesk.core.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlmodel import Session

    from kamdesk.core.storage.db import Database

__all__ = [
    "BLOCKED_SHARE",
    "BLOCK_WEIGHT",
    "MISTAKES",
    "MISTAKE_WEIGHTS",
    "RATING_SCALE",
    "WARN_WEIGHT",
    "Check",
    "Headline",
    "Level",
    "Report",
    "ScoreLine",
    "evaluate",
    "headline",
    "mistake_title",
    "rating_rank",
    "scores",
]


class _Rules(
    LateRules,
    ArguingRules,
    InterruptingRules,
    UninformedRules,
    UnpreparedRules,
    MannersRules,
    ProductRules,
):
    """Every mistake's rules over one meeting (one module per mistake)."""


def evaluate(ctx: MeetingContext, settings: Settings, now: dt.datetime | None = None) -> Report:
    """The readiness report of a meeting. Pure: same context, settings and time, same report."""
    rules = _Rules(ctx, settings, now or dt.datetime.now(dt.UTC))
    rules.late()
    rules.arguing()
    rules.interrupting()
    rules.uninformed()
    rules.unprepared()
    rules.manners()
    rules.product()
    checks = sorted(rules.checks, key=lambda c: c.mistake)  # stable: rule order kept within
    return Report(
        ctx.meeting.key,
        checks,
        analytics.leave_by(ctx.meeting, settings.default_buffer_min),
        ctx.meeting.starts_at,
    )


def reports(
    session: Session, meeting_keys: Iterable[str], prefs: Settings, now: dt.datetime | None = None
) -> dict[str, Report]:
    """The report of each of these meetings (the one way lists and the portfolio report get
    the readiness of many meetings): the contexts loaded (a client's dossier once for all its
    meetings), then each evaluated."""
    contexts = load_meeting_contexts(session, meeting_keys)
    return {key: evaluate(ctx, prefs, now) for key, ctx in contexts.items()}


def scores(db: Database, meeting_keys: list[str], prefs: Settings) -> dict[str, tuple[bool, int]]:
    """(ready, score) of each meeting, for the portfolio lists (run it off the GUI thread)."""
    with db.session() as session:
        return {k: (r.ready, r.score) for k, r in reports(session, meeting_keys, prefs).items()}
