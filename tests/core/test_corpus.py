"""Every real-world file under tests/fixtures (the older folders and the growing corpus/) goes
through the command line's importers as a KAM would run them, on a copy of the demo dossier.

Each import either works (exit 0) or is refused (exit 2) with one line that names the file;
it never ends as an environment error (exit 1) or a traceback, and a refused import leaves the
dossier file byte for byte as it was. The clock is fixed: what "over by now" means does not
change with the day the tests run."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import time_machine

from kamdesk.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOON = dt.datetime(2026, 11, 22, 12, 0).astimezone()
CLIENT = "banca-adriatica"  # a client of the demo portfolio
COMMANDS = {".vcf": "import-vcard", ".csv": "import-csv", ".ics": "import-ics"}

# Files that make kamdesk crash; each is marked here, with the crash, until it is fixed.
CRASHES: dict[str, str] = {}


def _fixture_files() -> list[Path]:
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix.lower() in COMMANDS)
    assert files
    return files


def _params() -> list[object]:
    params: list[object] = []
    for path in _fixture_files():
        ident = path.relative_to(FIXTURES).as_posix()
        if ident in CRASHES:
            mark = pytest.mark.xfail(strict=True, reason=CRASHES[ident])
            params.append(pytest.param(path, id=ident, marks=mark))
        else:
            params.append(pytest.param(path, id=ident))
    return params


@pytest.fixture(scope="module")
def demo_dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portfolio, written once by the CLI at a fixed moment; each test copies it."""
    path = tmp_path_factory.mktemp("demo") / "dossier.db"
    with time_machine.travel(NOON, tick=False):
        assert main(["--db", str(path), "demo"]) == 0
    assert not path.with_name(path.name + "-wal").exists()
    return path


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _assert_refusal_names_the_file(err: str, path: Path) -> None:
    """A refusal is one message line naming the file; any further lines are its indented
    details (the bad rows, one per line)."""
    lines = err.splitlines()
    messages = [line for line in lines if line and not line.startswith("  ")]
    assert len(messages) == 1, err
    assert messages[0].startswith("kamdesk: ") and path.name in messages[0], err


def test_every_corpus_folder_holds_files() -> None:
    corpus = FIXTURES / "corpus"
    for kind in ("csv", "ics", "vcard"):
        assert any((corpus / kind).iterdir()), kind
    assert {p.suffix.lower() for p in _fixture_files()} == set(COMMANDS)


@pytest.mark.parametrize("path", _params())
def test_every_fixture_imports_or_is_refused_on_one_line(
    path: Path,
    demo_dossier: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dossier = tmp_path / "dossier.db"
    shutil.copyfile(demo_dossier, dossier)
    before = dossier.read_bytes()
    command = COMMANDS[path.suffix.lower()]
    args = ["--db", str(dossier), command, str(path), "--client", CLIENT]

    with time_machine.travel(NOON, tick=False):
        code, out, err = _run(capsys, [*args, "--dry-run"])
        assert "Traceback" not in err and "Traceback" not in out
        assert code in (0, 2), f"exit {code}: {err}"
        assert dossier.read_bytes() == before, "a dry run changed the dossier"
        if code == 2:
            _assert_refusal_names_the_file(err, path)
            # refused for real too, and nothing is written
            code, out, err = _run(capsys, args)
            assert "Traceback" not in err
            assert code == 2, f"exit {code} without --dry-run: {err}"
            _assert_refusal_names_the_file(err, path)
            assert dossier.read_bytes() == before, "a refused import changed the dossier"
            return

    assert "Dry run: nothing was written." in out
    if command == "import-ics":
        assert re.search(r"^Summary: ", out, re.M), out
        return
    read = re.search(r"^Read .*: (\d+) (?:card|row)s? \(", out, re.M)
    assert read is not None, out
    assert int(read.group(1)) >= 1, out
    preview = re.search(r"^Preview: (.*)$", out, re.M)
    assert preview is not None, out
    assert sum(int(n) for n in re.findall(r"\d+", preview.group(1))) >= 1, out
