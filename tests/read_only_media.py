"""A folder on read-only media, for the tests of read-only dossiers: a read-only tmpfs when
the tests run as root (root writes through any permission bits), a folder and file without
write permission otherwise."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only_copy(files: list[Path], where: Path) -> Iterator[Path]:
    """``files`` copied into ``where``/media, which is then made read-only; yields it."""
    media = where / "media"
    media.mkdir()
    if os.geteuid() != 0:
        for file in files:
            shutil.copy2(file, media / file.name)
            (media / file.name).chmod(0o444)
        media.chmod(0o555)
        try:
            yield media
        finally:
            media.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(media)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("root without the right to mount: no way to make read-only media here")
    try:
        for file in files:
            shutil.copy2(file, media / file.name)
        subprocess.run(["mount", "-o", "remount,ro", str(media)], check=True)
        yield media
    finally:
        subprocess.run(["umount", "-l", str(media)], check=False)
