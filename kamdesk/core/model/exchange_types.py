"""The value types of the portfolio exchange format (PORTFOLIO_FORMAT.md): texts, keys,
periods, currencies, money, shares and bounded counts, each with its own message, and the
closed vocabularies. The objects built from them are in
:mod:`kamdesk.core.model.exchange_schema`, which names these again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

MAX_TEXT = 100_000  # characters in one text field
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$"
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"


def _text_ok(value: str) -> str:
    if len(value) > MAX_TEXT:
        raise PydanticCustomError(
            "text_too_long",
            "text of {length} characters is longer than the limit of {limit}",
            {"length": len(value), "limit": MAX_TEXT},
        )
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "text contains a NUL character")
    return value


# A meeting's start, in UTC, within these years: room on both sides for its time zone, its
# length and the alarm before it (a start in year 1 cannot be written to a calendar).
FIRST_YEAR, LAST_YEAR = 1900, 9998


def _start_ok(value: dt.datetime) -> dt.datetime:
    try:
        year = value.astimezone(dt.UTC).year
    except OverflowError:  # before year 1 or after 9999 once in UTC
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PydanticCustomError(
            "bad_start",
            "{value} is not a meeting time (years {first} to {last})",
            {"value": value.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


def _key_ok(value: str) -> str:
    if not re.fullmatch(KEY_PATTERN, value):
        raise PydanticCustomError(
            "bad_key",
            "{value} is not a valid key (1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit)",
            {"value": json.dumps(value, ensure_ascii=False)},
        )
    return value


def _period_ok(value: str) -> str:
    if not re.fullmatch(PERIOD_PATTERN, value):
        raise PydanticCustomError(
            "bad_period",
            "{value} is not a period (YYYY, YYYY-Qn or YYYY-MM)",
            {"value": json.dumps(value, ensure_ascii=False)},
        )
    return value


def _currency_ok(value: str) -> str:
    if not re.fullmatch(r"^[A-Z]{3}$", value):
        raise PydanticCustomError(
            "bad_currency",
            "{value} is not a currency code (three capital letters, e.g. EUR)",
            {"value": json.dumps(value, ensure_ascii=False)},
        )
    return value


def _in_range(low: float | None, high: float | None) -> Any:
    def check(value: float) -> float:
        if (low is not None and value < low) or (high is not None and value > high):
            shown_low = "" if low is None else _num(low)
            shown_high = "" if high is None else _num(high)
            raise PydanticCustomError(
                "out_of_range",
                "{value} is not in {low}..{high}",
                {"value": _num(value), "low": shown_low, "high": shown_high},
            )
        return value

    return check


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check(low: float | None, high: float | None) -> Any:
    return AfterValidator(_in_range(low, high))


def _bounds(low: float | None, high: float | None) -> Any:
    schema: dict[str, Any] = {}
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return Field(json_schema_extra=schema)


Text = Annotated[str, AfterValidator(_text_ok), Field(json_schema_extra={"maxLength": MAX_TEXT})]
Key = Annotated[str, AfterValidator(_key_ok), Field(json_schema_extra={"pattern": KEY_PATTERN})]
Period = Annotated[
    str, AfterValidator(_period_ok), Field(json_schema_extra={"pattern": PERIOD_PATTERN})
]
MeetingStart = Annotated[AwareDatetime, AfterValidator(_start_ok)]
Currency = Annotated[
    str, AfterValidator(_currency_ok), Field(json_schema_extra={"pattern": "^[A-Z]{3}$"})
]
WEEK_MIN = 7 * 24 * 60
DAY_MIN = 24 * 60
# A figure beyond a quintillion is a slip of the hand in any currency (and past what a report
# can print exactly); NaN and Infinity are not numbers a dossier can hold (JSON has none).
MAX_MONEY = 1e18
Finite = Annotated[float, Field(allow_inf_nan=False)]
Money = Annotated[Finite, _check(-MAX_MONEY, MAX_MONEY), _bounds(-MAX_MONEY, MAX_MONEY)]
NonNegMoney = Annotated[Finite, _check(0, MAX_MONEY), _bounds(0, MAX_MONEY)]
Share = Annotated[Finite, _check(0, 1), _bounds(0, 1)]
Percent = Annotated[Finite, _check(0, 100), _bounds(0, 100)]
Influence = Annotated[int, _check(1, 5), _bounds(1, 5)]
CadenceDays = Annotated[int, _check(1, 3650), _bounds(1, 3650)]
TermDays = Annotated[int, _check(0, 3650), _bounds(0, 3650)]
Duration = Annotated[int, _check(1, WEEK_MIN), _bounds(1, WEEK_MIN)]
TravelMinutes = Annotated[int, _check(0, WEEK_MIN), _bounds(0, WEEK_MIN)]
BufferMinutes = Annotated[int, _check(0, DAY_MIN), _bounds(0, DAY_MIN)]

KeyReason = Literal["income_share", "potential", "reference", "partner", "competent", "innovator"]
KeyLevel = Literal["company", "director", "department"]
PlanKind = Literal["client_development", "account_goal", "tender"]
PlanStatus = Literal["open", "done"]
IssueKind = Literal["complaint", "objection"]
IssueStatus = Literal["open", "resolved"]
BuyingRole = Literal["economic", "user", "technical", "coach", "gatekeeper", "other"]
Attitude = Literal["champion", "supporter", "neutral", "skeptic", "opponent"]
StageName = Literal["unknown", "contacted", "acquainted", "loyal", "close"]
InfoSource = Literal["public", "self", "others"]
RelationKind = Literal["reports_to", "influences", "ally", "rival"]
MeetingKind = Literal["meeting", "negotiation", "presentation", "event"]
MeetingMode = Literal["in_person", "video", "phone"]
VerdictName = Literal["ok", "slip"]
AchievedName = Literal["not", "partly", "fully"]
