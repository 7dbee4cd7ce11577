"""Editing the dossier one field at a time: the API the desktop app (and its undo stack) uses.

Every edit is validated by the same rules as the exchange format (types, closed enums,
ranges, text limits) and fails with :class:`FieldError` naming the field and what is wrong;
nothing is written then. Each call is its own transaction, so an autosaved edit is durable
as soon as the call returns. Calls return the previous value, which is what undo needs.

The package's modules: ``fields`` (validation and one value), ``records`` (adding and
deleting whole records, with undo snapshots), ``meetings`` (ticks, attendees, notes, the
self-review), ``client`` (key reasons, needs' products, map layout, our company). Its API is
named here, so callers write ``editing.set_field(...)`` whatever module holds it.
"""

from kamdesk.core.account.editing.client import (
    company_id,
    key_reason_notes,
    key_reasons,
    map_positions,
    need_products,
    set_key_reason_note,
    set_key_reasons,
    set_map_position,
    set_need_products,
)
from kamdesk.core.account.editing.fields import FieldError, get_field, set_field, validate
from kamdesk.core.account.editing.meetings import (
    notes_id,
    present,
    review_comments,
    self_review,
    set_attendees,
    set_meeting_products,
    set_present,
    set_review_comment,
    set_self_review,
    set_tick,
)
from kamdesk.core.account.editing.records import (
    Snapshot,
    add_client,
    add_meeting,
    add_product,
    add_row,
    add_stakeholder,
    delete_client,
    delete_meeting,
    delete_product,
    delete_row,
    delete_stakeholder,
    list_rows,
    restore,
    slug,
    unique_key,
)

__all__ = [
    "FieldError",
    "Snapshot",
    "add_client",
    "add_meeting",
    "add_product",
    "add_row",
    "add_stakeholder",
    "company_id",
    "delete_client",
    "delete_meeting",
    "delete_product",
    "delete_row",
    "delete_stakeholder",
    "get_field",
    "key_reason_notes",
    "key_reasons",
    "list_rows",
    "map_positions",
    "need_products",
    "notes_id",
    "present",
    "restore",
    "review_comments",
    "self_review",
    "set_attendees",
    "set_field",
    "set_key_reason_note",
    "set_key_reasons",
    "set_map_position",
    "set_meeting_products",
    "set_need_products",
    "set_present",
    "set_review_comment",
    "set_self_review",
    "set_tick",
    "slug",
    "unique_key",
    "validate",
]
