"""Smoke test: ``kamdesk --startup-check`` as a user's shell runs it, in a process of its own.

It opens the main window on the database, waits until the window is shown with the portfolio
list filled, prints the milliseconds and exits 0. No timing is asserted here: figures belong
to ``make bench`` (benchmarks/startup.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from kamdesk.core import demo
from kamdesk.core.storage.db import Database

LINE = re.compile(r"startup-check: (\d+) ms\n")


def _run(*args: str, screen: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if screen:
        env["QT_QPA_PLATFORM"] = "offscreen"
    else:
        env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "kamdesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_startup_check_prints_the_milliseconds_and_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    done = _run("--db", str(path), "--startup-check")
    assert done.returncode == 0, done.stderr
    found = LINE.fullmatch(done.stdout)
    assert found is not None, done.stdout
    assert int(found.group(1)) > 0
    # the app is closed again: the file is free for the next writer
    Database.open(path).close()


def test_startup_check_on_an_empty_dossier_and_its_refusals(tmp_path: Path) -> None:
    empty = tmp_path / "new.db"
    done = _run("--db", str(empty), "--startup-check")
    assert done.returncode == 0 and LINE.fullmatch(done.stdout), done.stderr
    # with a command it is invalid input; without a screen it says how to get one
    done = _run("--db", str(empty), "--startup-check", "meetings")
    assert done.returncode == 2 and "give it no command" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    done = _run("--db", str(empty), "--startup-check", screen=False)
    if sys.platform.startswith("linux"):
        assert done.returncode == 1 and "QT_QPA_PLATFORM=offscreen" in done.stderr
    # a file in use by another writer: one line, exit 1, no dialog waiting for a click
    with Database.open(empty):
        done = _run("--db", str(empty), "--startup-check")
    assert done.returncode == 1 and "already open for writing" in done.stderr
    assert "Traceback" not in done.stderr
