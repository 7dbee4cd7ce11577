"""The real-world files in tests/fixtures are byte-for-byte the copies SOURCES.md lists: each
file's Git blob hash matches the one recorded from its original repository. The growing corpus in
tests/fixtures/corpus is checked the same way against corpus/SOURCES.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "corpus"


def _blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - Git's id


def _recorded(sources: Path) -> dict[str, str]:
    """File name -> blob, from the tables of a SOURCES.md (the blob is the third column from
    the right: blob | license | what is special)."""
    rows = re.findall(
        r"^\| `([^`]+)` \|.*?\| ([0-9a-f]{40}) \|[^|]*\|[^|]*\|$",
        sources.read_text("utf-8"),
        re.M,
    )
    names = [name for name, _ in rows]
    assert len(names) == len(set(names)), f"a file is listed twice in {sources}"
    return dict(rows)


def _files(folder: Path, *, skip: Path | None = None) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != "SOURCES.md" and (skip is None or not p.is_relative_to(skip))
    )


def test_every_fixture_matches_its_recorded_blob() -> None:
    recorded = _recorded(FIXTURES / "SOURCES.md")
    files = _files(FIXTURES, skip=CORPUS)
    assert len(files) == len(recorded) == 27
    for path in files:
        assert _blob(path.read_bytes()) == recorded[path.name], path.name


def test_every_corpus_file_is_listed_and_matches_its_recorded_blob() -> None:
    recorded = _recorded(CORPUS / "SOURCES.md")
    files = _files(CORPUS)
    assert files, "the corpus holds files"
    names = [p.name for p in files]
    assert len(names) == len(set(names)), "two corpus files share a name"
    assert sorted(set(names) - set(recorded)) == [], "corpus files missing from SOURCES.md"
    assert sorted(set(recorded) - set(names)) == [], "listed in SOURCES.md but not on disk"
    old = set(_recorded(FIXTURES / "SOURCES.md"))
    assert sorted(old & set(names)) == [], "a corpus file has the name of an older fixture"
    for path in files:
        assert path.parent.parent == CORPUS, (
            f"{path}: not in corpus/csv, corpus/ics or corpus/vcard"
        )
        assert path.parent.name in ("csv", "ics", "vcard"), path
        assert _blob(path.read_bytes()) == recorded[path.name], path.name
