"""What the gate reports: the levels, the seven mistakes, a check, the score and its lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kamdesk.core.i18n import _

if TYPE_CHECKING:
    pass


class Level(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    OK = "ok"


MISTAKES = {
    1: "Arriving late",
    2: "Arguing with the client",
    3: "Interrupting",
    4: "Lack of information",
    5: "Insufficient preparation",
    6: "Bad manners",
    7: "Poor product knowledge",
}


def mistake_title(number: int) -> str:
    """A mistake's name, translated (the literals are here for extraction)."""
    return {
        1: _("Arriving late"),
        2: _("Arguing with the client"),
        3: _("Interrupting"),
        4: _("Lack of information"),
        5: _("Insufficient preparation"),
        6: _("Bad manners"),
        7: _("Poor product knowledge"),
    }[number]


# Points of each mistake in the score (they add up to 100).
MISTAKE_WEIGHTS = {1: 12, 2: 14, 3: 12, 4: 16, 5: 18, 6: 14, 7: 14}
# Within a mistake: a check that can block counts three times one that can only warn.
BLOCK_WEIGHT = 3
WARN_WEIGHT = 1
# A mistake with a blocker keeps this share of what its checks earned.
BLOCKED_SHARE = 0.4


def _well_done() -> dict[int, str]:
    """What a mistake with nothing open means, for the score's explanation."""
    return {
        1: _("on time: start, place, travel and route known"),
        2: _("every complaint and objection has a calm response"),
        3: _("a listening plan: open questions and each attendee's style"),
        4: _("the client and every attendee known"),
        5: _("objective, commitment, agenda and proposals prepared"),
        6: _("every attendee's manners known"),
        7: _("facts and answers ready for every product"),
    }


@dataclass(frozen=True)
class Check:
    mistake: int
    id: str
    level: Level
    message: str
    target: str | None = None  # e.g. "meeting.travel_min", "stakeholder:sokolov.language"
    can_block: bool = True
    credit: float = 1.0  # share of its weight a passing check earns (thin texts earn less)

    def as_json(self) -> dict[str, Any]:
        return {
            "mistake": self.mistake,
            "id": self.id,
            "level": self.level.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class ScoreLine:
    """One mistake's share of the score, explained."""

    mistake: int
    points: int
    of: int
    text: str

    def __str__(self) -> str:
        return _("+{points} of {of} · {n} {mistake}: {text}").format(
            points=self.points,
            of=self.of,
            n=self.mistake,
            mistake=mistake_title(self.mistake),
            text=self.text,
        )


@dataclass
class Report:
    meeting_key: str
    checks: list[Check] = field(default_factory=list)
    leave_by: dt.datetime | None = None
    starts_at: dt.datetime | None = None  # in the meeting's own offset; None while not set

    @property
    def ready(self) -> bool:
        return not any(c.level is Level.BLOCK for c in self.checks)

    @property
    def status(self) -> str:
        return "ready" if self.ready else "not_ready"

    @property
    def score(self) -> int:
        return sum(line.points for line in self.score_lines())

    def score_lines(self) -> list[ScoreLine]:
        lines = []
        well_done = _well_done()
        for number, checks in self.by_mistake().items():
            of = MISTAKE_WEIGHTS[number]
            total = earned = 0.0
            for check in checks:
                weight = BLOCK_WEIGHT if check.can_block else WARN_WEIGHT
                total += weight
                if check.level is Level.OK:
                    earned += weight * check.credit
                elif check.level is Level.WARN:
                    earned += weight / 2
            share = earned / total if total else 1.0
            blockers = [c for c in checks if c.level is Level.BLOCK]
            warnings = [c for c in checks if c.level is Level.WARN]
            if blockers:
                share *= BLOCKED_SHARE
            passing = len(checks) - len(blockers) - len(warnings)
            if blockers:
                text = _("{ok} of {n} checks pass; {k} to fix, first: {first}").format(
                    ok=passing, n=len(checks), k=len(blockers), first=short(blockers[0].message)
                )
            elif warnings:
                text = _("{ok} of {n} checks pass; to consider: {first}").format(
                    ok=passing, n=len(checks), first=short(warnings[0].message)
                )
            elif share < 0.995:
                text = well_done[number] + " " + _("(some answers are thin)")
            else:
                text = well_done[number]
            points = round(of * share)
            if warnings or blockers:  # never full marks while something is open
                points = min(points, of - 1)
            lines.append(ScoreLine(number, points, of, text))
        return lines

    def blockers(self) -> list[Check]:
        return [c for c in self.checks if c.level is Level.BLOCK]

    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.level is Level.WARN]

    def by_mistake(self) -> dict[int, list[Check]]:
        grouped: dict[int, list[Check]] = {n: [] for n in MISTAKES}
        for check in self.checks:
            grouped[check.mistake].append(check)
        return grouped

    def as_json(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting_key,
            "status": self.status,
            "score": self.score,
            "checks": [c.as_json() for c in self.checks],
        }


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
