"""A real SQLite dossier shared by all examples of one property run, and a fingerprint of its
files to prove that a refused operation wrote nothing."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from kamdesk.core.interchange import exchange
from kamdesk.core.storage.db import Database
from tests.conftest import SAMPLE

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CLIENT = "wisla-pharma"
MEETING = "wisla-tender-2027"


class Dossier:
    """One real database for a whole property run (hypothesis reruns the test body, and a
    function-scoped ``tmp_path`` would be shared by all examples anyway)."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="kamdesk-fuzz-")
        self.dir = Path(self.tmp.name)
        self.path = self.dir / "fuzz.db"
        self.db = Database.open(self.path)
        text = json.dumps(document or copy.deepcopy(SAMPLE), ensure_ascii=False)
        exchange.import_text(self.db, text, "sample", trusted_ticks=True)

    def files(self) -> str:
        """A digest of the database file and its write-ahead log: the same digest means the
        same bytes on disk."""
        digest = hashlib.sha256()
        for suffix in ("", "-wal"):
            path = self.path.with_name(self.path.name + suffix)
            digest.update(suffix.encode())
            digest.update(path.read_bytes() if path.exists() else b"<none>")
        return digest.hexdigest()

    def close(self) -> None:
        self.db.close()
        self.tmp.cleanup()

    def __enter__(self) -> Dossier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
