"""The demo portfolio: a believable set of key clients for trying kamdesk out.

The file ``resources/demo/portfolio.json`` is written as of its ``exported_at`` day. When it is
loaded, every date moves forward by the whole weeks since then (weekdays stay weekdays) and
every financial period by the whole calendar periods of its kind between that day and today
(years by years, quarters by quarters, months by months), so the meetings are always upcoming
and the financials as fresh as on the day the demo was written: the newest full year is last
year, the newest quarter the last one that ended. (Shifting periods by the years elapsed
instead left the quarters up to a year stale, and the flagship meeting blocked as
"uninformed" for most of each year.)
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import func, select

from kamdesk.core import resources, settings
from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange import exchange
from kamdesk.core.model import models as m
from kamdesk.core.storage.db import Database

DATE_FIELDS = {"reviewed_on", "due", "last_contact_on", "on"}
# The demo's amounts are in each client's currency; these rates (value of one unit in EUR, the
# demo company's currency) let income shares be computed. Added to the user's settings only
# for currencies not set there yet.
DEMO_RATES = {"PLN": 0.2353, "HUF": 0.0025, "KZT": 0.00182}
DATETIME_FIELDS = {"starts_at"}
PERIOD_FIELDS = {"period"}


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(resources.path("demo", "portfolio.json").read_text("utf-8"))
    return raw


def written_on(raw: dict[str, Any] | None = None) -> dt.date:
    """The day the demo file is written as of (its ``exported_at``)."""
    stamp = (raw or _raw())["exported_at"]
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()


def demo_document(today: dt.date | None = None) -> dict[str, Any]:
    raw = _raw()
    anchor = written_on(raw)
    today = today or dt.date.today()
    weeks = (today - anchor).days // 7
    shift = dt.timedelta(weeks=weeks)
    months = (today.year - anchor.year) * 12 + today.month - anchor.month
    quarters = (today.year - anchor.year) * 4 + (today.month - 1) // 3 - (anchor.month - 1) // 3
    periods = _PeriodShift(today.year - anchor.year, quarters, months)
    return _shift(raw, shift, periods)


@dataclass(frozen=True)
class _PeriodShift:
    """How many calendar years, quarters and months lie between the demo's day and today."""

    years: int
    quarters: int
    months: int

    def apply(self, label: str) -> str:
        """``2025`` + years, ``2026-Q3`` + quarters, ``2026-07`` + months."""
        year = int(label[:4])
        if len(label) == 4:
            return str(year + self.years)
        if label[5] == "Q":
            index = year * 4 + int(label[6]) - 1 + self.quarters
            return f"{index // 4}-Q{index % 4 + 1}"
        index = year * 12 + int(label[5:7]) - 1 + self.months
        return f"{index // 12}-{index % 12 + 1:02d}"


def _shift(node: Any, shift: dt.timedelta, periods: _PeriodShift) -> Any:
    if isinstance(node, list):
        return [_shift(item, shift, periods) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for name, value in node.items():
        if isinstance(value, str) and name in DATE_FIELDS:
            value = (dt.date.fromisoformat(value) + shift).isoformat()
        elif isinstance(value, str) and name in DATETIME_FIELDS:
            value = (dt.datetime.fromisoformat(value) + shift).isoformat()
        elif isinstance(value, str) and name in PERIOD_FIELDS:
            value = periods.apply(value)
        else:
            value = _shift(value, shift, periods)
        out[name] = value
    return out


def is_empty(db: Database) -> bool:
    with db.session() as session:
        clients = session.exec(select(func.count()).select_from(m.Client)).one()
        products = session.exec(select(func.count()).select_from(m.Product)).one()
        company = session.get(m.Company, 1)
    return clients == 0 and products == 0 and company is None


def load_demo(db: Database, today: dt.date | None = None) -> exchange.ImportSummary:
    """Load the demo into an empty database; never over a user's data."""
    if not is_empty(db):
        raise KamdeskError(
            f"{db.path} already holds data; the demo portfolio is only loaded into an empty "
            "database (use --db with a new file)."
        )
    text = json.dumps(demo_document(today), ensure_ascii=False)
    # our own demo: its ticks are the story it tells, reviewed as if here
    summary = exchange.import_text(db, text, "demo portfolio", trusted_ticks=True)
    add_missing_rates(DEMO_RATES)
    return summary


def add_missing_rates(rates: dict[str, float]) -> list[str]:
    """Add exchange rates for currencies the settings do not know yet; returns those added."""
    prefs = settings.load()  # the file itself: it is written back
    added = [code for code in rates if code not in prefs.exchange_rates]
    if added:
        prefs.exchange_rates = {**prefs.exchange_rates, **{c: rates[c] for c in added}}
        settings.save(prefs)
    return added
