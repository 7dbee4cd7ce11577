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

SETTINGS_VERSION = 1


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
    exchange_rates: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict,
        description="Value of one unit of a client's currency in the company currency, "
        "e.g. {PLN = 0.235} when the company counts in EUR. Needed for income shares.",
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


def save(settings: Settings, path: Path | None = None) -> None:
    from kamdesk.core.exchange import write_atomically

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, tomli_w.dumps(settings.model_dump()))
