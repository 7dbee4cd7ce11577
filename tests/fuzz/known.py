"""Crashes the fuzz tests found and pinned (tests/fuzz/test_fuzz_pinned.py, each a strict
xfail). While one is not fixed, the properties step over it so that they keep looking for new
ones; once it is fixed, its pinned test passes, fails as XPASS, and its entry here goes."""

from __future__ import annotations

import decimal
import email.errors

from hypothesis import event

# (exception type, a piece of its message, the pinned test that records it)
KNOWN: list[tuple[type[BaseException], str, str]] = [
    (decimal.InvalidOperation, "", "test_tiny_or_huge_sales_crash_the_dossier"),
    (OverflowError, "cannot convert float infinity", "test_infinite_revenue_crashes_the_dossier"),
    (ValueError, "must be XML compatible", "test_control_character_crashes_the_docx_notes"),
    (ValueError, "may not contain linefeed or carriage return", "test_sender_with_a_line_break"),
    (ValueError, "cannot contain CR or LF", "test_person_name_with_a_line_break_crashes_eml"),
    (email.errors.HeaderParseError, "", "test_odd_email_address_crashes_eml"),
    (ValueError, "Invalid addr_spec", "test_odd_email_address_crashes_eml"),
    (ValueError, "math domain error", "test_tiny_revenue_crashes_the_dossier_chart"),
    (
        OverflowError,
        "date value out of range",
        "test_meeting_in_year_one_crashes_the_ics_export / test_start_before_year_one_in_utc",
    ),
]


def known(exc: BaseException) -> bool:
    """True (and counted as a hypothesis event) when ``exc`` is one of the pinned crashes."""
    for kind, text, pinned in KNOWN:
        if isinstance(exc, kind) and text in str(exc):
            event(f"known crash, pinned in {pinned}")
            return True
    return False
