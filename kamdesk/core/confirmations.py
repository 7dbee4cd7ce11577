"""The three ticks a KAM gives before a meeting, and when a tick stops counting.

A tick vouches for a specific state of the meeting: ``route_checked`` for where, when and how
(mode, place, link, start, travel and buffer); ``listening_plan`` for the questions and each
attendee's communication style; ``etiquette_reviewed`` for who attends and how to address
them. The database keeps a fingerprint of that state when the tick is given; once the state
changes (an attendee added, the venue moved…), the fingerprint no longer matches and the tick
is void until given again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from kamdesk.core import models as m

NAMES = ("route_checked", "listening_plan", "etiquette_reviewed")


def _digest(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprints(meeting: m.Meeting, attendees: Sequence[m.Stakeholder]) -> dict[str, str]:
    start = meeting.starts_at
    return {
        "route_checked": _digest(
            [
                meeting.mode,
                meeting.location,
                meeting.video_link,
                start.isoformat() if start else None,
                meeting.travel_min,
                meeting.buffer_min,
            ]
        ),
        "listening_plan": _digest(
            [list(meeting.questions), [(p.key, p.communication_style) for p in attendees]]
        ),
        "etiquette_reviewed": _digest(
            [
                (p.key, p.name, p.form_of_address, p.pronunciation, p.language, p.etiquette)
                for p in attendees
            ]
        ),
    }


def effective(meeting: m.Meeting, attendees: Sequence[m.Stakeholder]) -> dict[str, bool]:
    """Which ticks count now: given, and still vouching for the current state."""
    current = fingerprints(meeting, attendees)
    return {name: getattr(meeting, f"{name}_fp") == current[name] for name in NAMES}


def stamped(
    meeting: m.Meeting, attendees: Sequence[m.Stakeholder], ticks: dict[str, bool]
) -> dict[str, str | None]:
    """Column values recording the given ticks against the current state."""
    current = fingerprints(meeting, attendees)
    return {f"{name}_fp": current[name] if value else None for name, value in ticks.items()}
