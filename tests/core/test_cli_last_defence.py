"""The command line's last line of defence: a reader that stops reading ends the command
quietly, and an unexpected exception prints one line and the path of a crash log that holds
no personal data."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from kamdesk.cli import EXIT_CLOSED_PIPE, main
from kamdesk.core import crashlog
from kamdesk.core.account import queries
from tests.conftest import SAMPLE


def _closed_pipe() -> int:
    """The write end of a pipe whose reader has already gone: every write fails (EPIPE)."""
    read, write = os.pipe()
    os.close(read)
    return write


def test_a_closed_pipe_ends_quietly_and_the_import_before_it_stands(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps(SAMPLE), "utf-8")
    out = _closed_pipe()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kamdesk", "--db", str(db), "import-json", str(sample)],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(out)
    assert result.returncode == EXIT_CLOSED_PIPE
    assert result.stderr == ""  # no traceback, not even "Exception ignored … BrokenPipeError"
    expected = len(SAMPLE["clients"])
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == expected


def test_a_closed_pipe_in_the_middle_of_a_long_listing(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo"]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamdesk", "--db", str(db), "--help"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) in (0, EXIT_CLOSED_PIPE)
    assert "Traceback" not in err


PERSONAL = "Łukasz Wróbel <lukasz.wrobel@example.pl> +48 600 100 200"


def test_an_unexpected_error_gives_one_line_and_a_crash_log_without_personal_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo"]) == 0
    capsys.readouterr()

    def broken(*_args: object, **_kwargs: object) -> None:
        try:
            {}[PERSONAL]  # noqa: B018 - a KeyError carrying a person, chained below
        except KeyError as inner:
            raise ValueError(f"cannot sort {PERSONAL}") from inner

    monkeypatch.setattr(queries, "upcoming_meetings", broken)
    monkeypatch.setenv(crashlog.ENV_CRASH_DIR, str(tmp_path / "crashes"))
    before = db.read_bytes()

    code = main(["--db", str(db), "meetings"])

    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err and PERSONAL not in err
    assert len(err.strip().splitlines()) == 1
    assert "ValueError" in err and "test_cli_last_defence.py" not in err
    logs = list((tmp_path / "crashes").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text("utf-8")
    assert "ValueError" in text and "KeyError" in text  # the whole chain
    # where, in our code: the frame of the command that was running
    assert re.search(r"^  kamdesk/cli/commands/meetings\.py:\d+ in run$", text, re.MULTILINE)
    for part in ("Łukasz", "Wróbel", "lukasz", "600 100", str(tmp_path)):
        assert part not in text, part
    assert "meetings" in text  # the command's name, never its arguments
    assert (logs[0].stat().st_mode & 0o777) == 0o600
    assert db.read_bytes() == before


def test_the_crash_log_keeps_the_newest_and_a_log_that_cannot_be_written_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "crashes"
    folder.mkdir()
    for n in range(crashlog.KEEP + 5):
        (folder / f"crash-20000101-0000{n:02d}-1.log").write_text("old", "utf-8")
    monkeypatch.setattr(queries, "upcoming_meetings", lambda *a, **k: 1 / 0)
    monkeypatch.setenv(crashlog.ENV_CRASH_DIR, str(folder))
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo"]) == 0
    assert main(["--db", str(db), "meetings"]) == 1
    logs = sorted(folder.glob("crash-*.log"))
    assert len(logs) == crashlog.KEEP
    assert logs[-1].read_text("utf-8").count("ZeroDivisionError") == 1
    capsys.readouterr()

    blocker = tmp_path / "a-file"
    blocker.write_text("", "utf-8")
    monkeypatch.setenv(crashlog.ENV_CRASH_DIR, str(blocker / "crashes"))  # not a folder
    assert main(["--db", str(db), "meetings"]) == 1
    err = capsys.readouterr().err
    assert "no crash log could be written" in err and len(err.strip().splitlines()) == 1
