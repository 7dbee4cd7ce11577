"""The one place that finds packaged resources (templates, styles, fonts, demo data, schema).

Works from an installed wheel (``pip install .``: ``kamdesk/resources`` inside the package,
put there by the build's force-include), a checkout or editable install (``<repo>/resources``)
and the PyInstaller bundle (``sys._MEIPASS/resources``). ``$KAMDESK_RESOURCES`` overrides them
all (for tests of a bundle layout).
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
    package = Path(__file__).resolve().parents[1]
    candidates.append(package / "resources")  # an installed wheel
    candidates.append(package.parent / "resources")  # a checkout (or an editable install)
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
