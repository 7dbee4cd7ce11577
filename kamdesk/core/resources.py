"""The one place that finds packaged resources (templates, styles, fonts, demo data, schema).

Works from a checkout or editable install (``<repo>/resources``) and from the PyInstaller
bundle (``sys._MEIPASS/resources``). ``$KAMDESK_RESOURCES`` overrides both (for tests of a
bundle layout).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path


@cache
def root() -> Path:
    candidates = []
    if env := os.environ.get("KAMDESK_RESOURCES"):
        candidates.append(Path(env))
    if bundle := getattr(sys, "_MEIPASS", None):
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    for candidate in candidates:
        if (candidate / "demo").is_dir():
            return candidate
    raise FileNotFoundError(
        "kamdesk's resources folder is missing (looked in: "
        + ", ".join(str(c) for c in candidates)
        + ")"
    )


def path(*parts: str) -> Path:
    """A file inside the resources folder; refuses anything that escapes it."""
    base = root()
    target = base.joinpath(*parts).resolve()
    if base.resolve() not in target.parents and target != base.resolve():
        raise ValueError(f"{'/'.join(parts)!r} is outside the resources folder")
    return target
