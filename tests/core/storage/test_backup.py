"""Backups, restore and damaged files, on real SQLite files: daily/import/migration/manual
backups, their checks and rotation, restore (checked first, current file kept aside, the
writer lock), a damaged or emptied dossier refused with the newest good backup named, disk
full and read-only files losing nothing that was saved."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from kamdesk.cli import main
from kamdesk.core import errors, settings
from kamdesk.core.account import editing
from kamdesk.core.interchange import exchange
from kamdesk.core.interchange.ics.apply import apply_calendar_import
from kamdesk.core.interchange.ics.planning import plan_calendar_import
from kamdesk.core.interchange.ics.reader import read_calendar
from kamdesk.core.interchange.people.files import read_contacts
from kamdesk.core.interchange.people.importer import apply_import, client_id_for_key, plan_import
from kamdesk.core.model import models as m
from kamdesk.core.storage import backup
from kamdesk.core.storage import db as dbmod
from kamdesk.core.storage import primitives as storage
from kamdesk.core.storage.db import Database


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _client_name(path: Path) -> str:
    with Database.open(path, readonly=True) as db, db.session() as session:
        return session.exec(select(m.Client.name)).one()


def _set_name(db: Database, name: str) -> None:
    with db.session() as session:
        client_id = session.exec(select(m.Client.id)).one()
    editing.set_field(db, m.Client, client_id, "name", name)


@pytest.fixture
def filled(db_path: Path, sample: dict[str, Any]) -> Path:
    """A closed dossier holding the sample (no backup yet: it was empty when opened)."""
    with Database.open(db_path) as db:
        exchange.import_text(db, json.dumps(sample), "sample")
    assert backup.list_backups(db_path) == []
    return db_path


# --- taking backups ---------------------------------------------------------------------------


# Backups are named by the local clock; tests that look at "today's" travel to a fixed noon
# (time-machine) so that neither the calendar nor a run across midnight changes the answer.
NOON = dt.datetime(2026, 11, 22, 12, 0).astimezone()


def test_first_open_of_the_day_takes_a_verified_daily_backup(filled: Path, time_machine) -> None:
    time_machine.move_to(NOON)
    with Database.open(filled) as db:
        assert db.backup_warning is None
    (daily,) = backup.list_backups(filled)
    assert daily.reason == "daily" and daily.taken_at.date() == NOON.date()
    assert daily.path.parent == filled.parent / "backups"
    assert daily.path.name.startswith("dossier-") and daily.path.name.endswith("-daily.db")
    # a self-contained, checked copy: one file in rollback-journal mode, same content
    assert backup.check_file(daily.path) == storage.head_revision()
    conn = sqlite3.connect(daily.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT name FROM client").fetchone()[0] == "Wisła Pharma S.A."
    conn.close()
    assert sorted(p.name for p in daily.path.parent.iterdir()) == [daily.path.name]
    # the second open of the day (readers never take one) adds nothing
    Database.open(filled).close()
    Database.open(filled, readonly=True).close()
    assert backup.list_backups(filled) == [daily]


def test_empty_dossier_and_switched_off_daily_take_no_backup(db_path: Path, filled: Path) -> None:
    other = db_path.with_name("empty.db")
    Database.open(other).close()
    Database.open(other).close()
    assert backup.list_backups(other) == []
    settings.save(settings.Settings(backup_keep_daily=0, backup_keep_weekly=0))
    Database.open(filled).close()
    assert backup.list_backups(filled) == []


def test_a_failing_daily_backup_does_not_stop_the_open(filled: Path, tmp_path: Path) -> None:
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the backup folder should be")
    settings.save(settings.Settings(backup_folder=str(in_the_way)))
    with Database.open(filled) as db:
        assert db.backup_warning is not None
        assert "could not be taken" in db.backup_warning and str(in_the_way) in db.backup_warning
        _set_name(db, "still works")
    assert _client_name(filled) == "still works"


def test_backup_folder_setting_relative_to_the_database(filled: Path) -> None:
    settings.save(settings.Settings(backup_folder="safe/copies"))
    Database.open(filled).close()
    (daily,) = backup.list_backups(filled)
    assert daily.path.parent == filled.parent / "safe" / "copies"


def test_every_bulk_import_into_a_dossier_with_data_backs_up_first(
    filled: Path, sample: dict[str, Any], tmp_path: Path
) -> None:
    settings.save(settings.Settings(backup_keep_daily=0, backup_keep_weekly=0))
    with Database.open(filled) as db:
        exchange.import_text(db, json.dumps(sample), "again")
        # invalid input is refused before any backup is taken
        with pytest.raises(errors.InvalidInput):
            exchange.import_text(db, "{}", "broken")
        client_id = client_id_for_key(db, "wisla-pharma")
        card = tmp_path / "people.vcf"
        card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan Kowalski\r\nEND:VCARD\r\n")
        found = read_contacts(card)
        apply_import(db, client_id, plan_import(db, client_id, found.candidates))
        ics = tmp_path / "invite.ics"
        ics.write_text(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            "UID:review-1@test\r\nDTSTAMP:20261101T100000Z\r\nDTSTART:20271201T100000Z\r\n"
            "DTEND:20271201T110000Z\r\nSUMMARY:Quarterly review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        calendar = read_calendar(ics)
        plan = plan_calendar_import(db, client_id, calendar)
        apply_calendar_import(db, client_id, plan)
    found_backups = backup.list_backups(filled)
    assert [b.reason for b in found_backups] == ["import"] * 3
    # the newest import backup holds the person of the vCard but not the calendar's meeting
    conn = sqlite3.connect(found_backups[0].path)
    assert conn.execute("SELECT count(*) FROM stakeholder WHERE name = 'Jan Kowalski'").fetchone()
    assert (
        conn.execute("SELECT count(*) FROM meeting WHERE title = 'Quarterly review'").fetchone()[0]
        == 0
    )
    conn.close()


def test_migration_backup_goes_to_the_backup_folder(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.core.storage.test_db import _future_migrations

    head = storage.head_revision()
    monkeypatch.setattr(storage, "MIGRATIONS_DIR", _future_migrations(tmp_path))
    with Database.open(filled) as db:
        assert db.backup_path is not None
        migration = db.backup_path
    assert migration.parent == filled.parent / "backups"
    assert migration.name.endswith("-migration.db")
    conn = sqlite3.connect(migration)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    conn.close()


def test_manual_backup_to_a_file_and_not_over_the_database(filled: Path, tmp_path: Path) -> None:
    with Database.open(filled, readonly=True) as db:
        target = backup.backup_now(db, "manual", tmp_path / "elsewhere.db")
        assert backup.check_file(target) == storage.head_revision()
        # the output-path policy (core.files): refused as bad input, nothing written
        with pytest.raises(errors.OutputRefused, match="dossier's database"):
            backup.backup_now(db, "manual", filled)
        with pytest.raises(errors.OutputRefused, match="dossier's database"):
            backup.backup_now(db, "manual", Path(str(filled) + "-wal"))
    assert not list(tmp_path.glob(".*.tmp"))


def test_backup_while_another_process_writes(filled: Path) -> None:
    """A backup is a snapshot: taken from a reader while a writer (another process) works."""
    script = textwrap.dedent(
        f"""
        from kamdesk.core.account import editing
        from kamdesk.core.model import models as m
        from kamdesk.core.storage.db import Database
        db = Database.open({str(filled)!r})
        print("up", flush=True)
        for i in range(400):
            editing.set_field(db, m.Client, 1, "history", f"edit {{i}}")
        db.close()
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "up"
    taken = []
    with Database.open(filled, readonly=True) as db:
        for _ in range(3):
            taken.append(backup.backup_now(db, "manual"))
    assert writer.wait(120) == 0
    writer.stdout.close()
    for path in taken:
        assert backup.check_file(path) == storage.head_revision()


# --- rotation ---------------------------------------------------------------------------------


def test_rotation_keeps_seven_days_four_weeks_and_five_of_the_others(
    filled: Path, time_machine
) -> None:
    day = NOON.date()  # a Sunday: ISO week 47 is 16-22 November
    time_machine.move_to(NOON)  # the open below takes no backup of its own: one exists today
    for back in range(39, -1, -1):
        when = dt.datetime.combine(day - dt.timedelta(days=back), dt.time(9, 0))
        backup.take_backup(filled, "daily", now=when)
    for n in range(7):
        backup.take_backup(filled, "import", now=dt.datetime(2026, 11, 22, 10, n))
    backup.take_backup(filled, "manual", now=dt.datetime(2026, 11, 22, 11, 0))
    kept = backup.list_backups(filled)
    dailies = sorted(b.taken_at.date() for b in kept if b.reason == "daily")
    expected = [dt.date(2026, 11, d) for d in (1, 8, 15, 16, 17, 18, 19, 20, 21, 22)]
    assert dailies == expected
    imports = [b.taken_at.minute for b in kept if b.reason == "import"]
    assert imports == [6, 5, 4, 3, 2]
    assert [b.reason for b in kept].count("manual") == 1
    # a backup taken twice in the same second gets its own name
    twice = dt.datetime(2026, 11, 22, 12, 0, 0)
    first = backup.take_backup(filled, "manual", now=twice)
    second = backup.take_backup(filled, "manual", now=twice)
    assert first != second and second.name.endswith("-manual-2.db")
    # the daily check is cheap and looks at the newest daily's date
    with Database.open(filled) as db:
        assert backup.daily_if_due(db, today=day) is None
        assert backup.daily_if_due(db, today=day + dt.timedelta(days=1)) is not None


# --- restore ----------------------------------------------------------------------------------


def test_restore_puts_the_backup_back_and_keeps_the_current_file_aside(filled: Path) -> None:
    with Database.open(filled) as db:
        kept = backup.backup_now(db, "manual")
        _set_name(db, "Changed after the backup")
    result = backup.restore(filled, kept)
    assert result.path == filled and result.replaced is not None
    assert result.replaced.name.startswith("dossier.db.replaced-")
    assert _client_name(filled) == "Wisła Pharma S.A."
    aside = sqlite3.connect(result.replaced)
    assert aside.execute("SELECT name FROM client").fetchone()[0] == "Changed after the backup"
    aside.close()
    assert backup.check_file(kept)  # the backup itself is left as it was
    with Database.open(filled) as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_restore_over_a_crashed_dossier_never_replays_its_wal(filled: Path) -> None:
    """The -wal of a killed writer goes aside with its file: it holds the latest commits of
    the old file and must never be applied to the restored one."""
    with Database.open(filled) as db:
        kept = backup.backup_now(db, "manual")
    script = textwrap.dedent(
        f"""
        import time
        from kamdesk.core.account import editing
        from kamdesk.core.model import models as m
        from kamdesk.core.storage.db import Database
        db = Database.open({str(filled)!r})
        editing.set_field(db, m.Client, 1, "name", "Committed just before the crash")
        print("done", flush=True)
        time.sleep(60)
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "done"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    assert Path(str(filled) + "-wal").stat().st_size > 0
    result = backup.restore(filled, kept)
    assert result.replaced is not None
    assert not Path(str(filled) + "-wal").exists()
    assert Path(str(result.replaced) + "-wal").exists()
    assert _client_name(filled) == "Wisła Pharma S.A."
    with Database.open(result.replaced, readonly=True) as old, old.session() as session:
        assert session.exec(select(m.Client.name)).one() == "Committed just before the crash"


def test_restore_is_refused_while_a_writer_has_the_dossier(filled: Path) -> None:
    with Database.open(filled) as db:
        kept = backup.backup_now(db, "manual")
        before = _sha(filled)
        with pytest.raises(errors.DatabaseLocked, match="open for writing"):
            backup.restore(filled, kept)
        assert _sha(filled) == before
    assert not list(filled.parent.glob("*.replaced-*"))


def test_restore_checks_the_backup_first(filled: Path, tmp_path: Path) -> None:
    with Database.open(filled) as db:
        kept = backup.backup_now(db, "manual")
    before = _sha(filled)
    damaged = tmp_path / "damaged.db"
    data = bytearray(kept.read_bytes())
    data[2 * 4096 : 3 * 4096] = os.urandom(4096)  # a whole page of noise
    damaged.write_bytes(bytes(data))
    with pytest.raises(errors.DatabaseDamaged):
        backup.restore(filled, damaged)
    newer = tmp_path / "newer.db"
    newer.write_bytes(kept.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(errors.DatabaseTooNew):
        backup.restore(filled, newer)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    with pytest.raises(errors.NotADossierDatabase):
        backup.restore(filled, notes)
    with pytest.raises(errors.EnvironmentProblem, match="database itself"):
        backup.restore(filled, filled)
    assert _sha(filled) == before
    assert not list(filled.parent.glob("*.replaced-*"))


# --- damaged files ----------------------------------------------------------------------------


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[3 * 4096 : 3 * 4096 + 64] = b"\xff" * 64  # a b-tree page header and cell pointers
    path.write_bytes(bytes(data))


def test_damaged_dossier_is_refused_naming_the_newest_good_backup(filled: Path) -> None:
    Database.open(filled).close()  # today's daily backup
    (good,) = backup.list_backups(filled)
    # a newer backup that is itself damaged is skipped when looking for a good one
    newer = good.taken_at + dt.timedelta(seconds=1)
    bad = good.path.with_name(f"dossier-{newer:%Y%m%d-%H%M%S}-manual.db")
    bad.write_bytes(good.path.read_bytes())
    _corrupt(bad)
    assert backup.list_backups(filled)[0].path == bad
    _corrupt(filled)
    before, files = _sha(filled), sorted(p.name for p in filled.parent.iterdir())
    for readonly in (False, True):
        with pytest.raises(errors.DatabaseDamaged) as caught:
            Database.open(filled, readonly=readonly)
        assert caught.value.newest_backup == good.path
        message = str(caught.value)
        assert str(filled) in message and str(good.path) in message
        assert "kamdesk restore" in message and "Nothing was changed" in message
    assert _sha(filled) == before  # never a new empty dossier over it, never a write
    assert sorted(p.name for p in filled.parent.iterdir()) == files
    # restoring the named backup makes the dossier usable again
    backup.restore(filled, good.path)
    assert _client_name(filled) == "Wisła Pharma S.A."


def test_damaged_dossier_without_a_good_backup_says_so(filled: Path) -> None:
    _corrupt(filled)
    with pytest.raises(errors.DatabaseDamaged, match="No good backup of it was found") as caught:
        Database.open(filled)
    assert caught.value.newest_backup is None


def test_emptied_or_missing_dossier_with_backups_is_not_silently_replaced(filled: Path) -> None:
    Database.open(filled).close()
    (good,) = backup.list_backups(filled)
    filled.write_bytes(b"")
    with pytest.raises(errors.DatabaseDamaged, match="is empty, but backups of it exist"):
        Database.open(filled)
    assert filled.read_bytes() == b""
    filled.unlink()
    with pytest.raises(errors.DatabaseDamaged, match="is missing") as caught:
        Database.open(filled)
    assert caught.value.newest_backup == good.path
    assert not filled.exists()


def test_damage_found_while_reading_is_a_clear_error_without_the_text(filled: Path) -> None:
    """Bytes that are not UTF-8 in a text, or a date that is no date, pass SQLite's checks
    (it has no checksums): reading them is refused as damage, without quoting the value."""
    Database.open(filled).close()
    (good,) = backup.list_backups(filled)
    conn = sqlite3.connect(filled)
    conn.execute("UPDATE stakeholder SET personal_notes = CAST(x'74776fc3' AS TEXT)")
    conn.execute("UPDATE plan SET due = '2026-11-q0'")
    conn.commit()
    conn.close()
    with Database.open(filled, readonly=True) as db:
        with (
            pytest.raises(errors.DatabaseDamaged, match="not valid UTF-8") as caught,
            db.session() as session,
        ):
            session.exec(select(m.Stakeholder)).all()
        assert caught.value.newest_backup == good.path
        assert "two" not in str(caught.value)
        with (
            pytest.raises(errors.DatabaseDamaged, match="stored value") as caught,
            db.session() as session,
        ):
            session.exec(select(m.Plan)).all()
        assert "2026-11-q0" not in str(caught.value)
        # a ValueError of our own code is a bug, and stays one
        with pytest.raises(ValueError, match="ours"), db.session():
            raise ValueError("ours")


def test_quick_check_cost_on_open_is_small_for_the_demo(db_path: Path) -> None:
    from kamdesk.core import demo

    with Database.open(db_path) as db:
        demo.load_demo(db)
    import time

    start = time.perf_counter()
    for _ in range(5):
        dbmod._checked_preflight(db_path)
    assert (time.perf_counter() - start) / 5 < 0.5


# --- disk full and read-only: nothing saved is lost --------------------------------------------


def test_disk_full_refuses_the_change_and_keeps_everything_saved(
    filled: Path, sample: dict[str, Any]
) -> None:
    saved: list[str] = []
    with Database.open(filled) as db:
        with db.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        db.engine.dispose()
        limit = int(pages) + 40  # room for a few edits: a "disk" of this many pages

        @event.listens_for(db.engine, "connect")
        def _small_disk(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute(f"PRAGMA max_page_count = {limit}")

        with pytest.raises(errors.DiskFull, match="is full"):
            for i in range(500):
                text = f"plan {i} " + "x" * 3000
                editing.add_row(db, m.Plan, {"client_id": 1, "kind": "tender", "text": text})
                saved.append(text)
        assert 0 < len(saved) < 500
        # a whole import is refused just as cleanly: nothing of it lands
        sample["clients"][0]["name"] = "Imported under a full disk"
        sample["clients"][0]["history"] = "y" * 90_000
        with pytest.raises(errors.DiskFull):
            exchange.import_text(db, json.dumps(sample), "big")
    with Database.open(filled, readonly=True) as db, db.session() as session:
        texts = set(session.exec(select(m.Plan.text)))
        assert set(saved) <= texts and len(texts & {f"plan {len(saved)} "}) == 0
        assert session.exec(select(m.Client.name)).one() == "Wisła Pharma S.A."
        assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_read_only_open_refuses_edits_and_loses_nothing(filled: Path) -> None:
    before = _client_name(filled)
    with Database.open(filled, readonly=True) as db:  # ?mode=ro: root cannot bypass it
        with db.session() as session:
            client_id = session.exec(select(m.Client.id)).one()
        with pytest.raises(errors.DatabaseReadOnly):
            editing.set_field(db, m.Client, client_id, "name", "never written")
        with pytest.raises(errors.DatabaseReadOnly), db.session() as session:
            session.connection().exec_driver_sql("UPDATE client SET name = 'x'")
    assert _client_name(filled) == before


# --- command line -----------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_backup_backups_restore(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(filled)
    code, out, _ = _run(capsys, "--db", db, "backups")
    assert code == 0 and "No backups" in out
    code, out, _ = _run(capsys, "--db", db, "backup")
    assert code == 0 and "-manual.db" in out
    code, out, _ = _run(capsys, "--db", db, "backup", "-o", str(tmp_path / "copy.db"))
    assert code == 0 and "copy.db" in out
    code, out, _ = _run(capsys, "--db", db, "backups")
    assert code == 0 and "manual" in out and "KB" in out
    with Database.open(filled) as opened:
        _set_name(opened, "Changed")
        code, _, err = _run(capsys, "--db", db, "restore", str(tmp_path / "copy.db"))
        assert code == 1 and "open for writing" in err
    code, out, _ = _run(capsys, "--db", db, "restore", str(tmp_path / "copy.db"))
    assert code == 0 and "kept as" in out
    assert _client_name(filled) == "Wisła Pharma S.A."
    (tmp_path / "junk.db").write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    code, _, err = _run(capsys, "--db", db, "restore", str(tmp_path / "junk.db"))
    assert code == 2 and "Nothing was changed" in err
    code, _, err = _run(capsys, "--db", db, "restore", str(tmp_path / "missing.db"))
    assert code == 2 and "no such file" in err
    _corrupt(filled)
    code, _, err = _run(capsys, "--db", db, "meetings")
    assert code == 1 and "damaged" in err and "kamdesk restore" in err
    assert "Traceback" not in err


def test_large_files_are_read_whole_once_a_day(tmp_path: Path, monkeypatch) -> None:
    """Above the size limit the page-by-page check runs only when no backup was taken today
    (the backup's own check of its copy read every page); the damage is still caught when the
    damaged pages are read."""
    from kamdesk.core import demo

    monkeypatch.setattr(dbmod, "FULL_CHECK_ALWAYS_BYTES", 0)  # every file counts as large
    path = tmp_path / "big.db"
    with dbmod.Database.open(path) as db:
        demo.load_demo(db)
        db.engine.dispose()
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'stakeholder'").fetchone()[
        0
    ]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for old in backup.list_backups(path):
        old.path.unlink()
    pristine = path.read_bytes()
    damaged = bytearray(pristine)
    start = (root - 1) * page_size
    damaged[start : start + page_size] = b"\xa5" * page_size  # the people's table page
    path.write_bytes(bytes(damaged))

    assert dbmod._wants_page_check(path)  # no backup today: read every page
    with pytest.raises(errors.DatabaseDamaged):
        dbmod.Database.open(path, readonly=True)

    path.write_bytes(pristine)
    backup.take_backup(path, "manual")  # checked page by page, today
    path.write_bytes(bytes(damaged))
    assert not dbmod._wants_page_check(path)
    db = dbmod.Database.open(path, readonly=True)  # opens quickly, unchecked
    try:
        with pytest.raises(errors.DatabaseDamaged), db.session() as session:
            list(session.exec(select(m.Stakeholder)))  # reading the damaged page says so
    finally:
        db.close()
