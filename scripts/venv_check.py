"""Which installed distributions of this environment have lost files (scripts/setup.sh).

Prints ``name==version`` for each distribution that misses a file its RECORD lists (bytecode
aside), one a line, and exits 1 if there is any. ``pip check`` alone does not see this: a
package whose files were deleted but whose metadata is left still counts as installed.
About 0.2 s for this venv's ~25,000 files.
"""

from __future__ import annotations

import sys
from importlib import metadata


def broken() -> list[str]:
    found = []
    for dist in metadata.distributions():
        for file in dist.files or []:
            if file.suffix == ".pyc" or "__pycache__" in file.parts:
                continue
            if not file.locate().exists():
                found.append(f"{dist.metadata['Name']}=={dist.version}")
                break
    return sorted(set(found))


if __name__ == "__main__":
    names = broken()
    print("\n".join(names))
    sys.exit(1 if names else 0)
