"""Dossier PDF benchmark: the demo's flagship client and the largest client of the large
portfolio, each against WeasyPrint alone on the same HTML.

    .venv/bin/python benchmarks/dossier.py [--repeat 3]

Per client (medians of ``--repeat`` runs, each client in a child process of its own):
load + HTML (charts included), PDF through kamdesk (locked-down fetcher, PDF/UA-1), WeasyPrint
alone on the same HTML with the same PDF/UA-1 options (its own default fetcher, nothing else),
the ratio kamdesk / WeasyPrint alone, the cost of PDF/UA-1 over a plain PDF, pages, size and
peak memory.

The large portfolio is ``benchmarks/out/large-2000.db`` when it exists (built by ``run.py`` /
``gui_stall.py --large``). It is never changed: a file made by an older kamdesk is upgraded in
a temporary copy. Without it, one client of the same shape is generated (every client of the
generated portfolio has 20 people, 100 meetings with notes and 10 years of financials).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
LARGE_DB = OUT / "large-2000.db"
DEMO_CLIENT = "szpital-pomorze"


def measure(db: str, key: str, repeat: int) -> dict[str, float]:
    """Runs in a child: the figures for one client, printed as JSON."""
    from weasyprint import HTML

    from kamdesk.core import demo, resources
    from kamdesk.core.documents import dossier
    from kamdesk.core.settings import Settings
    from kamdesk.core.storage.db import Database

    settings = Settings(exchange_rates=demo.DEMO_RATES)
    base_url = resources.root().resolve().as_uri() + "/"
    html_t, pdf_t, weasy_t, plain_t = [], [], [], []
    pdf, pages = b"", 0
    with Database.open(db, readonly=True) as database:
        # warm-up: imports (WeasyPrint ~0.7 s, pygal), font loading, the charts' style sheet
        with database.session() as session:
            dossier.build_pdf(dossier.build_html(session, key, settings))
        for _ in range(repeat):
            start = time.perf_counter()
            with database.session() as session:
                html = dossier.build_html(session, key, settings)
            html_t.append(time.perf_counter() - start)
            start = time.perf_counter()
            pdf = dossier.build_pdf(html)
            pdf_t.append(time.perf_counter() - start)
            start = time.perf_counter()
            document = HTML(string=html, base_url=base_url).render()
            document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
            weasy_t.append(time.perf_counter() - start)
            pages = len(document.pages)
            start = time.perf_counter()
            HTML(string=html, base_url=base_url).render().write_pdf()
            plain_t.append(time.perf_counter() - start)
    return {
        "html_s": statistics.median(html_t),
        "pdf_s": statistics.median(pdf_t),
        "weasy_s": statistics.median(weasy_t),
        "weasy_plain_s": statistics.median(plain_t),
        "pages": pages,
        "pdf_kb": len(pdf) / 1024,
        "html_kb": len(html.encode()) / 1024,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child(db: Path, key: str, repeat: int) -> dict[str, float]:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            "--db",
            str(db),
            "--key",
            key,
            "--repeat",
            str(repeat),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def demo_db(tmp: Path) -> Path:
    from kamdesk.core import demo
    from kamdesk.core.storage.db import Database

    path = tmp / "demo.db"
    with Database.open(path) as db:
        demo.load_demo(db)
    return path


def largest_client(path: Path) -> str:
    """The client with the biggest dossier: most meetings, then people, then our income."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(
            conn.execute(
                """
                SELECT c.key FROM client c
                LEFT JOIN (SELECT client_id, count(*) n FROM meeting GROUP BY client_id) m
                       ON m.client_id = c.id
                LEFT JOIN (SELECT client_id, count(*) n FROM stakeholder GROUP BY client_id) p
                       ON p.client_id = c.id
                LEFT JOIN (SELECT client_id, max(our_income) n FROM financial_period
                           GROUP BY client_id) f ON f.client_id = c.id
                ORDER BY coalesce(m.n, 0) DESC, coalesce(p.n, 0) DESC, coalesce(f.n, 0) DESC
                LIMIT 1
                """
            ).fetchone()[0]
        )
    finally:
        conn.close()


def large_db(tmp: Path) -> tuple[Path, str]:
    """The large portfolio's database, usable read-only, and a note on where it came from."""
    from kamdesk.core import errors
    from kamdesk.core.storage.db import Database

    if LARGE_DB.exists():
        try:
            Database.open(LARGE_DB, readonly=True).close()
            return LARGE_DB, f"cached {LARGE_DB.name}"
        except errors.EnvironmentProblem:
            copy = tmp / "large.db"
            start = time.perf_counter()
            source = sqlite3.connect(f"file:{LARGE_DB}?mode=ro", uri=True)
            target = sqlite3.connect(copy)
            source.backup(target)
            source.close()
            target.close()
            with Database.open(copy):  # upgrades the copy to this kamdesk's schema
                pass
            for backup in tmp.glob("large.db.before-*"):
                backup.unlink()
            seconds = time.perf_counter() - start
            return copy, f"cached {LARGE_DB.name}, upgraded in a temporary copy ({seconds:.0f} s)"
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate
    from kamdesk.core.interchange import exchange

    path = tmp / "one-large-client.db"
    with Database.open(path) as db:
        exchange.import_text(db, json.dumps(generate(clients=1), ensure_ascii=False), "generated")
    return path, "one generated client of the large portfolio's shape (no cached database)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(measure(args.db, args.key, args.repeat)))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    # never the user's own settings (loading the demo adds exchange rates)
    os.environ["KAMDESK_CONFIG"] = str(OUT / "bench-settings.toml")
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        rows = [("demo flagship", DEMO_CLIENT, child(demo_db(tmpdir), DEMO_CLIENT, args.repeat))]
        path, origin = large_db(tmpdir)
        key = largest_client(path)
        rows.append((f"largest ({key})", key, child(path, key, args.repeat)))
    print(f"kamdesk dossier benchmark (medians of {args.repeat}; {os.cpu_count()} cores)")
    print(f"  large portfolio: {origin}")
    for label, _key, r in rows:
        ours = r["html_s"] + r["pdf_s"]
        print(
            f"  {label:<28} HTML {r['html_s'] * 1000:5.0f} ms  PDF {r['pdf_s']:5.2f} s  "
            f"WeasyPrint alone {r['weasy_s']:5.2f} s  ratio {ours / r['weasy_s']:.2f}  "
            f"(PDF/UA-1 costs {r['weasy_s'] / r['weasy_plain_s']:.2f}x a plain PDF)  "
            f"{r['pages']:.0f} pages, {r['pdf_kb']:.0f} KB, peak {r['peak_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
