"""Storage: creation at head, PRAGMAs, refusing newer schemas and second writers, migrations."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kamdesk.core import errors
from kamdesk.core.interchange import exchange
from kamdesk.core.model.models import metadata
from kamdesk.core.storage import db as dbmod
from kamdesk.core.storage import primitives as storage
from kamdesk.core.storage.db import Database


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_at_head_and_matches_the_models(db: Database) -> None:
    conn = sqlite3.connect(db.path)
    assert (
        conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == storage.head_revision()
    )
    conn.close()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, type_, _parents: (
                    not (type_ == "table" and name.startswith("fts_"))
                )
            },
        )
        diff = compare_metadata(context, metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_connections_use_wal_foreign_keys_and_busy_timeout(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == storage.BUSY_TIMEOUT_MS


def test_constraints_live_in_the_database(db: Database, sample: dict[str, Any]) -> None:
    exchange.import_text(db, json.dumps(sample), "sample")
    conn = sqlite3.connect(db.path)
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(
        sqlite3.IntegrityError, match="CHECK constraint failed: ck_stakeholder_influence_range"
    ):
        conn.execute("UPDATE stakeholder SET influence = 9")
    with pytest.raises(sqlite3.IntegrityError, match="ck_stakeholder_attitude_enum"):
        conn.execute("UPDATE stakeholder SET attitude = 'hostile'")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(
            "INSERT INTO stakeholder (client_id, key, name, vip, kol) VALUES (1, 'sokolov', 'x', 0, 0)"
        )
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute("INSERT INTO need (client_id, key, text) VALUES (99, 'n', 't')")
    # deleting a client takes its whole dossier with it
    conn.execute("DELETE FROM client")
    conn.commit()
    for table in ("stakeholder", "meeting", "meeting_attendee", "action_item", "relation"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM product").fetchone()[0] == 1
    conn.close()


def test_newer_schema_refused_and_untouched(db_path: Path) -> None:
    Database.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _sha(db_path)
    files_before = sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(errors.DatabaseTooNew, match="newer version of kamdesk"):
        Database.open(db_path)
    with pytest.raises(errors.DatabaseTooNew):
        Database.open(db_path, readonly=True)
    assert _sha(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == files_before


def test_second_writer_in_another_process_is_refused(db_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from kamdesk.core.storage.db import Database
        from kamdesk.core.errors import DatabaseLocked
        try:
            Database.open({str(db_path)!r})
        except DatabaseLocked as exc:
            print("REFUSED", exc)
            sys.exit(0)
        print("OPENED")
        sys.exit(1)
        """
    )
    with Database.open(db_path):
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "REFUSED" in result.stdout and "already open for writing" in result.stdout
        # readers are still welcome
        with Database.open(db_path, readonly=True) as reader, reader.session():
            pass
    # once the first writer closes, a new one may open
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "OPENED" in result.stdout


def test_lock_released_when_the_writer_dies(db_path: Path) -> None:
    Database.open(db_path).close()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from kamdesk.core.storage.db import Database; import time; d = Database.open({str(db_path)!r}); "
            "print('up', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
    with pytest.raises(errors.DatabaseLocked):
        Database.open(db_path)
    proc.kill()
    proc.wait()
    proc.stdout.close()
    Database.open(db_path).close()


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database")
    with pytest.raises(errors.NotADossierDatabase, match="not an SQLite file"):
        Database.open(path)
    assert path.read_text() == "these are my notes, not a database"


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = _sha(path)
    with pytest.raises(errors.NotADossierDatabase, match="not a kamdesk one"):
        Database.open(path)
    assert _sha(path) == before


def test_read_only_database_gives_a_clear_error(db_path: Path, sample: dict[str, Any]) -> None:
    with Database.open(db_path) as db:
        exchange.import_text(db, json.dumps(sample), "sample")
    with Database.open(db_path, readonly=True) as ro:
        with pytest.raises(errors.DatabaseReadOnly):
            exchange.import_text(ro, json.dumps(sample), "sample")
        # a raw write through the read-only engine is translated too
        with pytest.raises(errors.DatabaseReadOnly), ro.session() as session:
            session.connection().exec_driver_sql("UPDATE client SET name = 'x'")
    with Database.open(db_path, readonly=True) as ro, ro.session() as session:
        assert exchange.export_document(session)["clients"][0]["name"] == "Wisła Pharma S.A."


def test_a_refused_open_leaves_no_connection_open(
    db_path: Path, sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An open that fails after the engine was made (here: the step after the search index)
    closes the engine's pooled connection and frees the lock; Python 3.13 reported the
    connection left behind as an unclosed database."""
    with Database.open(db_path) as filled:
        exchange.import_text(filled, json.dumps(sample), "sample")
    engines = []
    real_make_engine = dbmod._make_engine

    def recording(*args: Any, **kwargs: Any) -> Any:
        engines.append(real_make_engine(*args, **kwargs))
        return engines[-1]

    def failing_backup(_db: Database) -> None:
        raise errors.EnvironmentProblem("no backup today")

    monkeypatch.setattr(dbmod, "_make_engine", recording)
    monkeypatch.setattr(dbmod, "_daily_backup", failing_backup)
    with pytest.raises(errors.EnvironmentProblem, match="no backup today"):
        Database.open(db_path)
    (engine,) = engines
    assert engine.pool.checkedin() == 0 and engine.pool.checkedout() == 0
    monkeypatch.undo()
    Database.open(db_path).close()  # the lock was freed


def test_readonly_open_of_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.EnvironmentProblem, match="no database"):
        Database.open(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


SECOND_REVISION = '''
"""test-only: a column on client, through batch mode (copy, drop, rename)"""
import sqlalchemy as sa
from alembic import op

revision = "0002_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("segment", sa.String(), nullable=True))
    {extra}


def downgrade():
    with op.batch_alter_table("client") as batch:
        batch.drop_column("segment")
'''


def _future_migrations(tmp_path: Path, extra: str = "pass") -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(storage.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "0002_test.py").write_text(
        SECOND_REVISION.format(head=storage.head_revision(), extra=extra)
    )
    return folder


def test_migration_keeps_a_copy_and_keeps_child_rows(
    db_path: Path, sample: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        exchange.import_text(db, json.dumps(sample), "sample")
    conn = sqlite3.connect(db_path)
    children_before = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("stakeholder", "meeting", "need", "financial_period")
    }
    conn.close()
    assert all(children_before.values())

    head = storage.head_revision()
    monkeypatch.setattr(storage, "MIGRATIONS_DIR", _future_migrations(tmp_path))
    with Database.open(db_path) as db:
        assert db.backup_path is not None and db.backup_path.exists()
        backup = db.backup_path
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002_test"
    assert "segment" in [r[1] for r in conn.execute("PRAGMA table_info(client)")]
    for table, count in children_before.items():
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count, table
    conn.close()
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    assert (
        old.execute("SELECT count(*) FROM stakeholder").fetchone()[0]
        == children_before["stakeholder"]
    )
    old.close()


def test_failing_migration_rolls_back_whole(
    db_path: Path, sample: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        exchange.import_text(db, json.dumps(sample), "sample")
    # the migration breaks a reference: foreign_key_check must catch it and undo everything
    head = storage.head_revision()
    extra = "op.execute('UPDATE stakeholder SET client_id = 999')"
    monkeypatch.setattr(storage, "MIGRATIONS_DIR", _future_migrations(tmp_path, extra))
    with pytest.raises(Exception, match="broken references"):
        Database.open(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    assert "segment" not in [r[1] for r in conn.execute("PRAGMA table_info(client)")]
    assert conn.execute("SELECT count(*) FROM stakeholder WHERE client_id = 1").fetchone()[0] == 2
    conn.close()
    # and the lock was released: the file opens again once the bad migration is gone
    monkeypatch.undo()
    Database.open(db_path).close()


def test_default_path_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KAMDESK_DB", str(tmp_path / "env.db"))
    assert dbmod.default_db_path() == tmp_path / "env.db"
    monkeypatch.delenv("KAMDESK_DB")
    path = dbmod.default_db_path()
    assert path.name == "kamdesk.db" and "kamdesk" in str(path.parent)


def test_0008_old_notes_stay_private_until_marked_shared(tmp_path: Path) -> None:
    """Notes written before the private part existed may hold private remarks in their
    summary: after the upgrade none of them is shared, and nothing else changed."""
    from alembic import command

    from kamdesk.core import demo

    path = tmp_path / "old.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    engine = dbmod._make_engine(path, foreign_keys=False)
    with engine.connect() as conn:  # back to the schema before 0008, as an older kamdesk left it
        cfg = storage.alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
        conn.commit()
    engine.dispose()
    conn = sqlite3.connect(path)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(meeting_notes)")]
    assert "private" not in columns and "summary_shared" not in columns
    before = conn.execute("SELECT id, summary, decisions FROM meeting_notes ORDER BY id").fetchall()
    actions = conn.execute("SELECT count(*) FROM action_item").fetchone()[0]
    conn.close()
    assert before and actions

    with Database.open(path) as db:
        assert db.backup_path is not None  # the upgrade kept a copy first
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
        storage.head_revision()
    )
    after = conn.execute(
        "SELECT id, summary, decisions, summary_shared, private FROM meeting_notes ORDER BY id"
    ).fetchall()
    assert [r[:3] for r in after] == before
    assert {(r[3], r[4]) for r in after} == {(0, None)}
    assert conn.execute("SELECT count(*) FROM action_item").fetchone()[0] == actions
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_the_substance_migration_fills_old_rows_and_makes_the_dossier_secret(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier written before revision 0009 (at 0008) keeps its rows, gets the new columns
    with their defaults, and a secret of its own for sealing exported ticks."""
    old = tmp_path / "old-migrations"
    shutil.copytree(storage.MIGRATIONS_DIR, old, ignore=shutil.ignore_patterns("__pycache__"))
    (old / "versions" / "0009_substance_and_sealed_ticks.py").unlink()
    monkeypatch.setattr(storage, "MIGRATIONS_DIR", old)
    with Database.open(db_path):
        assert storage.head_revision() == "0008"
    monkeypatch.undo()
    # rows as that version wrote them (today's code would write today's columns)
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO client (key, name) VALUES ('old', 'Old client')")
    conn.execute(
        "INSERT INTO meeting (key, client_id, title, kind, mode, agenda, questions) "
        "VALUES ('old-m', 1, 'Old meeting', 'meeting', 'in_person', '[]', '[]')"
    )
    conn.execute("INSERT INTO product (key, name, key_facts) VALUES ('P', 'Product', '[]')")
    conn.execute("INSERT INTO product_faq (product_id, question, answer) VALUES (1, 'Q?', 'A.')")
    conn.execute("INSERT INTO proposal (meeting_id, text) VALUES (1, 'An offer')")
    conn.commit()
    conn.close()
    with Database.open(db_path) as db:
        assert db.backup_path is not None  # the usual copy before an upgrade
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0009"
    assert conn.execute(
        "SELECT on_site, lessons, ticks_unreviewed, phone, credit_line FROM meeting"
    ).fetchone() == (0, "{}", "[]", None, None)
    assert conn.execute("SELECT no_product FROM proposal").fetchone() == (0,)
    assert conn.execute("SELECT tags FROM product_faq").fetchone() == ("[]",)
    (secret,) = conn.execute("SELECT secret FROM dossier_secret").fetchall()
    assert re.fullmatch(r"[0-9a-f]{64}", secret[0])
    conn.close()
    with Database.open(db_path, readonly=True) as db, db.session() as session:
        exported = exchange.export_document(session)
    assert exported["clients"][0]["meetings"][0]["lessons"] == {}
    # another dossier has a secret of its own
    with Database.open(tmp_path / "other.db") as other, other.session() as session:
        from kamdesk.core.account import confirmations

        assert confirmations.dossier_secret(session) not in (None, secret[0])
