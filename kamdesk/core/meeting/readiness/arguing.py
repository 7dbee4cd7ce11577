"""2 Arguing: what the client objects to, and how we answer without a fight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.readiness.report import (
    Level,
    short,
)
from kamdesk.core.meeting.readiness.rules import (
    RuleBase,
)
from kamdesk.core.model import labels

if TYPE_CHECKING:
    pass


class ArguingRules(RuleBase):
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
                        kind=kind, who=raised, text=short(issue.text)
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
                        _("The response to “{text}”").format(text=short(issue.text, 40)),
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
