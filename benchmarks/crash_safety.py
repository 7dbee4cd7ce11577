"""Kill test: a writer doing random committed edits is killed with SIGKILL at random moments,
again and again; after each kill the dossier is reopened through ``Database.open`` and every
edit the writer reported committed must be there, with ``PRAGMA integrity_check`` ok.

``python benchmarks/crash_safety.py [--kills 300] [--seed N]`` runs the long version and
prints its figures; ``tests/core/test_crash_safety.py`` runs a bounded one in CI.

How it runs (POSIX only: SIGKILL and fork):

- a "zygote" child imports kamdesk once; for each round it forks a writer, which opens the
  database with ``Database.open`` and loops over random edits through the editing API
  (``add_row``, ``set_field``, ``add_stakeholder``), writing one line ``E <kind> <row>
  <token>`` to stdout after each edit returned (that is, after its commit). Forking from a
  warm process makes a restart cost milliseconds instead of the interpreter's 0.6 s;
- the parent (this module's :func:`run`) kills the writer with SIGKILL, reopens the file and
  checks it. Half the rounds kill after a random delay from the fork (which can fall in
  ``Database.open`` itself, in its daily backup or between an edit's commit and its report);
  the other half after a random number of reported edits plus a random few milliseconds, so
  that acknowledged edits pile up however slow the machine is (on a busy machine the open
  alone can outlast any fixed delay);
- it goes on until it has made at least ``kills`` kills and seen ``min_edits`` acknowledged
  edits, or until ``time_limit`` seconds have passed (``Result.timed_out``: the caller decides
  what an incomplete run means; what was checked still counts).

Tokens carry a sequence number that grows across rounds. An added row must exist. A field
overwritten again and again must hold the last reported value or a later one (an edit
committed but killed before it was reported is allowed; losing a reported one is not).
"""

from __future__ import annotations

import argparse
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUND_STRIDE = 10_000_000  # token sequence numbers: round * stride + n


def _write_line(text: str) -> None:
    """One line in one write() (atomic on a pipe: writer and zygote share stdout)."""
    os.write(1, (text + "\n").encode())


def _targets(db_path: str) -> tuple[list[int], list[int]]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        clients = [r[0] for r in conn.execute("SELECT id FROM client ORDER BY id LIMIT 3")]
        people = [r[0] for r in conn.execute("SELECT id FROM stakeholder ORDER BY id LIMIT 5")]
    finally:
        conn.close()
    return clients, people


def _writer(db_path: str, round_no: int, seed: int, clients: list[int], people: list[int]) -> None:
    """The forked writer: edits until killed."""
    from kamdesk.core.account import editing
    from kamdesk.core.model import models as m
    from kamdesk.core.storage.db import Database

    rng = random.Random(seed)
    db = Database.open(db_path)
    _write_line(f"O {round_no}")
    n = 0
    while True:
        n += 1
        token = f"t{round_no * ROUND_STRIDE + n}"
        kind = rng.choice(("plan", "history", "interests", "person"))
        if kind == "plan":
            row = rng.choice(clients)
            editing.add_row(db, m.Plan, {"client_id": row, "kind": "tender", "text": token})
        elif kind == "history":
            row = rng.choice(clients)
            editing.set_field(db, m.Client, row, "history", token)
        elif kind == "interests":
            row = rng.choice(people)
            editing.set_field(db, m.Stakeholder, row, "interests", token)
        else:
            row = rng.choice(clients)
            editing.add_stakeholder(db, row, token)
        _write_line(f"E {kind} {row} {token}")


def zygote(db_path: str) -> None:
    """Imports once, then forks a writer per "go ROUND SEED" line read from stdin and reports
    "P pid" when it starts and "X pid status" when it is gone."""
    from kamdesk.core.storage.db import Database  # noqa: F401

    clients, people = _targets(db_path)
    _write_line("READY")
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "go":
            break
        round_no, seed = int(parts[1]), int(parts[2])
        pid = os.fork()
        if pid == 0:  # the writer
            try:
                _writer(db_path, round_no, seed, clients, people)
            except BaseException as exc:  # noqa: BLE001 - reported, then the writer ends
                _write_line(f"F {type(exc).__name__}: {exc}".replace("\n", " "))
            finally:
                os._exit(1)
        _write_line(f"P {pid}")
        _, status = os.waitpid(pid, 0)
        _write_line(f"X {pid} {status}")


@dataclass
class Result:
    kills: int = 0
    committed: int = 0  # edits reported committed
    lost: int = 0  # reported edits missing after a restart (must be 0)
    integrity_failures: int = 0  # reopen or integrity_check failures (must be 0)
    writer_failures: list[str] = field(default_factory=list)  # writers that died on their own
    seconds: float = 0.0
    killed_before_first_edit: int = 0
    timed_out: bool = False  # the time limit came before the kills and edits asked for


class _Zygote:
    def __init__(self, db_path: Path):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--zygote", str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""
        line = self.read_line(60)
        if line != "READY":
            raise RuntimeError(f"the writer's zygote did not start: {line!r}")

    def read_line(self, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def _check(db_path: Path, adds: dict[str, set[str]], last_set: dict[tuple[str, int], int]) -> int:
    """Reopen through the app's open path and count reported edits that are missing; raises
    if the file does not open or fails ``PRAGMA integrity_check``."""
    from kamdesk.core.storage.db import Database

    lost = 0
    with Database.open(db_path) as db, db.engine.connect() as conn:
        if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
            raise RuntimeError("integrity_check failed")
        plans = {r[0] for r in conn.exec_driver_sql("SELECT text FROM plan")}
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM stakeholder")}
        lost += len(adds["plan"] - plans) + len(adds["person"] - names)
        for (kind, row), seq in last_set.items():
            table, column = (
                ("client", "history") if kind == "history" else ("stakeholder", "interests")
            )
            value = conn.exec_driver_sql(
                f"SELECT {column} FROM {table} WHERE id = ?", (row,)
            ).scalar()
            if not (isinstance(value, str) and value.startswith("t") and int(value[1:]) >= seq):
                lost += 1
    return lost


def run(
    db_path: Path,
    kills: int,
    seed: int = 0,
    max_delay: float = 0.25,
    *,
    min_edits: int = 0,
    time_limit: float | None = None,
) -> Result:
    """Rounds of: fork a writer, let it work (for a random time up to ``max_delay`` s, or for
    a random number of reported edits), SIGKILL it, reopen and check; until there were
    ``kills`` kills and ``min_edits`` reported edits, or ``time_limit`` s have passed.
    ``db_path`` must already hold a dossier with at least one client and one person."""
    rng = random.Random(seed)
    result = Result()
    adds: dict[str, set[str]] = {"plan": set(), "person": set()}
    last_set: dict[tuple[str, int], int] = {}
    start = time.monotonic()
    stop_at = None if time_limit is None else start + time_limit

    def record(edit: str) -> None:
        """An edit the writer reported committed: an added row, or the latest value set."""
        what, row, token = edit.split()
        result.committed += 1
        if what in adds:
            adds[what].add(token)
        else:
            last_set[(what, int(row))] = int(token[1:])

    def waiting(limit: float) -> float:
        """How long to wait for the writer's next line: ``limit``, less near the time limit
        (but a few seconds at least, so a round in flight can end cleanly)."""
        if stop_at is None:
            return limit
        return max(5.0, min(limit, stop_at - time.monotonic()))

    zyg = _Zygote(db_path)
    try:
        round_no = 0
        while result.kills < kills or result.committed < min_edits:
            if stop_at is not None and time.monotonic() >= stop_at:
                result.timed_out = True
                break
            round_no += 1
            zyg.send(f"go {round_no} {rng.randrange(2**31)}")
            pid = None
            edits = 0
            by_count = rng.random() < 0.5
            want_edits = rng.randint(1, 20)
            deadline = None if by_count else time.monotonic() + rng.uniform(0.0, max_delay)
            gone = False
            while True:
                if pid is not None and deadline is not None and time.monotonic() >= deadline:
                    break
                timeout = waiting(30) if deadline is None else deadline - time.monotonic()
                line = zyg.read_line(max(0.0, timeout))
                if line is None:
                    if pid is not None:
                        break  # the moment has come (or the time limit is near)
                    line = zyg.read_line(30)  # the writer must start first
                    if line is None:
                        raise RuntimeError("the writer did not start")
                kind, _, rest = line.partition(" ")
                if kind == "P":
                    pid = int(rest)
                elif kind == "E":
                    edits += 1
                    record(rest)
                    if by_count and edits >= want_edits and deadline is None:
                        # a few ms more: the kill may land inside the next edit's commit
                        deadline = time.monotonic() + rng.uniform(0.0, max_delay / 10)
                elif kind == "F":
                    result.writer_failures.append(rest)
                elif kind == "X":
                    gone = True
                    break
            if not gone:
                assert pid is not None
                os.kill(pid, signal.SIGKILL)
                result.kills += 1
                result.killed_before_first_edit += int(edits == 0)
                # drain until the zygote has reaped it; edits reported before the kill count
                while True:
                    line = zyg.read_line(30)
                    if line is None:
                        raise RuntimeError("the killed writer was not reaped")
                    kind, _, rest = line.partition(" ")
                    if kind == "E":
                        record(rest)
                    elif kind == "F":
                        result.writer_failures.append(rest)
                    elif kind == "X":
                        break
            try:
                result.lost += _check(db_path, adds, last_set)
            except Exception as exc:  # noqa: BLE001 - counted, and the run goes on
                result.integrity_failures += 1
                result.writer_failures.append(f"check after round {round_no}: {exc}")
            if gone:
                break  # the writer died on its own (a writer failure): no point going on
    finally:
        zyg.close()
    result.seconds = time.monotonic() - start
    return result


def prepare(db_path: Path) -> None:
    """A dossier holding the demo portfolio (settings kept out of the user's own)."""
    from kamdesk.core import demo
    from kamdesk.core.storage.db import Database

    with Database.open(db_path) as db:
        demo.load_demo(db)


def summary(result: Result) -> str:
    return (
        f"kill test: {result.committed} edits committed, {result.kills} kills "
        f"({result.killed_before_first_edit} before the first edit), "
        f"{result.lost} edits lost, {result.integrity_failures} integrity failures, "
        f"{len(result.writer_failures)} writer failures, {result.seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zygote", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=0.5)
    args = parser.parse_args()
    if args.zygote:
        zygote(args.zygote)
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KAMDESK_CONFIG"] = str(Path(tmp) / "settings.toml")
        db_path = Path(tmp) / "crash.db"
        prepare(db_path)
        result = run(db_path, args.kills, args.seed, args.max_delay)
        print(summary(result))
        for failure in result.writer_failures[:10]:
            print(f"  {failure}")
        if result.lost or result.integrity_failures or result.writer_failures:
            sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
