"""Start-up: ``kamdesk --startup-check`` beside a bare PySide6 window, in one run.

    .venv/bin/python benchmarks/startup.py [--runs 10] [--db PATH]

A is ``kamdesk --db DB --startup-check`` (the demo portfolio in a fresh database unless
``--db``); B is ``benchmarks/bare_window.py`` (a QMainWindow with a filled QTableView, nothing
of kamdesk). They run alternately (A B, then B A, and so on), each as a new process, with
``QT_QPA_PLATFORM=offscreen`` unless a screen is set up and ``--screen`` is given. Two figures
for each: what the process itself reports (from the start of its own imports to the first
paint of the filled list) and the wall time from starting the process until it has exited
(interpreter start-up and exit included), as medians with min–max. Only the standard library
is used to time.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPORTED = re.compile(r"^startup-check: (\d+) ms$", re.MULTILINE)


def kamdesk_command(db: Path) -> list[str]:
    script = Path(sys.executable).with_name("kamdesk")  # the installed entry point, as users run it
    base = [str(script)] if script.exists() else [sys.executable, "-m", "kamdesk"]
    return [*base, "--db", str(db), "--startup-check"]


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(reported ms, start-to-exit ms) of one run."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    wall = (time.perf_counter() - start) * 1000
    found = REPORTED.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return float(found.group(1)), wall


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each (default 10)")
    parser.add_argument("--db", type=Path, help="the database to open (default: a fresh demo)")
    parser.add_argument("--screen", action="store_true", help="use $DISPLAY, not offscreen")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kamdesk-startup-") as folder:
        tmp = Path(folder)
        env = dict(os.environ)
        if not args.screen:
            env["QT_QPA_PLATFORM"] = "offscreen"
        # the user's own settings, window geometry and data stay out of it
        env["KAMDESK_CONFIG"] = str(tmp / "settings.toml")
        env["XDG_CONFIG_HOME"] = str(tmp / "config")
        if args.db is not None:
            db, what = args.db, str(args.db)
        else:
            from benchmarks.dossier import demo_db

            db, what = demo_db(tmp), "the demo portfolio"
        commands = {
            "kamdesk --startup-check": kamdesk_command(db),
            "bare PySide6 window": [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")],
        }
        names = list(commands)
        run_once(commands[names[0]], env)  # warm the file cache for both, not counted
        run_once(commands[names[1]], env)
        results: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in names}
        for i in range(args.runs):
            for name in names if i % 2 == 0 else reversed(names):
                reported, wall = run_once(commands[name], env)
                results[name][0].append(reported)
                results[name][1].append(wall)
    platform = "a screen" if args.screen else "offscreen"
    print(f"Start-up on {what} ({platform}), {args.runs} runs each, alternating A/B:")
    print(f"  {'':28} {'reported, ms':>20}   {'process start to exit, ms':>26}")
    print(f"  {'':28} {'median (min–max)':>20}   {'median (min–max)':>26}")
    for name in names:
        reported, wall = results[name]
        print(f"  {name:28} {spread(reported):>20}   {spread(wall):>26}")
    a, b = (results[n] for n in names)
    ratios = [statistics.median(a[i]) / statistics.median(b[i]) for i in (0, 1)]
    print(f"  {'kamdesk / bare window':28} {f'{ratios[0]:.1f}×':>20}   {f'{ratios[1]:.1f}×':>26}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
