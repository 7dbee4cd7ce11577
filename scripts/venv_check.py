"""Which installed distributions of this environment have lost files (scripts/setup.sh).

Prints the name of each distribution to reinstall, one a line, and exits 1 if there is any:
those missing a file their RECORD lists (bytecode aside), and those providing a top-level
module that kamdesk, its tests, benchmarks or scripts import but that cannot be found. ``*``
means a missing module no installed distribution claims: reinstall everything. ``pip check``
alone sees neither: a package whose files were deleted but whose metadata is left still
counts as installed (and some RECORDs list only the metadata). About 0.3 s.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {"kamdesk", "tests", "benchmarks", "scripts", "__future__", "_typeshed"}


def imported_modules() -> set[str]:
    names: set[str] = set()
    for folder in ("kamdesk", "tests", "benchmarks", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - OURS


def broken() -> list[str]:
    found = set()
    for dist in metadata.distributions():
        for file in dist.files or []:
            if file.suffix == ".pyc" or "__pycache__" in file.parts:
                continue
            if not file.locate().exists():
                found.add(dist.metadata["Name"])
                break
    owners = metadata.packages_distributions()
    for name in imported_modules():
        if importlib.util.find_spec(name) is None:
            found.update(owners.get(name, ["*"]))
    return sorted(found)


if __name__ == "__main__":
    names = broken()
    print("\n".join(names))
    sys.exit(1 if names else 0)
