"""7 Poor product knowledge: the products in play, their facts and answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.context import ProductInfo
from kamdesk.core.meeting.readiness.report import (
    Level,
)
from kamdesk.core.meeting.readiness.rules import (
    RuleBase,
    quoted,
)
from kamdesk.core.model import models as m

if TYPE_CHECKING:
    pass


class ProductRules(RuleBase):
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
        for info in self.ctx.products:
            self._product_facts(info.product)
            self._product_answers(info)
            self._product_review(info.product)

    def _product_facts(self, p: m.Product) -> None:
        """The product's key facts, each with enough words."""
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

    def _product_answers(self, info: ProductInfo) -> None:
        """Prepared answers to likely questions, each a real question with a real answer."""
        p = info.product
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
                _("{n} prepared answer(s) about {name} say too little ({shown}): {hint}").format(
                    n=len(thin),
                    name=p.name,
                    shown=quoted([f.answer or f.question for f in thin]),
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

    def _product_review(self, p: m.Product) -> None:
        """When what we know of the product was last gone through: not after the meeting, not
        longer ago than the limit."""
        limit = self.settings.product_review_max_age_days
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
            return
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
