"""Encryption at rest: the key derived from a passphrase, and telling encrypted files apart.

An encrypted dossier is an SQLCipher 4 file (the ``sqlcipher3`` binding, which bundles
SQLCipher). kamdesk never hands the passphrase to SQLCipher: SQLAlchemy's ``pysqlcipher``
dialect would put it into ``PRAGMA key`` unescaped, and a passphrase with a quote then made
a file that did not open with the typed passphrase. kamdesk derives a raw 256-bit key itself
and gives SQLCipher that key as hex, which no passphrase can break.

The key derivation (stable: a change would lock users out of their files)::

    salt = the first 16 bytes of the file (SQLCipher's own random per-file salt, stored in
           clear so it can be read before the key; a new file gets 16 random bytes)
    key  = scrypt(password=UTF-8 of the passphrase in Unicode NFC,
                  salt=salt, n=2**17, r=8, p=1, dklen=32)
    PRAGMA key = "x'<key as 64 hex digits><salt as 32 hex digits>'"

So any SQLCipher 4 tool opens a kamdesk file with that raw key (``sqlcipher3``: connect,
run the PRAGMA above, read). scrypt with these parameters takes about 0.35 s and 128 MiB once
per open (SQLCipher's own PBKDF2 would run again for every new connection); NFC makes the
same passphrase typed on different systems give the same key.

The passphrase is never written anywhere; the derived key lives in memory while the dossier
is open (each new connection needs it).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from kamdesk.core import errors

SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
KEY_BYTES = 32
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
# scrypt needs 128 * r * n bytes (128 MiB here); hashlib's default ceiling is 32 MiB.
SCRYPT_MAXMEM = 256 * 1024 * 1024
# SQLCipher decrypts every page it reads from disk: a page cache twice the plain one (64 MB,
# taken only as pages are read) keeps indexed reads near plain speed.
CACHE_KIB = 64 * 1024
# SQLCipher's smallest page size: an encrypted file is a whole number of pages.
MIN_PAGE = 512

FileKind = Literal["missing", "empty", "plain", "encrypted", "other"]


@dataclass(frozen=True, repr=False, eq=False)
class Key:
    """A derived key and the file salt it belongs to. Its repr never shows the key."""

    raw: bytes
    salt: bytes

    def __post_init__(self) -> None:
        assert len(self.raw) == KEY_BYTES and len(self.salt) == SALT_BYTES

    def __repr__(self) -> str:
        return "Key(<hidden>)"

    def sql(self) -> str:
        """The key as SQL for ``PRAGMA key = …`` and ``ATTACH … KEY …`` (hex only)."""
        return f"\"x'{self.raw.hex()}{self.salt.hex()}'\""

    def matches(self, passphrase: str) -> bool:
        """Whether the passphrase gives this key (constant-time comparison)."""
        return hmac.compare_digest(derive_key(passphrase, self.salt).raw, self.raw)


def _check_passphrase(passphrase: str) -> str:
    if not passphrase:
        raise errors.PassphraseNeeded("The passphrase is empty; an encrypted dossier needs one.")
    return unicodedata.normalize("NFC", passphrase)


MIN_NEW_PASSPHRASE = 8  # characters of a passphrase chosen now (older ones still open)


def check_new_passphrase(passphrase: str, current: str | None = None) -> None:
    """Refuse a passphrase too weak to choose now: shorter than MIN_NEW_PASSPHRASE
    characters (not counting spaces around it), or the current one again."""
    chosen = unicodedata.normalize("NFC", passphrase).strip()
    if len(chosen) < MIN_NEW_PASSPHRASE:
        raise errors.WeakPassphrase(
            f"The new passphrase is too short ({len(chosen)} characters): it needs at least "
            f"{MIN_NEW_PASSPHRASE}; a few words are easiest to remember. Nothing was changed."
        )
    if current is not None and unicodedata.normalize("NFC", current) == unicodedata.normalize(
        "NFC", passphrase
    ):
        raise errors.WeakPassphrase("The new passphrase is the current one. Nothing was changed.")


def derive_key(passphrase: str, salt: bytes) -> Key:
    """The raw key for a passphrase and a file salt (see the module's documentation)."""
    raw = hashlib.scrypt(
        _check_passphrase(passphrase).encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=SCRYPT_MAXMEM,
        dklen=KEY_BYTES,
    )
    return Key(raw, salt)


def new_key(passphrase: str) -> Key:
    """A key for a new encrypted file, with a fresh random salt."""
    return derive_key(passphrase, os.urandom(SALT_BYTES))


def file_kind(path: Path) -> FileKind:
    """What a file looks like from its first bytes, without opening it as a database.

    "encrypted" means: not a plain SQLite file, and its size is a whole number of pages.
    Without the key an encrypted file cannot be told apart from random bytes of such a size.
    A plain SQLite file whose first bytes are damaged still shows the fixed payload fractions
    of its header (bytes 21-23: 64, 32, 32), encrypted in an SQLCipher file: it is "other".
    """
    try:
        size = path.stat().st_size
        if size == 0:
            return "empty"
        with open(path, "rb") as fh:
            header = fh.read(24)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise errors.EnvironmentProblem(f"Cannot read {path}: {exc.strerror}.") from exc
    if header.startswith(SQLITE_HEADER):
        return "plain"
    if size >= MIN_PAGE and size % MIN_PAGE == 0 and header[21:24] != b"\x40\x20\x20":
        return "encrypted"
    return "other"


def is_encrypted(path: Path) -> bool:
    return file_kind(path) == "encrypted"


def key_for_file(path: Path, passphrase: str | None) -> Key:
    """The key of an existing encrypted file (not yet checked against it: see
    :func:`check_key`). A missing passphrase is a :class:`errors.PassphraseNeeded`."""
    if passphrase is None:
        raise errors.PassphraseNeeded(
            f"{path} is encrypted: kamdesk needs its passphrase to open it "
            "(set KAMDESK_PASSPHRASE, use --passphrase-file, or run in a terminal to be asked)."
        )
    return derive_key(passphrase, file_salt(path))


def database_errors() -> tuple[type[Exception], ...]:
    """The exception classes a raw connection may raise (``sqlite3``'s and ``sqlcipher3``'s:
    they do not share a base class)."""
    import sqlcipher3

    return (sqlite3.Error, cast(type[Exception], sqlcipher3.Error))


def dbapi() -> Any:
    """The DB-API module behind encrypted connections (for SQLAlchemy's ``module=``)."""
    import sqlcipher3

    return sqlcipher3


def connect(uri: str, key: Key | None, *, timeout: float, name: str) -> sqlite3.Connection:
    """An ``sqlcipher3`` connection (same API as ``sqlite3``'s) to an SQLite URI, with the key
    set first, pages of temporary tables kept in memory (never written to disk unencrypted)
    and a larger page cache. With ``key=None`` it is an SQLCipher connection to a plain file
    (for conversions). A key that does not open an existing file is
    :class:`errors.WrongPassphrase` (``name`` is the file in its message)."""
    import sqlcipher3

    conn = sqlcipher3.connect(uri, uri=True, timeout=timeout)
    try:
        # SQLCipher logs a failed key to stderr: the caller reports it in a sentence instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            conn.execute(f"PRAGMA key = {key.sql()}")
        conn.execute("PRAGMA temp_store = MEMORY")  # reads page 1: a wrong key fails here
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if key is not None and "not a database" in str(exc).lower():
            raise _wrong(name) from None
        raise
    except BaseException:
        conn.close()
        raise
    return cast(sqlite3.Connection, conn)


def _wrong(name: str) -> errors.WrongPassphrase:
    return errors.WrongPassphrase(
        f"The passphrase does not open {name}: it is wrong, or the file is damaged. "
        "Nothing was changed."
    )


def check_key(conn: sqlite3.Connection, path: Path) -> None:
    """Read the first page: a wrong key fails here, as :class:`errors.WrongPassphrase`."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except database_errors() as exc:
        if "not a database" in str(exc).lower():
            raise _wrong(str(path)) from None
        raise


# --- keys of the encrypted dossiers open in this process ------------------------------------
#
# A copy made with SQLite's backup API under the same key keeps the file's salt, so a key
# found by salt opens the dossier, its backups and its temporary copies alike. Database.open
# remembers a key once it has opened the file with it, and forgets it on close.

_known: dict[bytes, tuple[Key, int]] = {}


def remember(key: Key) -> None:
    held = _known.get(key.salt)
    _known[key.salt] = (key, held[1] + 1 if held else 1)


def forget(key: Key) -> None:
    held = _known.get(key.salt)
    if held is None:
        return
    if held[1] <= 1:
        del _known[key.salt]
    else:
        _known[key.salt] = (held[0], held[1] - 1)


def file_salt(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(SALT_BYTES)


def known_key(path: Path) -> Key | None:
    """The key for a raw connection to ``path``: None for a plain (or missing, or empty)
    file; for an encrypted one, the key of a dossier open in this process whose salt it
    shares (the dossier itself, its backups), else one derived from the passphrase provider's
    (not checked here). Otherwise :class:`errors.PassphraseNeeded`."""
    if file_kind(path) != "encrypted":
        return None
    salt = file_salt(path)
    held = _known.get(salt)
    if held is None:
        # e.g. restoring an encrypted backup from the command line, the dossier not open
        given = provided_passphrase(path)
        if given:
            return derive_key(given, salt)
        raise errors.PassphraseNeeded(
            f"{path} is encrypted and no dossier open here has its key: "
            "it needs its own passphrase."
        )
    return held[0]


# --- where a passphrase comes from when the caller gave none --------------------------------
#
# The command line installs one (KAMDESK_PASSPHRASE, --passphrase-file, or a prompt on a
# terminal), so every command that opens a dossier opens an encrypted one too. It is asked
# only for an existing encrypted file.

PassphraseProvider = Callable[[Path], "str | None"]
_provider: PassphraseProvider | None = None


def set_passphrase_provider(provider: PassphraseProvider | None) -> None:
    global _provider
    _provider = provider


def provided_passphrase(path: Path) -> str | None:
    return _provider(path) if _provider is not None else None
