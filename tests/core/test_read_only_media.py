"""A dossier on read-only media (a CD, a locked share, a write-protected backup disk) is read
and exported as it is; changing it is refused with the reason; nothing is created there."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kamdesk.cli import main
from kamdesk.core import demo
from kamdesk.core.errors import DatabaseReadOnly
from kamdesk.core.storage.db import Database, read_only_reason
from tests.read_only_media import read_only_copy


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "dossier.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    assert not path.with_name("dossier.db-wal").exists()  # checkpointed at close
    return path


def _listing(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_a_dossier_on_read_only_media_is_read_and_exported(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with read_only_copy([demo_file], tmp_path) as media:
        path = media / demo_file.name
        before = _listing(media)
        assert read_only_reason(path) is not None

        assert main(["--db", str(path), "meetings", "--all"]) == 0
        assert "pomorze-tender-2027" in capsys.readouterr().out
        out = tmp_path / "out.json"
        assert main(["--db", str(path), "export-json", str(out)]) == 0
        assert len(json.loads(out.read_text("utf-8"))["clients"]) == 4
        pdf = tmp_path / "dossier.pdf"
        assert main(["--db", str(path), "dossier", "szpital-pomorze", "-o", str(pdf)]) == 0
        capsys.readouterr()

        assert main(["--db", str(path), "import-json", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "cannot be changed" in err and "copy it" in err
        assert _listing(media) == before  # no -wal, -shm or lock file made there


def test_the_app_s_open_falls_back_to_read_only_and_says_why(
    demo_file: Path, tmp_path: Path
) -> None:
    with read_only_copy([demo_file], tmp_path) as media:
        path = media / demo_file.name
        with pytest.raises(DatabaseReadOnly, match="cannot be changed"):
            Database.open(path)
        with Database.open(path, or_read_only=True) as db:
            assert db.readonly and db.read_only_reason == read_only_reason(path)
            assert not demo.is_empty(db)
            with pytest.raises(DatabaseReadOnly), db.transaction():
                pass
        with Database.open(demo_file, or_read_only=True) as db:  # writable: as asked
            assert not db.readonly and db.read_only_reason is None


def test_changes_left_in_a_wal_on_read_only_media_are_not_silently_skipped(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dossier copied while open (its -wal beside it, no -shm): immutable would not see the
    changes in the WAL; the message says what to do instead."""
    import contextlib
    import shutil
    import sqlite3

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(demo_file, work / "d.db")
    keep = sqlite3.connect(work / "d.db")
    with contextlib.closing(keep):
        keep.execute("PRAGMA wal_autocheckpoint = 0")
        keep.execute("UPDATE client SET name = 'Renamed in the WAL' WHERE key = 'patika-lanc'")
        keep.commit()
        shutil.copy2(work / "d.db", tmp_path / "d.db")
        shutil.copy2(work / "d.db-wal", tmp_path / "d.db-wal")
    with read_only_copy([tmp_path / "d.db", tmp_path / "d.db-wal"], tmp_path) as media:
        assert main(["--db", str(media / "d.db"), "meetings"]) == 1
        err = capsys.readouterr().err
        assert "d.db-wal" in err and "copy d.db and d.db-wal together" in err
        assert err.count("\n") == 1
