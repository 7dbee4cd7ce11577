"""5 Insufficient preparation: objective, agenda, proposals, limits, credit, last time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.core.account import analytics
from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.readiness.report import (
    Level,
    mistake_title,
    short,
)
from kamdesk.core.meeting.readiness.rules import (
    RuleBase,
    num,
    quoted,
    rating,
    rating_rank,
)

if TYPE_CHECKING:
    pass


class UnpreparedRules(RuleBase):
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
                    shown=quoted([p.text for p in thin]),
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
                ).format(shown=quoted([p.text for p in without])),
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
            _("Maximum discount: {pct}%.").format(pct=num(mt.max_discount_pct)),
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
                ).format(pct=num(mt.max_discount_pct), max=num(policy)),
                _("Discount limit within policy ({max}%).").format(max=num(policy)),
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
                    before=rating(client.previous_credit_rating),
                    now=rating(client.credit_rating),
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
                    situation=situation, line=short(line)
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
                _(" (you noted: “{comment}”)").format(comment=short(review.comment, 70))
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
                    title=short(past.title, 40),
                    when=when,
                    mistake=mistake_title(n),
                    said=said,
                ),
                _("What you will do differently"),
                _("name the habit, e.g. 'Let each person finish; count to two before answering'."),
                _("Last time's slip on '{mistake}' answered: {lesson}").format(
                    mistake=mistake_title(n), lesson=short(lessons.get(str(n), ""), 60)
                ),
                f"meeting.lessons.{n}",
            )

    # -- 6 bad manners --
