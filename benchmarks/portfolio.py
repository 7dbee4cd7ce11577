"""Portfolio view benchmark: ``portfolio.compute`` (the SQL aggregates behind the portfolio tab
and report) on the demo and on the large portfolio (2,000 clients), target under 200 ms; plus
the readiness pass over every next meeting and the portfolio report PDF on the demo.

    .venv/bin/python benchmarks/portfolio.py [--repeat 7]

The large portfolio comes from ``benchmarks/out/large-2000.db`` through ``dossier.large_db``
(never changed: upgraded in a temporary copy), or is generated when missing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.dossier import demo_db, large_db  # noqa: E402
from kamdesk.core import demo, settings
from kamdesk.core.account import portfolio
from kamdesk.core.documents import portfolio_report
from kamdesk.core.storage.db import Database  # noqa: E402

TARGET_MS = 200


def timed(fn, repeat: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """(first run ms, median of the next ``repeat`` ms, result)."""
    start = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rates = demo.DEMO_RATES
    with tempfile.TemporaryDirectory() as tmp:
        paths = [("demo", demo_db(Path(tmp)))]
        large, how = large_db(Path(tmp))
        paths.append(("large", large))
        print(f"kamdesk portfolio benchmark (large portfolio: {how})")
        for name, path in paths:
            with Database.open(path, readonly=True) as db, db.session() as session:

                def compute(session=session):  # type: ignore[no-untyped-def]
                    return portfolio.compute(session, rates=rates)

                first, median, result = timed(compute, args.repeat)
                clients = len(result.clients)  # type: ignore[attr-defined]
                print(
                    f"  {name:<6} {clients:>5} clients: portfolio.compute first {first:6.0f} ms, "
                    f"median {median:6.0f} ms  (target {TARGET_MS} ms: "
                    f"{median / TARGET_MS:.2f}× of it)"
                )
        with Database.open(paths[0][1], readonly=True) as db, db.session() as session:
            prefs = settings.Settings(exchange_rates=rates)
            start = time.perf_counter()
            html = portfolio_report.build_html(session, prefs)
            html_ms = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            pdf = portfolio_report.build_pdf(html)
            pdf_s = time.perf_counter() - start
        print(
            f"  demo portfolio report: HTML (with readiness of every next meeting) "
            f"{html_ms:.0f} ms, PDF {pdf_s:.2f} s, {len(pdf) // 1024} KB"
        )


if __name__ == "__main__":
    main()
