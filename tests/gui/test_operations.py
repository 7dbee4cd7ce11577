"""The GUI's operation layer: work on the runner, results on the GUI thread, one failure dialog
that says our sentence or points at a crash log (never a message that may hold personal data),
and the one way a view makes a PDF file."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kamdesk.core.errors import KamdeskError
from kamdesk.gui import operations
from kamdesk.gui.workers import SyncRunner, TaskRunner

SECRET = "Łukasz Wróbel, +48 600 100 200"  # what an exception's message may carry


def read_next_box(seen: list[str]) -> None:
    """Read the next message box's title and text into ``seen``, then close it with OK."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.extend([box.windowTitle(), box.text()])
        box.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)


def boom() -> None:
    raise ValueError(SECRET)


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_a_result_comes_back_to_on_done(qtbot, parent: QWidget) -> None:
    got: list[int] = []
    operations.run(parent, SyncRunner(), lambda: 6 * 7, got.append)
    assert got == [42]


def test_work_runs_on_the_pool_and_its_result_comes_back_on_the_gui_thread(qtbot, parent) -> None:
    runner = TaskRunner(parent)
    gui = QThread.currentThread()
    threads: dict[str, QThread] = {}

    def work() -> int:
        threads["work"] = QThread.currentThread()
        return 1

    operations.run(parent, runner, work, lambda _r: threads.setdefault("done", gui.currentThread()))
    qtbot.waitUntil(lambda: "done" in threads, timeout=5000)
    assert threads["work"] is not gui and threads["done"] is gui
    assert runner.wait(5000)


def test_our_own_error_is_shown_as_its_sentence(qtbot, parent: QWidget) -> None:
    seen: list[str] = []
    read_next_box(seen)

    def refuse() -> None:
        raise KamdeskError("The file /tmp/x.pdf is the dossier itself; choose another name.")

    operations.run(parent, SyncRunner(), refuse, lambda _r: None, failure_title="Not saved")
    assert seen == ["Not saved", "The file /tmp/x.pdf is the dossier itself; choose another name."]


def test_an_unexpected_error_writes_a_crash_log_and_shows_no_personal_data(
    qtbot, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAMDESK_CRASH_DIR", str(tmp_path / "crashes"))
    seen: list[str] = []
    read_next_box(seen)
    operations.run(parent, SyncRunner(), boom, lambda _r: None, failure_title="Not done")
    title, text = seen
    assert title == "Not done"
    assert "Wróbel" not in text and "600" not in text
    assert "ValueError at " in text  # what, and where in our code
    (log,) = (tmp_path / "crashes").glob("crash-*.log")
    assert str(log) in text
    assert "Wróbel" not in log.read_text("utf-8")


def test_an_own_failure_handler_replaces_the_dialog(qtbot, parent: QWidget) -> None:
    failures: list[BaseException] = []
    operations.run(parent, SyncRunner(), boom, lambda _r: None, failures.append)
    assert [type(f) for f in failures] == [ValueError]
    assert QApplication.activeModalWidget() is None


def test_save_pdf_writes_a_real_pdf_and_reports_its_path(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "Wisła – brief.pdf"
    written: list[Path] = []
    failures: list[BaseException] = []
    html = "<html><body><h1>Zażółć gęślą jaźń</h1></body></html>"
    operations.save_pdf(SyncRunner(), lambda: html, path, written.append, failures.append)
    assert failures == [] and written == [path]
    text = pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    assert "Zażółć gęślą jaźń" in text


def test_save_pdf_leaves_nothing_when_the_html_cannot_be_built(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "brief.pdf"
    failures: list[BaseException] = []

    def no_html() -> str:
        raise KamdeskError("The meeting is gone.")

    operations.save_pdf(SyncRunner(), no_html, path, lambda _p: None, failures.append)
    assert [str(f) for f in failures] == ["The meeting is gone."]
    assert list(tmp_path.iterdir()) == []
