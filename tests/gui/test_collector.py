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


def test_a_full_collection_comes_after_an_idle_stretch_not_while_typing(qtbot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    box = QLineEdit()
    qtbot.addWidget(box)
    box.show()
    idle = collector.IdleCollector(app, idle_ms=300)
    try:
        full_before = gc.get_stats()[2]["collections"]
        for _ in range(6):  # typing: each key puts the collection off again
            qtbot.keyClick(box, Qt.Key.Key_A)
            qtbot.wait(100)
        assert idle.collections == 0
        qtbot.waitUntil(lambda: idle.collections == 1, timeout=3000)
        assert gc.get_stats()[2]["collections"] > full_before  # a full one, generation 2
        qtbot.wait(600)
        assert idle.collections == 1  # once per idle stretch, not every 300 ms
    finally:
        app.removeEventFilter(idle)
        idle.deleteLater()
