"""Saving like a desktop app: the dialog first (in the last folder, default Documents, with a
name from titles), then the render, then "Saved <name>" with Open and Show in folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from kamdesk.gui import saving
from kamdesk.gui.dialogs.override import OverrideDialog
from kamdesk.gui.workers import TaskHandle

READY = "pomorze-tender-2027"
NOT_READY = "patika-q1-listing"
POMORSKA = "Pomorska Grupa Szpitalna S.A."


@pytest.fixture(autouse=True)
def _no_last_folder() -> None:
    """QSettings is one file for the whole test run: start each test with no folder kept."""
    QSettings().remove(saving.LAST_FOLDER_KEY)


class Dialogs:
    """Stands in for the user at the save dialog: records what it was opened with, and what
    the workspace had done by then, and answers with ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Path | None) -> None:
        self.answer = answer
        self.asked: list[str] = []
        self.rendered_before: list[bool] = []
        self.workspace: Any = None
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._ask)

    def _ask(self, _parent: object, _title: str, start: str, _filters: str) -> tuple[str, str]:
        self.asked.append(start)
        if self.workspace is not None:
            self.rendered_before.append(hasattr(self.workspace, "last_pdf"))
        return (str(self.answer), "") if self.answer is not None else ("", "")


def test_the_brief_asks_where_first_then_renders_and_says_where_it_went(
    qtbot, demo_window, tmp_path: Path, monkeypatch
) -> None:
    window = demo_window(POMORSKA)
    ws = window.open_meeting(READY)
    dialogs = Dialogs(monkeypatch, None)
    dialogs.workspace = ws
    qtbot.mouseClick(ws.save_button, Qt.MouseButton.LeftButton)  # the user cancels the dialog
    assert dialogs.rendered_before == [False] and not hasattr(ws, "last_pdf")  # no render

    target = tmp_path / "out" / "chosen.pdf"
    target.parent.mkdir()
    dialogs.answer = target
    with qtbot.waitSignal(ws.sig_brief_done, timeout=60000):
        qtbot.mouseClick(ws.save_button, Qt.MouseButton.LeftButton)
    assert dialogs.rendered_before == [False, False]  # the dialog came before the render
    suggested = Path(dialogs.asked[-1]).name
    # titles, not keys; the ":" of "Negotiation round: …" is not a file-name character
    assert suggested == (
        "Pomorska Grupa Szpitalna S.A. – Negotiation round- 2027–2031 laboratory framework "
        "tender – brief.pdf"
    )
    assert target.read_bytes().startswith(b"%PDF")
    notice = window.statusBar().findChild(saving.SavedNotice)
    assert notice is not None and notice.isVisible()
    assert notice.label.text() == "Saved chosen.pdf"
    assert notice.label.textFormat() is Qt.TextFormat.PlainText


def test_the_dialog_opens_in_documents_then_in_the_last_folder_used(
    qtbot, demo_window, tmp_path: Path, monkeypatch
) -> None:
    documents = Path.home() / "Documents"
    documents.mkdir()
    window = demo_window(POMORSKA)
    dialogs = Dialogs(monkeypatch, None)
    window.ask_dossier()  # cancelled: nothing made
    assert Path(dialogs.asked[0]) == documents / f"{POMORSKA} – dossier.pdf"

    elsewhere = tmp_path / "reports"
    elsewhere.mkdir()
    dialogs.answer = elsewhere / "mine.pdf"
    with qtbot.waitSignal(window.sig_dossier_saved, timeout=60000):
        window.ask_dossier()
    assert (elsewhere / "mine.pdf").read_bytes().startswith(b"%PDF")
    window.portfolio_view = None
    view = window.open_portfolio()
    dialogs.answer = None
    view.ask_report()
    assert Path(dialogs.asked[-1]) == elsewhere / "Portfolio report.pdf"  # remembered


def test_without_a_documents_folder_the_dialog_opens_at_home(
    qtbot, demo_window, monkeypatch
) -> None:
    assert not (Path.home() / "Documents").exists()
    window = demo_window(POMORSKA)
    dialogs = Dialogs(monkeypatch, None)
    window.ask_dossier()
    assert Path(dialogs.asked[0]).parent == Path.home()


def test_the_saved_notice_opens_the_file_and_its_folder(
    qtbot, demo_window, tmp_path: Path, monkeypatch
) -> None:
    window = demo_window(POMORSKA)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    target = tmp_path / "Pomorska – notes.md"
    Dialogs(monkeypatch, target)
    window.tabs.setCurrentWidget(window.notes)
    window.notes.ask_export()
    assert target.exists()
    notice = window.statusBar().findChild(saving.SavedNotice)
    assert notice is not None and notice.label.text() == "Saved Pomorska – notes.md"
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(notice.folder_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(target), str(tmp_path)]
    assert notice.open_button.text() == "Open" and notice.folder_button.text() == "Show in folder"


def _answer_override(seen: dict[str, str]) -> Callable[[], None]:
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, OverrideDialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["button"] = ok.text()
        dialog.reject()

    return answer


def test_the_override_dialog_says_save_when_saving_and_print_when_printing(
    qtbot, demo_window, monkeypatch
) -> None:
    window = demo_window(None)
    ws = window.open_meeting(NOT_READY)
    assert ws.report is not None and not ws.report.ready
    dialogs = Dialogs(monkeypatch, None)
    seen: dict[str, str] = {}
    QTimer.singleShot(0, _answer_override(seen))
    qtbot.mouseClick(ws.save_button, Qt.MouseButton.LeftButton)
    assert seen == {"button": "Save anyway"}
    assert dialogs.asked == []  # turned down: not even the file dialog
    QTimer.singleShot(0, _answer_override(seen))
    ws.render_brief("print")
    assert seen == {"button": "Print anyway"}
    assert not hasattr(ws, "last_pdf")


class HeldRunner:
    """Runs nothing until told: what a slow render looks like to the window."""

    def __init__(self) -> None:
        self.pending: list[tuple[Callable[[], Any], Callable[[Any], None], TaskHandle]] = []

    def run(self, fn, on_done, on_failed) -> TaskHandle:  # type: ignore[no-untyped-def]
        handle = TaskHandle()
        self.pending.append((fn, on_done, handle))
        return handle

    def finish_all(self) -> None:
        for fn, on_done, handle in self.pending:
            result = fn()
            handle.finished = True
            if not handle.cancelled:
                on_done(result)

    def wait(self, msecs: int = 0) -> bool:
        return True

    def render_pdf(self, html: str) -> bytes:
        return b"%PDF-1.7 made from " + str(len(html)).encode()


def test_cancelling_the_progress_dialog_writes_nothing(qtbot, demo_window, tmp_path: Path) -> None:
    window = demo_window(POMORSKA)
    window.runner = runner = HeldRunner()
    target = tmp_path / "never.pdf"
    window.save_dossier(window.current_client_key(), target)
    assert not window.dossier_action.isEnabled()
    progress = window.dossier_progress
    qtbot.waitUntil(progress.isVisible)  # shown while the render runs
    qtbot.mouseClick(
        progress.findChild(type(window.new_meeting_button)), Qt.MouseButton.LeftButton
    )  # its Cancel button
    assert window.dossier_action.isEnabled() and not progress.isVisible()
    runner.finish_all()  # the render ends after all
    assert not target.exists()
    assert window.statusBar().findChild(saving.SavedNotice) is None
