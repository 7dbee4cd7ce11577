"""The real-world files in tests/fixtures are byte-for-byte the copies SOURCES.md lists: each
file's Git blob hash matches the one recorded from its original repository."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - Git's id


def test_every_fixture_matches_its_recorded_blob() -> None:
    sources = (FIXTURES / "SOURCES.md").read_text("utf-8")
    recorded = dict(
        re.findall(r"^\| `([^`]+)` \|.*?\| ([0-9a-f]{40}) \|[^|]*\|[^|]*\|$", sources, re.M)
    )
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    assert len(files) == len(recorded) == 27
    for path in files:
        assert _blob(path.read_bytes()) == recorded[path.name], path.name
