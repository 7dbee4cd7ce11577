"""4 Lack of information: the client, its figures, its people, the red flags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.core.account import analytics
from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.readiness.report import (
    Level,
)
from kamdesk.core.meeting.readiness.rules import (
    RuleBase,
)
from kamdesk.core.model.enums import Stage

if TYPE_CHECKING:
    pass


class UninformedRules(RuleBase):
    def uninformed(self) -> None:
        self._client_profile()
        self.financials()
        self._needs_and_plans()
        self._attendee_profiles()
        self.red_flags()

    def _client_profile(self) -> None:
        """What the client does and its history."""
        client = self.ctx.client
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

    def _needs_and_plans(self) -> None:
        """The client's needs and its own development plans, each with enough words."""
        ctx = self.ctx
        needs = self.good_items(
            4,
            "uninformed.needs",
            [n.text for n in ctx.needs],
            self.words.client_profile,
            _("need(s)"),
            _("say what the client needs and why, e.g. 'Results within 90 minutes for oncology'."),
            "client.needs",
            [f"need:{n.id}.text" for n in ctx.needs],
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
        own = [p for p in ctx.plans if p.kind == "client_development"]
        development = [p.text for p in own]
        plans = self.good_items(
            4,
            "uninformed.development_plans",
            development,
            self.words.client_profile,
            _("development plan(s)"),
            _("say what the client plans and when, e.g. 'Opens an oncology wing in 2027'."),
            "client.plans",
            [f"plan:{p.id}.text" for p in own],
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

    def _attendee_profiles(self) -> None:
        """Who attends from the client, each with a position and a role in the decision."""
        ctx = self.ctx
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

    def financials(self) -> None:
        ctx = self.ctx
        day = ctx.reference_day
        figures = ("client_revenue", "our_sales", "our_income", "receivables", "overdue")
        empty = [f.period for f in ctx.financials if all(getattr(f, n) is None for n in figures)]
        periods = {f.period: analytics.Period.parse(f.period) for f in ctx.financials}
        future = [label for label, p in periods.items() if p.start > day]
        row = {f.period: f"financial:{f.id}.period" for f in ctx.financials}
        if empty:
            self.add(
                4,
                "substance.uninformed.financials_figures",
                Level.BLOCK,
                _(
                    "No figures in {periods}: enter at least our sales or income, or delete the period."
                ).format(periods=", ".join(empty)),
                row[empty[0]],
            )
        if future:
            self.add(
                4,
                "substance.uninformed.financials_future",
                Level.BLOCK,
                _(
                    "{periods} will not have begun by the meeting: financials record what has happened; correct the period."
                ).format(periods=", ".join(future)),
                row[future[0]],
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
            latest = max(usable, key=lambda f: periods[f.period].end)  # the one to bring up to date
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
                row[latest.period],
            )

    def red_flags(self) -> None:
        level = self.escalate()
        self._buyer_flags(level)
        self._attendee_flags(level)
        self._contact_flags(level)

    def _flag(
        self,
        level: Level,
        check_id: str,
        ok: bool,
        message: str,
        ok_message: str,
        target: str | None = None,
    ) -> None:
        self.need(4, check_id, ok, message, ok_message, target, level)

    def _buyer_flags(self, level: Level) -> None:
        """A coach at the client, and the economic buyer known and attending."""
        ctx = self.ctx
        attending = {p.id for p in ctx.attendees}
        self._flag(
            level,
            "redflag.no_coach",
            any(p.buying_role == "coach" for p in ctx.stakeholders),
            _("Nobody at the client coaches you: find an insider who guides the sale."),
            _("You have a coach at the client."),
            "client.stakeholders",
        )
        economic = [p for p in ctx.stakeholders if p.buying_role == "economic"]
        if not economic:
            self._flag(
                level,
                "redflag.economic_buyer",
                False,
                _("The economic buyer is unknown: find out who signs."),
                "",
                "client.stakeholders",
            )
        else:
            self._flag(
                level,
                "redflag.economic_buyer",
                any(p.id in attending for p in economic),
                _("The economic buyer ({names}) does not attend.").format(
                    names=", ".join(p.name for p in economic)
                ),
                _("The economic buyer attends."),
                "meeting.attendees",
            )

    def _attendee_flags(self, level: Level) -> None:
        """Influential opponents attending, and attendees you barely know (a VIP/KOL you do
        not know at all blocks)."""
        for person in self.ctx.attendees:
            if person.attitude == "opponent" and (person.influence or 0) >= 4:
                self._flag(
                    level,
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
                self._flag(
                    level,
                    f"redflag.stage.{person.key}",
                    False,
                    _(
                        "You barely know {name} (stage: {stage}): learn about them before the meeting."
                    ).format(name=person.name, stage=stage.value),
                    "",
                    f"stakeholder:{person.key}.stage",
                )

    def _contact_flags(self, level: Level) -> None:
        """VIPs and KOLs whose contact cadence has lapsed by the meeting's day."""
        day = self.ctx.reference_day
        for person in self.ctx.stakeholders:
            if not (person.vip or person.kol) or not person.contact_every_days:
                continue
            last = person.last_contact_on
            if last is None or (day - last).days > person.contact_every_days:
                since = _("never") if last is None else self.fmt.date(last)
                self._flag(
                    level,
                    f"redflag.contact_overdue.{person.key}",
                    False,
                    _("{name} (VIP/KOL) is due a contact: every {n} days, last {since}.").format(
                        name=person.name, n=person.contact_every_days, since=since
                    ),
                    "",
                    f"stakeholder:{person.key}.last_contact_on",
                )

    # -- 5 insufficient preparation --
