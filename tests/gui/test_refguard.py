"""PySide6 6.12.0 on CPython 3.11 loses a reference to None on each call returning nothing
and to True on each Signal.emit; kamdesk.gui makes the three singletons immortal first, so a
long session never aborts with "deallocating None"."""

from __future__ import annotations

import subprocess
import sys

import PySide6
import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from kamdesk.gui import refguard

AFFECTED = refguard.affected(PySide6.__version__)

LOSSES = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
class Emitter(QObject):
    fired = Signal()
emitter, label = Emitter(), QLabel()
none, true = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(100):
    label.setText("x")
    emitter.fired.emit()
print(none - sys.getrefcount(None), true - sys.getrefcount(True))
os._exit(0)  # no finalization: the counts are already off
"""


@pytest.mark.skipif(not AFFECTED, reason="this PySide6 and Python do not lose references")
def test_the_bug_is_real_without_the_guard() -> None:
    out = subprocess.run([sys.executable, "-c", LOSSES], capture_output=True, text=True, check=True)
    lost_none, lost_true = (int(x) for x in out.stdout.split())
    assert lost_none >= 100 and lost_true >= 100  # one each per call


class _Emitter(QObject):
    fired = Signal()


def test_none_true_and_false_stay_out_of_reach(qapp) -> None:
    if not AFFECTED:
        assert not refguard.immortalize()  # nothing to do, nothing done
        return
    for obj in (None, True, False):
        assert sys.getrefcount(obj) >= refguard.IMMORTAL
    label, emitter = QLabel(), _Emitter()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(10_000):
        label.setText("x")
        emitter.fired.emit()
    assert sys.getrefcount(None) > refguard.IMMORTAL and sys.getrefcount(True) > refguard.IMMORTAL
    assert before[0] - sys.getrefcount(None) < 10**6  # lost, but 2**40 is far away
    assert refguard.immortalize()  # again: idempotent, no second raise
    assert sys.getrefcount(None) < 2 * refguard.IMMORTAL
