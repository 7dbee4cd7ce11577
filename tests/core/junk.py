"""Meetings a KAM in a hurry would fill with placeholders, as portfolio documents.

``junk_negotiation`` is the in-person negotiation of issue 22: every field the gate reads holds
"x", a financial period in the future with no figures, travel and buffer 0, three "x"
questions, one proposal "x", a product whose only fact and answer are "x" (reviewed on the
meeting's eve), a VIP attendee at stage "unknown", and the three ticks set. ``junk_phone`` is
the phone meeting: no product, a blank objective, and a resolved complaint without a response.
Both were READY (scores 98-99 and 97) before the substance rules.
"""

from __future__ import annotations

import copy
from typing import Any

JUNK_KEY = "junk-negotiation"
JUNK_PHONE_KEY = "junk-phone"

_PERSON = {
    "key": "vip",
    "name": "x",
    "position": "x",
    "department": "x",
    "phone": "x",
    "vip": True,
    "kol": True,
    "buying_role": "economic",
    "attitude": "supporter",
    "influence": 3,
    "stage": "unknown",
    "form_of_address": "x",
    "pronunciation": "x",
    "language": "x",
    "etiquette": "x",
    "communication_style": "x",
}

_TICKS = {"route_checked": True, "listening_plan": True, "etiquette_reviewed": True}

_DOC: dict[str, Any] = {
    "format": "kamdesk-portfolio",
    "version": 1,
    "company": {"name": "x", "currency": "EUR", "annual_income": 1000000},
    "products": [
        {
            "key": "P-X",
            "name": "x",
            "summary": "x",
            "key_facts": ["x"],
            "faqs": [{"question": "x", "answer": "x"}],
            "reviewed_on": "2026-11-20",
        }
    ],
    "clients": [
        {
            "key": "junk-client",
            "name": "x",
            "industry": "x",
            "currency": "EUR",
            "what_they_do": "x",
            "history": "x",
            "size": "x",
            "market_position": "x",
            "financials": [{"period": "2099"}],
            "needs": [{"key": "n1", "text": "x", "products": ["P-X"]}],
            "plans": [{"kind": "client_development", "text": "x"}],
            "issues": [],
            "stakeholders": [
                _PERSON,
                {**_PERSON, "key": "coach", "vip": False, "kol": False, "buying_role": "coach"},
            ],
            "meetings": [
                {
                    "key": JUNK_KEY,
                    "title": "x",
                    "kind": "negotiation",
                    "starts_at": "2026-11-25T10:00:00+01:00",
                    "duration_min": 60,
                    "mode": "in_person",
                    "location": "x",
                    "travel_min": 0,
                    "buffer_min": 0,
                    "attendees": ["vip"],
                    "objective": "x",
                    "commitment_sought": "x",
                    "agenda": ["x"],
                    "questions": ["x", "x", "x"],
                    "proposals": [{"text": "x", "need": "n1"}],
                    "limits": {"max_discount_pct": 5, "walk_away": "x"},
                    "products": ["P-X"],
                    "confirmations": _TICKS,
                }
            ],
        }
    ],
}


def junk_negotiation() -> dict[str, Any]:
    return copy.deepcopy(_DOC)


def junk_phone() -> dict[str, Any]:
    doc = copy.deepcopy(_DOC)
    client = doc["clients"][0]
    doc["products"] = []
    client["needs"] = [{"key": "n1", "text": "x"}]
    client["issues"] = [
        {"kind": "complaint", "text": "x", "raised_by": "vip", "status": "resolved"}
    ]
    client["meetings"] = [
        {
            "key": JUNK_PHONE_KEY,
            "title": "x",
            "kind": "meeting",
            "starts_at": "2026-11-25T10:00:00+01:00",
            "duration_min": 30,
            "mode": "phone",
            "attendees": ["vip"],
            "objective": " ",
            "commitment_sought": "x",
            "agenda": ["x"],
            "questions": ["x", "x", "x"],
            "proposals": [{"text": "x", "need": "n1"}],
            "confirmations": _TICKS,
        }
    ]
    return doc
