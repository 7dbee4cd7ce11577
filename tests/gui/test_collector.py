"""The garbage collector's full pass waits until nobody is working."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from kamdesk.gui import collector


def test_tune_makes_full_collections_rare() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's default
        collector.tune()
        young, middle, full = gc.get_threshold()
        assert (young, middle) == (700, 10)  # the young ones as usual
        assert full >= 100 * 10  # full collections a hundred times rarer
    finally:
        gc.set_threshold(*before)


def test_input_puts_the_full_collection_off(qtbot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    box = QLineEdit()
    qtbot.addWidget(box)
    box.show()
    idle = collector.IdleCollector(app, idle_ms=5000)
    try:
        qtbot.wait(400)
        waited = idle.timer.remainingTime()
        assert 0 < waited < 5000  # some of the stretch has passed
        qtbot.keyClick(box, Qt.Key.Key_A)  # the KAM types: the idle stretch starts again
        assert idle.timer.remainingTime() > waited
        assert idle.collections == 0
    finally:
        app.removeEventFilter(idle)
        idle.deleteLater()


def test_a_full_collection_comes_once_per_idle_stretch(qtbot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    idle = collector.IdleCollector(app, idle_ms=200)
    try:
        full_before = gc.get_stats()[2]["collections"]
        qtbot.waitUntil(lambda: idle.collections == 1, timeout=5000)
        assert gc.get_stats()[2]["collections"] > full_before  # a full one, generation 2
        qtbot.wait(600)
        assert idle.collections == 1  # not again until new input and another idle stretch
    finally:
        app.removeEventFilter(idle)
        idle.deleteLater()
