"""User settings, declared once with their types, defaults and help.

Stored as TOML in the platform's config folder (``settings.toml``), or at ``$KAMDESK_CONFIG``.
Tests never read the user's real file (the test suite points the config folder elsewhere).
Qt's QSettings keeps only window geometry.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kamdesk.core.errors import KamdeskError
from kamdesk.core.files import write_atomically

SETTINGS_VERSION = 1


class MinWords(BaseModel):
    """How many meaningful words (core.substance: two letters or more, not a stopword or a
    placeholder such as "x", "tbd", "..." in en, pl, ru, it, hu) a text needs before the
    readiness gate relies on it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    objective: Annotated[int, Field(ge=1, le=50)] = Field(
        3, description="The meeting's objective, e.g. 'Agree the 2027 volumes and prices'."
    )
    commitment: Annotated[int, Field(ge=1, le=50)] = Field(
        3, description="The commitment you will ask for, e.g. 'Signed letter of intent'."
    )
    place: Annotated[int, Field(ge=1, le=50)] = Field(
        2, description="The place of an in-person meeting, e.g. 'Łódź HQ, board room'."
    )
    agenda_item: Annotated[int, Field(ge=1, le=50)] = Field(1, description="Each agenda item.")
    question: Annotated[int, Field(ge=1, le=50)] = Field(2, description="Each open question.")
    proposal: Annotated[int, Field(ge=1, le=50)] = Field(3, description="Each proposal.")
    response: Annotated[int, Field(ge=1, le=50)] = Field(
        3, description="Each prepared response to a complaint or objection."
    )
    client_profile: Annotated[int, Field(ge=1, le=50)] = Field(
        2, description="What the client does, its history, each need and development plan."
    )
    person_field: Annotated[int, Field(ge=1, le=50)] = Field(
        1,
        description="Each attendee's position, form of address, pronunciation, language, "
        "etiquette and communication style.",
    )
    key_fact: Annotated[int, Field(ge=1, le=50)] = Field(2, description="Each product key fact.")
    faq_answer: Annotated[int, Field(ge=1, le=50)] = Field(
        2, description="Each prepared answer about a product."
    )
    walk_away: Annotated[int, Field(ge=1, le=50)] = Field(
        2, description="The walk-away point of a negotiation."
    )
    credit_line: Annotated[int, Field(ge=1, le=50)] = Field(
        3, description="The line prepared on overdue debt or a downgraded rating."
    )
    lesson: Annotated[int, Field(ge=1, le=50)] = Field(
        3, description="What you will do differently after a slip in the last self-review."
    )


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    version: int = Field(SETTINGS_VERSION, description="Settings layout version, for upgrades.")
    locale: str = Field(
        "en",
        description="Locale for numbers, money and dates in briefs (e.g. pl, hu, it, ru, en_GB).",
    )
    kam_name: str = Field("", description="Your name, printed on briefs as their author.")
    default_buffer_min: Annotated[int, Field(ge=0, le=240)] = Field(
        15, description="Minutes of margin added to travel time when computing 'leave by'."
    )
    financials_max_age_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        200, description="Financials whose latest period ended longer ago than this are stale."
    )
    product_review_max_age_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        180, description="Product facts reviewed longer ago than this are stale."
    )
    min_words: MinWords = Field(
        default_factory=MinWords,
        description="Meaningful words a text needs before the readiness gate relies on it.",
    )
    near_duplicate_ratio: Annotated[float, Field(ge=0.5, le=1.0)] = Field(
        0.85,
        description="Two questions or agenda items whose folded words are at least this "
        "similar (0.5-1.0, difflib's ratio) count as one: a duplicate blocks.",
    )
    min_questions: Annotated[int, Field(ge=1, le=20)] = Field(
        3, description="Fewer distinct open questions than this is a warning."
    )
    phone_min_digits: Annotated[int, Field(ge=3, le=20)] = Field(
        6, description="Digits a phone number needs to count as a number to call."
    )
    credit_overdue_max_share: Annotated[float, Field(ge=0, le=1)] = Field(
        0.10,
        description="Overdue debt above this share of receivables (latest period) is a credit "
        "situation: a warning on any meeting, a blocker for a negotiation without a prepared "
        "line. So are receivables over the credit limit and a downgraded rating.",
    )
    red_flags_block: bool = Field(
        False,
        description="Red flags from the stakeholder map (no coach, economic buyer absent, a "
        "strong opponent, a cold attendee, a VIP/KOL due a contact) block instead of warning.",
    )
    brief_limits_sheet: bool = Field(
        False,
        description="Print the negotiation limits on a separate last sheet of the brief "
        "instead of a 'for your eyes only' box at the foot of page 2.",
    )
    exchange_rates: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict,
        description="Value of one unit of a client's currency in the company currency, "
        "e.g. {PLN = 0.235} when the company counts in EUR. Needed for income shares.",
    )
    lock_after_idle_min: Annotated[int, Field(ge=0, le=1440)] = Field(
        15,
        description="With an encrypted dossier, the window locks after this many minutes "
        "without keyboard or mouse input and asks for the passphrase again (0: never).",
    )
    backup_keep_daily: Annotated[int, Field(ge=0, le=366)] = Field(
        7,
        description="Daily backups kept (one per day, taken on the first open of the day). "
        "0 daily and 0 weekly turns the daily backup off.",
    )
    backup_keep_weekly: Annotated[int, Field(ge=0, le=520)] = Field(
        4, description="Weekly backups kept: the newest daily backup of each week."
    )
    backup_folder: str = Field(
        "",
        description="Folder for backups; empty means 'backups' beside the database file. "
        "A relative path is taken from the database's folder.",
    )


def config_path() -> Path:
    if env := os.environ.get("KAMDESK_CONFIG"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("kamdesk", appauthor=False)) / "settings.toml"


def load(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults when there is no file. A broken file is an error
    naming the file and the problem (never silently replaced by defaults)."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Settings()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KamdeskError(f"The settings file {path} is not valid TOML: {exc}.") from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KamdeskError(
            f"The settings file {path} has a bad value at {where}: {first['msg']}."
        ) from exc


class Store:
    """One process's settings: read from the file once, and again only when the file has
    changed since (replaced, touched or resized: the user or another process edited it), so a
    long-running window sees an edit without reading the disk at every use. Each call returns a
    copy: a caller that changes its settings (and saves them) changes nothing others hold."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._stamp: tuple[object, ...] | None = None
        self._settings: Settings | None = None
        self.reads = 0  # how often the file was read

    def current(self) -> Settings:
        path = self._path or config_path()
        stamp = _stamp(path)
        if self._settings is None or stamp != self._stamp:
            self._settings, self._stamp = load(path), stamp
            self.reads += 1
        return self._settings.model_copy(deep=True)


def _stamp(path: Path) -> tuple[object, ...]:
    """What tells a changed settings file: its path, and its inode, time and size if it exists
    (an atomic save is a new inode)."""
    try:
        st = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), st.st_ino, st.st_mtime_ns, st.st_size)


_PROCESS = Store()


def current() -> Settings:
    """This process's settings (read once, reloaded when the file changes; see ``Store``)."""
    return _PROCESS.current()


def save(settings: Settings, path: Path | None = None) -> None:
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, tomli_w.dumps(settings.model_dump()))
