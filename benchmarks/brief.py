"""The brief of the demo negotiation, before and after: HTML and PDF times and pages.

``python benchmarks/brief.py [--before-ref REF]``. "After" is this checkout: the carry brief
(the default) and ``--full``. "Before" is the same measurement on the code of a Git ref (default
``main``), unpacked with ``git archive`` into ``benchmarks/out/`` and run from there, so both
run on this machine in the same session (skipped when the ref is not there). Each measurement
runs in its own child process: the demo loaded as of its own day (so every version sees the
same meeting), then the median of 15 HTML builds (context, readiness, template) and of 5 PDF
builds, in CPU time of the process (the machine is shared: wall time would measure the
neighbours). The versions take turns for ``--rounds`` rounds (default 3) and each figure is
the best round's. No assertions: the target (no slower) is read by people.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
KEY = "pomorze-tender-2027"


def measure(full: bool) -> dict[str, float]:
    """Runs in a child whose ``sys.path`` starts at the code under test."""
    import datetime as dt

    import pypdf

    from kamdesk.core import demo, settings
    from kamdesk.core.documents import brief
    from kamdesk.core.meeting import readiness
    from kamdesk.core.meeting.context import load_meeting_context
    from kamdesk.core.storage.db import Database

    folder = Path(tempfile.mkdtemp(prefix="brief-bench-"))
    anchor = dt.date(2026, 11, 22)  # the demo's own day: nothing moves
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    with Database.open(folder / "demo.db") as db:
        demo.load_demo(db, today=anchor)
    prefs = settings.load()
    options = {"now": now, "override_reason": "benchmark"}
    if full:
        options["full"] = True
    html_times, pdf_times = [], []
    with Database.open(folder / "demo.db", readonly=True) as db:
        brief.build_pdf("<p>warm up</p>")  # WeasyPrint's import and fonts, once
        for _ in range(15):
            start = time.process_time()
            with db.session() as session:
                ctx = load_meeting_context(session, KEY)
            report = readiness.evaluate(ctx, prefs, now)
            html = brief.build_html(ctx, report, prefs, brief.BriefOptions(**options))
            html_times.append(time.process_time() - start)
        for _ in range(5):
            start = time.process_time()
            pdf = brief.build_pdf(html)
            pdf_times.append(time.process_time() - start)
    return {
        "html_ms": statistics.median(html_times) * 1000,
        "pdf_s": statistics.median(pdf_times),
        "pages": len(pypdf.PdfReader(io.BytesIO(pdf)).pages),
        "score": report.score,
        "ready": report.ready,
    }


def child(code_root: Path, full: bool) -> dict[str, float]:
    env = {
        **os.environ,
        "PYTHONPATH": str(code_root),
        "KAMDESK_CONFIG": str(OUT / "brief-bench-settings.toml"),
    }
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(code_root), *(["--full"] if full else [])],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=code_root,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def unpack(ref: str) -> Path | None:
    """The code of ``ref`` in benchmarks/out/before-<commit>, or None without Git or the ref."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    target = OUT / f"before-{commit[:12]}"
    if not (target / "kamdesk").is_dir():
        archive = subprocess.run(
            ["git", "archive", commit, "kamdesk", "resources"],
            capture_output=True,
            check=True,
            cwd=ROOT,
        ).stdout
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before-ref", default="main")
    parser.add_argument("--child")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, args.child)
        print(json.dumps(measure(args.full)))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    before = unpack(args.before_ref)
    runs: list[tuple[str, Path, bool]] = []
    if before is not None:
        runs.append((f"before ({args.before_ref})", before, False))
    runs += [("after: carry brief", ROOT, False), ("after: brief --full", ROOT, True)]
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _root, _full in runs}
    for _ in range(args.rounds):
        for name, root, full in runs:
            results[name].append(child(root, full))
    rows = []
    for name, found in results.items():
        best = dict(found[0])
        best["html_ms"] = min(r["html_ms"] for r in found)
        best["pdf_s"] = min(r["pdf_s"] for r in found)
        rows.append((name, best))
    print(
        f"brief of {KEY} (CPU time, median of a run, best of {args.rounds} runs; "
        "HTML = context + readiness + template)"
    )
    for name, r in rows:
        print(
            f"  {name:<24} HTML {r['html_ms']:6.1f} ms   PDF {r['pdf_s']:5.2f} s   "
            f"{r['pages']} pages   score {r['score']}"
        )
    if before is not None:
        base = rows[0][1]
        for name, r in rows[1:]:
            print(
                f"  {name:<24} vs before: HTML {r['html_ms'] / base['html_ms']:.2f}x, "
                f"PDF {r['pdf_s'] / base['pdf_s']:.2f}x"
            )


if __name__ == "__main__":
    main()
