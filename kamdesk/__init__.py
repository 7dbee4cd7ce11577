"""kamdesk: an offline desk for Key Account Managers."""

from importlib import metadata as _metadata

APP_NAME = "kamdesk"

try:
    __version__ = _metadata.version(APP_NAME)
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"
