"""Damage drill: 1,000 byte-flipped, truncated, empty and random copies of a real dossier (the
demo, about 480 KB), each opened by the app's open path (``Database.open`` for writing, then a
read of every stored value through the models, the meetings list and a search). None may
crash: each either opens after its checks or is refused as damaged (``DatabaseDamaged``,
naming the newest good backup), and a refused file is left as it was."""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select

from kamdesk.core import demo, errors
from kamdesk.core.account import queries
from kamdesk.core.model import models as m
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database

SEED = 20261122
MODELS = [
    cls
    for cls in vars(m).values()
    if isinstance(cls, type) and issubclass(cls, SQLModel) and hasattr(cls, "__table__")
]


def _variants(good: bytes, rng: random.Random):
    """(kind, bytes): 700 flipped, 180 truncated, 10 empty, 110 random = 1,000."""
    for _ in range(700):
        data = bytearray(good)
        for _ in range(rng.choice((1, 1, 1, 2, 4, 8))):
            offset = rng.randrange(len(data))
            data[offset] ^= 1 << rng.randrange(8)
        yield "flipped", bytes(data)
    for i in range(180):
        # half at page boundaries (what a short write leaves), half anywhere
        cut = rng.randrange(1, len(good) // 4096) * 4096 if i % 2 else rng.randrange(1, len(good))
        yield "truncated", good[:cut]
    for _ in range(10):
        yield "empty", b""
    for i in range(110):
        body = rng.randbytes(rng.randrange(1, 300_000))
        # half keep the SQLite header (and the first page's start), to get past the first check
        yield "random", (good[:100] + body) if i % 2 else body


def _open_and_read(path: Path) -> None:
    with Database.open(path) as db, db.session() as session:
        connection = session.connection()
        for model in MODELS:  # every stored value, through the models' column types
            connection.execute(select(model.__table__)).all()
        queries.upcoming_meetings(session, include_past=True)
        search.search(session, "sokolov")


def _clear(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def test_thousand_damaged_copies_open_or_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAMDESK_CONFIG", str(tmp_path / "settings.toml"))
    original = tmp_path / "demo.db"
    with Database.open(original) as db:
        demo.load_demo(db)
    good = original.read_bytes()
    target = tmp_path / "kamdesk.db"
    target.write_bytes(good)
    kept = backup.take_backup(target, "daily")  # today's: no new one is taken by the opens

    outcomes: Counter[tuple[str, str]] = Counter()
    crashes: list[str] = []
    other: list[str] = []
    changed_when_refused = 0
    expect_passphrase = 0
    rng = random.Random(SEED)
    start = time.perf_counter()
    for kind, data in _variants(good, rng):
        if kind == "random" and len(data) % 512 == 0 and data[:16] != good[:16]:
            # Without a key, an encrypted file cannot be told from random bytes of a whole
            # number of pages: it is asked for its passphrase (and a wrong one is refused).
            expect_passphrase += 1
        _clear(target)
        target.write_bytes(data)
        try:
            _open_and_read(target)
        except errors.DatabaseDamaged as exc:
            outcomes[(kind, "refused as damaged")] += 1
            assert exc.newest_backup == kept, str(exc)
            assert str(kept) in str(exc)
            changed_when_refused += target.read_bytes() != data
        except errors.PassphraseNeeded:
            outcomes[(kind, "asked for passphrase")] += 1
            changed_when_refused += target.read_bytes() != data
        except errors.KamdeskError as exc:
            outcomes[(kind, type(exc).__name__)] += 1
            other.append(f"{kind}: {type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a crash: counted and shown
            outcomes[(kind, "CRASH")] += 1
            crashes.append(f"{kind}: {exc!r}")
        else:
            outcomes[(kind, "opened after checks")] += 1
    seconds = time.perf_counter() - start

    total = sum(outcomes.values())
    opened = sum(n for (_, what), n in outcomes.items() if what == "opened after checks")
    refused = sum(n for (_, what), n in outcomes.items() if what == "refused as damaged")
    with capsys.disabled():
        print(
            f"\ndamage drill: {total} copies in {seconds:.1f} s "
            f"({1000 * seconds / total:.1f} ms each): {opened} opened after checks, "
            f"{refused} refused as damaged, {expect_passphrase} asked for a passphrase, "
            f"{len(other)} other errors, {len(crashes)} crashes"
        )
        for (kind, what), count in sorted(outcomes.items()):
            print(f"  {kind:<10} {what:<22} {count}")
        for line in (crashes + other)[:10]:
            print(f"  ! {line[:300]}")
    assert total >= 1000
    assert crashes == []
    assert other == []
    assert sum(n for (_, what), n in outcomes.items() if what == "asked for passphrase") == (
        expect_passphrase
    )
    assert changed_when_refused == 0
    # the good backup was never rotated away or replaced by a damaged one
    assert [b.path for b in backup.list_backups(target)] == [kept]
