"""The seven-mistakes gate: checks computed from a meeting's context.

Each check has a stable id, the mistake it prevents (1–7), a level (block / warn / ok), a
message saying what to do, and a ``target`` naming the field that fixes it (the GUI jumps
there). A meeting is ready when nothing blocks. Red flags from the stakeholder map only warn.

The mistakes: 1 arriving late, 2 arguing, 3 interrupting, 4 lack of information,
5 insufficient preparation, 6 bad manners, 7 poor product knowledge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kamdesk.core import analytics, confirmations
from kamdesk.core.context import MeetingContext
from kamdesk.core.enums import Stage
from kamdesk.core.i18n import _
from kamdesk.core.settings import Settings

if TYPE_CHECKING:
    from kamdesk.core.db import Database


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

# Weights for the score: a check that can block counts three times one that can only warn.
BLOCK_WEIGHT = 3
WARN_WEIGHT = 1


@dataclass(frozen=True)
class Check:
    mistake: int
    id: str
    level: Level
    message: str
    target: str | None = None  # e.g. "meeting.travel_min", "stakeholder:sokolov.language"
    can_block: bool = True

    def as_json(self) -> dict[str, Any]:
        return {
            "mistake": self.mistake,
            "id": self.id,
            "level": self.level.value,
            "message": self.message,
        }


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
        total = earned = 0.0
        for check in self.checks:
            weight = BLOCK_WEIGHT if check.can_block else WARN_WEIGHT
            total += weight
            if check.level is Level.OK:
                earned += weight
            elif check.level is Level.WARN:
                earned += weight / 2
        return round(100 * earned / total) if total else 100

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
        self.now = now
        self.checks: list[Check] = []
        self.ticks = confirmations.effective(ctx.meeting, ctx.attendees)

    def add(
        self,
        mistake: int,
        check_id: str,
        level: Level,
        message: str,
        target: str | None = None,
        can_block: bool = True,
    ) -> None:
        self.checks.append(Check(mistake, check_id, level, message, target, can_block))

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

    def tick(
        self, mistake: int, name: str, ask: str, void: str, given: str, level: Level = Level.BLOCK
    ) -> None:
        meeting = self.ctx.meeting
        if self.ticks[name]:
            self.add(
                mistake, f"tick.{name}", Level.OK, given, f"meeting.{name}", level is Level.BLOCK
            )
        elif getattr(meeting, f"{name}_fp"):
            self.add(mistake, f"tick.{name}", level, void, f"meeting.{name}", level is Level.BLOCK)
        else:
            self.add(mistake, f"tick.{name}", level, ask, f"meeting.{name}", level is Level.BLOCK)

    # -- 1 arriving late --

    def late(self) -> None:
        mt = self.ctx.meeting
        start = mt.starts_at
        self.need(
            1,
            "late.start_time",
            start is not None,
            _("Set the meeting's start time."),
            _("Starts {when}.").format(when=start.strftime("%Y-%m-%d %H:%M %z") if start else ""),
            "meeting.starts_at",
        )
        self.need(
            1,
            "late.duration",
            mt.duration_min is not None,
            _("Set how long the meeting lasts, to plan what comes after."),
            _("Lasts {n} minutes.").format(n=mt.duration_min),
            "meeting.duration_min",
            Level.WARN,
        )
        if start is not None and start < self.now:
            self.add(
                1,
                "late.in_past",
                Level.WARN,
                _("This meeting's start time has passed."),
                "meeting.starts_at",
                can_block=False,
            )
        if mt.mode == "in_person":
            self.need(
                1,
                "late.location",
                bool(mt.location),
                _("Set where the meeting takes place."),
                _("Place: {where}.").format(where=mt.location),
                "meeting.location",
            )
            leave = analytics.leave_by(mt, self.settings.default_buffer_min)
            buffer = (
                mt.buffer_min if mt.buffer_min is not None else self.settings.default_buffer_min
            )
            self.need(
                1,
                "late.travel_time",
                mt.travel_min is not None,
                _("Add a travel time for this in-person meeting."),
                _("Leave by {time} ({travel} min travel + {buffer} min buffer).").format(
                    time=leave.strftime("%H:%M") if leave else "",
                    travel=mt.travel_min,
                    buffer=buffer,
                ),
                "meeting.travel_min",
            )
            if leave is not None and start is not None and leave < self.now < start:
                self.add(
                    1,
                    "late.leave_now",
                    Level.WARN,
                    _("You should have left at {time}.").format(time=leave.strftime("%H:%M")),
                    "meeting.travel_min",
                    can_block=False,
                )
            self.tick(
                1,
                "route_checked",
                _("Check the route and the venue, then tick 'route checked'."),
                _(
                    "The route tick no longer counts: time, place or travel changed since. Check again."
                ),
                _("Route checked."),
            )
        elif mt.mode == "video":
            self.need(
                1,
                "late.video_link",
                bool(mt.video_link),
                _("Add the video call link."),
                _("Video link set."),
                "meeting.video_link",
            )
            self.tick(
                1,
                "route_checked",
                _("Test the link and your equipment, then tick 'route checked'."),
                _(
                    "The connection tick no longer counts: the link or time changed since. Test again."
                ),
                _("Connection tested."),
                Level.WARN,
            )
        else:
            missing = [p.name for p in self.ctx.attendees if not p.phone]
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
        missing = 0
        for issue in self.ctx.issues:
            if issue.status != "open" or (issue.response or "").strip():
                continue
            missing += 1
            who = people.get(issue.raised_by_id) if issue.raised_by_id else None
            level = Level.BLOCK if who is None or who.id in attending else Level.WARN
            raised = who.name if who else _("the client")
            kind = _("complaint") if issue.kind == "complaint" else _("objection")
            self.add(
                2,
                f"arguing.response.{issue.id}",
                level,
                _("Prepare a calm response to the {kind} raised by {who}: “{text}”.").format(
                    kind=kind, who=raised, text=_short(issue.text)
                ),
                f"issue:{issue.id}.response",
                can_block=level is Level.BLOCK,
            )
        if not missing:
            count = sum(1 for i in self.ctx.issues if i.status == "open")
            self.add(
                2,
                "arguing.responses",
                Level.OK,
                _("Every open complaint and objection ({n}) has a prepared response.").format(
                    n=count
                ),
            )

    # -- 3 interrupting --

    def interrupting(self) -> None:
        questions = [q for q in self.ctx.meeting.questions if q.strip()]
        self.need(
            3,
            "interrupting.open_questions",
            bool(questions),
            _("Prepare open questions that let the client talk."),
            _("{n} open questions prepared.").format(n=len(questions)),
            "meeting.questions",
        )
        if 0 < len(questions) < 3:
            self.add(
                3,
                "interrupting.more_questions",
                Level.WARN,
                _(
                    "Only {n} question(s): prepare at least three to keep the client talking."
                ).format(n=len(questions)),
                "meeting.questions",
                can_block=False,
            )
        for person in self.ctx.attendees:
            self.need(
                3,
                f"interrupting.style.{person.key}",
                bool(person.communication_style),
                _("Note how {name} communicates (pace, detail, what they dislike).").format(
                    name=person.name
                ),
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
        self.need(
            4,
            "uninformed.what_they_do",
            bool(client.what_they_do),
            _("Describe what the client does."),
            _("What the client does: known."),
            "client.what_they_do",
        )
        self.need(
            4,
            "uninformed.history",
            bool(client.history),
            _("Write the client's history."),
            _("The client's history: known."),
            "client.history",
        )
        end = analytics.latest_period_end(ctx.financials)
        self.need(
            4,
            "uninformed.financials",
            end is not None,
            _("Add the client's financials."),
            _("Financials on file."),
            "client.financials",
        )
        if end is not None:
            age = (ctx.reference_day - end).days
            limit = self.settings.financials_max_age_days
            self.need(
                4,
                "uninformed.financials_age",
                age <= limit,
                _(
                    "Update the financials: the latest period ended {days} days before the meeting (limit {limit})."
                ).format(days=age, limit=limit),
                _("Financials up to date (latest period ended {date}).").format(
                    date=end.isoformat()
                ),
                "client.financials",
            )
        self.need(
            4,
            "uninformed.needs",
            bool(ctx.needs),
            _("Record the client's needs."),
            _("{n} client needs on file.").format(n=len(ctx.needs)),
            "client.needs",
        )
        development = [p for p in ctx.plans if p.kind == "client_development"]
        self.need(
            4,
            "uninformed.development_plans",
            bool(development),
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
            missing = [
                label
                for label, value in (
                    (_("position"), person.position),
                    (_("role in the decision"), person.buying_role),
                )
                if not value
            ]
            self.need(
                4,
                f"uninformed.profile.{person.key}",
                not missing,
                _("Complete {name}'s profile: {missing}.").format(
                    name=person.name, missing=", ".join(missing)
                ),
                _("{name}: profile complete.").format(name=person.name),
                f"stakeholder:{person.key}.position",
            )
        self.red_flags()

    def red_flags(self) -> None:
        ctx = self.ctx
        attending = {p.id for p in ctx.attendees}
        day = ctx.reference_day

        def flag(
            check_id: str, ok: bool, message: str, ok_message: str, target: str | None = None
        ) -> None:
            self.need(4, check_id, ok, message, ok_message, target, Level.WARN)

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
            if stage.rank < Stage.ACQUAINTED.rank:
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
                since = _("never") if last is None else last.isoformat()
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
        self.need(
            5,
            "unprepared.objective",
            bool(mt.objective),
            _("Write the meeting's objective."),
            _("Objective set."),
            "meeting.objective",
        )
        self.need(
            5,
            "unprepared.commitment",
            bool(mt.commitment_sought),
            _("Say which commitment you will ask for."),
            _("Commitment sought is set."),
            "meeting.commitment_sought",
        )
        self.need(
            5,
            "unprepared.agenda",
            bool([a for a in mt.agenda if a.strip()]),
            _("Write the agenda."),
            _("Agenda of {n} items.").format(n=len(mt.agenda)),
            "meeting.agenda",
        )
        tied = [p for p in self.ctx.proposals if p.need_id is not None]
        self.need(
            5,
            "unprepared.proposal",
            bool(tied),
            _("Prepare at least one proposal that answers a client need."),
            _("{n} proposal(s) tied to client needs.").format(n=len(tied)),
            "meeting.proposals",
        )
        untied = [p for p in self.ctx.proposals if p.need_id is None]
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
        if mt.kind == "negotiation":
            policy = self.ctx.client.discount_max_pct
            self.need(
                5,
                "unprepared.limits",
                mt.max_discount_pct is not None,
                _("Set your negotiation limit: the maximum discount you may give."),
                _("Maximum discount: {pct}%.").format(pct=_num(mt.max_discount_pct)),
                "meeting.max_discount_pct",
            )
            if mt.max_discount_pct is not None and policy is not None:
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
            self.need(
                5,
                "unprepared.walk_away",
                bool(mt.walk_away),
                _("Decide your walk-away point."),
                _("Walk-away point set."),
                "meeting.walk_away",
                Level.WARN,
            )

    # -- 6 bad manners --

    def manners(self) -> None:
        for person in self.ctx.attendees:
            strict = person.vip or person.kol
            level = Level.BLOCK if strict else Level.WARN
            who = person.name + (" (VIP/KOL)" if strict else "")
            self.need(
                6,
                f"manners.address.{person.key}",
                bool(person.form_of_address),
                _("How do you address {name}? Add the form of address or title.").format(name=who),
                _("{name}: form of address known.").format(name=person.name),
                f"stakeholder:{person.key}.form_of_address",
            )
            self.need(
                6,
                f"manners.language.{person.key}",
                bool(person.language),
                _("Which language does {name} prefer?").format(name=who),
                _("{name}: preferred language known.").format(name=person.name),
                f"stakeholder:{person.key}.language",
            )
            self.need(
                6,
                f"manners.pronunciation.{person.key}",
                bool(person.pronunciation),
                _("Note how to spell and pronounce {name}'s name.").format(name=who),
                _("{name}: pronunciation noted.").format(name=person.name),
                f"stakeholder:{person.key}.pronunciation",
                level,
            )
            self.need(
                6,
                f"manners.etiquette.{person.key}",
                bool(person.etiquette),
                _("Note the etiquette to observe with {name}.").format(name=who),
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
            self.need(
                7,
                f"product.facts.{p.key}",
                bool(p.key_facts),
                _("Write the key facts of {name}.").format(name=p.name),
                _("{name}: {n} key facts.").format(name=p.name, n=len(p.key_facts)),
                f"product:{p.key}.key_facts",
            )
            self.need(
                7,
                f"product.faqs.{p.key}",
                bool(info.faqs),
                _("Prepare answers to likely questions about {name}.").format(name=p.name),
                _("{name}: {n} prepared answers.").format(name=p.name, n=len(info.faqs)),
                f"product:{p.key}.faqs",
            )
            reviewed = p.reviewed_on
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
                    name=p.name, date=reviewed.isoformat() if reviewed else ""
                ),
                f"product:{p.key}.reviewed_on",
            )


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
    from kamdesk.core.context import load_meeting_context

    prefs = settings_mod.load()
    out = {}
    with db.session() as session:
        for key in meeting_keys:
            report = evaluate(load_meeting_context(session, key), prefs)
            out[key] = (report.ready, report.score)
    return out
