"""kamdesk benchmark: prints figures and ratios (``make bench``). No assertions: targets are
read by people, not enforced by tests.

Phases run in child processes so each one's time and peak memory are its own:
demo import (median of 5 fresh databases), large-portfolio import, re-import (merge of every
object), export, and the database size. ``--clients N`` scales the large portfolio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"


def brief_phase(db: str, key: str) -> dict[str, float]:
    """Runs in a child: brief HTML and PDF times for one meeting, and WeasyPrint alone on the
    same HTML (no kamdesk fetcher, no context loading), medians of 3."""
    from weasyprint import HTML

    from kamdesk.core import resources, settings
    from kamdesk.core.documents import brief
    from kamdesk.core.meeting import readiness
    from kamdesk.core.meeting.context import load_meeting_context
    from kamdesk.core.storage.db import Database

    prefs = settings.load()
    html_times, pdf_times, weasy_times, pages = [], [], [], 0
    with Database.open(db, readonly=True) as database:
        for _ in range(3):
            start = time.perf_counter()
            with database.session() as session:
                ctx = load_meeting_context(session, key)
            report = readiness.evaluate(ctx, prefs)
            html = brief.build_html(
                ctx, report, prefs, brief.BriefOptions(override_reason="benchmark")
            )
            html_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            pdf = brief.build_pdf(html)
            pdf_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            document = HTML(string=html, base_url=resources.root().as_uri() + "/").render()
            document.write_pdf()
            weasy_times.append(time.perf_counter() - start)
            pages = len(document.pages)
    return {
        "html_s": statistics.median(html_times),
        "pdf_s": statistics.median(pdf_times),
        "weasy_s": statistics.median(weasy_times),
        "pages": pages,
        "pdf_kb": len(pdf) / 1024,
    }


def phase(name: str, db: str, file: str) -> None:
    """Runs in a child: one measured operation, printed as JSON."""
    if name == "brief":
        print(json.dumps(brief_phase(db, file)))
        return
    from kamdesk.core import demo
    from kamdesk.core.interchange import exchange
    from kamdesk.core.storage.db import Database

    start = time.perf_counter()
    with Database.open(db) as database:
        if name == "demo":
            demo.load_demo(database)
        elif name == "import":
            exchange.import_file(database, Path(file))
        elif name == "export":
            exchange.export_file(database, Path(file))
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": rss_mb}))


def child(name: str, db: Path, file: Path | None = None) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--db", str(db), "--file", str(file or "")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def text_bytes(node: object) -> int:
    if isinstance(node, str):
        return len(node.encode())
    if isinstance(node, dict):
        return sum(text_bytes(v) for v in node.values())
    if isinstance(node, list):
        return sum(text_bytes(v) for v in node)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--phase")
    parser.add_argument("--db")
    parser.add_argument("--file")
    parser.add_argument("--only", choices=["brief", "data"], help="run one part of the benchmark")
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.db, args.file)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    # the children must not touch the user's own settings (loading the demo adds rates)
    os.environ["KAMDESK_CONFIG"] = str(OUT / "bench-settings.toml")
    if args.only != "data":
        bench_briefs()
    if args.only != "brief":
        bench_data(args.clients)


def bench_briefs() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        demo_db = tmpdir / "demo.db"
        child("demo", demo_db)
        demo = child("brief", demo_db, Path("pomorze-tender-2027"))
        # one client of the large portfolio: 10 years of financials, a meeting with 15 attendees
        doc = generate(clients=1, people=20, meetings=100)
        meeting = doc["clients"][0]["meetings"][0]
        meeting["attendees"] = [f"p{i}" for i in range(15)]
        big_file = tmpdir / "big.json"
        big_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        big_db = tmpdir / "big.db"
        child("import", big_db, big_file)
        big = child("brief", big_db, Path(meeting["key"]))
    print("kamdesk brief benchmark (medians of 3)")
    for label, r in (("demo negotiation, 4 attendees", demo), ("15 attendees, 10 years", big)):
        overhead = (r["html_s"] + r["pdf_s"]) / r["weasy_s"]
        print(
            f"  {label:<32} HTML {r['html_s'] * 1000:6.0f} ms   PDF {r['pdf_s'] * 1000:6.0f} ms   "
            f"WeasyPrint alone {r['weasy_s'] * 1000:6.0f} ms   ratio {overhead:.2f}   "
            f"{r['pages']:.0f} pages, {r['pdf_kb']:.0f} KB"
        )


def bench_data(n_clients: int) -> None:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        runs = [child("demo", tmpdir / f"demo{i}.db") for i in range(5)]
        results["demo_import_s"] = statistics.median(r["seconds"] for r in runs)
        results["demo_import_peak_mb"] = max(r["peak_rss_mb"] for r in runs)
        results["demo_db_kb"] = (tmpdir / "demo0.db").stat().st_size / 1024

        large = OUT / f"large-{n_clients}.json"
        if not large.exists():
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "generate.py"),
                    "--clients",
                    str(n_clients),
                    "-o",
                    str(large),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            results["generate_s"] = time.perf_counter() - start
        results["large_json_mb"] = large.stat().st_size / 1e6
        results["large_text_mb"] = text_bytes(json.loads(large.read_text("utf-8"))) / 1e6

        db = tmpdir / "large.db"
        first = child("import", db, large)
        results["large_import_s"] = first["seconds"]
        results["large_import_peak_mb"] = first["peak_rss_mb"]
        again = child("import", db, large)
        results["large_reimport_merge_s"] = again["seconds"]
        exported = tmpdir / "export.json"
        out = child("export", db, exported)
        results["large_export_s"] = out["seconds"]
        results["large_export_peak_mb"] = out["peak_rss_mb"]
        results["large_export_mb"] = exported.stat().st_size / 1e6
        for suffix in ("-wal",):
            Path(str(db) + suffix).unlink(missing_ok=True)
        results["large_db_mb"] = db.stat().st_size / 1e6

    n = n_clients
    print(f"kamdesk benchmark ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
    print(
        f"  demo import (median of 5)      {results['demo_import_s'] * 1000:8.0f} ms   peak {results['demo_import_peak_mb']:.0f} MB   db {results['demo_db_kb']:.0f} KB"
    )
    print(
        f"  large portfolio                {n} clients, {n * 20} stakeholders, {n * 100} meetings with notes"
    )
    print(
        f"    JSON                         {results['large_json_mb']:8.1f} MB ({results['large_text_mb']:.1f} MB of text values)"
    )
    print(
        f"    import into empty db         {results['large_import_s']:8.1f} s    peak {results['large_import_peak_mb']:.0f} MB   {results['large_json_mb'] / results['large_import_s']:.1f} MB/s"
    )
    print(
        f"    re-import (merge everything) {results['large_reimport_merge_s']:8.1f} s    ratio to first import {results['large_reimport_merge_s'] / results['large_import_s']:.2f}"
    )
    print(
        f"    export                       {results['large_export_s']:8.1f} s    peak {results['large_export_peak_mb']:.0f} MB   {results['large_export_mb'] / results['large_export_s']:.1f} MB/s ({results['large_export_mb']:.0f} MB written)"
    )
    print(
        f"    database size                {results['large_db_mb']:8.1f} MB   ratio to JSON {results['large_db_mb'] / results['large_json_mb']:.2f}"
    )
    print(
        f"    per client: import {results['large_import_s'] / n * 1000:.1f} ms, export {results['large_export_s'] / n * 1000:.1f} ms"
    )
    (OUT / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
