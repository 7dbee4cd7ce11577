"""A large, deterministic portfolio in the exchange format, for performance work.

Default: 2,000 clients, 40,000 stakeholders, 200,000 meetings with notes: about 190 MB of
compact JSON, of which about 100 MB is text values. ``python benchmarks/generate.py --clients 200 -o out.json`` for a smaller one.
Names mix Polish, Hungarian, Italian and Cyrillic so text handling is exercised too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

WORDS = [
    "volume",
    "pricing",
    "tender",
    "laboratory",
    "analyser",
    "reagent",
    "service",
    "uptime",
    "contract",
    "renewal",
    "pilot",
    "screening",
    "budget",
    "quarter",
    "logistics",
    "delivery",
    "training",
    "validation",
    "quality",
    "audit",
    "integration",
    "software",
    "dashboard",
    "workflow",
    "turnaround",
    "capacity",
    "oncology",
    "cardiology",
    "pharmacy",
    "network",
    "procurement",
    "committee",
    "approval",
    "rollout",
    "milestone",
    "margin",
    "discount",
    "forecast",
    "portfolio",
    "strategy",
    "partnership",
    "reference",
    "evidence",
    "outcome",
    "patient",
    "employee",
    "benefit",
    "compliance",
]
FIRST = [
    "Łukasz",
    "Małgorzata",
    "Zoltán",
    "Ildikó",
    "Niccolò",
    "Ludovica",
    "Андрей",
    "Ольга",
    "Gergő",
    "Bálint",
    "Agnieszka",
    "Paweł",
    "Giulia",
    "Дмитрий",
    "Наталья",
    "Réka",
]
LAST = [
    "Wróbel",
    "Szczęsna",
    "Kovács",
    "Fűzfa",
    "Ferrà",
    "De Santis",
    "Соколов",
    "Петрова",
    "Żółkiewski",
    "Szőke",
    "Bortolotti",
    "Жаксылыков",
    "Dąbrowska",
    "Tóth",
    "Colombo",
]
ENUMS = {
    "buying_role": ["economic", "user", "technical", "coach", "gatekeeper", "other"],
    "attitude": ["champion", "supporter", "neutral", "skeptic", "opponent"],
    "stage": ["unknown", "contacted", "acquainted", "loyal", "close"],
}


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate(
    clients: int = 2000, people: int = 20, meetings: int = 100, seed: int = 7
) -> dict[str, Any]:
    rng = random.Random(seed)
    base = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    products = [
        {
            "key": f"P-{i:03d}",
            "name": f"Product {i}",
            "summary": _text(rng, 12),
            "key_facts": [_text(rng, 8) for _ in range(4)],
            "faqs": [{"question": _text(rng, 6), "answer": _text(rng, 15)} for _ in range(3)],
            "reviewed_on": "2026-09-01",
        }
        for i in range(40)
    ]
    out_clients = []
    for c in range(clients):
        people_keys = [f"p{i}" for i in range(people)]
        stakeholders = [
            {
                "key": k,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "position": _text(rng, 3),
                "email": f"{k}.{c}@client{c}.example",
                "vip": i < 2,
                "kol": i == 2,
                "buying_role": rng.choice(ENUMS["buying_role"]),
                "attitude": rng.choice(ENUMS["attitude"]),
                "influence": rng.randint(1, 5),
                "stage": rng.choice(ENUMS["stage"]),
                "last_contact_on": "2026-10-01",
                "contact_every_days": 30,
                "form_of_address": "Dr.",
                "language": rng.choice(["pl", "hu", "it", "ru"]),
                "communication_style": _text(rng, 10),
                "personal_notes": _text(rng, 20),
                "relationship_plan": [{"step": _text(rng, 6), "due": "2026-12-01", "done": False}],
            }
            for i, k in enumerate(people_keys)
        ]
        out_meetings = []
        for mi in range(meetings):
            start = base + dt.timedelta(days=mi * 3, hours=rng.randint(0, 7))
            out_meetings.append(
                {
                    "key": f"c{c}-m{mi}",
                    "title": _text(rng, 3),
                    "kind": "meeting",
                    "starts_at": start.isoformat(),
                    "duration_min": 60,
                    "mode": "in_person",
                    "location": "Client HQ",
                    "travel_min": 30,
                    "buffer_min": 15,
                    "attendees": rng.sample(people_keys, 3),
                    "objective": _text(rng, 5),
                    "agenda": [_text(rng, 3) for _ in range(2)],
                    "questions": [_text(rng, 5)],
                    "proposals": [{"text": _text(rng, 4), "need": "n1"}],
                    "products": [products[rng.randrange(40)]["key"]],
                    "notes": {
                        "summary": _text(rng, 10),
                        "decisions": [_text(rng, 4)],
                        "actions": [
                            {
                                "text": _text(rng, 4),
                                "owner": "KAM",
                                "due": "2026-12-01",
                                "done": rng.random() < 0.7,
                            }
                            for _ in range(2)
                        ],
                        "self_review": {
                            str(n): rng.choice(["ok", "ok", "ok", "slip"]) for n in range(1, 8)
                        },
                    },
                }
            )
        out_clients.append(
            {
                "key": f"client-{c:05d}",
                "name": f"{rng.choice(LAST)} {rng.choice(['S.A.', 'Zrt.', 'S.p.A.', 'ООО'])} {c}",
                "industry": rng.choice(["Healthcare", "Retail", "Banking", "Laboratory"]),
                "currency": "EUR",
                "what_they_do": _text(rng, 40),
                "history": _text(rng, 40),
                "key_reasons": ["income_share"],
                "key_level": "company",
                "financials": [
                    {
                        "period": str(y),
                        "client_revenue": rng.randint(10**7, 10**9),
                        "our_sales": rng.randint(10**5, 10**7),
                        "our_income": rng.randint(10**4, 10**6),
                        "receivables": rng.randint(0, 10**6),
                        "overdue": rng.randint(0, 10**5),
                    }
                    for y in range(2016, 2026)
                ],
                "targets": [
                    {"period": f"2026-Q{q}", "target": rng.randint(10**5, 10**6)}
                    for q in range(1, 5)
                ],
                "needs": [
                    {"key": f"n{i}", "text": _text(rng, 10), "products": [products[i]["key"]]}
                    for i in range(1, 4)
                ],
                "plans": [
                    {
                        "kind": "account_goal",
                        "text": _text(rng, 10),
                        "due": "2027-03-31",
                        "status": "open",
                    }
                ],
                "competitors": [
                    {"name": f"Competitor {i}", "share_of_wallet": 0.2, "notes": _text(rng, 6)}
                    for i in range(2)
                ],
                "issues": [
                    {
                        "kind": "objection",
                        "text": _text(rng, 10),
                        "raised_by": "p1",
                        "response": None,
                        "status": "open",
                    }
                ],
                "stakeholders": stakeholders,
                "relations": [
                    {"from": people_keys[i], "to": people_keys[0], "kind": "reports_to"}
                    for i in range(1, people)
                ],
                "meetings": out_meetings,
            }
        )
    return {
        "format": "kamdesk-portfolio",
        "version": 1,
        "company": {"name": "Benchmark Corp", "currency": "EUR", "annual_income": 5e8},
        "products": products,
        "clients": out_clients,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--meetings", type=int, default=100)
    parser.add_argument("-o", "--output", type=Path, default=Path("benchmarks/out/large.json"))
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    document = generate(args.clients, args.people, args.meetings)
    args.output.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
