"""What encryption at rest costs: the same dossier plain and encrypted (SQLCipher 4, raw key
derived with scrypt), measured in fresh child processes. Prints figures and ratios.

    python benchmarks/crypto.py            # the demo portfolio
    python benchmarks/crypto.py --large    # and a copy of benchmarks/out/large-2000.db

Measured per file: opening (read-only, median of 5; for the encrypted file this includes the
key derivation, also shown alone), the portfolio list (every client with its figures: reads
the whole dossier), search as you type (core, the GUI's terms), and a brief (its HTML, i.e.
loading the meeting, and its PDF), medians of 3. The large database is never modified: it is
copied to a temporary folder first (upgraded there to the current schema if needed). The
copies' daily backups are turned off through a temporary settings file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LARGE = ROOT / "benchmarks" / "out" / "large-2000.db"
TERMS = ("szczesna", "sokolov", "tender", "gdansk", "pilot", "lu")
PASSPHRASE = "correct horse battery staple"


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def measure(path: str, passphrase: str | None, meeting: str) -> dict[str, float]:
    """Runs in a child process."""
    from kamdesk.core import settings
    from kamdesk.core.account import queries
    from kamdesk.core.documents import brief
    from kamdesk.core.meeting import readiness
    from kamdesk.core.meeting.context import load_meeting_context
    from kamdesk.core.storage import crypto, search
    from kamdesk.core.storage.db import Database

    prefs = settings.load()
    result: dict[str, float] = {}
    opens = []
    for _ in range(5):
        start = time.perf_counter()
        db = Database.open(path, readonly=True, passphrase=passphrase)
        with db.session() as session:  # the first read: the key is checked by now
            queries.portfolio_rows(session, rates=prefs.exchange_rates, client_ids=[1])
        opens.append(time.perf_counter() - start)
        db.close()
    result["open_ms"] = _ms(opens)
    if passphrase:
        salt = crypto.file_salt(Path(path))
        kdf = []
        for _ in range(3):
            start = time.perf_counter()
            crypto.derive_key(passphrase, salt)
            kdf.append(time.perf_counter() - start)
        result["kdf_ms"] = _ms(kdf)

    with Database.open(path, readonly=True, passphrase=passphrase) as db:
        rows = []
        for _ in range(3):
            start = time.perf_counter()
            with db.session() as session:
                queries.portfolio_rows(session, rates=prefs.exchange_rates)
            rows.append(time.perf_counter() - start)
        result["portfolio_ms"] = _ms(rows)
        hits = []
        for _ in range(5):
            for term in TERMS:
                start = time.perf_counter()
                with db.session() as session:
                    search.search(session, term)
                hits.append(time.perf_counter() - start)
        result["search_ms"] = _ms(hits)
        result["search_max_ms"] = max(hits) * 1000
        html_times, pdf_times = [], []
        for _ in range(3):
            start = time.perf_counter()
            with db.session() as session:
                ctx = load_meeting_context(session, meeting)
            report = readiness.evaluate(ctx, prefs)
            html = brief.build_html(
                ctx, report, prefs, brief.BriefOptions(override_reason="benchmark")
            )
            html_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            brief.build_pdf(html)
            pdf_times.append(time.perf_counter() - start)
        result["brief_html_ms"] = _ms(html_times)
        result["brief_pdf_ms"] = _ms(pdf_times)
    return result


def child(path: Path, passphrase: str | None, meeting: str) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", str(path), "--meeting", meeting]
    env = dict(os.environ)
    env.pop("KAMDESK_PASSPHRASE", None)
    if passphrase:
        env["KAMDESK_PASSPHRASE"] = passphrase
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def prepare(plain: Path, encrypted: Path) -> dict[str, float]:
    """Bring the plain copy to the current schema, then make the encrypted one from it."""
    from kamdesk.core.storage import encryption
    from kamdesk.core.storage.db import Database

    start = time.perf_counter()
    Database.open(plain).close()  # upgrades it if needed
    upgraded = time.perf_counter() - start
    shutil.copyfile(plain, encrypted)
    result = encryption.encrypt(encrypted, PASSPHRASE)
    return {
        "upgrade_s": upgraded,
        "encrypt_s": result.seconds,
        "rows": result.rows,
        "plain_mb": plain.stat().st_size / 1e6,
        "encrypted_mb": encrypted.stat().st_size / 1e6,
    }


LINES = (
    ("open (read-only, first read)", "open_ms"),
    ("portfolio list (whole dossier)", "portfolio_ms"),
    ("search, median", "search_ms"),
    ("search, slowest", "search_max_ms"),
    ("brief HTML (loads the meeting)", "brief_html_ms"),
    ("brief PDF", "brief_pdf_ms"),
)


def report(label: str, prep: dict[str, float], plain: dict, enc: dict) -> None:  # type: ignore[type-arg]
    print(
        f"{label}: {prep['plain_mb']:.1f} MB plain, {prep['encrypted_mb']:.1f} MB encrypted; "
        f"kamdesk encrypt {prep['encrypt_s']:.1f} s ({prep['rows']:,.0f} rows verified)"
    )
    print(f"  {'':32} {'plain':>10} {'encrypted':>10} {'ratio':>7}")
    for name, key in LINES:
        ratio = enc[key] / plain[key] if plain[key] else float("nan")
        print(f"  {name:32} {plain[key]:8.1f} ms {enc[key]:8.1f} ms {ratio:6.2f}×")
    print(f"  {'of which key derivation (scrypt)':32} {'':>10} {enc['kdf_ms']:8.1f} ms")


def run(label: str, source: Path | None, meeting: str, folder: Path) -> None:
    plain, encrypted = folder / f"{label}-plain.db", folder / f"{label}-encrypted.db"
    if source is None:
        from kamdesk.core import demo
        from kamdesk.core.storage.db import Database

        with Database.open(plain) as db:
            demo.load_demo(db)
    else:
        shutil.copyfile(source, plain)  # never touch the original
    prep = prepare(plain, encrypted)
    report(label, prep, child(plain, None, meeting), child(encrypted, PASSPHRASE, meeting))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="also a copy of " + str(LARGE))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--meeting", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, os.environ.get("KAMDESK_PASSPHRASE"), args.meeting)))
        return
    with tempfile.TemporaryDirectory(prefix="kamdesk-crypto-") as tmp:
        folder = Path(tmp)
        settings_file = folder / "settings.toml"
        settings_file.write_text("backup_keep_daily = 0\nbackup_keep_weekly = 0\n", "utf-8")
        os.environ["KAMDESK_CONFIG"] = str(settings_file)
        print("kamdesk encryption at rest: plain vs encrypted (medians; child processes)")
        run("demo", None, "pomorze-tender-2027", folder)
        if args.large:
            if not LARGE.exists():
                print(f"{LARGE} is missing: run 'make bench' first")
                return
            run("large", LARGE, "c0-m0", folder)


if __name__ == "__main__":
    main()
