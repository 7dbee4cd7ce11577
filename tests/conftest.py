"""Shared fixtures: real temporary SQLite files, never the user's own data or settings."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never read or write the user's real database, settings or Qt settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.delenv("KAMDESK_DB", raising=False)
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "dossier.db"


@pytest.fixture
def db(db_path: Path):
    from kamdesk.core.storage.db import Database

    database = Database.open(db_path)
    yield database
    database.close()


SAMPLE: dict[str, Any] = {
    "format": "kamdesk-portfolio",
    "version": 1,
    "exported_at": "2026-11-22T10:00:00Z",
    "company": {
        "name": "Vireo Diagnostics S.A.",
        "currency": "EUR",
        "annual_income": 12500000,
        "key_share_threshold": 0.1,
    },
    "products": [
        {
            "key": "P-ONC-12",
            "name": "OncoPanel 12",
            "summary": "Tumour marker panel",
            "key_facts": ["12 markers in one run"],
            "faqs": [{"question": "Turnaround?", "answer": "Four hours.", "tags": ["turnaround"]}],
            "reviewed_on": "2026-10-01",
        },
    ],
    "clients": [
        {
            "key": "wisla-pharma",
            "name": "Wisła Pharma S.A.",
            "industry": "Pharma",
            "website": "https://wisla.example",
            "address": "ul. Żółkiewskiego 5, Łódź",
            "currency": "PLN",
            "what_they_do": "Generic oncology drugs",
            "history": "Founded 1991",
            "size": "1,200 staff",
            "market_position": "No. 3 in PL",
            "key_reasons": ["income_share", "reference"],
            "key_reason_notes": {"reference": "Our first oncology-panel rollout in Pomerania"},
            "key_level": "company",
            "reference_story": "Cut their lab turnaround by half",
            "financials": [
                {
                    "period": "2025",
                    "client_revenue": 840000000,
                    "our_sales": 3100000,
                    "our_income": 1450000,
                    "receivables": 420000,
                    "overdue": 35000,
                }
            ],
            "targets": [{"period": "2026-Q4", "target": 900000}],
            "credit": {
                "limit": 500000,
                "payment_terms_days": 45,
                "rating": "A-",
                "previous_rating": "A-",
            },
            "discount_policy": {"standard_pct": 5, "max_pct": 12},
            "needs": [{"key": "n1", "text": "Faster oncology panels", "products": ["P-ONC-12"]}],
            "plans": [
                {"kind": "tender", "text": "2027 tender", "due": "2027-03-31", "status": "open"}
            ],
            "competitors": [{"name": "Roche", "share_of_wallet": 0.35, "notes": "incumbent"}],
            "issues": [
                {
                    "kind": "complaint",
                    "text": "Late delivery in May",
                    "raised_by": "sokolov",
                    "response": "New courier since June",
                    "status": "open",
                }
            ],
            "stakeholders": [
                {
                    "key": "sokolov",
                    "name": "Андрей Соколов",
                    "position": "CFO",
                    "department": "Finance",
                    "email": "a.sokolov@wisla.example",
                    "phone": "+48 22 555 01 02",
                    "vip": True,
                    "kol": False,
                    "buying_role": "economic",
                    "attitude": "supporter",
                    "influence": 4,
                    "stage": "acquainted",
                    "target_stage": "loyal",
                    "last_contact_on": "2026-10-02",
                    "contact_every_days": 30,
                    "competitor_affinity": "golf with Roche's KAM",
                    "form_of_address": "Андрей Викторович",
                    "pronunciation": "an-DREY so-ko-LOFF",
                    "language": "ru",
                    "etiquette": "formal",
                    "communication_style": "numbers first",
                    "interests": "chess",
                    "personal_notes": "two daughters",
                    "info_source": "self",
                    "legal_basis": "legitimate interest",
                    "relationship_plan": [
                        {
                            "step": "Invite to the Kraków congress",
                            "due": "2026-12-10",
                            "done": False,
                        }
                    ],
                },
                {
                    "key": "wrobel",
                    "name": "Łukasz Wróbel",
                    "position": "Head of Procurement",
                    "vip": False,
                    "kol": True,
                    "buying_role": "coach",
                    "attitude": "champion",
                    "influence": 3,
                    "stage": "loyal",
                    "language": "pl",
                },
            ],
            "relations": [{"from": "sokolov", "to": "wrobel", "kind": "influences"}],
            "meetings": [
                {
                    "key": "wisla-tender-2027",
                    "title": "Tender 2027 negotiation",
                    "kind": "negotiation",
                    "starts_at": "2026-11-25T10:00:00+01:00",
                    "duration_min": 90,
                    "mode": "in_person",
                    "location": "Łódź HQ",
                    "on_site": False,
                    "video_link": None,
                    "phone": None,
                    "travel_min": 40,
                    "buffer_min": 15,
                    "attendees": ["sokolov", "wrobel"],
                    "objective": "Agree the 2027 volume",
                    "commitment_sought": "Signed letter of intent",
                    "agenda": ["Volumes", "Prices"],
                    "questions": ["What would make 2027 a success for you?"],
                    "proposals": [
                        {"text": "Three-year panel supply", "need": "n1", "no_product": False}
                    ],
                    "limits": {
                        "max_discount_pct": 9,
                        "walk_away": "below 7% margin",
                        "credit_line": None,
                    },
                    "products": ["P-ONC-12"],
                    "confirmations": {
                        "route_checked": True,
                        "listening_plan": True,
                        "etiquette_reviewed": False,
                    },
                    "confirmations_seal": None,
                    "lessons": {},
                    "override_reason": None,
                    "notes": {
                        "summary": "Good",
                        "summary_shared": True,
                        "private": "I spoke too fast about prices.",
                        "present": ["sokolov"],
                        "objective_achieved": "partly",
                        "decisions": ["Pilot in Q1"],
                        "actions": [
                            {
                                "text": "Send offer",
                                "owner": "me",
                                "due": "2026-12-01",
                                "done": False,
                            }
                        ],
                        "self_review": {
                            "1": "ok",
                            "2": "slip",
                            "3": "ok",
                            "4": "ok",
                            "5": "ok",
                            "6": "ok",
                            "7": "ok",
                        },
                        "next_meeting": {"on": "2027-01-15", "purpose": "Pilot review"},
                        "self_review_comments": {"2": "Argued about the Q4 price twice"},
                    },
                },
            ],
        }
    ],
}


def import_reviewed(db: Any, document: dict[str, Any], source: str = "test") -> Any:
    """Import a document as a KAM who then reviewed its ticks here (an import alone leaves
    them "imported, not reviewed here"; see core.confirmations)."""
    import json

    from kamdesk.core.interchange import exchange

    text = json.dumps(document, ensure_ascii=False)
    return exchange.import_text(db, text, source, trusted_ticks=True)


@pytest.fixture
def sample() -> dict[str, Any]:
    """A small document using every object of the format, with Polish and Cyrillic names."""
    return copy.deepcopy(SAMPLE)


PERSON_DETAILS = {
    "position": "Head of Procurement",
    "buying_role": "coach",
    "communication_style": "brief, factual",
    "form_of_address": "Pan Dyrektor",
    "pronunciation": "WOO-kash VROO-bel",
    "language": "pl",
    "etiquette": "formal titles",
    "stage": "loyal",
}


@pytest.fixture
def ready(sample: dict[str, Any]) -> dict[str, Any]:
    """The sample made fully ready: nothing blocks its meeting."""
    doc = copy.deepcopy(sample)
    client = doc["clients"][0]
    client["stakeholders"][1].update(PERSON_DETAILS)
    client["financials"].append(
        {
            "period": "2026-Q3",
            "our_sales": 800000,
            "our_income": 360000,
            "receivables": 400000,
            "overdue": 0,
        }
    )
    client["plans"].append({"kind": "client_development", "text": "New oncology wing in 2027"})
    meeting = client["meetings"][0]
    meeting["notes"] = None
    meeting["questions"] = [
        "What would make 2027 a success?",
        "How do you compare offers?",
        "Who else decides?",
    ]
    meeting["confirmations"] = {
        "route_checked": True,
        "listening_plan": True,
        "etiquette_reviewed": True,
    }
    return doc
