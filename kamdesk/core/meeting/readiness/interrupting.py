"""3 Interrupting: open questions that let the client talk, and listening."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.readiness.report import (
    Level,
)
from kamdesk.core.meeting.readiness.rules import (
    RuleBase,
    quoted,
)

if TYPE_CHECKING:
    pass


class InterruptingRules(RuleBase):
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
                ).format(shown=quoted(statements)),
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
