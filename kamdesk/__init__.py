"""kamdesk: an offline desk for Key Account Managers."""

import time as _time

STARTED = _time.perf_counter()  # the clock of ``kamdesk --startup-check`` (gui/startup_check)

from importlib import metadata as _metadata  # noqa: E402 - after the clock starts

APP_NAME = "kamdesk"

try:
    __version__ = _metadata.version(APP_NAME)
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"
