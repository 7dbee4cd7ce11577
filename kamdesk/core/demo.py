"""The demo portfolio: a believable set of key clients for trying kamdesk out.

The file ``resources/demo/portfolio.json`` is written as of its ``exported_at`` day. When it is
loaded, every date moves forward by the whole weeks since then (weekdays stay weekdays) and
every financial period by the whole years since then, so the meetings are always upcoming and
the financials as fresh as on the day the demo was written.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import func, select

from kamdesk.core import exchange, resources, settings
from kamdesk.core import models as m
from kamdesk.core.db import Database
from kamdesk.core.errors import KamdeskError

DATE_FIELDS = {"reviewed_on", "due", "last_contact_on", "on"}
# The demo's amounts are in each client's currency; these rates (value of one unit in EUR, the
# demo company's currency) let income shares be computed. Added to the user's settings only
# for currencies not set there yet.
DEMO_RATES = {"PLN": 0.2353, "HUF": 0.0025, "KZT": 0.00182}
DATETIME_FIELDS = {"starts_at"}
PERIOD_FIELDS = {"period"}


def demo_document(today: dt.date | None = None) -> dict[str, Any]:
    raw = json.loads(resources.path("demo", "portfolio.json").read_text("utf-8"))
    anchor = dt.datetime.fromisoformat(raw["exported_at"].replace("Z", "+00:00")).date()
    today = today or dt.date.today()
    weeks = (today - anchor).days // 7
    shift = dt.timedelta(weeks=weeks)
    years = (today - anchor).days // 365
    return _shift(raw, shift, years)


def _shift(node: Any, shift: dt.timedelta, years: int) -> Any:
    if isinstance(node, list):
        return [_shift(item, shift, years) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for name, value in node.items():
        if isinstance(value, str) and name in DATE_FIELDS:
            value = (dt.date.fromisoformat(value) + shift).isoformat()
        elif isinstance(value, str) and name in DATETIME_FIELDS:
            value = (dt.datetime.fromisoformat(value) + shift).isoformat()
        elif isinstance(value, str) and name in PERIOD_FIELDS and years:
            value = f"{int(value[:4]) + years}{value[4:]}"
        else:
            value = _shift(value, shift, years)
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
    prefs = settings.load()
    added = [code for code in rates if code not in prefs.exchange_rates]
    if added:
        prefs.exchange_rates = {**prefs.exchange_rates, **{c: rates[c] for c in added}}
        settings.save(prefs)
    return added
