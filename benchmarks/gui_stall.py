"""The desktop app's start-up, search and responsiveness (offscreen).

For each database (the demo, and with ``--large`` the 2,000-client portfolio built once from
benchmarks/out/large-2000.json): start-up (window built, first client shown), search in the
core and through the search box, switching clients. Then, on the demo, a 10 ms probe timer
runs while the app does real work (selecting clients, opening every meeting workspace,
editing with autosave, rendering a brief on the thread pool): the longest gap between probe
ticks is the worst stall a user would feel.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
TERMS = ("szczesna", "sokolov", "tender", "gdansk", "pilot", "lu")


def measure_db(app, path: Path, label: str) -> None:  # type: ignore[no-untyped-def]
    from kamdesk.core.storage import search
    from kamdesk.core.storage.db import Database
    from kamdesk.gui.mainwindow import MainWindow
    from kamdesk.gui.workers import SyncRunner

    start = time.perf_counter()
    db = Database.open(path)
    opened = time.perf_counter()
    window = MainWindow(db, runner=SyncRunner())
    window.show()
    app.processEvents()
    shown = time.perf_counter()
    core = []
    for term in TERMS:
        t = time.perf_counter()
        with db.session() as session:
            hits = search.search(session, term)
        core.append((time.perf_counter() - t) * 1000)
    box = []
    for term in TERMS:
        window.search.setText(term)
        t = time.perf_counter()
        window.run_search()
        box.append((time.perf_counter() - t) * 1000)
    window.search.clear()
    window.run_search()
    switches = []
    for row in range(min(window.proxy.rowCount(), 10)):
        t = time.perf_counter()
        window.table.selectRow(row)
        app.processEvents()
        switches.append((time.perf_counter() - t) * 1000)
    clients = window.model.rowCount()
    print(f"  {label}: {clients} clients")
    print(
        f"    start-up: open database {(opened - start) * 1000:.0f} ms, window shown with the first client "
        f"{(shown - opened) * 1000:.0f} ms"
    )
    print(
        f"    search ({len(TERMS)} terms, last had {len(hits)} hits): core median {statistics.median(core):.1f} ms "
        f"(max {max(core):.1f}); search box with results list median {statistics.median(box):.1f} ms "
        f"(max {max(box):.1f})"
    )
    print(
        f"    switching clients: median {statistics.median(switches):.1f} ms (max {max(switches):.1f})"
    )
    window.close()
    db.close()


class _Probe:
    """A 10 ms timer on the event loop: the gaps between its ticks (the longest is the worst
    stall a user would feel), each also under the phase it fell in."""

    def __init__(self, phase: str) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = self.clock.elapsed()
        self.phase = phase
        self.gaps: list[float] = []
        self.by_phase: dict[str, list[float]] = {}
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        gap = now - self.last
        self.gaps.append(gap)
        self.by_phase.setdefault(self.phase, []).append(gap)
        self.last = now

    def stop(self) -> None:
        self.timer.stop()

    def summary(self) -> str:
        return (
            f"probe ticks {len(self.gaps)}, median gap {statistics.median(self.gaps):.1f} ms, "
            f"worst gap {max(self.gaps):.1f} ms (target: no stall over 100 ms)"
        )


def probe_demo(app, path: Path) -> None:  # type: ignore[no-untyped-def]
    from kamdesk.core.storage.db import Database
    from kamdesk.gui.mainwindow import MainWindow

    db = Database.open(path)
    window = MainWindow(db)
    window.show()
    app.processEvents()
    probe = _Probe("interaction")
    steps: dict[str, float] = {}

    def step(label: str, fn) -> None:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        fn()
        steps[label] = (time.perf_counter() - t) * 1000
        app.processEvents()

    for row in range(window.proxy.rowCount()):
        step(f"select client {row}", lambda r=row: window.table.selectRow(r))
    for tab in range(window.FIXED_TABS):
        step(f"show tab {window.tabs.tabText(tab)}", lambda t=tab: window.tabs.setCurrentIndex(t))
    for key in (
        "pomorze-tender-2027",
        "patika-q1-listing",
        "adriatica-screening-pilot",
        "almaty-launch-rt",
    ):
        step(f"open {key}", lambda k=key: window.open_meeting(k))
    ws = window.workspaces["patika-q1-listing"]
    step(
        "edit travel time (save + checklist)",
        lambda: (ws.fields["travel_min"].widget.setValue(30), ws.commit(ws.fields["travel_min"])),
    )
    step("undo", window.undo_stack.undo)
    done = [False]
    brief_ws = window.workspaces["pomorze-tender-2027"]
    brief_ws.sig_brief_done.connect(lambda _purpose: done.__setitem__(0, True))
    brief_ws._rendered = lambda purpose, pdf: brief_ws.sig_brief_done.emit(purpose)  # no window
    probe.phase = "brief on the pool"
    t = time.perf_counter()
    brief_ws.render_brief("preview")
    deadline = time.time() + 60
    while not done[0] and time.time() < deadline:
        app.processEvents()
        time.sleep(0.002)
    steps["brief rendered on the pool (wall)"] = (time.perf_counter() - t) * 1000
    probe.stop()
    window.close()
    db.close()
    slowest = sorted(steps.items(), key=lambda kv: -kv[1])[:4]
    print("  in use (demo): " + ", ".join(f"{k} {v:.0f} ms" for k, v in slowest))
    print(f"  {probe.summary()}")
    for name, values in probe.by_phase.items():
        print(
            f"    {name}: {len(values)} ticks, median {statistics.median(values):.1f} ms, worst {max(values):.1f} ms"
        )


def probe_home(app, path: Path, label: str) -> None:  # type: ignore[no-untyped-def]
    """The probe while a KAM uses Home and a workspace: Home read on the worker and shown,
    its first meeting opened, a field edited (save + checklist) and undone, back to Home
    (read again), the Clients page with ten clients and every dossier tab. The window's clock
    is set four weeks before the file's last meeting, so Home has meetings to show."""
    import datetime as dt
    import sqlite3

    from kamdesk.core.storage.db import Database
    from kamdesk.gui.collector import freeze_started
    from kamdesk.gui.mainwindow import MainWindow

    conn = sqlite3.connect(path)
    (last,) = conn.execute("SELECT max(starts_at_utc) FROM meeting").fetchone()
    conn.close()
    now = dt.datetime.fromisoformat(last).replace(tzinfo=dt.UTC) - dt.timedelta(days=28)
    db = Database.open(path)
    window = MainWindow(db, clock=lambda: now)
    window.show()
    freeze_started()  # as the app does once its window is up
    probe = _Probe("start-up")
    steps: dict[str, float] = {}

    def wait_for(done, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
        deadline = time.time() + seconds
        while not done() and time.time() < deadline:
            app.processEvents()
            time.sleep(0.002)

    def step(name: str, fn, done=None) -> None:  # type: ignore[no-untyped-def]
        probe.phase = name
        t = time.perf_counter()
        fn()
        if done is not None:
            wait_for(done)
        steps[name] = (time.perf_counter() - t) * 1000
        for _ in range(3):  # the repaints it causes belong to it
            app.processEvents()
            time.sleep(0.012)

    wait_for(lambda: window.home.data is not None)  # the first read, at start-up
    steps["home read at start (wall)"] = probe.clock.elapsed()
    home = window.home.data
    meetings = len(home.meetings) if home else 0
    first = home.meetings[0].key if home and home.meetings else None
    if first is not None:
        step(
            "open the next meeting from Home (read on the worker)",
            lambda: window.home.sig_open_meeting.emit(first),
            lambda: first in window.workspaces,
        )
        ws = window.workspaces[first]
        step(
            "edit travel time (save + checklist)",
            lambda: (
                ws.fields["travel_min"].widget.setValue(30),
                ws.commit(ws.fields["travel_min"]),
            ),
        )
        step("undo", window.undo_stack.undo)
    step("Clients page", lambda: window.show_page(window.CLIENTS))
    window.home.data = None
    step(
        "back to Home (read on the worker, wall)",
        lambda: window.show_page(window.HOME),
        lambda: window.home.data is not None,
    )
    step("Clients page again", lambda: window.show_page(window.CLIENTS))
    for row in range(min(window.proxy.rowCount(), 10)):
        step(f"select client {row}", lambda r=row: window.table.selectRow(r))
    for tab in range(window.FIXED_TABS):
        step(f"show tab {window.tabs.tabText(tab)}", lambda t=tab: window.tabs.setCurrentIndex(t))
    probe.stop()
    window.close()
    db.close()
    slowest = sorted(steps.items(), key=lambda kv: -kv[1])[:4]
    print(
        f"  Home and a workspace in use ({label}, {meetings} meetings on Home): "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in slowest)
    )
    stalls = sorted(((k, max(v)) for k, v in probe.by_phase.items()), key=lambda kv: -kv[1])
    print(
        f"    {probe.summary()}; worst in: " + ", ".join(f"{k} {v:.0f} ms" for k, v in stalls[:3])
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", action="store_true", help="also the 2,000-client portfolio")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from kamdesk.core import demo
    from kamdesk.core.interchange import exchange
    from kamdesk.core.storage.db import Database
    from kamdesk.gui.collector import tune

    tmp = Path(tempfile.mkdtemp())
    os.environ["KAMDESK_CONFIG"] = str(tmp / "settings.toml")
    tune()  # as the app does
    app = QApplication(sys.argv)
    demo_db = tmp / "demo.db"
    with Database.open(demo_db) as db:
        demo.load_demo(db)
    print("kamdesk desktop figures (offscreen)")
    measure_db(app, demo_db, "demo")
    if args.large:
        large_json = ROOT / "benchmarks" / "out" / "large-2000.json"
        large_db = ROOT / "benchmarks" / "out" / "large-2000.db"
        if not large_db.exists():
            if not large_json.exists():
                sys.exit("run 'python benchmarks/run.py' first: it generates large-2000.json")
            with Database.open(large_db) as db:
                exchange.import_file(db, large_json)
        measure_db(app, large_db, "large portfolio")
    probe_home(app, demo_db, "demo")
    if args.large:
        probe_home(app, large_db, "large portfolio")
    probe_demo(app, demo_db)


if __name__ == "__main__":
    main()
