"""The seven-mistakes gate: checks computed from a meeting's context.

Each check has a stable id, the mistake it prevents (1–7), a level (block / warn / ok), a
message saying what to do (for a text that says nothing: what a real answer looks like), and a
``target`` naming the field that fixes it (the GUI jumps there). A meeting is ready when
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
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kamdesk.core.account import analytics, confirmations
from kamdesk.core.formats import Formatter
from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.context import MeetingContext
from kamdesk.core.model import labels
from kamdesk.core.model.enums import Stage
from kamdesk.core.settings import Settings

if TYPE_CHECKING:
    from kamdesk.core.storage.db import Database


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
                    ok=passing, n=len(checks), k=len(blockers), first=_short(blockers[0].message)
                )
            elif warnings:
                text = _("{ok} of {n} checks pass; to consider: {first}").format(
                    ok=passing, n=len(checks), first=_short(warnings[0].message)
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


class _Rules:
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
        self.add(mistake, check_id, Level.OK, present, target, can_block, _richness(n, min_words))
        return True

    def thin(self, what: str, value: str, n: int, min_words: int, hint: str) -> str:
        return _("{what} “{text}” says too little ({n} of {min} meaningful words): {hint}").format(
            what=what, text=_short(value.strip(), 40), n=n, min=min_words, hint=hint
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
    ) -> list[str]:
        """The entries of a list that say something; one blocker names those that do not."""
        typed = [i for i in items if i.strip()]
        good = [i for i in typed if substance.count(i) >= min_words]
        thin = [i for i in typed if substance.count(i) < min_words]
        if thin:
            self.add(
                mistake,
                f"substance.{check_id}",
                Level.BLOCK,
                _("{n} {what} say too little ({shown}): {hint}").format(
                    n=len(thin), what=what, shown=_quoted(thin), hint=hint
                ),
                target,
            )
        return good

    def distinct(self, mistake: int, check_id: str, items: list[str], target: str) -> list[str]:
        """The entries without their near-duplicates; one blocker names the pairs."""
        pairs = substance.near_duplicates(items, self.settings.near_duplicate_ratio)
        if pairs:
            shown = "; ".join(
                _("“{a}” and “{b}”").format(a=_short(items[i], 40), b=_short(items[j], 40))
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

    def late(self) -> None:
        mt = self.ctx.meeting
        start = mt.starts_at
        self.need(
            1,
            "late.start_time",
            start is not None,
            _("Set the meeting's start time."),
            _("Starts {when}.").format(when=self.fmt.datetime(start) if start else ""),
            "meeting.starts_at",
        )
        self.need(
            1,
            "late.duration",
            mt.duration_min is not None,
            _("Set how long the meeting lasts, to plan what comes after."),
            _("Lasts {n} minutes.").format(n=mt.duration_min),
            "meeting.duration_min",
        )
        if start is not None and start < self.now:
            held = self.ctx.held
            self.add(
                1,
                "late.in_past",
                Level.WARN if held else Level.BLOCK,
                _("This meeting took place on {when}; its notes are written.").format(
                    when=self.fmt.date(start.date())
                )
                if held
                else _(
                    "This meeting's start time ({when}) has passed: set its new time if it moved, or write its notes."
                ).format(when=self.fmt.datetime(start)),
                "meeting.starts_at",
                can_block=not held,
            )
        if mt.mode == "in_person":
            self.in_person()
        elif mt.mode == "video":
            link = (mt.video_link or "").strip()
            if not link:
                self.add(
                    1,
                    "late.video_link",
                    Level.BLOCK,
                    _("Add the video call link."),
                    "meeting.video_link",
                )
            elif not substance.link_parses(link):
                self.add(
                    1,
                    "substance.late.video_link",
                    Level.BLOCK,
                    _(
                        "“{link}” is not a link that opens: paste the full address from the invitation (https://…)."
                    ).format(link=_short(link, 40)),
                    "meeting.video_link",
                )
            else:
                self.add(1, "late.video_link", Level.OK, _("Video link set."), "meeting.video_link")
            self.tick(
                1,
                "route_checked",
                _("Test the link and your equipment, then tick 'route checked'."),
                _(
                    "The connection tick no longer counts: the link or time changed since. Test again."
                ),
                _("Connection tested."),
            )
        else:
            self.phone()

    def in_person(self) -> None:
        mt = self.ctx.meeting
        start = mt.starts_at
        self.text(
            1,
            "late.location",
            mt.location,
            self.words.place,
            _("Set where the meeting takes place."),
            _("The place"),
            _(
                "give an address or a room someone could find, e.g. 'al. Zwycięstwa 41, Gdańsk, room 2'."
            ),
            _("Place: {where}.").format(where=mt.location),
            "meeting.location",
        )
        leave = analytics.leave_by(mt, self.settings.default_buffer_min)
        buffer = mt.buffer_min if mt.buffer_min is not None else self.settings.default_buffer_min
        if mt.on_site:
            self.add(
                1,
                "late.travel_time",
                Level.OK,
                _("On site: no travel needed."),
                "meeting.travel_min",
            )
        elif mt.travel_min is None:
            self.add(
                1,
                "late.travel_time",
                Level.BLOCK,
                _("Add a travel time for this in-person meeting."),
                "meeting.travel_min",
            )
        elif mt.travel_min <= 0:
            self.add(
                1,
                "substance.late.travel_time",
                Level.BLOCK,
                _(
                    "Travel time is 0 minutes for an in-person meeting: enter the door-to-door time, or mark the place 'on site' if you are already there."
                ),
                "meeting.travel_min",
            )
        else:
            self.add(
                1,
                "late.travel_time",
                Level.OK,
                _("Leave by {time} ({travel} min travel + {buffer} min buffer).").format(
                    time=self.fmt.time(leave) if leave else "",
                    travel=mt.travel_min,
                    buffer=buffer,
                ),
                "meeting.travel_min",
            )
            if buffer <= 0:
                self.add(
                    1,
                    "late.buffer",
                    Level.WARN,
                    _("No buffer: add a few minutes for parking, security and reception."),
                    "meeting.buffer_min",
                    can_block=False,
                )
        if leave is not None and start is not None and leave < self.now < start:
            self.add(
                1,
                "late.leave_now",
                Level.WARN,
                _("You should have left at {time}.").format(time=self.fmt.time(leave)),
                "meeting.travel_min",
                can_block=False,
            )
        self.tick(
            1,
            "route_checked",
            _("Check the route and the venue, then tick 'route checked'."),
            _("The route tick no longer counts: time, place or travel changed since. Check again."),
            _("Route checked."),
        )

    def phone(self) -> None:
        mt = self.ctx.meeting
        digits = self.settings.phone_min_digits
        callable_ = [p for p in self.ctx.attendees if substance.phone_digits(p.phone) >= digits]
        if substance.phone_digits(mt.phone) >= digits:
            ok = _("Number to call: {number}.").format(number=mt.phone)
        elif callable_:
            ok = _("Number to call: {name}, {number}.").format(
                name=callable_[0].name, number=callable_[0].phone
            )
        else:
            ok = ""
        self.need(
            1,
            "late.number_to_call",
            bool(ok),
            _(
                "Which number do you call, or will they call you on? Add it to the meeting, or an attendee's phone (at least {n} digits)."
            ).format(n=digits),
            ok,
            "meeting.phone",
        )
        missing = [p.name for p in self.ctx.attendees if p not in callable_]
        self.need(
            1,
            "late.phone_numbers",
            not missing,
            _("No phone number for: {names}.").format(names=", ".join(missing)),
            _("Phone numbers at hand."),
            "meeting.attendees",
            Level.WARN,
        )

    # -- 2 arguing --

    def arguing(self) -> None:
        attending = {p.id for p in self.ctx.attendees}
        people = self.ctx.person_by_id
        open_issues = [i for i in self.ctx.issues if i.status == "open"]
        answered = 0
        for issue in open_issues:
            who = people.get(issue.raised_by_id) if issue.raised_by_id else None
            level = Level.BLOCK if who is None or who.id in attending else Level.WARN
            raised = who.name if who else _("the client")
            kind = labels.issue_kind_sentence().get(issue.kind, issue.kind)
            response = (issue.response or "").strip()
            target = f"issue:{issue.id}.response"
            if not response:
                self.add(
                    2,
                    f"arguing.response.{issue.id}",
                    level,
                    _("Prepare a calm response to the {kind} raised by {who}: “{text}”.").format(
                        kind=kind, who=raised, text=_short(issue.text)
                    ),
                    target,
                    can_block=level is Level.BLOCK,
                )
            elif substance.count(response) < self.words.response:
                self.add(
                    2,
                    f"substance.arguing.response.{issue.id}",
                    level,
                    self.thin(
                        _("The response to “{text}”").format(text=_short(issue.text, 40)),
                        response,
                        substance.count(response),
                        self.words.response,
                        _(
                            "acknowledge it, then say what you did or offer, e.g. 'We confirmed the delay and opened a depot in Gdynia'."
                        ),
                    ),
                    target,
                    can_block=level is Level.BLOCK,
                )
            else:
                answered += 1
        if open_issues and answered == len(open_issues):
            self.add(
                2,
                "arguing.responses",
                Level.OK,
                _("Every open complaint and objection ({n}) has a prepared response.").format(
                    n=len(open_issues)
                ),
            )
        if not open_issues:
            negotiation = self.ctx.meeting.kind == "negotiation"
            self.add(
                2,
                "arguing.expected_objections",
                Level.BLOCK if negotiation else Level.WARN,
                _(
                    "Nothing is recorded that the client may push back on: note the objections you expect (price, a competitor's offer, a past problem), each with a calm response."
                ),
                "client.issues",
                can_block=negotiation,
            )

    # -- 3 interrupting --

    def interrupting(self) -> None:
        typed = [q for q in self.ctx.meeting.questions if q.strip()]
        good = self.good_items(
            3,
            "interrupting.questions",
            typed,
            self.words.question,
            _("question(s)"),
            _("write open questions that let the client talk, e.g. 'How do you compare offers?'"),
            "meeting.questions",
        )
        good = self.distinct(3, "interrupting.duplicate_questions", good, "meeting.questions")
        statements = [q for q in good if not substance.looks_like_question(q, self.langs)]
        if statements:
            self.add(
                3,
                "substance.interrupting.question_form",
                Level.BLOCK,
                _(
                    "Not phrased as questions: {shown}. Ask openly (how, what, why… or end with a question mark)."
                ).format(shown=_quoted(statements)),
                "meeting.questions",
            )
        questions = [q for q in good if q not in statements]
        if not typed:
            self.add(
                3,
                "interrupting.open_questions",
                Level.BLOCK,
                _("Prepare open questions that let the client talk."),
                "meeting.questions",
            )
        elif questions:
            self.add(
                3,
                "interrupting.open_questions",
                Level.OK,
                _("{n} open questions prepared.").format(n=len(questions)),
                "meeting.questions",
            )
            if len(questions) < self.settings.min_questions:
                self.add(
                    3,
                    "interrupting.more_questions",
                    Level.WARN,
                    _(
                        "Only {n} question(s): prepare at least {min} to keep the client talking."
                    ).format(n=len(questions), min=self.settings.min_questions),
                    "meeting.questions",
                    can_block=False,
                )
        for person in self.ctx.attendees:
            self.text(
                3,
                f"interrupting.style.{person.key}",
                person.communication_style,
                self.words.person_field,
                _("Note how {name} communicates (pace, detail, what they dislike).").format(
                    name=person.name
                ),
                _("{name}'s communication style").format(name=person.name),
                _("e.g. 'numbers first, dislikes small talk'."),
                _("{name}: communication style known.").format(name=person.name),
                f"stakeholder:{person.key}.communication_style",
            )
        self.tick(
            3,
            "listening_plan",
            _("Review your listening plan, then tick 'listening plan'."),
            _("The listening-plan tick no longer counts: questions or attendees changed since."),
            _("Listening plan confirmed."),
        )

    # -- 4 lack of information --

    def uninformed(self) -> None:
        ctx = self.ctx
        client = ctx.client
        self.text(
            4,
            "uninformed.what_they_do",
            client.what_they_do,
            self.words.client_profile,
            _("Describe what the client does."),
            _("What the client does"),
            _(
                "say what they make or serve, and for whom, e.g. 'Runs three hospitals in Pomerania'."
            ),
            _("What the client does: known."),
            "client.what_they_do",
        )
        self.text(
            4,
            "uninformed.history",
            client.history,
            self.words.client_profile,
            _("Write the client's history."),
            _("The client's history"),
            _("say when and how they came to be, and since when they buy from us."),
            _("The client's history: known."),
            "client.history",
        )
        self.financials()
        needs = self.good_items(
            4,
            "uninformed.needs",
            [n.text for n in ctx.needs],
            self.words.client_profile,
            _("need(s)"),
            _("say what the client needs and why, e.g. 'Results within 90 minutes for oncology'."),
            "client.needs",
        )
        if not ctx.needs or needs:
            self.need(
                4,
                "uninformed.needs",
                bool(needs),
                _("Record the client's needs."),
                _("{n} client needs on file.").format(n=len(needs)),
                "client.needs",
            )
        development = [p.text for p in ctx.plans if p.kind == "client_development"]
        plans = self.good_items(
            4,
            "uninformed.development_plans",
            development,
            self.words.client_profile,
            _("development plan(s)"),
            _("say what the client plans and when, e.g. 'Opens an oncology wing in 2027'."),
            "client.plans",
        )
        if not development or plans:
            self.need(
                4,
                "uninformed.development_plans",
                bool(plans),
                _("Record the client's own development plans."),
                _("Client development plans on file."),
                "client.plans",
            )
        self.need(
            4,
            "uninformed.attendees",
            bool(ctx.attendees),
            _("Say who attends from the client."),
            _("{n} attendees from the client.").format(n=len(ctx.attendees)),
            "meeting.attendees",
        )
        for person in ctx.attendees:
            missing = [_("role in the decision")] if not person.buying_role else []
            position = (person.position or "").strip()
            if not position:
                missing.insert(0, _("position"))
            target = f"stakeholder:{person.key}.position"
            if position and substance.count(position) < self.words.person_field:
                self.add(
                    4,
                    f"substance.uninformed.profile.{person.key}",
                    Level.BLOCK,
                    self.thin(
                        _("{name}'s position").format(name=person.name),
                        position,
                        substance.count(position),
                        self.words.person_field,
                        _("give the job title, e.g. 'Head of Procurement'."),
                    ),
                    target,
                )
            else:
                self.need(
                    4,
                    f"uninformed.profile.{person.key}",
                    not missing,
                    _("Complete {name}'s profile: {missing}.").format(
                        name=person.name, missing=", ".join(missing)
                    ),
                    _("{name}: profile complete.").format(name=person.name),
                    target,
                )
        self.red_flags()

    def financials(self) -> None:
        ctx = self.ctx
        day = ctx.reference_day
        figures = ("client_revenue", "our_sales", "our_income", "receivables", "overdue")
        empty = [f.period for f in ctx.financials if all(getattr(f, n) is None for n in figures)]
        periods = {f.period: analytics.Period.parse(f.period) for f in ctx.financials}
        future = [label for label, p in periods.items() if p.start > day]
        if empty:
            self.add(
                4,
                "substance.uninformed.financials_figures",
                Level.BLOCK,
                _(
                    "No figures in {periods}: enter at least our sales or income, or delete the period."
                ).format(periods=", ".join(empty)),
                "client.financials",
            )
        if future:
            self.add(
                4,
                "substance.uninformed.financials_future",
                Level.BLOCK,
                _(
                    "{periods} will not have begun by the meeting: financials record what has happened; correct the period."
                ).format(periods=", ".join(future)),
                "client.financials",
            )
        usable = [f for f in ctx.financials if f.period not in empty and f.period not in future]
        ended = [periods[f.period].end for f in usable if periods[f.period].end <= day]
        if ctx.financials and not usable:
            return  # what is wrong with them is said above
        self.need(
            4,
            "uninformed.financials",
            bool(usable),
            _("Add the client's financials."),
            _("Financials on file."),
            "client.financials",
        )
        if usable:
            limit = self.settings.financials_max_age_days
            end = max(ended) if ended else None
            age = (day - end).days if end else None
            self.need(
                4,
                "uninformed.financials_age",
                age is not None and age <= limit,
                _("Add the figures of a period that has ended: none has before the meeting.")
                if age is None
                else _(
                    "Update the financials: the latest period ended {days} days before the meeting (limit {limit})."
                ).format(days=age, limit=limit),
                _("Financials up to date (latest period ended {date}).").format(
                    date=self.fmt.date(end) if end else ""
                ),
                "client.financials",
            )

    def red_flags(self) -> None:
        ctx = self.ctx
        attending = {p.id for p in ctx.attendees}
        day = ctx.reference_day
        level = self.escalate()

        def flag(
            check_id: str, ok: bool, message: str, ok_message: str, target: str | None = None
        ) -> None:
            self.need(4, check_id, ok, message, ok_message, target, level)

        flag(
            "redflag.no_coach",
            any(p.buying_role == "coach" for p in ctx.stakeholders),
            _("Nobody at the client coaches you: find an insider who guides the sale."),
            _("You have a coach at the client."),
            "client.stakeholders",
        )
        economic = [p for p in ctx.stakeholders if p.buying_role == "economic"]
        if not economic:
            flag(
                "redflag.economic_buyer",
                False,
                _("The economic buyer is unknown: find out who signs."),
                "",
                "client.stakeholders",
            )
        else:
            flag(
                "redflag.economic_buyer",
                any(p.id in attending for p in economic),
                _("The economic buyer ({names}) does not attend.").format(
                    names=", ".join(p.name for p in economic)
                ),
                _("The economic buyer attends."),
                "meeting.attendees",
            )
        for person in ctx.attendees:
            if person.attitude == "opponent" and (person.influence or 0) >= 4:
                flag(
                    f"redflag.opponent.{person.key}",
                    False,
                    _("{name} opposes us and has influence {n}/5: plan how to handle them.").format(
                        name=person.name, n=person.influence
                    ),
                    "",
                    f"stakeholder:{person.key}.attitude",
                )
            stage = Stage(person.stage) if person.stage else Stage.UNKNOWN
            if (person.vip or person.kol) and stage is Stage.UNKNOWN:
                # not a red flag: you must know who you meet
                self.add(
                    4,
                    f"uninformed.vip_unknown.{person.key}",
                    Level.BLOCK,
                    _(
                        "{name} is a VIP/KOL you do not know yet (stage: unknown): learn who they are and what they expect (ask your coach, read their work), then set the stage."
                    ).format(name=person.name),
                    f"stakeholder:{person.key}.stage",
                )
            elif stage.rank < Stage.ACQUAINTED.rank:
                flag(
                    f"redflag.stage.{person.key}",
                    False,
                    _(
                        "You barely know {name} (stage: {stage}): learn about them before the meeting."
                    ).format(name=person.name, stage=stage.value),
                    "",
                    f"stakeholder:{person.key}.stage",
                )
        for person in ctx.stakeholders:
            if not (person.vip or person.kol) or not person.contact_every_days:
                continue
            last = person.last_contact_on
            if last is None or (day - last).days > person.contact_every_days:
                since = _("never") if last is None else self.fmt.date(last)
                flag(
                    f"redflag.contact_overdue.{person.key}",
                    False,
                    _("{name} (VIP/KOL) is due a contact: every {n} days, last {since}.").format(
                        name=person.name, n=person.contact_every_days, since=since
                    ),
                    "",
                    f"stakeholder:{person.key}.last_contact_on",
                )

    # -- 5 insufficient preparation --

    def unprepared(self) -> None:
        mt = self.ctx.meeting
        self.text(
            5,
            "unprepared.objective",
            mt.objective,
            self.words.objective,
            _("Write the meeting's objective."),
            _("The objective"),
            _("say what the meeting should achieve, e.g. 'Agree the 2027 volumes and prices'."),
            _("Objective set."),
            "meeting.objective",
        )
        self.text(
            5,
            "unprepared.commitment",
            mt.commitment_sought,
            self.words.commitment,
            _("Say which commitment you will ask for."),
            _("The commitment sought"),
            _(
                "name what they should agree to and by when, e.g. 'A signed letter of intent by 15 December'."
            ),
            _("Commitment sought is set."),
            "meeting.commitment_sought",
        )
        typed = [a for a in mt.agenda if a.strip()]
        agenda = self.good_items(
            5,
            "unprepared.agenda",
            typed,
            self.words.agenda_item,
            _("agenda item(s)"),
            _("name each topic, e.g. 'Volumes and service levels for 2027'."),
            "meeting.agenda",
        )
        agenda = self.distinct(5, "unprepared.duplicate_agenda", agenda, "meeting.agenda")
        if not typed or agenda:
            self.need(
                5,
                "unprepared.agenda",
                bool(agenda),
                _("Write the agenda."),
                _("Agenda of {n} items.").format(n=len(agenda)),
                "meeting.agenda",
            )
        self.proposals()
        if mt.kind == "negotiation":
            self.limits()
        self.credit()
        self.slips()

    def proposals(self) -> None:
        ctx = self.ctx
        thin = [p for p in ctx.proposals if substance.count(p.text) < self.words.proposal]
        if thin:
            self.add(
                5,
                "substance.unprepared.proposals",
                Level.BLOCK,
                _("{n} proposal(s) say too little ({shown}): {hint}").format(
                    n=len(thin),
                    shown=_quoted([p.text for p in thin]),
                    hint=_(
                        "say what you offer and on what terms, e.g. 'Two weeks of consignment stock at our cost'."
                    ),
                ),
                "meeting.proposals",
            )
        dropped = {id(p) for p in thin}
        good = [p for p in ctx.proposals if id(p) not in dropped]
        tied = [p for p in good if p.need_id is not None]
        if not ctx.proposals or good:
            self.need(
                5,
                "unprepared.proposal",
                bool(tied),
                _("Prepare at least one proposal that answers a client need."),
                _("{n} proposal(s) tied to client needs.").format(n=len(tied)),
                "meeting.proposals",
            )
        untied = [p for p in good if p.need_id is None]
        if untied:
            self.add(
                5,
                "unprepared.untied_proposal",
                Level.WARN,
                _("{n} proposal(s) answer no recorded need: tie each to a need.").format(
                    n=len(untied)
                ),
                "meeting.proposals",
                can_block=False,
            )
        without = [
            p
            for p in ctx.proposals
            if not p.no_product and not (p.need_id and ctx.need_products.get(p.need_id))
        ]
        if ctx.proposals:
            self.need(
                5,
                "unprepared.proposal_product",
                not without,
                _(
                    "No product behind {shown}: tie each to a need that names its product, or mark it 'no product' (a service, a process change)."
                ).format(shown=_quoted([p.text for p in without])),
                _("Every proposal names its product, or says it needs none."),
                "meeting.proposals",
            )

    def limits(self) -> None:
        mt = self.ctx.meeting
        policy = self.ctx.client.discount_max_pct
        self.need(
            5,
            "unprepared.limits",
            mt.max_discount_pct is not None,
            _("Set your negotiation limit: the maximum discount you may give."),
            _("Maximum discount: {pct}%.").format(pct=_num(mt.max_discount_pct)),
            "meeting.max_discount_pct",
        )
        if policy is None:
            self.add(
                5,
                "unprepared.limits_policy",
                Level.BLOCK,
                _(
                    "The client's discount policy is unknown: record the maximum discount this client may get, so your limit can be checked against it."
                ),
                "client.discount_max_pct",
            )
        elif mt.max_discount_pct is not None:
            self.need(
                5,
                "unprepared.limits_policy",
                mt.max_discount_pct <= policy,
                _(
                    "Your maximum discount ({pct}%) is above the policy for this client ({max}%)."
                ).format(pct=_num(mt.max_discount_pct), max=_num(policy)),
                _("Discount limit within policy ({max}%).").format(max=_num(policy)),
                "meeting.max_discount_pct",
            )
        self.text(
            5,
            "unprepared.walk_away",
            mt.walk_away,
            self.words.walk_away,
            _("Decide your walk-away point."),
            _("The walk-away point"),
            _("say below what you will not go, e.g. 'No price under 14.60 PLN per result'."),
            _("Walk-away point set."),
            "meeting.walk_away",
        )

    def credit(self) -> None:
        """Overdue debt, an exceeded limit or a downgraded rating: a warning on any meeting,
        a blocker for a negotiation without a prepared line."""
        ctx = self.ctx
        client = ctx.client
        found = []
        money = analytics.receivables(client, ctx.financials)
        currency = client.currency or (ctx.company.currency if ctx.company else None)
        if money is not None:
            ratio = money.overdue_ratio
            if ratio is not None and ratio > self.settings.credit_overdue_max_share:
                found.append(
                    _("{amount} overdue ({share} of receivables, {period})").format(
                        amount=self.fmt.money(money.overdue, currency, compact=True),
                        share=self.fmt.percent(ratio, 0),
                        period=money.period,
                    )
                )
            if money.over_limit:
                found.append(_("receivables over the credit limit"))
        now, before = rating_rank(client.credit_rating), rating_rank(client.previous_credit_rating)
        if now is not None and before is not None and now > before:
            found.append(
                _("rating downgraded from {before} to {now}").format(
                    before=_rating(client.previous_credit_rating),
                    now=_rating(client.credit_rating),
                )
            )
        if not found:
            return
        situation = "; ".join(found)
        line = (self.ctx.meeting.credit_line or "").strip()
        negotiation = self.ctx.meeting.kind == "negotiation"
        target = "meeting.credit_line"
        if line and substance.count(line) >= self.words.credit_line:
            self.add(
                5,
                "unprepared.credit",
                Level.OK,
                _("Credit: {situation}. Your line: {line}").format(
                    situation=situation, line=_short(line)
                ),
                target,
                can_block=negotiation,
            )
            return
        self.add(
            5,
            "unprepared.credit" if not line else "substance.unprepared.credit",
            Level.BLOCK if negotiation else Level.WARN,
            _(
                "Credit: {situation}. Prepare how you will handle it, e.g. 'New orders only within the repayment schedule signed in October'."
            ).format(situation=situation),
            target,
            can_block=negotiation,
        )

    def slips(self) -> None:
        """A slip in the last meeting's self-review needs an answer: what you will do
        differently this time (on the mistake it concerns)."""
        previous = self.ctx.previous
        if previous is None:
            return
        lessons = self.ctx.meeting.lessons or {}
        past = previous.meeting
        when = self.fmt.date(past.starts_at.date()) if past.starts_at else ""
        for review in previous.slips:
            n = review.mistake
            said = (
                _(" (you noted: “{comment}”)").format(comment=_short(review.comment, 70))
                if review.comment
                else ""
            )
            self.text(
                n,
                f"slip.{n}",
                lessons.get(str(n)),
                self.words.lesson,
                _(
                    "Last time ({title}, {when}) you slipped on '{mistake}'{said}: write what you will do differently this time."
                ).format(
                    title=_short(past.title, 40),
                    when=when,
                    mistake=mistake_title(n),
                    said=said,
                ),
                _("What you will do differently"),
                _("name the habit, e.g. 'Let each person finish; count to two before answering'."),
                _("Last time's slip on '{mistake}' answered: {lesson}").format(
                    mistake=mistake_title(n), lesson=_short(lessons.get(str(n), ""), 60)
                ),
                f"meeting.lessons.{n}",
            )

    # -- 6 bad manners --

    def manners(self) -> None:
        words = self.words.person_field
        for person in self.ctx.attendees:
            strict = person.vip or person.kol
            level = Level.BLOCK if strict else Level.WARN
            who = person.name + (" (VIP/KOL)" if strict else "")
            self.text(
                6,
                f"manners.address.{person.key}",
                person.form_of_address,
                words,
                _("How do you address {name}? Add the form of address or title.").format(name=who),
                _("The form of address for {name}").format(name=person.name),
                _(
                    "write the title and name as you will say them, e.g. 'Pani Dyrektor', 'Dr Rossi'."
                ),
                _("{name}: form of address known.").format(name=person.name),
                f"stakeholder:{person.key}.form_of_address",
            )
            language_ok = _("{name}: preferred language known.").format(name=person.name)
            if substance.names_language(person.language):  # "it" and "hu" are words too
                self.add(
                    6,
                    f"manners.language.{person.key}",
                    Level.OK,
                    language_ok,
                    f"stakeholder:{person.key}.language",
                )
            else:
                self.text(
                    6,
                    f"manners.language.{person.key}",
                    person.language,
                    words,
                    _("Which language does {name} prefer?").format(name=who),
                    _("{name}'s language").format(name=person.name),
                    _("give a language, e.g. 'pl' or 'Polish'."),
                    language_ok,
                    f"stakeholder:{person.key}.language",
                )
            self.text(
                6,
                f"manners.pronunciation.{person.key}",
                person.pronunciation,
                words,
                _("Note how to spell and pronounce {name}'s name.").format(name=who),
                _("The pronunciation of {name}").format(name=person.name),
                _("write it as it sounds, e.g. 'WOO-kash VROO-bel'."),
                _("{name}: pronunciation noted.").format(name=person.name),
                f"stakeholder:{person.key}.pronunciation",
                level,
            )
            self.text(
                6,
                f"manners.etiquette.{person.key}",
                person.etiquette,
                words,
                _("Note the etiquette to observe with {name}.").format(name=who),
                _("The etiquette for {name}").format(name=person.name),
                _("e.g. 'formal titles, no first names, punctual to the minute'."),
                _("{name}: etiquette noted.").format(name=person.name),
                f"stakeholder:{person.key}.etiquette",
                level,
            )
        self.tick(
            6,
            "etiquette_reviewed",
            _("Review forms of address and etiquette, then tick 'etiquette reviewed'."),
            _("The etiquette tick no longer counts: attendees or their details changed since."),
            _("Etiquette reviewed."),
        )

    # -- 7 poor product knowledge --

    def product(self) -> None:
        if not self.ctx.products:
            self.add(
                7,
                "product.none",
                Level.WARN,
                _("No product is on the table: add the products you will discuss."),
                "meeting.products",
                can_block=False,
            )
        limit = self.settings.product_review_max_age_days
        for info in self.ctx.products:
            p = info.product
            facts = self.good_items(
                7,
                f"product.facts.{p.key}",
                list(p.key_facts),
                self.words.key_fact,
                _("key fact(s) of {name}").format(name=p.name),
                _("state what sets it apart, e.g. '12 markers in one run, results in 18 minutes'."),
                f"product:{p.key}.key_facts",
            )
            if not p.key_facts or facts:
                self.need(
                    7,
                    f"product.facts.{p.key}",
                    bool(facts),
                    _("Write the key facts of {name}.").format(name=p.name),
                    _("{name}: {n} key facts.").format(name=p.name, n=len(facts)),
                    f"product:{p.key}.key_facts",
                )
            good = [
                f
                for f in info.faqs
                if not substance.is_placeholder(f.question)
                and substance.count(f.answer) >= self.words.faq_answer
            ]
            kept = {id(f) for f in good}  # identity: rows compare by value, slowly
            thin = [f for f in info.faqs if id(f) not in kept]
            if thin:
                self.add(
                    7,
                    f"substance.product.faqs.{p.key}",
                    Level.BLOCK,
                    _(
                        "{n} prepared answer(s) about {name} say too little ({shown}): {hint}"
                    ).format(
                        n=len(thin),
                        name=p.name,
                        shown=_quoted([f.answer or f.question for f in thin]),
                        hint=_(
                            "answer a question clients really ask, e.g. 'Four hours from sample to result'."
                        ),
                    ),
                    f"product:{p.key}.faqs",
                )
            if not info.faqs or good:
                self.need(
                    7,
                    f"product.faqs.{p.key}",
                    bool(good),
                    _("Prepare answers to likely questions about {name}.").format(name=p.name),
                    _("{name}: {n} prepared answers.").format(name=p.name, n=len(good)),
                    f"product:{p.key}.faqs",
                )
            reviewed = p.reviewed_on
            if reviewed is not None and reviewed > self.ctx.reference_day:
                self.add(
                    7,
                    f"substance.product.review.{p.key}",
                    Level.BLOCK,
                    _(
                        "{name} shows a review on {date}, after the meeting: enter the day you last went through its facts."
                    ).format(name=p.name, date=self.fmt.date(reviewed)),
                    f"product:{p.key}.reviewed_on",
                )
                continue
            age = (self.ctx.reference_day - reviewed).days if reviewed else None
            self.need(
                7,
                f"product.review.{p.key}",
                age is not None and age <= limit,
                _("Review what you know about {name}: never reviewed.").format(name=p.name)
                if age is None
                else _(
                    "Review what you know about {name}: last reviewed {days} days before the meeting (limit {limit})."
                ).format(name=p.name, days=age, limit=limit),
                _("{name}: reviewed on {date}.").format(
                    name=p.name, date=self.fmt.date(reviewed) if reviewed else ""
                ),
                f"product:{p.key}.reviewed_on",
            )


# Letter ratings, best first (S&P and Fitch style; an internal scale written the same way
# reads the same). Text after the grade ("A- (internal): pays in 55 days") is ignored.
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


def _rating(text: str | None) -> str:
    return (text or "").strip().split()[0] if text and text.strip() else ""


def rating_rank(text: str | None) -> int | None:
    """The position of a rating on the letter scale (0 is AAA), or None when the text does
    not start with a grade."""
    grade = _rating(text).rstrip(",;:.")
    return RATING_SCALE.index(grade) if grade in RATING_SCALE else None


def _richness(n: int, min_words: int) -> float:
    """A text only just long enough earns three quarters of its check; twice the minimum, all."""
    return min(1.0, 0.75 + 0.25 * (n - min_words) / max(min_words, 1))


def _quoted(items: list[str], most: int = 3) -> str:
    shown = ", ".join(f"“{_short(i.strip(), 30)}”" for i in items[:most])
    return shown + (", …" if len(items) > most else "")


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


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
        ctx.meeting.key, checks, analytics.leave_by(ctx.meeting, settings.default_buffer_min)
    )


def scores(db: Database, meeting_keys: list[str]) -> dict[str, tuple[bool, int]]:
    """(ready, score) of each meeting, for the portfolio lists; loads each meeting's context
    (run it off the GUI thread)."""
    from kamdesk.core import settings as settings_mod
    from kamdesk.core.meeting.context import load_meeting_context

    prefs = settings_mod.load()
    out = {}
    with db.session() as session:
        for key in meeting_keys:
            report = evaluate(load_meeting_context(session, key), prefs)
            out[key] = (report.ready, report.score)
    return out
