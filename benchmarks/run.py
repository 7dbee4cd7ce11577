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


def phase(name: str, db: str, file: str) -> None:
    """Runs in a child: one measured operation, printed as JSON."""
    from kamdesk.core import demo, exchange
    from kamdesk.core.db import Database

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
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.db, args.file)
        return

    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        runs = [child("demo", tmpdir / f"demo{i}.db") for i in range(5)]
        results["demo_import_s"] = statistics.median(r["seconds"] for r in runs)
        results["demo_import_peak_mb"] = max(r["peak_rss_mb"] for r in runs)
        results["demo_db_kb"] = (tmpdir / "demo0.db").stat().st_size / 1024

        large = OUT / f"large-{args.clients}.json"
        if not large.exists():
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "generate.py"),
                    "--clients",
                    str(args.clients),
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

    n = args.clients
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
