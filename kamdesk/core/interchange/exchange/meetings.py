"""The portfolio JSON import's meetings: the rows, their lists (attendees, products,
proposals), their notes with what hangs off them, and the ticks with their seal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel import select

from kamdesk.core.account import confirmations
from kamdesk.core.account.queries import meeting_attendees
from kamdesk.core.interchange.exchange import columns as cols
from kamdesk.core.interchange.exchange.writing import Writer
from kamdesk.core.model import exchange_schema as doc
from kamdesk.core.model import models as m

Pairs = list[tuple[int, doc.Meeting]]  # (row id, the document's meeting)


class MeetingWriter(Writer):
    """The meetings of one client, merged like everything else: keyed meetings updated in
    place, the lists a meeting gives replaced."""

    def _meetings(self, cid: int, meetings: Sequence[doc.Meeting], people: dict[str, int]) -> None:
        have = cols.key_ids(
            self.s, select(m.Meeting.key, m.Meeting.id).where(m.Meeting.client_id == cid)
        )
        needs = cols.key_ids(self.s, select(m.Need.key, m.Need.id).where(m.Need.client_id == cid))
        items = [
            (have.get(src.key), self._meeting_values(cid, src, src.key not in have))
            for src in meetings
        ]
        ids = self._upsert(m.Meeting, "meeting", items)
        pairs = list(zip(ids, meetings, strict=True))

        def given(name: str) -> Pairs:
            return [(mid, mt) for mid, mt in pairs if cols.gives(mt, name, mt.key not in have)]

        self._meeting_lists(given, have, people, needs)
        rows = given("notes")
        self._clear(m.MeetingNotes, "meeting_id", _old(rows, have))  # actions, reviews cascade
        self._notes([(mid, mt.notes) for mid, mt in rows if mt.notes is not None], people)
        self._ticks(pairs, given("confirmations"), have)

    @staticmethod
    def _meeting_values(cid: int, src: doc.Meeting, is_new: bool) -> dict[str, Any]:
        """A meeting's row as the document gives it (the start kept as UTC and offset)."""
        values = {"client_id": cid, **cols.values(src, cols.MEETING_COLS, is_new)}
        if cols.gives(src, "starts_at", is_new):
            start = src.starts_at
            offset = start.utcoffset() if start else None
            values["starts_at_utc"] = start.astimezone(dt.UTC) if start else None
            values["utc_offset_min"] = (
                int(offset.total_seconds() // 60) if offset is not None else None
            )
        values |= cols.nested(src, "limits", cols.LIMIT_COLS, is_new)
        if cols.gives(src, "lessons", is_new):
            values["lessons"] = {str(n): t for n, t in src.lessons.as_dict().items()}
        return values

    def _meeting_lists(
        self,
        given: Callable[[str], Pairs],
        have: dict[str, int],
        people: dict[str, int],
        needs: dict[str, int],
    ) -> None:
        """The attendees, products and proposals of the meetings that give them."""
        rows = given("attendees")
        self._clear(m.MeetingAttendee, "meeting_id", _old(rows, have))
        self._insert(
            m.MeetingAttendee,
            [
                {"meeting_id": mid, "stakeholder_id": people[k]}
                for mid, mt in rows
                for k in mt.attendees
            ],
        )
        rows = given("products")
        self._clear(m.MeetingProduct, "meeting_id", _old(rows, have))
        self._insert(
            m.MeetingProduct,
            [
                {"meeting_id": mid, "product_id": self.product_ids[k]}
                for mid, mt in rows
                for k in mt.products
            ],
        )
        rows = given("proposals")
        self._clear(m.Proposal, "meeting_id", _old(rows, have))
        self._insert(
            m.Proposal,
            [
                {
                    "meeting_id": mid,
                    "text": pr.text,
                    "need_id": needs[pr.need] if pr.need else None,
                    "no_product": pr.no_product,
                }
                for mid, mt in rows
                for pr in mt.proposals
            ],
        )

    def _notes(self, with_notes: list[tuple[int, doc.Notes]], people: dict[str, int]) -> None:
        """New notes for the meetings that give them, with who was present, the actions and
        the self-review."""
        note_ids = self._insert_ids(
            m.MeetingNotes,
            [
                {
                    "meeting_id": mid,
                    "summary": n.summary,
                    "summary_shared": n.summary_shared,
                    "private": n.private,
                    "decisions": list(n.decisions),
                    "objective_achieved": n.objective_achieved,
                    "next_meeting_on": n.next_meeting.on if n.next_meeting else None,
                    "next_meeting_purpose": n.next_meeting.purpose if n.next_meeting else None,
                }
                for mid, n in with_notes
            ],
        )
        notes = list(zip(note_ids, (n for _, n in with_notes), strict=True))
        self._insert(
            m.NotesPresent,
            [{"notes_id": nid, "stakeholder_id": people[k]} for nid, n in notes for k in n.present],
        )
        self._insert(
            m.ActionItem,
            [{"notes_id": nid, **a.model_dump()} for nid, n in notes for a in n.actions],
        )
        self._insert(
            m.SelfReview,
            [
                {
                    "notes_id": nid,
                    "mistake": k,
                    "verdict": v,
                    "comment": n.self_review_comments.as_dict().get(k),
                }
                for nid, n in notes
                for k, v in n.self_review.as_dict().items()
            ],
        )

    def _ticks(self, pairs: Pairs, rows: Pairs, have: dict[str, int]) -> None:
        """Ticks given in the file vouch for the state just written; they count only once
        reviewed here, unless the file's seal shows they come from this dossier's export."""
        ticks = {
            mid: {
                n: getattr(mt.confirmations, n)
                for n in confirmations.NAMES
                if cols.gives(mt.confirmations, n, mt.key not in have)
            }
            for mid, mt in rows
        }
        # (new meetings start unticked: only ticks given as true need stamping there)
        existing_ids = set(have.values())
        ticks = {mid: t for mid, t in ticks.items() if mid in existing_ids or any(t.values())}
        source = dict(pairs)
        for mid, tick in ticks.items():
            meeting = self.s.get(m.Meeting, mid)
            assert meeting is not None
            values = confirmations.stamped(meeting, meeting_attendees(self.s, mid), tick)
            fps = {n: values[f"{n}_fp"] or "" for n, v in tick.items() if v}
            received = source[mid].confirmations_seal
            sealed = self.trusted_ticks or (
                received is not None
                and confirmations.seal_matches(self.secret, source[mid].key, fps, received)
            )
            pending = set(meeting.ticks_unreviewed or []) - set(tick)
            if not sealed:
                pending |= set(fps)
            self._update(
                m.Meeting,
                mid,
                {
                    **values,
                    "ticks_unreviewed": [n for n in confirmations.NAMES if n in pending],
                    "ticks_seal": received,
                },
            )


def _old(rows: Pairs, have: dict[str, int]) -> list[int]:
    """The ids of the meetings among ``rows`` that were there before the import."""
    return [mid for mid, mt in rows if mt.key in have]
