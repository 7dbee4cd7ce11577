"""The output-path policy (kamdesk.core.files): no command writes over the dossier, its
companion files or its backups, over a device, a FIFO or a folder, or through a symlink onto
its target. The dossier stays byte-identical and nothing is written."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from kamdesk.cli import main
from kamdesk.core import demo, errors, files
from kamdesk.core.storage.db import Database

MEETING = "pomorze-tender-2027"
CLIENT = "szpital-pomorze"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    return path


@pytest.fixture
def dossier(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "dossier.db"
    shutil.copy(demo_file, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def commands(db: Path, target: Path) -> dict[str, list[str]]:
    return {
        "export-json": ["--db", str(db), "export-json", str(target)],
        "export-csv": ["--db", str(db), "export-csv", str(target)],
        "dossier": ["--db", str(db), "dossier", CLIENT, "-o", str(target)],
        "brief": ["--db", str(db), "brief", MEETING, "-o", str(target)],
        "backup": ["--db", str(db), "backup", "-o", str(target)],
    }


def refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (argv, out, err)
    assert err.startswith("kamdesk: ") and err.count("\n") == 1, err  # one line
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("command", ["export-json", "export-csv", "dossier", "brief", "backup"])
def test_no_command_writes_over_the_dossier(
    capsys: pytest.CaptureFixture[str], dossier: Path, command: str
) -> None:
    before = digest(dossier)
    err = refused(capsys, commands(dossier, dossier)[command])
    assert "database" in err
    assert digest(dossier) == before
    assert not [p for p in dossier.parent.iterdir() if p.name.endswith(".tmp")]
    with Database.open(dossier, readonly=True):  # still a dossier
        pass


@pytest.mark.parametrize("companion", ["-wal", "-shm", ".lock"])
def test_nor_over_its_companion_files(
    capsys: pytest.CaptureFixture[str], dossier: Path, companion: str
) -> None:
    before = digest(dossier)
    target = dossier.with_name(dossier.name + companion)
    refused(capsys, commands(dossier, target)["export-json"])
    assert digest(dossier) == before
    assert not target.exists() or target.stat().st_size == 0 or companion != ".lock"


def test_nor_into_its_backups_folder(capsys: pytest.CaptureFixture[str], dossier: Path) -> None:
    assert main(["--db", str(dossier), "backup"]) == 0
    capsys.readouterr()
    folder = dossier.parent / "backups"
    (backup,) = folder.iterdir()
    kept = digest(backup)
    err = refused(capsys, commands(dossier, backup)["export-csv"])
    assert "backups folder" in err
    refused(capsys, commands(dossier, folder / "new.json")["export-json"])
    assert digest(backup) == kept and sorted(folder.iterdir()) == [backup]


def test_nor_over_what_is_not_a_regular_file(
    capsys: pytest.CaptureFixture[str], dossier: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    err = refused(capsys, commands(dossier, folder)["export-json"])
    assert "a folder" in err
    assert folder.is_dir() and not list(folder.iterdir())
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for command in ("export-json", "backup"):
        err = refused(capsys, commands(dossier, fifo)[command])
        assert "not a regular file" in err
    assert fifo.is_fifo()
    device = Path("/dev/null")
    err = refused(capsys, commands(dossier, device)["export-csv"])
    assert "not a regular file" in err
    assert device.is_char_device()


@pytest.mark.parametrize("command", ["export-json", "backup"])
def test_a_symlink_is_replaced_never_followed(
    capsys: pytest.CaptureFixture[str], dossier: Path, tmp_path: Path, command: str
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", "utf-8")
    link = tmp_path / "out.file"
    link.symlink_to(precious)
    assert main(commands(dossier, link)[command]) == 0
    capsys.readouterr()
    assert precious.read_text("utf-8") == "keep me"
    assert not link.is_symlink() and link.stat().st_size > 0


def test_a_symlink_to_the_dossier_is_refused(
    capsys: pytest.CaptureFixture[str], dossier: Path, tmp_path: Path
) -> None:
    before = digest(dossier)
    link = tmp_path / "innocent.json"
    link.symlink_to(dossier)
    for command in ("export-json", "backup"):
        refused(capsys, commands(dossier, link)[command])
    assert link.is_symlink() and digest(dossier) == before


def test_a_closed_dossier_is_no_longer_protected(dossier: Path) -> None:
    with Database.open(dossier, readonly=True), pytest.raises(errors.OutputRefused):
        files.check_output(dossier)
    assert files.check_output(dossier) == dossier
