"""The three ticks a KAM gives before a meeting, and when a tick stops counting.

A tick vouches for a specific state of the meeting: ``route_checked`` for where, when and how
(mode, place, link, start, travel and buffer); ``listening_plan`` for the questions and each
attendee's communication style; ``etiquette_reviewed`` for who attends and how to address
them. The database keeps a fingerprint of that state when the tick is given; once the state
changes (an attendee added, the venue moved…), the fingerprint no longer matches and the tick
is void until given again.

A tick can also come from an import. It then vouches for what someone else checked, so it is
kept apart (``Meeting.ticks_unreviewed``): shown as "imported, not reviewed here", it does not
count until the KAM confirms it in this dossier (the workspace, or ``kamdesk confirm``). The
exception is this dossier's own export coming back (a restore, a round trip through another
tool): the export seals each meeting's ticks with an HMAC under the dossier's secret (the
``dossier_secret`` table, made by its migration, never exported) over the meeting key and the
fingerprints of the ticks given; an import whose seal matches the state it wrote takes those
ticks as reviewed. A seal cannot be made without the secret, and an edited file no longer
matches it. Another dossier keeps a seal it received and writes it back unchanged while the
ticks stay unreviewed there, so a file exported, imported elsewhere and exported again is the
same document.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from kamdesk.core.model import models as m

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


def reviewed(meeting: m.Meeting, attendees: Sequence[m.Stakeholder]) -> dict[str, bool]:
    """Which ticks count for readiness: given, still vouching, and not imported unreviewed."""
    counting = effective(meeting, attendees)
    pending = set(meeting.ticks_unreviewed or [])
    return {name: counting[name] and name not in pending for name in NAMES}


def unreviewed(meeting: m.Meeting, attendees: Sequence[m.Stakeholder]) -> list[str]:
    """Ticks that still vouch for the current state but came from an import not yet
    confirmed here."""
    counting = effective(meeting, attendees)
    pending = set(meeting.ticks_unreviewed or [])
    return [name for name in NAMES if counting[name] and name in pending]


def dossier_secret(session: Session) -> str | None:
    row = session.get(m.DossierSecret, 1)
    return row.secret if row is not None else None


def seal(secret: str, meeting_key: str, fps: dict[str, str]) -> str:
    """The HMAC-SHA256 (hex) of a meeting's given ticks and the fingerprints they vouch for."""
    payload = json.dumps([meeting_key, sorted(fps.items())], ensure_ascii=False)
    return hmac.new(bytes.fromhex(secret), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_matches(secret: str | None, meeting_key: str, fps: dict[str, str], given: str) -> bool:
    if not secret or not fps:
        return False
    return hmac.compare_digest(seal(secret, meeting_key, fps), given)


def export_seal(meeting: m.Meeting, counting: dict[str, bool], secret: str | None) -> str | None:
    """The seal to export with the ticks that count: this dossier's own when every one of
    them was given or confirmed here; the seal received with them when all are imported and
    unreviewed (written back unchanged); none for a mix, or no tick."""
    given = [name for name in NAMES if counting.get(name)]
    if not given:
        return None
    pending = set(meeting.ticks_unreviewed or []) & set(given)
    if not pending:
        if secret is None:
            return None
        return seal(secret, meeting.key, {n: getattr(meeting, f"{n}_fp") for n in given})
    return meeting.ticks_seal if pending == set(given) else None
