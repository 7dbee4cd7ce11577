"""The core must work with Qt absent: import every core module with PySide6 made unimportable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import kamdesk.core

SCRIPT = """
import importlib, sys

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError("Qt is not allowed in kamdesk.core: " + name)
        return None

sys.meta_path.insert(0, NoQt())
for name in sys.argv[1:]:
    importlib.import_module(name)
import kamdesk.cli
assert not any(m.startswith("PySide6") for m in sys.modules)
print("ok", len(sys.argv) - 1)
"""


def test_core_imports_without_qt() -> None:
    # every module of the core, its packages' modules too
    modules = [info.name for info in pkgutil.walk_packages(kamdesk.core.__path__, "kamdesk.core.")]
    assert "kamdesk.core.interchange.exchange.importing" in modules
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *modules], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(modules)}"


def test_cli_runs_a_core_command_without_qt(tmp_path) -> None:
    script = SCRIPT.replace('print("ok", len(sys.argv) - 1)', "") + (
        "from kamdesk.cli import main\n"
        f"sys.exit(main(['--db', {str(tmp_path / 'q.db')!r}, 'demo']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
