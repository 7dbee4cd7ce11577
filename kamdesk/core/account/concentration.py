"""How concentrated our income is: the shares of the top client and the top three, the
Herfindahl index over the clients in the dossier, with plain-language warnings, and the Pareto
points of the portfolio report. A pure function of the clients' figures (``portfolio``
computes them; it names all of this again)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamdesk.core.account import analytics
from kamdesk.core.i18n import _
from kamdesk.core.model import models as m

if TYPE_CHECKING:
    from kamdesk.core.account.portfolio import ClientFigures

HHI_MODERATE = 1500  # points; the usual antitrust thresholds, a plain yardstick here
HHI_HIGH = 2500
TOP3_HIGH = 0.50
PARETO_LINE = 0.80


@dataclass(frozen=True)
class Concentration:
    company_income: float | None  # the company's annual income (None: not set)
    year: str | None  # the latest income year used (most clients')
    clients_with_income: int
    dossier_share: float | None  # all clients in the dossier together
    top1_name: str | None
    top1_share: float | None
    top3_share: float | None
    hhi: float | None  # 0..10,000 points
    warnings: tuple[str, ...] = ()


def concentration_of(clients: list[ClientFigures], company: m.Company | None) -> Concentration:
    """How much of our income rests on few clients, with plain-language warnings."""
    total = company.annual_income if company and company.annual_income else None
    shares = sorted(
        ((c.name, c.income_share) for c in clients if c.income_share is not None),
        key=lambda pair: -pair[1],
    )
    years = [c.income_year for c in clients if c.income_year]
    year = max(set(years), key=years.count) if years else None
    if total is None or not shares:
        return Concentration(total, year, len(shares), None, None, None, None, None)
    values = [s for _, s in shares]
    top1_name, top1 = shares[0]
    top3 = sum(values[:3])
    hhi = sum((s * 100) ** 2 for s in values)
    warnings = []
    if top1 > analytics.MONO_CLIENT_SHARE:
        warnings.append(
            _(
                "{name} brings {share:.0%} of our income: a mono-client. Losing it would "
                "threaten the company; act now to keep it and to win other income."
            ).format(name=top1_name, share=top1)
        )
    elif top1 > analytics.CRITICAL_SHARE:
        warnings.append(
            _(
                "{name} brings {share:.0%} of our income: a critical dependency. Protect the "
                "relationship and raise barriers against competitors."
            ).format(name=top1_name, share=top1)
        )
    if top3 > TOP3_HIGH:
        warnings.append(
            _("The top three clients bring {share:.0%} of our income.").format(share=top3)
        )
    if hhi > HHI_HIGH:
        warnings.append(
            _(
                "Our income is highly concentrated (Herfindahl index {hhi:,.0f} of 10,000; "
                "above {high:,} counts as high)."
            ).format(hhi=hhi, high=HHI_HIGH)
        )
    return Concentration(
        total,
        year,
        len(shares),
        sum(values),
        top1_name,
        top1,
        top3,
        hhi,
        tuple(warnings),
    )


def pareto_points(items: list[tuple[str, float]], total: float) -> list[tuple[str, float, float]]:
    """(client, share of our total income, cumulative share), largest first."""
    out, running = [], 0.0
    for name, amount in sorted(items, key=lambda pair: -pair[1]):
        share = amount / total if total else 0.0
        running += share
        out.append((name, share, running))
    return out
