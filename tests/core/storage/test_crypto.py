"""Encryption at rest, on real files: SQLCipher keys derived as documented, wrong or missing
passphrases refused cleanly, conversions that verify before they swap and leave the original
intact when they fail."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
import unicodedata
from pathlib import Path

import pytest
import sqlcipher3
from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import col, select

from kamdesk.cli import main
from kamdesk.core import demo, errors
from kamdesk.core.interchange import exchange
from kamdesk.core.model import models as m
from kamdesk.core.storage import backup, crypto, encryption, search
from kamdesk.core.storage import db as dbmod
from kamdesk.core.storage import primitives as storage
from kamdesk.core.storage.db import Database

PASSPHRASES = {
    "quotes": "He said \"don't\"; x'00' -- '\"",
    "unicode": "zażółć gęślą jaźń 🔑",
    "256 characters": ("Ab'\"ż🔑 " * 40)[:256],
}
# personal data of the demo: none of it may be readable in an encrypted file
PEOPLE = ("Joanna Mielczarek", "Kacper Grabowski", "Paolo Colombo")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _export(path: Path, passphrase: str | None = None) -> str:
    """The whole portfolio as export-json writes it, less its time stamp and the ticks' seals
    (each dossier seals its ticks under its own secret)."""
    with Database.open(path, readonly=True, passphrase=passphrase) as db, db.session() as s:
        doc = exchange.export_document(s)
    doc.pop("exported_at")
    for client in doc["clients"]:
        for meeting in client["meetings"]:
            meeting.pop("confirmations_seal")
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def _documented_key(passphrase: str, file: Path) -> str:
    """The key as README/crypto.py document it, computed here independently."""
    salt = file.read_bytes()[:16]
    raw = hashlib.scrypt(
        unicodedata.normalize("NFC", passphrase).encode("utf-8"),
        salt=salt,
        n=2**17,
        r=8,
        p=1,
        maxmem=256 * 1024 * 1024,
        dklen=32,
    )
    return raw.hex()


def _files_of(path: Path) -> list[Path]:
    """The database, its companions and its backups."""
    return [p for p in path.parent.rglob("*") if p.is_file() and p.name.startswith(path.stem)]


@pytest.fixture(scope="module")
def plain_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "demo.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    return path


@pytest.mark.parametrize("passphrase", PASSPHRASES.values(), ids=PASSPHRASES.keys())
def test_encrypted_dossier_round_trip_and_documented_key(
    tmp_path: Path, plain_demo: Path, passphrase: str
) -> None:
    path = tmp_path / "secret.db"
    with Database.open(path, passphrase=passphrase) as db:
        assert db.encrypted
        demo.load_demo(db)
    assert crypto.file_kind(path) == "encrypted"
    # reopened through kamdesk: the same dossier as the plain demo, search included
    assert _export(path, passphrase) == _export(plain_demo)
    with Database.open(path, passphrase=passphrase) as db, db.session() as session:
        assert [hit.title for hit in search.search(session, "mielczarek")] == [PEOPLE[0]]
        assert db.check_passphrase(passphrase) and not db.check_passphrase(passphrase + " ")

    # the plain sqlcipher3 binding opens it with the key derived as documented
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{_documented_key(passphrase, path)}'\"")
    names = {row[0] for row in conn.execute("SELECT name FROM stakeholder")}
    assert set(PEOPLE) <= names
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()

    # no personal string in plain bytes: not in the file, its WAL, nor its backups
    assert any(PEOPLE[0].encode() in p.read_bytes() for p in _files_of(plain_demo))
    files = _files_of(path)
    assert path in files and any(p.parent.name == "backups" for p in files)
    for file in files:
        data = file.read_bytes()
        for person in PEOPLE:
            assert person.encode() not in data, (file, person)
            assert person.lower().encode() not in data, (file, person)  # the search index


def test_wrong_or_missing_passphrase_is_refused_cleanly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.db"
    with Database.open(path, passphrase="right") as db:
        demo.load_demo(db)
    before = _sha(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(errors.WrongPassphrase, match="passphrase does not open"):
        Database.open(path, passphrase="wrong")
    with pytest.raises(errors.WrongPassphrase):
        Database.open(path, passphrase="Right", readonly=True)
    with pytest.raises(errors.PassphraseNeeded, match="is encrypted"):
        Database.open(path)
    with pytest.raises(errors.PassphraseNeeded):
        Database.open(path, passphrase="")
    # raw connections need the key too: none is known once the dossier is closed
    with pytest.raises(errors.PassphraseNeeded):
        storage.connect_raw(path, readonly=True)
    assert _sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing

    # the command line: one sentence on stderr, exit 1, nothing from SQLCipher, no traceback
    capfd.readouterr()
    monkeypatch.setenv("KAMDESK_PASSPHRASE", "wrong")
    assert main(["--db", str(path), "meetings"]) == 1
    out, err = capfd.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"kamdesk: The passphrase does not open {path}: it is wrong, or the file is damaged. "
        "Nothing was changed."
    ]
    monkeypatch.delenv("KAMDESK_PASSPHRASE")
    result = subprocess.run(
        [sys.executable, "-m", "kamdesk", "--db", str(path), "export-json", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"kamdesk: {path} is encrypted: kamdesk needs its passphrase")
    assert len(result.stderr.splitlines()) == 1
    assert _sha(path) == before


def test_every_command_opens_an_encrypted_dossier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.db"
    with Database.open(path, passphrase="pass phrase") as db:
        demo.load_demo(db)
    pass_file = tmp_path / "pass.txt"
    pass_file.write_text("pass phrase\n", "utf-8")
    base = ["--db", str(path), "--passphrase-file", str(pass_file)]
    assert main([*base, "meetings"]) == 0
    assert "pomorze-tender-2027" in capsys.readouterr().out
    assert main([*base, "readiness", "pomorze-tender-2027"]) == 0
    assert main([*base, "export-json", str(tmp_path / "out.json")]) == 0
    assert main([*base, "import-json", str(tmp_path / "out.json")]) == 0  # a writer
    monkeypatch.setenv("KAMDESK_PASSPHRASE", "pass phrase")
    assert main(["--db", str(path), "follow-ups"]) == 0
    assert crypto.file_kind(path) == "encrypted"


def test_migrations_and_their_backup_on_an_encrypted_file(tmp_path: Path) -> None:
    """A file at the first schema revision, encrypted, is upgraded on open; the copy kept
    before the upgrade is encrypted with the same key."""
    path = tmp_path / "old.db"
    script = ScriptDirectory.from_config(storage.alembic_config())
    first = list(script.walk_revisions())[-1].revision
    assert first != storage.head_revision()
    key = crypto.new_key("older")
    engine = dbmod._make_engine(path, foreign_keys=False, key=key)
    with engine.connect() as conn:
        cfg = storage.alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, first)
        conn.commit()
    engine.dispose()
    assert crypto.file_kind(path) == "encrypted"
    with Database.open(path, passphrase="older") as db:
        assert db.backup_path is not None and crypto.file_kind(db.backup_path) == "encrypted"
        demo.load_demo(db)
        with contextlib.closing(db.connect_raw(readonly=True)) as conn_raw:
            revision = conn_raw.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == (storage.head_revision(),)
        backup_copy = db.backup_path
    # the copy holds the file as it was, under the same passphrase
    key = crypto.key_for_file(backup_copy, "older")
    with contextlib.closing(storage.connect_raw(backup_copy, key, readonly=True)) as conn_raw:
        assert conn_raw.execute("SELECT version_num FROM alembic_version").fetchone() == (first,)
    with pytest.raises(errors.WrongPassphrase):
        storage.connect_raw(backup_copy, crypto.key_for_file(backup_copy, "newer"), readonly=True)


def test_backups_of_an_encrypted_dossier_are_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "secret.db"
    with Database.open(path, passphrase="k") as db:
        demo.load_demo(db)
        made = backup.backup_now(db)
        assert crypto.file_kind(made) == "encrypted"
        assert backup.check_file(made)  # readable while the dossier's key is known
    with pytest.raises(errors.PassphraseNeeded):
        backup.check_file(made)  # and not once it is closed
    assert PEOPLE[0].encode() not in made.read_bytes()


def test_encrypt_decrypt_round_trip_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dossier.db"
    assert main(["--db", str(path), "demo"]) == 0
    before_json, after_json = tmp_path / "before.json", tmp_path / "after.json"
    assert main(["--db", str(path), "export-json", str(before_json)]) == 0
    monkeypatch.setenv("KAMDESK_PASSPHRASE", "zażółć gęślą jaźń 🔑")
    capsys.readouterr()
    assert main(["--db", str(path), "encrypt"]) == 0
    out = capsys.readouterr().out
    assert "encrypted: 3" in out and "rows checked" in out
    assert "still protected the old way" in out  # the plain daily backup is named
    assert crypto.file_kind(path) == "encrypted"
    assert not [p for p in tmp_path.iterdir() if ".converting" in p.name]
    assert all(person.encode() not in path.read_bytes() for person in PEOPLE)
    assert main(["--db", str(path), "encrypt"]) == 1
    assert "already encrypted" in capsys.readouterr().err

    assert main(["--db", str(path), "decrypt"]) == 0
    assert crypto.file_kind(path) == "plain"
    monkeypatch.delenv("KAMDESK_PASSPHRASE")
    assert main(["--db", str(path), "export-json", str(after_json)]) == 0

    def content(file: Path) -> bytes:
        return b"\n".join(
            line for line in file.read_bytes().splitlines() if b'"exported_at"' not in line
        )

    assert content(before_json) == content(after_json)
    assert main(["--db", str(path), "decrypt"]) == 1
    assert "not encrypted" in capsys.readouterr().err


def test_change_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.db"
    with Database.open(path, passphrase="old one") as db:
        demo.load_demo(db)
    expected = _export(path, "old one")
    old_salt = crypto.file_salt(path)
    new_file = tmp_path / "new.txt"
    new_file.write_text("new 'one'\n", "utf-8")
    monkeypatch.setenv("KAMDESK_PASSPHRASE", "not it")
    args = ["--db", str(path), "change-passphrase", "--new-passphrase-file", str(new_file)]
    assert main(args) == 1  # the current passphrase is checked first
    assert "does not open" in capsys.readouterr().err
    assert crypto.file_salt(path) == old_salt
    monkeypatch.setenv("KAMDESK_PASSPHRASE", "old one")
    assert main(args) == 0
    assert crypto.file_salt(path) != old_salt  # a new key and a new salt
    with pytest.raises(errors.WrongPassphrase):
        Database.open(path, passphrase="old one")
    assert _export(path, "new 'one'") == expected


def test_a_full_disk_during_encryption_leaves_the_original_intact(tmp_path: Path) -> None:
    """The converting process may write at most 256 KiB into any file (RLIMIT_FSIZE): the
    copy cannot be completed, as on a full disk."""
    path = tmp_path / "dossier.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    assert path.stat().st_size > 300_000
    before, expected = _sha(path), _export(path)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    result = subprocess.run(
        [sys.executable, "-m", "kamdesk", "--db", str(path), "encrypt"],
        env={**os.environ, "KAMDESK_PASSPHRASE": "never mind"},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        preexec_fn=limit,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "was not changed" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert _sha(path) == before
    assert crypto.file_kind(path) == "plain" and _export(path) == expected
    assert not [p for p in tmp_path.iterdir() if ".converting" in p.name]


CONVERT = textwrap.dedent(
    """
    import sys
    from kamdesk.core.storage import encryption
    print("start", flush=True)
    encryption.encrypt(sys.argv[1], "killed midway")
    print("done", flush=True)
    """
)


def test_a_conversion_killed_midway_loses_nothing(tmp_path: Path) -> None:
    """SIGKILL while the copy is being written, and at moments spread over a conversion: the
    file at the path is always a whole dossier (the old one, or the new one once verified),
    and the next conversion clears the leftovers."""
    path = tmp_path / "dossier.db"
    temp = path.with_name(path.name + storage.TEMP_SUFFIX)
    with Database.open(path) as db:
        demo.load_demo(db)
    expected = _export(path)
    outcomes = []
    for when in ("copy", 0.0, 0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen(
            [sys.executable, "-c", CONVERT, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "start"
        if when == "copy":  # as soon as the converted copy appears
            while not temp.exists() and proc.poll() is None:
                time.sleep(0.0005)
            assert proc.poll() is None, "the conversion ended before it could be killed"
        else:
            time.sleep(float(when))
        proc.kill()
        proc.wait()
        proc.stdout.close()
        kind = crypto.file_kind(path)
        assert kind in ("plain", "encrypted")
        outcomes.append((when, kind, temp.exists()))
        if kind == "encrypted":
            assert _export(path, "killed midway") == expected
            encryption.decrypt(path, "killed midway")
        assert _export(path) == expected
        with Database.open(path) as db, contextlib.closing(db.connect_raw(readonly=True)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # the writer's open cleared what the kill left (the copy, the file kept aside)
        assert not [p for p in tmp_path.iterdir() if ".converting" in p.name]
    assert outcomes[0][1:] == ("plain", True)  # killed during the copy: the original stays
    print("kill moment, file after it, copy left over:", outcomes)
    encryption.encrypt(path, "finally, a passphrase")
    assert not [p for p in tmp_path.iterdir() if ".converting" in p.name]
    assert _export(path, "finally, a passphrase") == expected


def test_names_in_the_dossier_are_still_found_after_conversion(tmp_path: Path) -> None:
    path = tmp_path / "dossier.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    encryption.encrypt(path, "search me")
    with Database.open(path, passphrase="search me") as db, db.session() as session:
        assert search.search(session, "gdansk")
        people = session.exec(select(m.Stakeholder.name).order_by(col(m.Stakeholder.id))).all()
        assert set(PEOPLE) <= set(people)


def test_a_restore_never_undoes_or_adds_encryption_without_a_word(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A plain backup taken before `encrypt` would make the dossier plain SQLite again; an
    encrypted backup would lock a plain dossier. Both are refused (exit 2, one line each way),
    the dossier byte-identical and nothing set aside."""
    path = tmp_path / "dossier.db"
    with Database.open(path) as db:
        demo.load_demo(db)
        plain_backup = backup.backup_now(db, "manual", tmp_path / "before-encrypt.db")
    encryption.encrypt(path, "a long passphrase")
    before = _sha(path)
    code = main(["--db", str(path), "restore", str(plain_backup)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "would leave the dossier unencrypted" in err and "kamdesk decrypt" in err
    assert _sha(path) == before and crypto.file_kind(path) == "encrypted"
    assert not list(tmp_path.glob("*.replaced-*"))

    with Database.open(path, passphrase="a long passphrase") as db:
        encrypted_backup = backup.backup_now(db, "manual", tmp_path / "encrypted.db")
    plain = tmp_path / "plain.db"
    shutil_copy = plain.write_bytes(plain_backup.read_bytes())
    assert shutil_copy > 0
    kept = _sha(plain)
    with pytest.raises(errors.RestoreRefused, match="lock the dossier"):
        backup.restore(plain, encrypted_backup)
    assert _sha(plain) == kept and crypto.file_kind(plain) == "plain"


@pytest.mark.parametrize("weak", ["s", "1234567", "  seven  ", "abc\u0301defg"[:7]])
def test_a_new_passphrase_shorter_than_eight_characters_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, weak: str
) -> None:
    path = tmp_path / "dossier.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    before = _sha(path)
    monkeypatch.setenv("KAMDESK_PASSPHRASE", weak)
    assert main(["--db", str(path), "encrypt"]) == 2
    err = capsys.readouterr().err
    assert "too short" in err and "at least 8" in err and err.count("\n") == 1
    assert _sha(path) == before and crypto.file_kind(path) == "plain"
    if len(weak.strip()) > 3:
        assert weak.strip() not in err  # the passphrase itself is never echoed


def test_change_passphrase_refuses_a_short_one_and_the_same_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "dossier.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    encryption.encrypt(path, "eight or more")
    salt = crypto.file_salt(path)
    monkeypatch.setenv("KAMDESK_PASSPHRASE", "eight or more")
    for new, said in (("short", "too short"), ("eight or more", "is the current one")):
        monkeypatch.setenv("KAMDESK_NEW_PASSPHRASE", new)
        assert main(["--db", str(path), "change-passphrase"]) == 2
        assert said in capsys.readouterr().err
        assert crypto.file_salt(path) == salt
