"""The command line contract of PORTFOLIO_FORMAT.md: commands, exit codes, stderr."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kamdesk import __version__
from kamdesk.cli import main


def _count(db: str, query: str) -> int:
    """One number read straight from the file, the connection closed (not left to the GC)."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(query).fetchone()[0]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_through_the_real_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kamdesk", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"kamdesk {__version__}"
    assert __version__ != "0+unknown"


LIGHT = """
import sys
from kamdesk.cli import main
try:
    main([sys.argv[1]])
except SystemExit:
    pass
heavy = {"sqlalchemy", "sqlmodel", "weasyprint", "pygal", "PySide6"}
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy or m == "kamdesk.core.storage.db"))
"""


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_load_no_library(option: str) -> None:
    """Every parser is built on each start: the commands import the core only when they run."""
    result = subprocess.run(
        [sys.executable, "-c", LIGHT, option], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_demo_meetings_export_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    code, out, _ = run(capsys, "--db", db, "demo")
    assert code == 0 and "4 new" in out
    code, out, _ = run(capsys, "--db", db, "meetings")
    assert code == 0
    assert "pomorze-tender-2027" in out
    ready_line = next(line for line in out.splitlines() if "pomorze-tender-2027" in line)
    assert " ready " in ready_line
    assert "to fix" in next(line for line in out.splitlines() if "patika-q1-listing" in line)
    assert out.index("pomorze-tender-2027") < out.index("almaty-launch-rt")
    code, _, err = run(capsys, "--db", db, "demo")
    assert code == 1 and "already holds data" in err
    export = tmp_path / "out.json"
    code, out, _ = run(capsys, "--db", db, "export-json", str(export))
    assert code == 0 and json.loads(export.read_text())["format"] == "kamdesk-portfolio"
    code, out, _ = run(capsys, "--db", str(tmp_path / "second.db"), "import-json", str(export))
    assert code == 0 and "clients: 4 new" in out


def test_invalid_import_exits_2_with_paths(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample: dict[str, Any]
) -> None:
    sample["clients"][0]["stakeholders"][0]["influence"] = 7
    sample["clients"][0]["colour"] = "red"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(sample))
    code, out, err = run(capsys, "--db", str(tmp_path / "x.db"), "import-json", str(bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0].endswith("2 errors; nothing was imported")
    assert "  clients[0].stakeholders[0].influence: 7 is not in 1..5" in lines
    assert "  clients[0].colour: unknown field" in lines
    assert "Traceback" not in err


def test_missing_file_and_locked_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "x.db"
    code, _, err = run(capsys, "--db", str(db), "import-json", str(tmp_path / "nope.json"))
    assert code == 2 and "no such file" in err
    from kamdesk.core.storage.db import Database

    with Database.open(db):
        code, _, err = run(capsys, "--db", str(db), "demo")
    assert code == 1 and "already open for writing" in err and len(err.strip().splitlines()) == 1


def test_export_from_a_missing_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "--db", str(tmp_path / "none.db"), "export-json", str(tmp_path / "o.json")
    )
    assert code == 1 and "There is no database" in err
    assert not (tmp_path / "none.db").exists()


def test_kamdesk_db_environment_variable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAMDESK_DB", str(tmp_path / "env.db"))
    assert run(capsys, "demo")[0] == 0
    assert (tmp_path / "env.db").exists()


def test_cli_follow_ups_portfolio_and_calendar_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    import pypdf

    db = str(tmp_path / "p.db")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "follow-ups"]) == 0
    out = capsys.readouterr().out
    open_items = _count(db, "SELECT count(*) FROM action_item WHERE NOT done")
    assert f"{open_items} follow-ups" in out
    assert main(["--db", db, "follow-ups", "--all", "--csv", str(tmp_path / "f.csv")]) == 0
    rows = list(csv.reader((tmp_path / "f.csv").read_text("utf-8-sig").splitlines()))
    total = _count(db, "SELECT count(*) FROM action_item")
    assert len(rows) == total + 1

    assert main(["--db", db, "portfolio"]) == 0
    out = capsys.readouterr().out
    assert "szpital-pomorze" in out and "critical" in out and "Herfindahl" in out
    assert main(["--db", db, "portfolio", "-o", str(tmp_path / "p.pdf")]) == 0
    assert len(pypdf.PdfReader(tmp_path / "p.pdf").pages) >= 1

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ics"
    invite = fixture / "outlook2010-request-vtimezone-attendees.ics"
    before = _count(db, "SELECT count(*) FROM meeting")
    args = ["--db", db, "import-ics", str(invite), "--client", "banca-adriatica"]
    assert main([*args, "--dry-run"]) == 0
    assert _count(db, "SELECT count(*) FROM meeting") == before
    assert main(args) == 0
    assert "Team Meeting" in capsys.readouterr().out
    assert _count(db, "SELECT count(*) FROM meeting") == before + 1
    assert main(args) == 0  # again: matched by its UID, nothing new
    assert _count(db, "SELECT count(*) FROM meeting") == before + 1
    assert main([*args[:-1], "nobody"]) == 2
